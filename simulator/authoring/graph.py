"""A scenario's states and moves as a graph: Mermaid or Graphviz DOT text, SVG through `dot`."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field

from simulator.errors import HuikuanError, Problem
from simulator.format.labels import OUTCOME_LABELS
from simulator.format.model import Outcome, OutcomeKind, Scenario

ANY, START = "__any", "__start"
# Fill and border per ending: good endings green, broken ones red, the rest neutral.
COLOURS: dict[OutcomeKind, tuple[str, str]] = {
    OutcomeKind.FULL_RECOVERY: ("#b7e1a1", "#3f7d20"),
    OutcomeKind.INSTALLMENT_AGREEMENT: ("#d9f0c8", "#5b8f3a"),
    OutcomeKind.PARTIAL_RECOVERY: ("#fff1a8", "#a08a00"),
    OutcomeKind.LEGAL_ROUTE: ("#fcd9b6", "#b35c00"),
    OutcomeKind.RELATIONSHIP_BROKEN: ("#f6b3b3", "#a32020"),
    OutcomeKind.WRITTEN_OFF: ("#dddddd", "#666666"),
    OutcomeKind.DEADLINE_PASSED: ("#e8e8e8", "#888888"),
}
WORDS = {
    "zh": {"any": "任意状态\n（没有专门反应时）", "start": "开始"},
    "en": {"any": "any state\n(without its own reaction)", "start": "start"},
}
INSTALL_HINT = (
    "install Graphviz (Debian/Ubuntu: sudo apt install graphviz; macOS: brew install graphviz; "
    "Windows: winget install graphviz), or use --format dot or mermaid"
)


@dataclass(frozen=True)
class Node:
    id: str
    label: str
    kind: OutcomeKind | None = None


@dataclass
class Graph:
    """States, the 'any state' node when there are anywhere reactions, and merged edges."""

    title: str
    start: str
    nodes: list[Node] = field(default_factory=list)
    # (from, to) -> tactic names, in palette order; one edge per pair however many tactics.
    edges: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    def add(self, source: str, target: str, name: str) -> None:
        names = self.edges.setdefault((source, target), [])
        if name not in names:
            names.append(name)


def build(scenario: Scenario, lang: str = "zh") -> Graph:
    """The graph of `scenario`, labelled in `lang` (zh or en)."""
    graph = Graph(scenario.meta.title.get(lang), scenario.start)
    for sid, state in scenario.states.items():
        label = (
            sid if state.outcome is None else f"{sid}\n{OUTCOME_LABELS[state.outcome].get(lang)}"
        )
        graph.nodes.append(Node(sid, label, state.outcome))
    if scenario.anywhere:
        graph.nodes.append(Node(ANY, WORDS[lang]["any"]))
    order = list(scenario.tactics)
    reactions: list[tuple[str, str, tuple[Outcome, ...]]] = [
        (sid, tid, outcomes) for sid, s in scenario.states.items() for tid, outcomes in s.on.items()
    ]
    reactions += [(ANY, tid, outcomes) for tid, outcomes in scenario.anywhere.items()]
    for source, tid, outcomes in sorted(reactions, key=lambda r: order.index(r[1])):
        name = scenario.tactics[tid].name.get(lang)
        for outcome in outcomes:
            graph.add(source, outcome.to or source, name)
    return graph


def to_mermaid(graph: Graph, lang: str = "zh") -> str:
    """Mermaid flowchart text (paste into Markdown between ```mermaid fences)."""
    words = WORDS[lang]
    ids = {node.id: f"s_{node.id}" for node in graph.nodes} | {ANY: "ANY", START: "START"}
    lines = ["flowchart LR", f"  %% {_mermaid(graph.title)}"]
    lines.append(f'  START(("{_mermaid(words["start"])}")) --> {ids[graph.start]}')
    for node in graph.nodes:
        label = _mermaid(node.label)
        if node.id == ANY:
            lines.append(f'  ANY{{{{"{label}"}}}}:::anywhere')
        elif node.kind is not None:
            lines.append(f'  {ids[node.id]}(["{label}"]):::{node.kind.value}')
        else:
            lines.append(f'  {ids[node.id]}["{label}"]')
    for (source, target), names in _ordered(graph):
        arrow = "-.->" if source == ANY else "-->"
        label = "<br/>".join(_mermaid(n) for n in names)
        lines.append(f'  {ids[source]} {arrow}|"{label}"| {ids[target]}')
    for kind, (fill, stroke) in COLOURS.items():
        lines.append(f"  classDef {kind.value} fill:{fill},stroke:{stroke},stroke-width:2px")
    lines.append("  classDef anywhere fill:#eef3ff,stroke:#6078b0,stroke-dasharray:4 3")
    return "\n".join(lines) + "\n"


def to_dot(graph: Graph, lang: str = "zh") -> str:
    """Graphviz DOT text; `dot -Tsvg` draws it."""
    font = "Noto Sans CJK SC,Source Han Sans SC,Microsoft YaHei,PingFang SC,sans-serif"
    lines = [
        f"digraph {_dot(graph.title)} {{",
        f"  graph [rankdir=LR, label={_dot(graph.title)}, labelloc=t, fontname={_dot(font)}];",
        f'  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname={_dot(font)}];',
        f"  edge [fontname={_dot(font)}, fontsize=10];",
        f"  {_dot(START)} [shape=circle, label={_dot(WORDS[lang]['start'])}, fontsize=9];",
        f"  {_dot(START)} -> {_dot(graph.start)};",
    ]
    for node in graph.nodes:
        attrs = [f"label={_dot(node.label)}"]
        if node.id == ANY:
            attrs += ["shape=hexagon", 'style="dashed,filled"', 'fillcolor="#eef3ff"']
        elif node.kind is not None:
            fill, stroke = COLOURS[node.kind]
            attrs += ["peripheries=2", f'fillcolor="{fill}"', f'color="{stroke}"']
        lines.append(f"  {_dot(node.id)} [{', '.join(attrs)}];")
    for (source, target), names in _ordered(graph):
        style = ", style=dashed" if source == ANY else ""
        label = _dot("\n".join(names))
        lines.append(f"  {_dot(source)} -> {_dot(target)} [label={label}{style}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _ordered(graph: Graph) -> list[tuple[tuple[str, str], list[str]]]:
    """Edges grouped by where they start, in the order the states were written."""
    rank = {node.id: i for i, node in enumerate(graph.nodes)}
    return sorted(graph.edges.items(), key=lambda e: (rank[e[0][0]], rank[e[0][1]]))


def _mermaid(text: str) -> str:
    """Text safe inside a quoted Mermaid label (entity codes; newlines become <br/>)."""
    for char, code in (("#", "#35;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;")):
        text = text.replace(char, code)
    return text.replace("\n", "<br/>")


def _dot(text: str) -> str:
    """A quoted DOT string."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def find_dot() -> str:
    """The path of Graphviz `dot`, or a one-line error saying how to get it."""
    found = shutil.which("dot")
    if found is None:
        raise HuikuanError(
            Problem("dot", "Graphviz is not on PATH; SVG needs it", hint=INSTALL_HINT)
        )
    return found


def to_svg(dot_text: str, dot: str | None = None) -> str:
    """SVG drawn by Graphviz from DOT text."""
    command = [dot or find_dot(), "-Tsvg"]
    try:
        done = subprocess.run(
            command, input=dot_text.encode("utf-8"), capture_output=True, timeout=120, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise HuikuanError(Problem(command[0], f"could not run Graphviz: {exc}")) from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise HuikuanError(
            Problem(command[0], f"Graphviz failed: {message[0] if message else done.returncode}")
        )
    return done.stdout.decode("utf-8")
