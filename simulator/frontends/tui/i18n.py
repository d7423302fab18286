"""The TUI's own words in Chinese and English, looked up by key."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

from simulator.text import COLON, Text

LANGS = ("zh", "en")

_PAIRS: MappingProxyType[str, tuple[str, str]] = MappingProxyType(
    {
        # --- the app and home -------------------------------------------------------------------
        "app_title": ("回款 · 催收情境训练", "Huikuan · receivables collection role-play"),
        "trainee": ("学员", "Trainee"),
        "lang_name": ("中文", "English"),
        "col_title": ("案例", "Scenario"),
        "col_type": ("欠款类型", "Debtor type"),
        "col_difficulty": ("难度", "Level"),
        "col_minutes": ("时长", "Time"),
        "col_best": ("最佳成绩", "Best"),
        "minutes": ("{n} 分钟", "{n} min"),
        "no_scenarios": ("没有找到可用的案例。", "No scenarios found."),
        "load_errors": (
            "{n} 个案例文件无法加载（用 huikuan check 查看）",
            "{n} scenario file(s) failed to load (see huikuan check)",
        ),
        "topics": ("训练要点", "Topics"),
        "language": ("语言 Language", "Language 语言"),
        "deadline": ("期限 {n} 天", "{n} days to act"),
        "how": (
            "你是业务员，面对一位拖欠货款的客户：先读客户档案，再用数字键出招。"
            "每一步都记在日志里；结束后有复盘和评分。",
            "You are the sales rep facing a customer who owes you money: read the dossier, then "
            "play tactics with the number keys. Every move is logged; a scored debrief follows.",
        ),
        # --- keys -------------------------------------------------------------------------------
        "k_play": ("开始", "Play"),
        "k_trainee": ("换学员", "Trainee"),
        "k_lang": ("English", "中文"),
        "k_help": ("帮助", "Help"),
        "k_quit": ("退出", "Quit"),
        "k_refresh": ("刷新", "Refresh"),
        "k_back": ("返回", "Back"),
        "k_tactic": ("出招", "Tactic"),
        "k_choose": ("选择", "Choose"),
        "k_dossier": ("档案", "Dossier"),
        "k_debrief": ("复盘", "Debrief"),
        "k_replay": ("再玩（同种子）", "Replay (same seed)"),
        "k_new_seed": ("换种子", "New seed"),
        "k_home": ("首页", "Home"),
        "k_scroll": ("滚动", "Scroll"),
        "k_yes": ("确定", "Yes"),
        "k_no": ("取消", "No"),
        "k_close": ("关闭", "Close"),
        # --- play -------------------------------------------------------------------------------
        "dossier": ("客户档案", "Customer dossier"),
        "company": ("公司", "Company"),
        "contacts": ("联系人", "Contacts"),
        "amount": ("欠款金额", "Amount owed"),
        "aging": ("账龄", "Aging"),
        "days_n": ("{n} 天", "{n} days"),
        "aging_now": ("{now} 天（接手时 {start} 天）", "{now} days ({start} when you took it on)"),
        "terms": ("账期条款", "Terms"),
        "rating": ("信用等级", "Credit rating"),
        "history": ("往来情况", "History"),
        "notes": ("备注", "Notes"),
        "facts": ("已了解的情况", "Facts learned"),
        "none_yet": ("（尚无）", "(none yet)"),
        "transcript": ("对话", "Conversation"),
        "you": ("你", "You"),
        "debtor": ("对方", "Debtor"),
        "day": ("第{d}天", "Day {d}"),
        "got_paid": ("收到回款 {amount}", "Received {amount}"),
        "got_promise": ("对方书面承诺 {amount}", "Promised in writing {amount}"),
        "violation": ("违规：{text}", "Violation: {text}"),
        "palette": ("可选策略", "Tactics"),
        "status_day": ("第 {d}/{n} 天", "Day {d} of {n}"),
        "deadline_reached": ("期限已到", "deadline reached"),
        "status_money": ("已回款 {got} / {owed}", "Recovered {got} of {owed}"),
        "status_rel": ("关系", "Relationship"),
        "status_mood": ("对方", "Debtor"),
        "reveal": ("教练视图", "Trainer view"),
        "resumed": ("已从上次中断处继续。", "Resumed where you left off."),
        "over": (
            "本局结束：{outcome}。按 Enter 查看复盘。",
            "The game is over: {outcome}. Press Enter for the debrief.",
        ),
        "refused": ("暂不可用：{reason}", "Not available: {reason}"),
        "confirm_move": ("「{name}」{why}确定要这样做吗？", "“{name}”: {why}Go ahead?"),
        "why_irreversible": ("一旦做出就无法撤回。", "this cannot be undone. "),
        "why_ends": ("可能让本局就此结束。", "this may end the play. "),
        "why_violation": (
            "可能违反催收行为规范，本次练习将不合格。",
            "this may break the code of conduct, which fails the attempt. ",
        ),
        "confirm_quit": (
            "现在退出吗？已走的每一步都已保存，下次运行同一命令可以继续。",
            "Quit now? Every move so far is saved; run the same command again to resume.",
        ),
        "confirm_leave": (
            "回到首页吗？已走的每一步都已保存，下次可以继续。",
            "Back to the home screen? Every move so far is saved; you can resume later.",
        ),
        # --- dialogs ----------------------------------------------------------------------------
        "ask_trainee": (
            "谁在练习？回车确认下面的姓名；不是你就改成你的姓名或工号：",
            "Who is playing? Enter confirms the name below; if it is not you, type yours:",
        ),
        "ask_trainee_workshop": (
            "请输入你的姓名或工号（这台电脑不会记住；输入同一个名字可以继续上次的练习）：",
            "Your name or staff ID (not remembered here; the same name resumes a play):",
        ),
        "trainee_placeholder": ("例如：张伟 / 10086", "e.g. Zhang Wei / 10086"),
        "resume_found": (
            "上次的练习没有完成：{title}，已走 {n} 步，到第 {d} 天（种子 {seed}）。",
            "An unfinished play was found: {title} (moves made: {n}, day {d}, seed {seed}).",
        ),
        "resume": ("继续上次", "Resume"),
        "start_over": ("重新开始", "Start over"),
        "resume_failed": ("无法继续上次的练习：{why}", "Cannot resume the last play: {why}"),
        # --- debrief ----------------------------------------------------------------------------
        "debrief": ("复盘", "Debrief"),
        "score": ("得分", "Score"),
        "grade": ("等级", "Grade"),
        "outcome": ("结果", "Outcome"),
        "recovery_rate": ("回款率", "Recovery rate"),
        "present_value": ("现值", "Present value"),
        "damage": ("关系损伤", "Relationship damage"),
        "days_used": ("用时", "Days used"),
        "violations": ("违规", "Violations"),
        "none": ("无", "none"),
        "failed_conduct": (
            "有违规行为，本次练习不合格。",
            "A conduct violation fails the attempt.",
        ),
        "cause": ("本局的真实原因", "The hidden cause this time"),
        "decisions": ("每一步", "Your decisions"),
        "no_decisions": ("（没有走任何一步）", "(no moves made)"),
        "regret": (
            "这一步本身的得失见上；但按你当时掌握的情况，「{best}」平均能多得 {r} 分",
            "The note above is about this move; from what you knew then, "
            "“{best}” would have scored {r} more on average",
        ),
        "best_move": ("最佳选择", "the best move"),
        "near_best": (
            "与最佳选择相差不到 {t} 分，同样是好选择",
            "within {t} point of the best move: as good a choice",
        ),
        "chart": ("回款与关系走势", "Money and relationship by day"),
        "series_recovered": ("回款", "Recovered"),
        "series_relationship": ("关系", "Relationship"),
        "course": ("课程推荐路线", "The course's line"),
        "course_same_cause": ("（同样的原因）", " (same cause)"),
        "course_score": (
            "按此路线：{score} 分（{grade}）",
            "This line scores {score} ({grade})",
        ),
        "solver_line": ("求解器的最佳路线", "The solver's best line"),
        "no_course": ("本案例没有推荐路线。", "This scenario has no recommended line."),
        "log_at": ("日志：{path}", "Log: {path}"),
        # --- help -------------------------------------------------------------------------------
        "help": ("按键说明", "Keys"),
        "help_everywhere": ("任何界面", "Everywhere"),
        "help_home": ("首页", "Home"),
        "help_play": ("练习", "Play"),
        "help_debrief": ("复盘", "Debrief"),
        "help_dialogs": ("对话框", "Dialogs"),
        "k_more_tactics": ("第 10 个以后的策略", "Tactics after the ninth"),
        "k_move": ("移动", "Move"),
        "k_palette_move": ("在策略列表中移动", "Move in the tactic list"),
        "k_play_highlighted": ("执行选中的策略", "Play the highlighted tactic"),
        "source": ("出处：{text}", "Source: {text}"),
        "k_tab": ("切换焦点", "Move focus"),
    }
)


# Written as (zh, en) pairs for a table that reads easily; kept as Text like every other text.
_WORDS: MappingProxyType[str, Text] = MappingProxyType(
    {key: Text(zh=zh, en=en) for key, (zh, en) in _PAIRS.items()}
)


def tr(lang: str, key: str, **values: Any) -> str:
    """The text for `key` in `lang` (zh or en), with `values` filled in."""
    text = _WORDS[key].get(lang)
    return text.format(**values) if values else text


def label(lang: str, key: str) -> str:
    """The text for `key` followed by a colon as each language writes it (：or ": ")."""
    return tr(lang, key) + COLON.get(lang)


def other(lang: str) -> str:
    """The language a switch key moves to."""
    return "zh" if lang == "en" else "en"
