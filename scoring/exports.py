"""Gradebook exports: CSV, Moodle and Canvas CSV, XLSX and JSON, each written atomically."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from simulator.errors import HuikuanError, Problem
from simulator.grades import passes, shown_score
from simulator.text import Text
from simulator.trainee import username

YES, NO = Text(zh="是", en="yes"), Text(zh="否", en="no")
PASSED, FAILED = Text(zh="通过", en="passed"), Text(zh="未通过", en="failed")
NONE = Text(zh="无", en="none")
FEEDBACK = Text(
    zh="得分 {score}（{grade}，{verdict}）；回款 {money}（{rate}）；"
    "客户关系 {relationship:.0f}（损伤 {damage:.0f}）；用时 {days} 天；违规：{broke}",
    en="Score {score} ({grade}, {verdict}); recovered {money} ({rate}); "
    "relationship {relationship:.0f} (damage {damage:.0f}); {days} days; violations: {broke}",
)
SUMMARY_HEAD = (
    Text(zh="学员", en="trainee"), Text(zh="批次", en="cohort"), Text(zh="尝试次数", en="attempts"),
    Text(zh="完成次数", en="finished"), Text(zh="被标记", en="flagged"),
    Text(zh="最高分", en="best"), Text(zh="平均分", en="mean"), Text(zh="通过次数", en="passed"),
    Text(zh="违规次数", en="violations"),
)  # fmt: skip

# (key, Chinese header, English header) of the per-attempt table (csv, xlsx scenario sheets).
COLUMNS = (
    ("id", "尝试编号", "attempt_id"),
    ("trainee", "学员", "trainee"),
    ("cohort", "批次", "cohort"),
    ("scenario", "案例编号", "scenario"),
    ("title", "案例名称", "scenario_title"),
    ("scenario_version", "案例版本", "scenario_version"),
    ("seed", "随机种子", "seed"),
    ("started", "开始时间", "started"),
    ("duration_s", "练习时长（秒）", "duration_s"),
    ("status", "核验状态", "status"),
    ("finished", "是否完成", "finished"),
    ("steps", "决策步数", "decisions"),
    ("score", "得分", "score"),
    ("grade", "等级", "grade"),
    ("passed", "是否通过", "passed"),
    ("debt", "欠款金额", "debt"),
    ("recovered", "回款金额", "recovered"),
    ("recovery_rate", "回款率", "recovery_rate"),
    ("present_value", "回款现值", "present_value"),
    ("relationship", "客户关系", "relationship"),
    ("relationship_damage", "关系损伤", "relationship_damage"),
    ("days", "案例天数", "days"),
    ("violations", "违规", "violations"),
    ("outcome", "结局", "outcome"),
    ("detail", "核验说明", "detail"),
    ("source", "日志文件", "log_file"),
)
STATUS_ZH = {
    "verified": "已核验",
    "incomplete": "未完成",
    "tampered": "被篡改",
    "corrupt": "日志损坏",
    "scenario_changed": "案例已改动",
    "scenario_not_found": "找不到案例",
    "unsigned": "未签名",
    "bad_signature": "签名无效",
    "unreadable": "无法读取",
    "conflict": "结局冲突",
    "bot": "机器人对局",
}
# The statuses in both languages (the English word is the stored status itself).
STATUS = {status: Text(zh=zh, en=status) for status, zh in STATUS_ZH.items()}
MAX_POINTS = 100


def _mode(path: Path) -> int:
    """The mode of the file being replaced, or 0666 less the umask for a new one."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def atomic_write(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename: readers see old or new, never half."""
    where = str(path)
    if path.is_dir():
        raise HuikuanError(Problem(where, "is a directory; give a file to write"))
    try:
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise HuikuanError(Problem(where, f"cannot write: {exc.strerror}")) from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, _mode(path))  # mkstemp makes 0600; give what a plain open would
        os.replace(temp, path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise HuikuanError(Problem(where, f"cannot write: {exc.strerror}")) from None


def passed(row: dict[str, Any]) -> bool | None:
    """Whether the attempt passed, by the one rule (grades.passes); None if it has no grade.

    Read from the grade rather than the stored column, so a gradebook filled before the pass
    mark was C says the same as a fresh one.
    """
    return None if row.get("grade") is None else passes(row["grade"])


def _yes(value: Any, lang: str) -> str:
    if value is None:
        return ""
    return (YES if value else NO).get(lang)


def violations(row: dict[str, Any], lang: str) -> list[str]:
    """The attempt's violations in `lang` (the report keeps them in English)."""
    decisions = (row.get("report") or {}).get("decisions") or []
    found = [d["violation"].get(lang) for d in decisions if d.get("violation")]
    if found and all(found) and len(found) == len(row["violations"] or []):
        return [str(v) for v in found]
    return list(row["violations"] or [])


def cell(row: dict[str, Any], key: str, lang: str) -> Any:
    """One value of the per-attempt table: numbers stay numbers, texts in `lang`."""
    if key == "title":
        return Text(zh=row["title_zh"] or "", en=row["title_en"] or "").get(lang) or row["scenario"]
    if key == "status":
        status = STATUS.get(row["status"])
        return status.get(lang) if status else row["status"]
    if key == "passed":
        return _yes(passed(row), lang)
    if key == "finished":
        return _yes(row[key], lang)
    if key == "violations":
        return "; ".join(violations(row, lang))
    if key == "duration_s" and row[key] is not None:
        return round(row[key])
    return row.get(key)


def headers(lang: str) -> list[str]:
    return [Text(zh=zh, en=en).get(lang) for _, zh, en in COLUMNS]


# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets
# (OWASP "CSV injection"): a trainee named =HYPERLINK(...) must stay a name.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutral(value: Any) -> Any:
    """`value`, with text that a spreadsheet would run as a formula prefixed by a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv(rows: list[list[Any]]) -> bytes:
    """UTF-8 with a BOM, so that Excel opens the Chinese text correctly; no cell a formula."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([["" if v is None else neutral(v) for v in r] for r in rows])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_csv(rows: list[dict[str, Any]], lang: str = "zh") -> bytes:
    """One row per attempt."""
    return _csv([headers(lang), *([cell(r, k, lang) for k, _, _ in COLUMNS] for r in rows)])


def feedback(row: dict[str, Any], lang: str = "zh") -> str:
    """One line of feedback for an LMS: score, grade, money, relationship, days, violations."""
    rate = f"{(row['recovery_rate'] or 0):.0%}"
    broke = "; ".join(violations(row, lang))
    money = f"{row['recovered'] or 0:,.0f}/{row['debt'] or 0:,.0f}"
    verdict = (PASSED if passes(row["grade"]) else FAILED).get(lang)
    return FEEDBACK.get(lang).format(
        score=shown_score(row["score"] or 0, row["grade"]),
        grade=row["grade"],
        verdict=verdict,
        money=money,
        rate=rate,
        relationship=row["relationship"],
        damage=row["relationship_damage"],
        days=row["days"],
        broke=broke or NONE.get(lang),
    )


def item_name(scenario: str) -> str:
    """The LMS grade item of a scenario: stable across title edits, so re-imports match."""
    return f"huikuan:{scenario}"


def _wide(
    rows: list[dict[str, Any]], login: Callable[[str], str]
) -> tuple[list[str], dict[str, tuple[str, dict[str, dict[str, Any]]]]]:
    """Per LMS username (`login` of the trainee): the display name first seen and one row per
    scenario. Two spellings of one username ("１００８６" and "10086") are one person; if
    both played a scenario, the higher score goes (an LMS takes one number per item)."""
    scenarios = sorted({r["scenario"] for r in rows})
    people: dict[str, tuple[str, dict[str, dict[str, Any]]]] = {}
    for row in rows:
        _, done = people.setdefault(login(row["trainee"]), (row["trainee"], {}))
        held = done.get(row["scenario"])
        if held is None or (row["score"] or 0) > (held["score"] or 0):
            done[row["scenario"]] = row
    return scenarios, dict(sorted(people.items()))


def to_moodle(rows: list[dict[str, Any]], lang: str = "zh") -> bytes:
    """Moodle "Import grades → CSV file": Username, then a score and a feedback column per item.

    Username is the trainee's name normalised for matching (`simulator.trainee.username`);
    case is kept, since the column may be mapped to a case-sensitive ID number.
    """
    scenarios, people = _wide(rows, username)
    head = ["Username"]
    for sid in scenarios:
        head += [item_name(sid), f"{item_name(sid)} feedback"]
    table: list[list[Any]] = [head]
    for login, (_, done) in people.items():
        line: list[Any] = [login]
        for sid in scenarios:
            row = done.get(sid)
            line += [row["score"], feedback(row, lang)] if row else ["", ""]
        table.append(line)
    return _csv(table)


def to_canvas(rows: list[dict[str, Any]], lang: str = "zh") -> bytes:
    """Canvas Gradebook import: Student, ID, SIS User ID, SIS Login ID, Section, items, Notes.

    Student is the name as typed; the SIS columns hold it normalised (NFKC, single spaces).
    """
    scenarios, people = _wide(rows, username)
    head = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    table: list[list[Any]] = [[*head, *map(item_name, scenarios), "Notes"]]
    table.append(["Points Possible", "", "", "", "", *[MAX_POINTS] * len(scenarios), ""])
    for login, (name, done) in people.items():
        cohort = next((r["cohort"] for r in done.values() if r["cohort"]), "")
        scores = [done[s]["score"] if s in done else "" for s in scenarios]
        notes = " | ".join(f"{item_name(s)}: {feedback(done[s], lang)}" for s in done)
        table.append([name, "", login, login, cohort, *scores, notes])
    return _csv(table)


def json_lines(items: list[Any]) -> str:
    """A JSON array with one item per line (C-encoded: indent= would be ten times slower)."""
    return "[\n" + ",\n".join(json.dumps(i, ensure_ascii=False) for i in items) + "\n]"


def to_json(rows: list[dict[str, Any]], selection: str, cohort: str | None) -> bytes:
    """Every selected attempt with its score report (decisions included)."""
    hidden = {"stamps", "title_zh", "title_en"}
    attempts = [
        {
            **{k: v for k, v in row.items() if k not in hidden},
            "title": {"zh": row["title_zh"], "en": row["title_en"]},
            "finished": bool(row["finished"]),
            "signed": bool(row["signed"]),
            "passed": passed(row),
        }
        for row in rows
    ]
    document = {
        "format": "huikuan-grades",
        "version": 1,
        "exported": datetime.now(UTC).isoformat(timespec="seconds"),
        "selection": selection,
        "cohort": cohort,
    }
    head = json.dumps(document, ensure_ascii=False, indent=1)[:-2]
    return f'{head},\n "attempts": {json_lines(attempts)}\n}}\n'.encode()


def _sheet_title(text: str, taken: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "_", text)[:28] or "sheet"
    title, n = base, 1
    while title.lower() in taken:
        n += 1
        title = f"{base[:26]}~{n}"
    taken.add(title.lower())
    return title


def _summary(rows: list[dict[str, Any]], lang: str) -> list[list[Any]]:
    table: list[list[Any]] = [[t.get(lang) for t in SUMMARY_HEAD]]
    people: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        people.setdefault(row["trainee"], []).append(row)
    for trainee, mine in sorted(people.items()):
        scored = [r["score"] for r in mine if r["status"] == "verified" and r["finished"]]
        table.append([
            trainee,
            next((r["cohort"] for r in mine if r["cohort"]), ""),
            len(mine),
            sum(1 for r in mine if r["finished"]),
            sum(1 for r in mine if r["status"] not in ("verified", "incomplete")),
            max(scored) if scored else None,
            round(sum(scored) / len(scored), 2) if scored else None,
            sum(1 for r in mine if r["status"] == "verified" and passes(r["grade"])),
            sum(len(r["violations"] or []) for r in mine),
        ])  # fmt: skip
    return table


def _sheet(book: Any, title: str, table: list[list[Any]], percent: int | None = None) -> None:
    """A write-only sheet: bold frozen header, widths from the contents, rates as percentages."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    page = book.create_sheet(title)
    for number in range(len(table[0])):
        width = max(len(str(r[number] if r[number] is not None else "")) for r in table[:500])
        page.column_dimensions[get_column_letter(number + 1)].width = min(40, max(8, width * 1.6))
    page.freeze_panes = "A2"
    bold = Font(bold=True)

    def text(value: str) -> Any:
        # Typed as text with Excel's quote prefix: openpyxl would store "=..." as a formula.
        item = WriteOnlyCell(page, value=value)
        item.data_type, item.quotePrefix = "s", True
        return item

    head = []
    for title in table[0]:
        item = text(title)
        item.font = bold
        head.append(item)
    page.append(head)
    for line in table[1:]:
        line = [text(v) if isinstance(v, str) else v for v in line]
        if percent is not None and line[percent] is not None:
            line[percent] = WriteOnlyCell(page, value=line[percent])
            line[percent].number_format = "0.0%"
        page.append(line)


def to_xlsx(rows: list[dict[str, Any]], lang: str = "zh") -> bytes:
    """A summary sheet (one row per trainee) and one sheet per scenario (one row per attempt)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    taken: set[str] = set()
    title = Text(zh="汇总", en="summary").get(lang)
    _sheet(book, _sheet_title(title, taken), _summary(rows, lang))
    by_scenario: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_scenario.setdefault(row["scenario"], []).append(row)
    rate = next(i for i, (k, _, _) in enumerate(COLUMNS) if k == "recovery_rate")
    for sid, mine in sorted(by_scenario.items()):
        table = [headers(lang), *([cell(r, k, lang) for k, _, _ in COLUMNS] for r in mine)]
        _sheet(book, _sheet_title(sid, taken), table, rate)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


WRITERS: dict[str, Callable[[list[dict[str, Any]], str], bytes]] = {
    "csv": to_csv,
    "moodle": to_moodle,
    "canvas": to_canvas,
    "xlsx": to_xlsx,
}
