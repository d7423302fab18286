"""Why a log was flagged, in Chinese for the report: the grader's English details, translated."""

from __future__ import annotations

import re

# What each flag status means when its detail is not one of the known sentences below.
STATUS_NOTES = {
    "unreadable": "无法读取这份日志",
    "scenario_not_found": "找不到这份日志所用的案例文件",
    "scenario_changed": "案例文件在学员练习后被改动过，无法按原样重放",
    "tampered": "重放结果与日志记录不符（日志被改动过）",
    "corrupt": "日志有损坏的行",
    "bad_signature": "签名无效（日志被改动过，或签名密钥不同）",
    "unsigned": "日志没有签名",
    "conflict": "同一局练习出现了两个不同的结局",
    "bot": "由机器人完成，不是学员本人",
    "incomplete": "练习没有做完",
}
# The grader's sentences (scoring/verify.py, engine/session.py, engine/session_log.py,
# scoring/gradebook.py) and their Chinese; {0}, {1} are the sentence's own groups.
_SENTENCES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), zh)
    for p, zh in (
        (r"the final score differs from the replay", "日志里的最终得分与重放结果不符"),
        (r"the log says finished, the replay is not", "日志记为已结束，重放却没有结束"),
        (r"step (\d+) \((.+)\) differs from the replay", "第 {0} 步（{1}）与重放结果不符"),
        (r"step (\d+) \((.+)\) does not replay: .*", "第 {0} 步（{1}）无法重放"),
        (r"corrupt line\(s\) (.+) skipped", "第 {0} 行已损坏，已跳过"),
        (r"cut off after (\d+) step\(s\)", "在第 {0} 步之后中断"),
        (r"played by the (\S+) bot, not by the trainee", "由 {0} 机器人完成，不是学员本人"),
        (r"two different endings of one play: (.+) and (.+)", "同一局有两个不同的结局：{0} 与 {1}"),
        (r"scenario changed: (.+) has another sha256", "案例文件已改动：{0} 与学员所用的版本不同"),
        (
            r"scenario not found: no file with id (.+) and this sha256",
            "找不到 id 为 {0} 的原版案例",
        ),
        (r"unsigned log \(no signature in the header\)", "日志没有签名"),
        (r"signed with a different key", "用另一把密钥签名"),
        (
            r"line (\d+) is corrupt, the signature chain is broken there",
            "第 {0} 行损坏，签名链在此断开",
        ),
        (r"line (\d+): signature does not match .*", "第 {0} 行签名不符（被改动过或删掉了行）"),
        (r"cannot grade: .*", "评分时出错，无法评分"),
        (r"cannot store: .*", "无法存入成绩库"),
    )
]


def note_zh(status: str, detail: str) -> str:
    """The Chinese note for a flagged log: each known sentence translated, the rest by status."""
    notes: list[str] = []
    for part in (p.strip() for p in detail.split("; ")):
        for pattern, zh in _SENTENCES:
            found = pattern.fullmatch(part)
            if found:
                notes.append(zh.format(*found.groups()))
                break
        else:
            fallback = STATUS_NOTES.get(status, "这份日志被标记")
            if part and fallback not in notes:
                notes.append(fallback)
    return "；".join(notes) or STATUS_NOTES.get(status, "")
