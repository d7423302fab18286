"""The plain game's own words in Chinese and English (the TUI keeps its own in tui/i18n)."""

from __future__ import annotations

from simulator.text import Text

DEBTOR = Text(zh="对方", en="Debtor")
YOU = Text(zh="你", en="You")
DAY = Text(zh="第{n}天", en="day {n}")
DAY_OF = Text(zh="第 {n}/{of} 天", en="day {n}/{of}")
RECOVERY = Text(zh="回款率 {rate:.1%}", en="recovery {rate:.1%}")
# Scores arrive as text from grades.shown_score: never rounded up across a band edge.
SCORE = Text(zh="得分 {score} ({grade})", en="score {score} ({grade})")
LOG = Text(zh="日志：", en="log: ")
RECEIVED = Text(zh="收到回款 {amount}", en="received {amount}")
PROMISED = Text(zh="对方书面承诺 {amount}", en="promised in writing {amount}")
VIOLATION = Text(zh="违规：{text}", en="violation: {text}")
FACTS = Text(zh="已了解的情况：", en="Facts learned: ")
NO_FACTS = Text(zh="（尚无）", en="(none yet)")
TERMS = Text(zh="账期条款：", en="Terms: ")
HISTORY = Text(zh="往来情况：", en="History: ")
RATING = Text(zh="信用等级：", en="Credit rating: ")
AGING = Text(zh="账龄：{n} 天", en="aging: {n} days")
CONTACTS = Text(zh="联系人：", en="Contacts: ")
NOTES = Text(zh="备注：", en="Notes: ")
REVEAL = Text(zh="教练视图：", en="Trainer view: ")
TRAINEE = Text(zh="学员：", en="Trainee: ")

KEYS_HELP = Text(
    zh="输入策略前的按键（{first}–{last}）出招；d 看客户档案，q 保存并退出。",
    en="Type the key before a tactic ({first}–{last}) to play it; d shows the dossier, "
    "q saves and quits.",
)
NOT_A_KEY = Text(
    zh="没有“{answer}”这个选项。请输入策略前的按键（{first}–{last}），d 看档案，q 退出。",
    en="There is no “{answer}”. Type the key before a tactic ({first}–{last}), d for the "
    "dossier, q to quit.",
)
REFUSED = Text(zh="暂不可用：{reason}", en="Not available: {reason}")
CONFIRM = Text(zh="「{name}」{why}确定要这样做吗？(y/N) ", en="“{name}”: {why}Go ahead? (y/N) ")
WHY_IRREVERSIBLE = Text(zh="一旦做出就无法撤回。", en="this cannot be undone. ")
WHY_ENDS = Text(zh="可能让本局就此结束。", en="this may end the play. ")
WHY_VIOLATION = Text(
    zh="可能违反催收行为规范，本次练习将不合格。",
    en="this may break the code of conduct, which fails the attempt. ",
)
WHY = {"irreversible": WHY_IRREVERSIBLE, "ends": WHY_ENDS, "violation": WHY_VIOLATION}
NOT_PLAYED = Text(zh="没有出招，请重新选择。", en="Not played; choose again.")
SAVED = Text(
    zh="已保存：已走的 {n} 步都记在日志里。下次运行同一命令即可继续。",
    en="Saved: the {n} moves so far are in the log. Run the same command again to resume.",
)
NOT_SAVED = Text(
    zh="本局没有写日志（--no-log），无法继续。",
    en="No log was kept (--no-log): this play cannot be resumed.",
)

ASK_TRAINEE = Text(
    zh="谁在练习？请输入姓名或工号",
    en="Who is playing? Your name or staff ID",
)
ASK_TRAINEE_LAST = Text(
    zh="谁在练习？回车确认「{last}」，不是你就输入你的姓名或工号：",
    en="Who is playing? Enter confirms “{last}”; if that is not you, type your name or staff ID: ",
)
RESUME_FOUND = Text(
    zh="上次的练习没有完成：{title}，已走 {n} 步，到第 {d} 天（种子 {seed}）。",
    en="An unfinished play was found: {title} (moves made: {n}, day {d}, seed {seed}).",
)
RESUME_ASK = Text(zh="回车或 r 继续上次，n 重新开始：", en="Enter or r resumes it, n starts over: ")
RESUMED = Text(zh="已从上次中断处继续。", en="Resumed where you left off.")
RESUME_FAILED = Text(zh="无法继续上次的练习：{why}", en="Cannot resume the last play: {why}")
PICK_SCENARIO = Text(
    zh="输入案例编号开始（q 退出）：", en="Type a scenario's number to play it (q quits): "
)
NOT_A_SCENARIO = Text(
    zh="请输入 1–{n} 之间的数字（q 退出）。", en="Type a number from 1 to {n} (q quits)."
)

DEBRIEF = Text(zh="复盘", en="Debrief")
CAUSE = Text(zh="本局的真实原因：{cause}", en="The hidden cause this time: {cause}")
FAILED_CONDUCT = Text(
    zh="有违规行为，本次练习不合格。", en="A conduct violation fails the attempt."
)
REGRET = Text(zh="遗憾值 {r:.1f}，更好的选择：{best}", en="regret {r:.1f}, better: {best}")
BEST_MOVE = Text(zh="最佳选择", en="the best move")
COURSE = Text(zh="课程推荐路线", en="The course's line")
COURSE_SAME_CAUSE = Text(zh="（同样的原因）", en=" (same cause)")
SOLVER_LINE = Text(zh="求解器的最佳路线", en="The solver's best line")
COURSE_SCORE = Text(zh="按此路线：{score} 分（{grade}）", en="This line scores {score} ({grade})")
