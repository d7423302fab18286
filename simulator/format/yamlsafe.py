"""Strict YAML reading: safe loader, no aliases, no duplicate keys, no tags, bounded depth."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import yaml

from simulator.errors import Problem, ScenarioError

MAX_DEPTH = 40
_VERSION = ("meta", "version")
KeyPath = tuple[str | int, ...]
# No number in a scenario file is larger (money is at most 10^12 yuan); the same bound holds
# for what expressions compute (simulator.format.expressions.NUMBER_LIMIT).
NUMBER_LIMIT = 10**15

# The C parser is ~10x faster; the checks below work on its events and nodes all the same.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STANDARD_TAG_PREFIX = "tag:yaml.org,2002:"
_STR = _STANDARD_TAG_PREFIX + "str"
_NODE_EVENTS = (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent, yaml.AliasEvent)
_ALLOWED_TAGS = {
    _STANDARD_TAG_PREFIX + name for name in ("str", "int", "float", "bool", "null", "map", "seq")
}


@dataclass
class Marks:
    """Where each value (and each mapping key) stands in the file, by key path."""

    values: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    keys: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)

    def at(self, path: KeyPath) -> tuple[int | None, int | None]:
        """The line and column of the deepest known part of `path` (1-based)."""
        for end in range(len(path), -1, -1):
            sub = path[:end]
            found = self.keys.get(sub) or self.values.get(sub)
            if found:
                return found
        return None, None


def format_path(path: KeyPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _fail(source: str, mark: Any, message: str, hint: str = "") -> ScenarioError:
    line = mark.line + 1 if mark is not None else None
    column = mark.column + 1 if mark is not None else None
    return ScenarioError(Problem(source, message, line, column, hint=hint))


class _Builder:
    """Builds plain values straight from parser events, checking each as it comes."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.marks = Marks()
        self.scalars = yaml.constructor.SafeConstructor()
        self.resolver = yaml.resolver.Resolver()

    def refuse(self, event: Any) -> None:
        """Anchors, aliases and tags are refused before any value is made from them."""
        if isinstance(event, yaml.AliasEvent):
            raise _fail(
                self.source,
                event.start_mark,
                f"YAML alias '*{event.anchor}' is not allowed",
                "write the value out in full; aliases are refused because they allow alias bombs",
            )
        if event.anchor is not None:
            raise _fail(
                self.source,
                event.start_mark,
                f"YAML anchor '&{event.anchor}' is not allowed",
                "remove the anchor and write values out in full",
            )
        # The parser reports a tag only when the file spells one out.
        if event.tag is not None and event.tag not in _ALLOWED_TAGS:
            raise _fail(
                self.source,
                event.start_mark,
                f"YAML tag '{event.tag}' is not allowed",
                "scenario files hold plain data; remove the tag",
            )

    def scalar(self, event: Any) -> Any:
        tag = event.tag or self.resolver.resolve(  # type: ignore[no-untyped-call]
            yaml.ScalarNode, event.value, event.implicit
        )
        if tag == _STR:
            return event.value
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        return self.scalars.construct_object(node)

    def key(self, event: Any, mapping: dict[Any, Any]) -> str | int:
        if type(event) is not yaml.ScalarEvent:
            raise _fail(self.source, event.start_mark, "a mapping key must be plain text")
        raw = self.scalar(event)
        if isinstance(raw, bool) or raw is None:
            raw = event.value
        key: str | int = raw if isinstance(raw, str | int) else str(raw)
        if key in mapping:
            raise _fail(
                self.source,
                event.start_mark,
                f"duplicate key '{key}'",
                "each key may appear once in a mapping",
            )
        return key

    def build(self, events: Any) -> Any:
        """The single document in `events` as plain data (None when there is none)."""
        # Each open collection: [container, its path, the key awaiting its value].
        stack: list[list[Any]] = []
        root: Any = None
        documents = 0
        for event in events:
            kind = type(event)
            if kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise _fail(
                        self.source, event.start_mark, "a scenario file holds one YAML document"
                    )
                continue
            if kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                stack.pop()
                continue
            if kind not in _NODE_EVENTS:
                continue
            if kind is yaml.AliasEvent or event.anchor is not None or event.tag is not None:
                self.refuse(event)
            mark = event.start_mark
            if stack:
                parent = stack[-1]
                container = parent[0]
                if type(container) is dict:
                    if parent[2] is None:
                        new_key = parent[2] = self.key(event, container)
                        self.marks.keys[(*parent[1], new_key)] = (mark.line + 1, mark.column + 1)
                        continue
                    path: KeyPath = (*parent[1], parent[2])
                else:
                    path = (*parent[1], len(container))
            else:
                path = ()
            self.marks.values[path] = (mark.line + 1, mark.column + 1)
            value: Any
            if kind is yaml.ScalarEvent:
                # A version is text as written: `version: 1.10` must not become 1.1.
                value = event.value if path == _VERSION else self.scalar(event)
                if type(value) is float and not math.isfinite(value):
                    raise ScenarioError(
                        Problem(
                            self.source,
                            "not a finite number (.nan and .inf are not allowed)",
                            mark.line + 1,
                            mark.column + 1,
                            format_path(path),
                        )
                    )
                # Compared as written: float() of a 400-digit integer raises OverflowError.
                if type(value) in (int, float) and not -NUMBER_LIMIT <= value <= NUMBER_LIMIT:
                    raise ScenarioError(
                        Problem(
                            self.source,
                            f"number out of range: the limit is ±{NUMBER_LIMIT:.0e}",
                            mark.line + 1,
                            mark.column + 1,
                            format_path(path),
                        )
                    )
            else:
                if len(stack) >= MAX_DEPTH:
                    raise _fail(self.source, mark, f"nesting deeper than {MAX_DEPTH} levels")
                value = {} if kind is yaml.MappingStartEvent else []
            if stack:
                parent = stack[-1]
                if type(parent[0]) is dict:
                    parent[0][parent[2]] = value
                    parent[2] = None
                else:
                    parent[0].append(value)
            else:
                root = value
            if kind is not yaml.ScalarEvent:
                stack.append([value, path, None])
        return root


def read_yaml(text: str, source: str) -> tuple[Any, Marks]:
    """Parse `text` strictly; return the plain data and where each part stands."""
    builder = _Builder(source)
    try:
        data = builder.build(yaml.parse(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = exc.problem or exc.context or "invalid YAML"
        if "nesting depth" in message:
            # PyYAML >= 6.0.3 scans a run of '[' ahead of our own depth check and stops at 1000.
            raise _fail(source, mark, f"nesting deeper than {MAX_DEPTH} levels") from None
        raise _fail(source, mark, f"invalid YAML: {message}") from None
    except yaml.YAMLError as exc:
        raise ScenarioError(Problem(source, f"invalid YAML: {exc}")) from None
    if data is None:
        raise ScenarioError(Problem(source, "the file is empty", hint="start from `huikuan new`"))
    return data, builder.marks
