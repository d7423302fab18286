"""The course's coverage codes (from shared/syllabus.md): what a `topics:` tag may name."""

from __future__ import annotations

from simulator.text import Text

# The leaves of "Coverage codes" in the syllabus, in its order. A scenario trains a code only
# where a tactic, a cause or an outcome's teaching note carries it.
COVERAGE: dict[str, Text] = {
    "S-CAUSE-TRI": Text(zh="三角债", en="Triangle debt"),
    "S-CAUSE-OPS": Text(zh="经营压力", en="Business pressure"),
    "S-CAUSE-CASH": Text(zh="资金链问题", en="Cash squeeze"),
    "S-CAUSE-MAL": Text(zh="恶意拖欠", en="Malicious delay"),
    "S-CAUSE-BG": Text(zh="背景分析（宏观/微观/企业现状）", en="Background and market analysis"),
    "S-TYPE-ENG": Text(zh="工程项目型欠款", en="Engineering-project debtor"),
    "S-TYPE-DEALER": Text(zh="厂商与经销商", en="Manufacturer and dealer"),
    "S-TYPE-FACTORY": Text(zh="厂家与厂家", en="Factory to factory"),
    "S-TYPE-RETAIL": Text(zh="厂商与商场超市", en="Supplier and supermarket chain"),
    "S-M1": Text(zh="直截了当", en="Ask directly"),
    "S-M2": Text(zh="了解原因", en="Find out why"),
    "S-M3": Text(zh="找最初联系人", en="Go to the original contact"),
    "S-M4": Text(zh="不做出过激行为", en="No excessive behaviour"),
    "S-M5": Text(zh="及时终止供货", en="Stop supply in time"),
    "S-M6": Text(zh="把握收款时机", en="Choose the moment"),
    "S-M7": Text(zh="竞争性收款", en="Be paid before other creditors"),
    "S-M8": Text(zh="精神竞争", en="Appeal to face and fairness"),
    "S-M9": Text(zh="应对借口", en="Answer the excuses"),
    "S-M10": Text(zh="法律手段", en="Legal means"),
    "S-TACTIC-PICK": Text(zh="挑毛捡刺法", en="Pin the excuse"),
    "S-TACTIC-CALC": Text(zh="明细算账法", en="Show the value in numbers"),
    "S-TACTIC-PRESELL": Text(zh="预定进货法", en="Pre-sell to outlets"),
    "S-TACTIC-COSELL": Text(zh="协销回款法", en="Help them sell and collect"),
    "S-TACTIC-DISCOUNT": Text(zh="销售折扣", en="Early-payment discount"),
    "S-TACTIC-TERMS": Text(zh="分期、账款重组", en="Instalments and restructuring"),
    "S-TACTIC-THIRD": Text(zh="第三方：调解、催收、保理", en="Third parties and finance"),
    "S-TACTIC-PHASES": Text(zh="催收阶段：提醒、跟进、法律", en="Escalation phases"),
    "S-TACTIC-EVIDENCE": Text(zh="对账单、欠款确认书", en="Signed evidence of the debt"),
    "S-COMM-LISTEN": Text(zh="倾听与同理心", en="Listening and empathy"),
    "S-COMM-QUESTION": Text(zh="开放式提问", en="Open questions"),
    "S-COMM-BOTTOM": Text(zh="求同、冷静、明确底线、第三方", en="Common ground and bottom line"),
    "S-COMM-PRAISE": Text(zh="赞美与鼓励、专业语气", en="Praise and professional tone"),
    "S-CONDUCT": Text(zh="合法合规、不违规催收", en="Lawful conduct only"),
    "S-CREDIT-BEFORE": Text(zh="事前：资信调查、评级、额度、合同", en="Credit before the sale"),
    "S-CREDIT-DURING": Text(zh="事中：预警信号、财务控制发货", en="Credit during the sale"),
    "S-CREDIT-AFTER": Text(zh="事后：账龄分析、及时催收、核销", en="Credit after the sale"),
    "S-CONTROL": Text(zh="内部控制：财务与销售两条线", en="Internal controls"),
    "S-KPI-RATE": Text(zh="回款率计算", en="Collection-rate arithmetic"),
    "S-KPI-COST": Text(zh="资金占用成本", en="The cost of money tied up"),
    "S-KPI-REL": Text(zh="客户关系也是结果", en="The relationship as a result"),
}


def ordered(codes: set[str] | frozenset[str]) -> tuple[str, ...]:
    """`codes` in the syllabus's order."""
    return tuple(code for code in COVERAGE if code in codes)
