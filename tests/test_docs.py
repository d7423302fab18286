"""The trainer's guides (docs/scenario-format.md and its Chinese twin) cannot drift from the code.

For each guide:
- every ```yaml block marked `<!-- complete-scenario -->` loads, lints without errors and
  passes its own scripted tests;
- every key of every model and every fixed word of the format is named in the guide;
- the load errors it quotes under `<!-- real-errors -->` are exactly what the loader prints;
- the default score weights it tabulates under `<!-- default-weights -->` are the code's;
- the lint codes it lists under `<!-- lint-codes -->` are the linter's.
And the Chinese guide keeps up with the English one: its examples are Chinese, and it quotes
every key, command and message (every `code span`) the English guide quotes.
"""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path

import msgspec
import pytest

from simulator.authoring.scripted import run_tests
from simulator.errors import ScenarioError
from simulator.format import model
from simulator.format.loader import LoadedScenario, load_scenario, load_text

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "scenario-format.md"
DOC_ZH = ROOT / "docs" / "scenario-format.zh.md"
DOCS = [DOC, DOC_ZH]
COMPLETE = "<!-- complete-scenario -->"
REAL_ERRORS = "<!-- real-errors -->"
DEFAULT_WEIGHTS = "<!-- default-weights -->"
LINT_CODES = "<!-- lint-codes -->"

each_guide = pytest.mark.parametrize("doc", DOCS, ids=[d.name for d in DOCS])


def _lines(doc: Path) -> list[str]:
    return doc.read_text(encoding="utf-8").splitlines()


def _after(doc: Path, marker: str) -> list[tuple[int, list[str]]]:
    """For each `marker` line: the 1-based line number where what follows starts, and the lines
    of the fenced block (without its fences) or of the table right after it."""
    lines = _lines(doc)
    found = []
    for index, line in enumerate(lines):
        if line.strip() != marker:
            continue
        start = index + 1
        while start < len(lines) and not lines[start].strip():
            start += 1
        assert start < len(lines), f"{doc.name}:{index + 1}: {marker} is followed by nothing"
        if lines[start].startswith("```"):
            end = start + 1
            while end < len(lines) and lines[end].strip() != "```":
                end += 1
            assert end < len(lines), f"{doc.name}:{start + 1}: unclosed code block"
            found.append((start + 2, [lines[start], *lines[start + 1 : end]]))
        else:
            end = start
            while end < len(lines) and lines[end].startswith("|"):
                end += 1
            found.append((start + 1, lines[start:end]))
    return found


def _complete_blocks(doc: Path) -> list[tuple[Path, int, str]]:
    blocks = []
    for first, lines in _after(doc, COMPLETE):
        fence, body = lines[0], lines[1:]
        assert fence.strip() == "```yaml", (
            f"{doc.name}:{first - 1}: {COMPLETE} must be followed by a ```yaml block"
        )
        blocks.append((doc, first, "\n".join(body) + "\n"))
    return blocks


BLOCKS = [block for doc in DOCS for block in _complete_blocks(doc)]
each_block = pytest.mark.parametrize(
    ("doc", "first", "text"), BLOCKS, ids=[f"{d.name}:line{f}" for d, f, _ in BLOCKS]
)


def _load(doc: Path, first: int, text: str) -> LoadedScenario:
    # Pad with blank lines so an error names the line of the guide itself.
    return load_text("\n" * (first - 1) + text, str(doc))


@each_guide
def test_the_guide_has_complete_examples(doc: Path) -> None:
    assert len(_complete_blocks(doc)) >= 2, f"expected at least two {COMPLETE} blocks in {doc}"


@each_block
def test_complete_example_loads(doc: Path, first: int, text: str) -> None:
    loaded = _load(doc, first, text)
    assert loaded.scenario.states
    assert text.startswith("# yaml-language-server: $schema=../docs/scenario.schema.json\n")


@each_block
def test_complete_example_passes_its_scripted_tests(doc: Path, first: int, text: str) -> None:
    loaded = _load(doc, first, text)
    assert loaded.scenario.tests, "a complete example should show scripted tests"
    failures = [f"{r.name}: {'; '.join(r.failures)}" for r in run_tests(loaded) if not r.passed]
    assert not failures, failures


@each_block
def test_complete_example_lints_without_errors(doc: Path, first: int, text: str) -> None:
    lint = pytest.importorskip("simulator.authoring.lint")
    errors = [str(f) for f in lint.lint(_load(doc, first, text)) if f.severity == "error"]
    assert not errors, errors


def _models() -> list[type[msgspec.Struct]]:
    found: list[type[msgspec.Struct]] = []
    todo: list[type[msgspec.Struct]] = [model.Scenario]
    while todo:
        current = todo.pop()
        if current in found:
            continue
        found.append(current)
        for field in msgspec.structs.fields(current):
            text = repr(field.type)
            for name in dir(model):
                candidate = getattr(model, name)
                if (
                    isinstance(candidate, type)
                    and issubclass(candidate, msgspec.Struct)
                    and re.search(rf"\b{name}\b", text)
                ):
                    todo.append(candidate)
    return found


@each_guide
def test_every_key_of_the_format_is_named(doc: Path) -> None:
    text = doc.read_text(encoding="utf-8")
    models = _models()
    assert model.Outcome in models and model.Expectation in models
    missing = [
        f"{m.__name__}.{name}"
        for m in models
        for name in m.__struct_fields__
        if f"`{name}`" not in text
    ]
    assert not missing, f"keys {doc.name} does not explain: {missing}"


@each_guide
def test_every_fixed_word_is_named(doc: Path) -> None:
    text = doc.read_text(encoding="utf-8")
    enums: list[type[StrEnum]] = [model.DebtorType, model.OutcomeKind, model.Category]
    missing = [w.value for e in enums for w in e if f"`{w.value}`" not in text]
    assert not missing, f"words {doc.name} does not list: {missing}"


@each_guide
def test_quoted_load_errors_are_the_real_ones(doc: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    blocks = _after(doc, REAL_ERRORS)
    assert blocks, f"no {REAL_ERRORS} block in {doc}"
    quoted = [line for _, lines in blocks for line in lines[1:] if line.strip()]
    assert len(quoted) >= 10
    for line in quoted:
        path = line.split(":", 1)[0]
        with pytest.raises(ScenarioError) as caught:
            load_scenario(path)
        printed = [str(p) for p in caught.value.problems]
        assert line in printed, f"{doc.name} quotes\n  {line}\nbut the loader prints\n  " + (
            "\n  ".join(printed)
        )


def _table(doc: Path, marker: str) -> list[list[str]]:
    blocks = _after(doc, marker)
    assert len(blocks) == 1, f"expected one {marker} table in {doc}"
    rows = [[c.strip().strip("`") for c in row.strip("|").split("|")] for row in blocks[0][1]]
    return [r for r in rows[1:] if not set("".join(r)) <= set("-: ")]


@each_guide
def test_default_weights_table_matches_the_code(doc: Path) -> None:
    rows = {r[0]: [float(x) for x in r[1:]] for r in _table(doc, DEFAULT_WEIGHTS)}
    expected = {
        kind.value: [w.recovery, w.present_value, w.relationship, w.speed]
        for kind, w in model.DEFAULT_WEIGHTS.items()
    }
    assert rows == expected


@each_guide
def test_default_bands_are_stated(doc: Path) -> None:
    text = doc.read_text(encoding="utf-8")
    stated = " ".join(f"**{g}** ≥ {v:g}," for g, v in model.DEFAULT_BANDS.items())
    assert stated.rstrip(",") in text


@each_guide
def test_lint_codes_table_matches_the_linter(doc: Path) -> None:
    lint = pytest.importorskip("simulator.authoring.lint")
    rows = {r[0]: r[1] for r in _table(doc, LINT_CODES)}
    assert rows == {code: severity for code, (severity, _) in lint.CODES.items()}


_CJK = re.compile(r"[\u4e00-\u9fff]")


def test_the_chinese_examples_are_commented_in_chinese() -> None:
    for _, first, text in _complete_blocks(DOC_ZH):
        comments = [line.split("# ", 1)[1] for line in text.splitlines()[1:] if "# " in line]
        english = [c for c in comments if not _CJK.search(c)]
        assert comments and not english, (
            f"{DOC_ZH.name}:{first}: comments not in Chinese: {english}"
        )


def _code_spans(doc: Path) -> set[str]:
    text = re.sub(r"(?ms)^```.*?^```", "", doc.read_text(encoding="utf-8"))
    return {span.strip() for span in re.findall(r"(?<!`)`([^`\n]+)`(?!`)", text)}


def test_the_chinese_guide_quotes_everything_the_english_one_does() -> None:
    # Keys, commands and messages are quoted as the program prints them, in both guides, so a
    # trainer can search for them; a span the English guide gained must reach the Chinese one.
    missing = sorted(_code_spans(DOC) - _code_spans(DOC_ZH))
    assert not missing, f"{DOC_ZH.name} does not quote: {missing}"


def test_both_guides_have_the_same_sections() -> None:
    def outline(doc: Path) -> list[tuple[str, str]]:
        # (level, section number or "" for an unnumbered heading), in order
        return re.findall(r"(?m)^(#{2,3}) (\d+(?:\.\d+)?)?", doc.read_text(encoding="utf-8"))

    assert outline(DOC_ZH) == outline(DOC)


def _anchor(heading: str) -> str:
    # GitHub's rule: lower case, punctuation (also full-width，：（）) dropped, spaces to hyphens.
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


@each_guide
def test_links_within_the_guide_lead_to_a_heading(doc: Path) -> None:
    text = doc.read_text(encoding="utf-8")
    headings = re.findall(r"(?m)^#{1,6} (.*)$", re.sub(r"(?ms)^```.*?^```", "", text))
    anchors = {_anchor(h) for h in headings}
    broken = [link for link in re.findall(r"\]\(#([^)]+)\)", text) if link not in anchors]
    assert not broken, f"{doc.name} links to no heading: {broken}"
