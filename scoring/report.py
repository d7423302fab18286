"""The cohort report: one self-contained HTML file (inline CSS and SVG, Chinese text)."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape
from typing import Any

from scoring.exports import STATUS_ZH
from scoring.flagnotes import note_zh
from scoring.verdict import FLAGGED
from simulator.errors import HuikuanError
from simulator.format.loader import LoadedScenario, decode, load_text
from simulator.grades import PASS_RULE, passes, shown_score

MOST_REPLAYED = 2000  # attempts per scenario valued with the solver
FAIL_COLOUR, PASS_COLOUR = "#c0392b", "#2e86c1"
STYLE = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",
sans-serif;margin:2rem auto;max-width:60rem;color:#222;line-height:1.5;padding:0 1rem}
h1{font-size:1.6rem}h2{font-size:1.25rem;border-bottom:2px solid #c0392b;padding-bottom:.2rem;
margin-top:2rem}table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{border:1px solid #ddd;padding:.3rem .5rem;text-align:left}th{background:#f6f0ee}
td.n{text-align:right;font-variant-numeric:tabular-nums}.muted{color:#777}
.flag{color:#c0392b}figure{margin:.5rem 0 1.5rem}figcaption{font-size:.9rem;color:#555}
"""


def _loaded(sources: dict[str, tuple[str, bytes]]) -> dict[str, LoadedScenario]:
    found = {}
    for sha, (path, data) in sources.items():
        try:
            found[sha] = load_text(decode(data, path), path, sha)
        except HuikuanError:
            continue
    return found


def _number(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _table(head: list[str], rows: list[list[Any]], numeric: set[int] | None = None) -> str:
    numeric = numeric or set()
    out = ["<table><thead><tr>", *(f"<th>{escape(h)}</th>" for h in head), "</tr></thead><tbody>"]
    for row in rows:
        cells = (
            f'<td class="n">{escape(str(v))}</td>' if i in numeric else f"<td>{escape(str(v))}</td>"
            for i, v in enumerate(row)
        )
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def histogram(scores: list[float], title: str, passed: list[bool] | None = None) -> str:
    """An inline SVG bar chart of scores in ten bins of ten points; in each bar the attempts
    that did not pass (grades.passes) are red and those that passed are blue, so the chart
    and the pass counts beside it say the same whatever the bands."""
    marks = passed if passed is not None else [True] * len(scores)
    bins = [[0, 0] for _ in range(10)]  # [failed, passed] per bin
    for value, ok in zip(scores, marks, strict=True):
        bins[min(9, int(value // 10))][int(ok)] += 1
    width, height, left, bottom, top = 420, 210, 36, 28, 36
    plot_w, plot_h = width - left - 10, height - bottom - top
    tallest = max(sum(b) for b in bins) or 1
    bar = plot_w / 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">',
        f'<text x="{left}" y="16" font-size="13">{escape(title)}</text>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 10}" y2="{top + plot_h}" '
        'stroke="#555"/>',
    ]
    for i, (failed, passing) in enumerate(bins):
        x = left + i * bar
        base: float = top + plot_h
        stack = ((failed, FAIL_COLOUR, "未通过"), (passing, PASS_COLOUR, "通过"))
        for count, colour, word in stack:
            if not count:
                continue
            h = plot_h * count / tallest
            base -= h
            parts.append(
                f'<rect x="{x + 2:.1f}" y="{base:.1f}" width="{bar - 4:.1f}" height="{h:.1f}" '
                f'fill="{colour}"><title>{i * 10}–{i * 10 + 10}分：{word} {count} 次</title></rect>'
            )
        if failed + passing:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{base - 3:.1f}" font-size="10" '
                f'text-anchor="middle">{failed + passing}</text>'
            )
        parts.append(f'<text x="{x:.1f}" y="{top + plot_h + 14}" font-size="10">{i * 10}</text>')
    parts.append(
        f'<text x="{width - 10}" y="{height - 2}" font-size="10" text-anchor="end">得分</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


@dataclass
class Costly:
    """One (state, tactic) decision as the cohort made it."""

    scenario: str
    state: str
    tactic: str
    count: int = 0
    regret: float = 0.0
    scores: list[float] = field(default_factory=list)
    better: Counter[str] = field(default_factory=Counter)


def _regret(loaded: LoadedScenario, rows: list[dict[str, Any]], budget: int) -> list[Costly]:
    """Decisions valued by the solver (regret); an empty list if the solver refuses."""
    from simulator.analysis.solver import Solver, annotate_regret, worse
    from simulator.engine.engine import Engine

    engine = Engine(loaded)
    try:
        solver = Solver(engine, budget)
        solver.solve()
    except (HuikuanError, RecursionError, MemoryError):
        return []
    found: dict[tuple[str, str], Costly] = {}
    for row in rows[-MOST_REPLAYED:]:
        try:
            play = engine.replay(int(row["seed"]), row["moves"])
            decisions = annotate_regret(engine, play, solver)
        except (HuikuanError, ValueError, KeyError):
            continue
        for d in decisions:
            if d.regret is None:
                continue
            entry = found.setdefault((d.state_from, d.tactic), Costly(row["scenario"], *(
                d.state_from, d.tactic)))  # fmt: skip
            entry.count += 1
            entry.regret += d.regret
            if d.best_tactic and d.best_tactic != d.tactic and worse(d.regret):
                entry.better[d.best_tactic] += 1
    return sorted(found.values(), key=lambda c: -c.regret)


def _lowest(rows: list[dict[str, Any]]) -> list[Costly]:
    """Without a solver: decisions by the mean final score of the attempts that made them."""
    found: dict[tuple[str, str], Costly] = {}
    for row in rows:
        for d in (row["report"] or {}).get("decisions", []):
            entry = found.setdefault((d["state_from"], d["tactic"]), Costly(
                row["scenario"], d["state_from"], d["tactic"]))  # fmt: skip
            entry.count += 1
            entry.scores.append(float(row["score"]))
    return sorted(found.values(), key=lambda c: statistics.fmean(c.scores))


def _situation(loaded: LoadedScenario | None, state: str) -> str:
    """The state as the trainer named it (`name:`), else its first line; the id only if unknown."""
    found = loaded.scenario.states.get(state) if loaded else None
    if found is None:
        return state
    if found.name is not None:
        return found.name.zh
    line = found.lines[0].zh
    return f"「{line if len(line) <= 24 else line[:23] + '…'}」"


def _name(loaded: LoadedScenario | None, tactic: str) -> str:
    if loaded and tactic in loaded.scenario.tactics:
        return f"{loaded.scenario.tactics[tactic].name.zh}（{tactic}）"
    return tactic


def _trainees(rows: list[dict[str, Any]]) -> str:
    # One row per trainee and cohort: a row never stands for attempts of two cohorts.
    people: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in rows:
        people.setdefault((row["cohort"] or "", row["trainee"]), []).append(row)
    table = []
    for (cohort, trainee), mine in sorted(people.items()):
        scored = [r["score"] for r in mine if r["status"] == "verified"]
        table.append([
            trainee,
            cohort or "未指定",
            len(mine),
            len(scored),
            shown_score(max(scored)) if scored else "—",
            _number(statistics.fmean(scored) if scored else None),
            sum(1 for r in mine if r["status"] == "verified" and passes(r["grade"])),
            sum(len(r["violations"] or []) for r in mine if r["status"] == "verified"),
            sum(1 for r in mine if r["status"] in FLAGGED),
        ])  # fmt: skip
    head = ["学员", "批次", "尝试", "已核验完成", "最高分", "平均分", "通过", "违规", "被标记"]
    return _table(head, table, {2, 3, 4, 5, 6, 7, 8})


def _cohorts(rows: list[dict[str, Any]]) -> str:
    """Every cohort the rows come from, with its attempts (and those graded without one)."""
    counts = Counter(r["cohort"] or "" for r in rows)
    if not counts:
        return "无"
    named = [f"{c}（{n} 次尝试）" for c, n in sorted(counts.items()) if c]
    if counts.get(""):
        named.append(f"未指定（{counts['']} 次尝试）")
    return "、".join(named)


def _latest_per_file(flagged: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per log file: a file graded again after another edit is still one file."""
    by_path: dict[str, dict[str, Any]] = {}
    for entry in sorted(flagged, key=lambda f: str(f.get("ingested") or "")):
        by_path[entry["path"]] = entry
    return sorted(by_path.values(), key=lambda f: f["path"])


def _summary(rows: list[dict[str, Any]], flagged: list[dict[str, Any]]) -> str:
    """Each log counted once: verified, unfinished, or flagged (attempt or edited copy)."""
    statuses = Counter(r["status"] for r in rows)
    counted = {r["trainee"] for r in rows if r["status"] in ("verified", "incomplete")}
    only_flagged = {r["trainee"] for r in rows} - counted
    people = f"{len(counted)} 名学员" + (
        f"（另有 {len(only_flagged)} 人只有被标记的日志）" if only_flagged else ""
    )
    total = statuses["verified"] + statuses["incomplete"] + len(flagged)
    return (
        f"<p>共 {total} 份日志，{people}：已核验 {statuses['verified']}，"
        f"未完成 {statuses['incomplete']}，"
        f"<span class='flag'>被标记 {len(flagged)}</span>（不计成绩，见文末）。</p>"
    )


def _flagged(flagged: list[dict[str, Any]]) -> str:
    if not flagged:
        return "<p>没有被标记的日志。</p>"
    out = ["<table><thead><tr>"]
    out += [f"<th>{h}</th>" for h in ("日志文件", "学员", "状态", "说明")]
    out.append("</tr></thead><tbody>")
    for entry in flagged:
        status, detail = entry["status"], entry["detail"] or ""
        cells = [entry["path"], entry["trainee"] or "", STATUS_ZH.get(status, status)]
        out.append("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in cells))
        # The grader's own words stay at hand (hover) for whoever reports a bug.
        out.append(f"<td title='{escape(detail)}'>{escape(note_zh(status, detail))}</td></tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _scenario_section(
    sid: str, rows: list[dict[str, Any]], loaded: LoadedScenario | None, budget: int
) -> str:
    done = [r for r in rows if r["status"] == "verified"]
    title = (loaded.scenario.meta.title.zh if loaded else None) or rows[0]["title_zh"] or sid
    out = [f"<h3>{escape(title)} <span class='muted'>({escape(sid)})</span></h3>"]
    if not done:
        return "".join([*out, "<p class='muted'>尚无已核验的完成记录。</p>"])
    scores = [float(r["score"]) for r in done]
    marks = [passes(r["grade"]) for r in done]
    passed = sum(marks)
    out.append(
        f"<p>完成 {len(done)} 次；平均分 {statistics.fmean(scores):.1f}，"
        f"中位数 {statistics.median(scores):.1f}，通过率 {passed / len(done):.0%}。</p>"
    )
    caption = f"<figcaption>每 10 分一档的次数（红色为未通过；{PASS_RULE.zh}）</figcaption>"
    out.append(f"<figure>{histogram(scores, f'{title}：得分分布', marks)}{caption}</figure>")
    same = [r for r in done if loaded and r["scenario_sha256"] == loaded.sha256]
    costly = _regret(loaded, same, budget) if loaded and same else []
    from simulator.analysis.solver import worse  # the near-tie rule the debrief uses

    if costly:
        out.append("<h4>代价最高的决策（求解器估算的期望损失）</h4>")
        table = [
            [_situation(loaded, c.state), _name(loaded, c.tactic), c.count,
             f"{c.regret / c.count:.1f}",
             f"{c.regret:.0f}", "、".join(_name(loaded, t) for t, _ in c.better.most_common(2))]
            for c in costly[:10] if worse(c.regret / c.count)
        ]  # fmt: skip
        head = ["局面", "所选策略", "次数", "平均损失（分）", "总损失", "更好的选择"]
        out.append(_table(head, table, {2, 3, 4}) if table else "<p>没有造成损失的决策。</p>")
    else:
        out.append("<h4>得分最低的决策（求解器不可用：按所在尝试的平均得分）</h4>")
        table = [
            [
                _situation(loaded, c.state),
                _name(loaded, c.tactic),
                c.count,
                f"{statistics.fmean(c.scores):.1f}",
            ]
            for c in _lowest(done)[:10]
        ]
        out.append(_table(["局面", "所选策略", "次数", "平均得分"], table, {2, 3}))
    return "".join(out)


def _violations(rows: list[dict[str, Any]]) -> str:
    counts: Counter[str] = Counter()
    people: dict[str, set[str]] = {}
    for row in rows:
        if row["status"] != "verified":
            continue
        for d in (row["report"] or {}).get("decisions", []):
            violation = d.get("violation")
            if violation:
                text = f"{violation.get('zh') or violation.get('en')}（{row['scenario']}）"
                counts[text] += 1
                people.setdefault(text, set()).add(row["trainee"])
    if not counts:
        return "<p>没有违规记录。</p>"
    table = [[text, n, len(people[text])] for text, n in counts.most_common()]
    return _table(["违规行为（案例）", "次数", "涉及学员"], table, {1, 2})


def render(
    rows: list[dict[str, Any]],
    sources: dict[str, tuple[str, bytes]],
    flagged: list[dict[str, Any]] | None = None,
    budget: int = 50_000,
) -> str:
    """The whole report as one HTML document; `flagged` are the flagged files to list."""
    loaded = _loaded(sources)
    flagged = _latest_per_file(flagged or [])
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    out = [
        "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>回款训练成绩报告</title><style>{STYLE}</style></head><body>",
        "<h1>回款训练成绩报告</h1>",
        f"<p class='muted'>生成于 {now}；批次：{escape(_cohorts(rows))}</p>",
        _summary(rows, flagged),
        "<h2>学员成绩</h2>",
        _trainees(rows) if rows else "<p>还没有成绩。</p>",
        "<h2>各案例得分分布与常见失误</h2>",
    ]
    by_scenario: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_scenario.setdefault(row["scenario"], []).append(row)
    for sid, mine in sorted(by_scenario.items()):
        shas = {r["scenario_sha256"] for r in mine if r["status"] == "verified"}
        scenario = next((loaded[s] for s in sorted(shas) if s in loaded), None)
        out.append(_scenario_section(sid, mine, scenario, budget))
    out += ["<h2>违规行为</h2>", _violations(rows), "<h2>被标记的日志</h2>", _flagged(flagged)]
    out.append("</body></html>\n")
    return "".join(out)
