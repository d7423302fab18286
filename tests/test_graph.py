"""`huikuan graph`: Mermaid and DOT text for the small test scenario, SVG through Graphviz."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.authoring.graph import ANY, _dot, _mermaid, build, to_dot, to_mermaid
from simulator.format.loader import load_scenario

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = Path(__file__).parent / "data" / "good" / "minimal.yaml"
BUNDLED = sorted((ROOT / "scenarios").glob("*.yaml"))


def huikuan(*args: str | Path, path: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if path is not None:
        env["PATH"] = path
    return subprocess.run(
        [sys.executable, "-m", "simulator.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )


@pytest.fixture(scope="module")
def mermaid() -> str:
    return to_mermaid(build(load_scenario(MINIMAL).scenario))


@pytest.fixture(scope="module")
def dot() -> str:
    return to_dot(build(load_scenario(MINIMAL).scenario))


# --- Mermaid -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "flowchart LR",
        'START(("开始")) --> s_opening',
        's_opening["opening"]',
        's_explained["explained"]',
        's_paid(["paid<br/>全额回款"]):::full_recovery',
        's_partial(["partial<br/>部分回款"]):::partial_recovery',
        's_court(["court<br/>转入法律程序"]):::legal_route',
        's_opening -->|"了解原因"| s_explained',
        's_explained -->|"直接催款"| s_paid',
        's_explained -->|"直接催款"| s_explained',
        'ANY -.->|"威胁<br/>起诉"| s_court',
        "classDef full_recovery fill:#b7e1a1,stroke:#3f7d20,stroke-width:2px",
    ],
)
def test_mermaid_has_the_nodes_and_edges(mermaid: str, line: str) -> None:
    assert f"  {line}" in mermaid.splitlines() or line in mermaid.splitlines()


def test_mermaid_merges_parallel_edges(mermaid: str) -> None:
    # threaten and sue both lead from anywhere to court: one edge carrying both names.
    assert sum(" s_court" in line and "-.->" in line for line in mermaid.splitlines()) == 1


def test_anywhere_is_one_node_not_an_edge_per_state(mermaid: str) -> None:
    assert mermaid.count("ANY{{") == 1
    assert not any(line.strip().startswith('s_opening -->|"威胁') for line in mermaid.splitlines())


def test_english_labels() -> None:
    text = to_mermaid(build(load_scenario(MINIMAL).scenario, "en"), "en")
    assert 's_opening -->|"Ask why"| s_explained' in text
    assert "paid<br/>Full recovery" in text and "any state" in text


# --- DOT ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        '"__start" -> "opening";',
        '"opening" [label="opening"];',
        '"paid" [label="paid\\n全额回款", peripheries=2, fillcolor="#b7e1a1", color="#3f7d20"];',
        '"opening" -> "explained" [label="了解原因"];',
        '"__any" -> "court" [label="威胁\\n起诉", style=dashed];',
    ],
)
def test_dot_has_the_nodes_and_edges(dot: str, line: str) -> None:
    assert f"  {line}" in dot.splitlines()


def test_dot_is_one_digraph(dot: str) -> None:
    assert dot.startswith('digraph "最小案例" {') and dot.rstrip().endswith("}")


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not installed")
def test_dot_output_parses_with_graphviz(dot: str) -> None:
    done = subprocess.run(["dot", "-Tsvg"], input=dot, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "<svg" in done.stdout and "了解原因" in done.stdout


@pytest.mark.parametrize("path", BUNDLED, ids=[p.stem for p in BUNDLED])
def test_bundled_scenarios_draw_every_state(path: Path) -> None:
    scenario = load_scenario(path).scenario
    graph = build(scenario)
    assert {n.id for n in graph.nodes} - {ANY} == set(scenario.states)
    sources = {source for source, _ in graph.edges}
    assert all(s in sources for s, state in scenario.states.items() if state.on)


def test_labels_are_escaped() -> None:
    assert _dot('a "b"\nc\\') == '"a \\"b\\"\\nc\\\\"'
    assert _mermaid('say "hi" <b> #1\nnext') == "say #quot;hi#quot; #lt;b#gt; #35;1<br/>next"


# --- the command -------------------------------------------------------------------------------


def test_graph_prints_mermaid_by_default() -> None:
    done = huikuan("graph", MINIMAL)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("flowchart LR")


def test_graph_writes_dot_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "minimal.dot"
    done = huikuan("graph", MINIMAL, "--format", "dot", "--lang", "en", "-o", out)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and '"opening" -> "explained" [label="Ask why"];' in out.read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["minimal.dot"]  # no temp file left


def test_svg_without_graphviz_is_exit_2(tmp_path: Path) -> None:
    out = tmp_path / "minimal.svg"
    done = huikuan("graph", MINIMAL, "--format", "svg", "-o", out, path=str(tmp_path))
    assert done.returncode == 2
    assert "apt install graphviz" in done.stderr and "brew install graphviz" in done.stderr
    assert len(done.stderr.splitlines()) == 1 and "Traceback" not in done.stderr
    assert not out.exists()


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not installed")
def test_svg_with_graphviz(tmp_path: Path) -> None:
    out = tmp_path / "minimal.svg"
    done = huikuan("graph", MINIMAL, "--format", "svg", "-o", out)
    assert done.returncode == 0, done.stderr
    assert "<svg" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "args",
    [["nosuch.yaml"], [str(MINIMAL), "--format", "png"], [str(MINIMAL), "-o", "/no/such/dir/x"]],
    ids=["missing", "format", "out-dir"],
)
def test_graph_bad_input_is_exit_2(args: list[str]) -> None:
    done = huikuan("graph", *args)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and len(done.stderr.splitlines()) == 1


def test_graph_help_exits_0() -> None:
    done = huikuan("graph", "--help")
    assert done.returncode == 0 and "usage:" in done.stdout
