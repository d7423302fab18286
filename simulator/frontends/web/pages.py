"""The workshop's own pages: the code form, "the room is full", and the trainer's board (HTML).

Self-contained: inline CSS and one small inline script, no external assets, so a workshop on a
network without the internet works. Every text that came from a log or a file is escaped.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from simulator.frontends.board import LABELS as W
from simulator.frontends.board import Figures, ScenarioSummary, TraineeRow
from simulator.grades import shown_score
from simulator.text import Text

# How often the board page asks for new figures.
REFRESH_MS = 3000

_STYLE = """
body{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:0;
background:#f6f7f9;color:#1c2330}
header{background:#12232d;color:#fff;padding:12px 24px;display:flex;gap:24px;align-items:baseline}
header h1{font-size:20px;margin:0}header span{opacity:.8}
main{padding:16px 24px}h2{font-size:17px;margin:20px 0 8px}
table{border-collapse:collapse;background:#fff;width:100%;font-size:14px}
th,td{padding:6px 10px;border-bottom:1px solid #e3e6ea;text-align:left;white-space:nowrap}
th{background:#eef1f4;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}
.done{color:#17803d;font-weight:600}.live{color:#b26a00}.g-F{color:#c62828;font-weight:600}
.box{max-width:460px;margin:12vh auto;background:#fff;padding:28px;border-radius:8px;
box-shadow:0 2px 12px #0002}.box input{font-size:20px;padding:6px;width:10em;letter-spacing:2px}
.box button{font-size:18px;padding:6px 16px;margin-left:8px}.err{color:#c62828}
.muted{color:#68707c}
"""


def _page(title: str, body: str, head: str = "") -> str:
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style>{head}</head>"
        f"<body>{body}</body></html>"
    )


def _both(text: Text, lang: str) -> str:
    """Both languages, the chosen one first (the pages are read by a mixed room)."""
    first, second = (text.en, text.zh) if lang == "en" else (text.zh, text.en)
    return escape(first) + (f' <span class="muted">{escape(second)}</span>' if second else "")


CODE_TITLE = Text(zh="回款训练 · 输入训练码", en="Huikuan workshop · enter the code")
CODE_ASK = Text(zh="请输入培训师给出的训练码。", en="Type the workshop code the trainer gave you.")
CODE_WRONG = Text(zh="训练码不对，请再试一次。", en="That code is not right; try again.")
CODE_GO = Text(zh="进入", en="Enter")
FULL_TITLE = Text(zh="名额已满", en="The workshop is full")
FULL_SAY = Text(
    zh="本次训练的 {n} 个名额都在使用中。请稍候再打开，或请培训师增加名额（--max-sessions）。",
    en="Every place of this workshop is in use (places: {n}). Try again in a moment, or ask "
    "the trainer for more places (--max-sessions).",
)


def code_page(path: str, *, wrong: bool, lang: str) -> str:
    """The small form a trainee without the code sees (the answer is 401, or 403 if wrong)."""
    error = f'<p class="err">{_both(CODE_WRONG, lang)}</p>' if wrong else ""
    body = (
        f'<div class="box"><h1>{_both(CODE_TITLE, lang)}</h1>{error}<p>{_both(CODE_ASK, lang)}</p>'
        f'<form method="get" action="{escape(path)}"><input name="code" autofocus '
        f'autocomplete="off" aria-label="code"><button>{escape(CODE_GO.get(lang))}</button>'
        "</form></div>"
    )
    return _page(CODE_TITLE.get(lang), body)


def full_page(limit: int, lang: str) -> str:
    """What the browser after the last place sees (503): no app process is started for it."""
    say = Text(zh=FULL_SAY.zh.format(n=limit), en=FULL_SAY.en.format(n=limit))
    body = f'<div class="box"><h1>{_both(FULL_TITLE, lang)}</h1><p>{_both(say, lang)}</p></div>'
    return _page(FULL_TITLE.get(lang), body, '<meta http-equiv="refresh" content="15">')


def _w(key: str, lang: str) -> str:
    return escape(W[key].get(lang))


def _money(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def _trainee_row(row: TraineeRow, lang: str) -> str:
    status = (
        f'<span class="done">{_w("finished", lang)}</span>'
        if row.finished
        else f'<span class="live">{_w("playing", lang)}</span>'
    )
    money = _money(row.recovered) + (f" / {_money(row.debt)}" if row.debt else "")
    grade = escape(row.grade or "")
    cells = [
        escape(row.trainee), escape(row.title.get(lang)),
        f'<td class="n">{row.day}', f'<td class="n">{money}',
        f'<td class="n">{"—" if row.relationship is None else f"{row.relationship:.0f}"}',
        status, f'<td class="n">{"" if row.score is None else shown_score(row.score, row.grade)}',
        f'<span class="g-{grade}">{grade}</span>', f'<td class="n">{row.plays}',
    ]  # fmt: skip
    return "<tr>" + "".join(c if c.startswith("<td") else f"<td>{c}" for c in cells) + "</tr>"


def _most(found: tuple[Text, int] | None, lang: str) -> str:
    return "—" if found is None else f"{escape(found[0].get(lang))} ×{found[1]}"


def _summary_row(summary: ScenarioSummary, lang: str) -> str:
    mean = "—" if summary.mean_score is None else f"{summary.mean_score:.1f}"
    return (
        f"<tr><td>{escape(summary.title.get(lang))}</td><td class=n>{summary.trainees}</td>"
        f"<td class=n>{summary.finished} / {summary.plays}</td><td class=n>{mean}</td>"
        f"<td>{_most(summary.first_move, lang)}</td><td>{_most(summary.mistake, lang)}</td></tr>"
    )


def board_fragment(figures: Figures, lang: str, now: datetime | None = None) -> str:
    """The board's tables; the page swaps them in place every few seconds."""
    stamp = (now or datetime.now()).strftime("%H:%M:%S")
    note = f'<p class="muted">{_w("updated", lang)} {stamp}'
    if figures.unreadable:
        note += f" · {figures.unreadable} {_w('unreadable', lang)}"
    note += "</p>"
    if not figures.trainees:
        return f'<p id="empty">{_w("none", lang)}</p>{note}'
    heads = ["trainee", "scenario", "day", "recovered", "relationship", "status", "score",
             "grade", "plays"]  # fmt: skip
    trainees = "".join(_trainee_row(r, lang) for r in figures.trainees)
    sums = ["scenario", "people", "finished", "mean", "first", "mistake"]
    summary = "".join(_summary_row(s, lang) for s in figures.scenarios)
    return (
        f'<h2>{_w("trainees", lang)} ({len(figures.trainees)})</h2><table id="trainees"><tr>'
        + "".join(f"<th>{_w(h, lang)}</th>" for h in heads)
        + f'</tr>{trainees}</table><h2>{_w("scenarios", lang)}</h2><table id="scenarios"><tr>'
        + "".join(f"<th>{_w(h, lang)}</th>" for h in sums)
        + f'</tr>{summary}</table><p class="muted">{_w("mistake_is", lang)}</p>{note}'
    )


_REFRESH = (
    """<script>
setInterval(function(){var u=new URL(location.href);u.searchParams.set("fragment","1");
fetch(u,{cache:"no-store"}).then(function(r){return r.ok?r.text():Promise.reject(r.status)})
.then(function(t){document.getElementById("board").innerHTML=t;
document.getElementById("lost").hidden=true})
.catch(function(){document.getElementById("lost").hidden=false})},REFRESH);
</script>"""
).replace("REFRESH", str(REFRESH_MS))


def board_page(figures: Figures, lang: str, address: str) -> str:
    """The trainer's live board: the tables, refreshed in place (a meta refresh without script)."""
    lost = Text(zh="与服务器的连接中断，正在重试…", en="Lost the server; retrying…")
    body = (
        f"<header><h1>{_both(W['title'], lang)}</h1><span>{escape(address)}</span>"
        f'<span id="lost" class="err" hidden>{escape(lost.get(lang))}</span></header>'
        f'<main id="board">{board_fragment(figures, lang)}</main>{_REFRESH}'
    )
    head = f'<noscript><meta http-equiv="refresh" content="{REFRESH_MS // 1000}"></noscript>'
    return _page(W["title"].get(lang), body, head)
