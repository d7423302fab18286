"""Names of the format's fixed words in both languages, for every front end."""

from __future__ import annotations

from simulator.format.model import Category, DebtorType, OutcomeKind, Stage
from simulator.text import Text

UNFINISHED = Text(zh="未结束", en="Unfinished")

OUTCOME_LABELS: dict[OutcomeKind, Text] = {
    OutcomeKind.FULL_RECOVERY: Text(zh="全额回款", en="Full recovery"),
    OutcomeKind.INSTALLMENT_AGREEMENT: Text(zh="达成分期协议", en="Installment agreement"),
    OutcomeKind.PARTIAL_RECOVERY: Text(zh="部分回款", en="Partial recovery"),
    OutcomeKind.LEGAL_ROUTE: Text(zh="转入法律程序", en="Legal route"),
    OutcomeKind.RELATIONSHIP_BROKEN: Text(zh="客户关系破裂", en="Relationship broken"),
    OutcomeKind.WRITTEN_OFF: Text(zh="核销坏账", en="Written off"),
    OutcomeKind.DEADLINE_PASSED: Text(zh="期限已过", en="Deadline passed"),
}

DEBTOR_LABELS: dict[DebtorType, Text] = {
    DebtorType.ENGINEERING_PROJECT: Text(zh="工程项目型", en="Engineering project"),
    DebtorType.DEALER: Text(zh="经销商", en="Dealer"),
    DebtorType.SUPERMARKET: Text(zh="商场超市", en="Supermarket chain"),
    DebtorType.MALICIOUS_DELAY: Text(zh="恶意拖欠", en="Malicious delay"),
    DebtorType.FACTORY: Text(zh="厂家与厂家", en="Factory to factory"),
}

STAGE_LABELS: dict[Stage, Text] = {
    Stage.BEFORE_SALE: Text(zh="事前：授信决策", en="Before the sale"),
    Stage.OVERDUE: Text(zh="逾期催收", en="Overdue account"),
    Stage.PORTFOLIO: Text(zh="账户组合", en="Portfolio"),
    Stage.DRILL: Text(zh="专项练习", en="Drill"),
}

CATEGORY_LABELS: dict[Category, Text] = {
    Category.ASK: Text(zh="催收", en="Ask"),
    Category.PROBE: Text(zh="了解", en="Probe"),
    Category.RELATE: Text(zh="沟通", en="Relate"),
    Category.HELP: Text(zh="协助", en="Help"),
    Category.NEGOTIATE: Text(zh="谈判", en="Negotiate"),
    Category.LEVERAGE: Text(zh="施压", en="Leverage"),
    Category.LEGAL: Text(zh="法律", en="Legal"),
    Category.MISCONDUCT: Text(zh="越界", en="Out of bounds"),
}


def outcome_label(kind: str | None, lang: str) -> str:
    if not kind:
        return UNFINISHED.get(lang)
    return OUTCOME_LABELS[OutcomeKind(kind)].get(lang)
