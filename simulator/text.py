"""Bilingual text, the one way every layer writes zh and en, and the debtor's replies."""

from __future__ import annotations

from typing import Any


class _Value:
    """An immutable value: set once in __init__, compared, hashed and shown by its slots.

    Not a dataclass on purpose: msgspec builds dataclasses itself, and these two must go
    through the decode hook (a plain string is a Text; a list is a drawn Reply).
    """

    __slots__: tuple[str, ...] = ()

    def __init__(self, **values: object) -> None:
        for name, value in values.items():
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__name__}({shown})"


class Text(_Value):
    """A text in Chinese and English; a plain string in YAML stands for both."""

    __slots__ = ("en", "zh")
    zh: str
    en: str

    def __init__(self, zh: str = "", en: str = "") -> None:
        super().__init__(zh=zh, en=en)

    @classmethod
    def parse(cls, value: object) -> Text:
        """A Text from its YAML form: a plain string, or a mapping of zh and en."""
        if isinstance(value, str):
            text = cls(value, value)
        elif isinstance(value, dict):
            for key, part in value.items():
                if key not in ("zh", "en"):
                    raise ValueError(f"unknown key '{key}' in a text (allowed: zh, en)")
                if not isinstance(part, str):
                    raise TypeError(f"{key}: expected text, got {_kind(part)}")
            text = cls(value.get("zh", ""), value.get("en", ""))
        else:
            raise TypeError(f"expected text or a mapping of zh and en, got {_kind(value)}")
        if not (text.zh or text.en):
            raise ValueError("text needs zh or en")
        return text

    def get(self, lang: str) -> str:
        """The text in `lang`, falling back to the other language."""
        if lang == "en":
            return self.en or self.zh
        return self.zh or self.en

    def as_dict(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en}


class Reply(_Value):
    """What the debtor answers: one text, or a list the engine picks one from per seed."""

    __slots__ = ("drawn", "texts")
    texts: tuple[Text, ...]
    drawn: bool

    def __init__(self, texts: tuple[Text, ...], drawn: bool) -> None:
        super().__init__(texts=texts, drawn=drawn)

    @classmethod
    def parse(cls, value: object) -> Reply:
        if not isinstance(value, list):
            return cls((Text.parse(value),), drawn=False)
        if not value:
            raise ValueError("a list of replies needs at least one text")
        texts = []
        for i, item in enumerate(value):
            try:
                texts.append(Text.parse(item))
            except (TypeError, ValueError) as exc:
                raise type(exc)(f"[{i}]: {exc}") from None
        return cls(tuple(texts), drawn=True)


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "nothing" if value is None else type(value).__name__


def decode_hook(kind: type, value: Any) -> Any:
    """How msgspec builds the two types it does not know: Text and Reply."""
    if kind is Text:
        return Text.parse(value)
    if kind is Reply:
        return Reply.parse(value)
    raise NotImplementedError(f"no decoder for {kind!r}")


def schema_hook(kind: type) -> dict[str, Any]:
    """The JSON Schema of Text and Reply: editors must accept the plain-string shorthand."""
    text = {
        "anyOf": [
            {"type": "string", "minLength": 1},
            {
                "type": "object",
                "properties": {"zh": {"type": "string"}, "en": {"type": "string"}},
                "additionalProperties": False,
                "minProperties": 1,
            },
        ]
    }
    if kind is Text:
        return text
    if kind is Reply:
        return {"anyOf": [text, {"type": "array", "items": text, "minItems": 1}]}
    raise NotImplementedError(f"no schema for {kind!r}")


# Punctuation as each language writes it.
COLON = Text(zh="：", en=": ")
LIST_SEP = Text(zh="、", en=", ")
