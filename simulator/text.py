"""Bilingual texts and the debtor's replies: the scenario types msgspec cannot build alone."""

from __future__ import annotations

from typing import Any


class Text:
    """A text in Chinese and English; a plain string in YAML stands for both."""

    __slots__ = ("en", "zh")
    zh: str
    en: str

    def __init__(self, zh: str = "", en: str = "") -> None:
        object.__setattr__(self, "zh", zh)
        object.__setattr__(self, "en", en)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Text is immutable")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Text) and (self.zh, self.en) == (other.zh, other.en)

    def __hash__(self) -> int:
        return hash((self.zh, self.en))

    def __repr__(self) -> str:
        return f"Text(zh={self.zh!r}, en={self.en!r})"

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


class Reply:
    """What the debtor answers: one text, or a list the engine picks one from per seed."""

    __slots__ = ("drawn", "texts")
    texts: tuple[Text, ...]
    drawn: bool

    def __init__(self, texts: tuple[Text, ...], drawn: bool) -> None:
        object.__setattr__(self, "texts", texts)
        object.__setattr__(self, "drawn", drawn)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Reply is immutable")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Reply) and (self.texts, self.drawn) == (other.texts, other.drawn)

    def __hash__(self) -> int:
        return hash((self.texts, self.drawn))

    def __repr__(self) -> str:
        return f"Reply({self.texts!r}, drawn={self.drawn})"

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
