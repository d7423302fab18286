"""Turns msgspec's first validation error into a place in the file and words a trainer reads."""

from __future__ import annotations

import difflib
import enum
import re
import types
import typing
from dataclasses import dataclass
from typing import Any

import msgspec

from simulator.errors import Problem
from simulator.format.model import Scenario
from simulator.format.yamlsafe import KeyPath, Marks, format_path
from simulator.text import decode_hook

# Errors at the top level carry no " - at `$…`" part.
_AT = re.compile(r"(?s)(?P<message>.*?)(?: - at (?P<key>`key` in )?`\$(?P<path>[^`]*)`)?")
_STEP = re.compile(r"\.(\w+)|\[(\d+)\]|\[\.\.\.\]")
_UNKNOWN = re.compile(r"Object contains unknown field `(.*)`")
_EXPECTED = re.compile(r"Expected `(?P<kinds>[^`]+)`(?P<rest>.*)")
_TYPE_WORDS = {
    "int": "an integer",
    "float": "a number",
    "str": "text",
    "bool": "true or false",
    "object": "a mapping",
    "array": "a list",
    "null": "nothing",
}
_PATTERN_WORDS = {
    "^[a-z][a-z0-9_]*$": "a name of lowercase letters, digits and _, starting with a letter",
    "^[a-z][a-z0-9_-]*$": "an id of lowercase letters, digits, _ and -, starting with a letter",
    "^S-[A-Z0-9-]+$": "a syllabus topic such as S-CONDUCT",
}


@dataclass(frozen=True)
class Located:
    """msgspec's message, the key path it is about, and the type expected there."""

    message: str
    path: KeyPath
    kind: Any
    on_key: bool


def validation_problem(
    exc: msgspec.ValidationError, raw: Any, source: str, marks: Marks
) -> Problem:
    """The one-line problem for msgspec's error while reading `raw` as a Scenario."""
    located = locate(exc, raw, Scenario)
    line, column = marks.at(located.path)
    message, hint = describe(located)
    return Problem(source, message, line, column, format_path(located.path), hint)


def locate(exc: msgspec.ValidationError, raw: Any, kind: Any) -> Located:
    """Follow msgspec's path through `raw`, naming the mapping keys it leaves out as `[...]`."""
    match = _AT.fullmatch(str(exc))
    assert match is not None  # every text matches: the path part is optional
    message, on_key = match["message"], bool(match["key"])
    path: list[str | int] = []
    value = raw
    for step in _STEP.finditer(match["path"] or ""):
        field, index = step.group(1), step.group(2)
        if field is None and index is None:
            # A mapping's value: msgspec stops at the first bad entry, so the first entry that
            # fails on its own is the one, and its own error names the rest of the path.
            entry_kind = _entry_kind(kind, value)
            for key, item in value.items() if isinstance(value, dict) else ():
                try:
                    msgspec.convert(item, entry_kind, dec_hook=decode_hook)
                except msgspec.ValidationError as inner:
                    deeper = locate(inner, item, entry_kind)
                    return Located(
                        deeper.message, (*path, key, *deeper.path), deeper.kind, deeper.on_key
                    )
            return Located(message, tuple(path), kind, on_key)
        part: str | int = field if field is not None else int(index)
        if not _has(value, part):
            break
        kind = _child_kind(kind, value, part)
        value = value[part]
        path.append(part)
    unknown = _UNKNOWN.fullmatch(message)
    if unknown and isinstance(value, dict) and unknown[1] in value:
        # Point at the stray key itself; `kind` stays the mapping's, whose keys the hint lists.
        return Located(message, (*path, unknown[1]), kind, on_key)
    if on_key and isinstance(value, dict):
        key_kind = _key_kind(kind, value)
        for key in value:
            try:
                msgspec.convert(key, key_kind)
            except msgspec.ValidationError:
                return Located(message, (*path, key), key_kind, on_key)
    return Located(message, tuple(path), kind, on_key)


def describe(located: Located) -> tuple[str, str]:
    """The message and hint a trainer reads for one located error."""
    message = located.message
    unknown = _UNKNOWN.fullmatch(message)
    if unknown:
        key = unknown[1]
        allowed = _field_names(located.kind)
        close = difflib.get_close_matches(key, allowed, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"allowed: {', '.join(allowed)}"
        return f"unknown key '{key}'", hint
    missing = re.fullmatch(r"Object missing required field `(.*)`", message)
    if missing:
        return f"missing required key '{missing[1]}'", ""
    bad_value = re.fullmatch(r"Invalid enum value (.*)", message)
    if bad_value:
        allowed = _allowed_values(located.kind)
        what = "key" if located.on_key else "value"
        return f"{bad_value[1]} is not an allowed {what}", f"allowed: {', '.join(allowed)}"
    expected = _EXPECTED.fullmatch(message)
    pattern = expected and re.fullmatch(r" matching regex '(.*)'", expected["rest"])
    if pattern:
        return "not " + _PATTERN_WORDS.get(pattern[1], f"text matching {pattern[1]}"), ""
    if expected:
        return "expected " + _kind_words(expected["kinds"]) + _rest_words(expected["rest"]), ""
    return message, ""


def _kind_words(kinds: str) -> str:
    names = [name.strip() for name in kinds.split("|")]
    if "int" in names and "float" in names:
        names.remove("int")
    return " or ".join(_TYPE_WORDS.get(name, name) for name in names)


def _rest_words(rest: str) -> str:
    got = re.fullmatch(r", got `([^`]+)`", rest)
    if got:
        return ", got " + _kind_words(got[1])
    return rest


# --- walking the model types alongside the data ------------------------------------------------


def _has(value: Any, part: str | int) -> bool:
    if isinstance(value, dict):
        return part in value
    return isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value)


def _options(kind: Any) -> list[Any]:
    """The plain types a (possibly Annotated, possibly union) annotation stands for."""
    origin = typing.get_origin(kind)
    if origin is typing.Annotated:
        return _options(typing.get_args(kind)[0])
    if origin in (typing.Union, types.UnionType):
        return [option for arg in typing.get_args(kind) for option in _options(arg)]
    return [kind]


def _shaped(kind: Any, value: Any) -> Any:
    """The option of `kind` that data shaped like `value` (a mapping, a list) was read as."""
    for option in _options(kind):
        is_struct = isinstance(option, type) and issubclass(option, msgspec.Struct)
        origin = typing.get_origin(option)
        if isinstance(value, dict) and (is_struct or origin is dict):
            return option
        if isinstance(value, list) and origin is tuple:
            return option
    return None


def _struct_fields(kind: Any) -> dict[str, Any]:
    if isinstance(kind, type) and issubclass(kind, msgspec.Struct):
        return {f.encode_name: f.type for f in msgspec.structs.fields(kind)}
    return {}


def _field_names(kind: Any) -> list[str]:
    """The keys a mapping read as `kind` may hold."""
    return sorted(_struct_fields(_shaped(kind, {})))


def _child_kind(kind: Any, value: Any, part: str | int) -> Any:
    option = _shaped(kind, value)
    fields = _struct_fields(option)
    if fields:
        return fields.get(str(part))
    origin = typing.get_origin(option)
    args = typing.get_args(option)
    if origin is dict:
        return args[1]
    if origin is tuple and isinstance(part, int):
        return args[0] if len(args) == 2 and args[1] is Ellipsis else args[min(part, len(args) - 1)]
    return None


def _entry_kind(kind: Any, value: Any) -> Any:
    args = typing.get_args(_shaped(kind, value))
    return args[1] if len(args) == 2 else Any


def _key_kind(kind: Any, value: Any) -> Any:
    args = typing.get_args(_shaped(kind, value))
    return args[0] if len(args) == 2 else Any


def _allowed_values(kind: Any) -> list[str]:
    found: list[str] = []
    for option in _options(kind):
        if isinstance(option, type) and issubclass(option, enum.Enum):
            found += [str(member.value) for member in option]
        elif typing.get_origin(option) is typing.Literal:
            found += [str(arg) for arg in typing.get_args(option)]
    return found
