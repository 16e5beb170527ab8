"""The four canonical feeds of `docs/feeds.md` and the programme's three of
`docs/programme.md`, declared once: columns, types and row rules.

Parsing (`pipelines.parse`), the great-expectations suites (`pipelines.validate`) and the
warehouse writes (`pipelines.ingest`) all read these declarations, so a rule lives in one place.
"""

from dataclasses import dataclass, field
from typing import Literal

from sqlmodel import SQLModel

from data.models import (
    Benefit,
    Complaint,
    Contact,
    Enquiry,
    Milestone,
    Risk,
    SurveyResponse,
)
from data.vocabulary import CHANNELS, KPI_IDS, MILESTONE_STATUSES

Kind = Literal["text", "timestamp", "date", "bool", "enum", "int", "number", "month"]


@dataclass(frozen=True)
class Column:
    """One canonical column. `store_as` names the warehouse column when it differs."""

    name: str
    kind: Kind
    required: bool = False
    max_len: int | None = None
    values: tuple[str, ...] = ()
    min_value: int | None = None
    max_value: int | None = None
    not_before: str | None = None  # another column this one may not precede
    required_when: tuple[str, str] | None = None  # (column, value) that makes this required
    only_when: tuple[str, str] | None = None  # (column, value) without which this must be empty
    not_with: str | None = None  # another column: this one must be empty where that has a value
    planned: bool = False  # a date of a plan: may lie in any future, not just up to a day ahead
    store_as: str | None = None

    @property
    def target(self) -> str:
        return self.store_as or self.name


@dataclass(frozen=True)
class Feed:
    name: str
    model: type[SQLModel]
    id_column: str
    columns: tuple[Column, ...]
    # (column, value) applied when the cell is empty
    defaults: dict[str, str] = field(default_factory=dict)
    # enum values that mean "no value" (e.g. demand_type `unknown`)
    null_values: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # at least one of these columns must have a value
    one_of: tuple[str, ...] = ()
    # columns that, with the id, make a row's key (a benefit's month); stored joined by `|`
    # in the column `key`
    key_with: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """The stored column a row is found by within its source system."""
        return f"{self.id_column.removesuffix('_id')}_key" if self.key_with else self.id_column

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _id(name: str) -> Column:
    return Column(name, "text", required=True, max_len=100)


CONTACTS = Feed(
    name="contacts",
    model=Contact,
    id_column="contact_id",
    columns=(
        _id("contact_id"),
        Column("received_at", "timestamp", required=True),
        Column("channel", "enum", required=True, values=CHANNELS),
        Column("service", "text", required=True, max_len=100),
        Column("reason", "text", max_len=200),
        Column("demand_type", "enum", values=("value", "failure")),
        Column("failure_type", "text", max_len=100, only_when=("demand_type", "failure")),
        Column("customer_ref", "text", max_len=200, store_as="customer_pseudonym"),
        Column("case_ref", "text", max_len=100),
        Column("resolved_at_first_point", "bool"),
        Column("wait_seconds", "int", min_value=0),
        Column("handle_seconds", "int", min_value=0),
        Column("abandoned", "bool"),
        Column("responded_at", "timestamp", not_before="received_at"),
        Column("safeguarding", "bool"),
        Column("ward", "text", max_len=100),
        Column("team", "text", max_len=100),
    ),
    null_values={"demand_type": ("unknown",)},
)

COMPLAINTS = Feed(
    name="complaints",
    model=Complaint,
    id_column="complaint_id",
    columns=(
        _id("complaint_id"),
        Column("kind", "enum", values=("complaint", "compliment", "comment")),
        Column("stage", "int", min_value=1, max_value=2, required_when=("kind", "complaint")),
        Column("received_on", "date", required=True),
        Column("acknowledged_on", "date", not_before="received_on"),
        Column("responded_on", "date", not_before="received_on"),
        Column("extended_due_on", "date", not_before="received_on"),
        Column("service", "text", required=True, max_len=100),
        Column("outcome", "enum", values=("upheld", "partly_upheld", "not_upheld", "withdrawn")),
        Column("category", "text", max_len=100),
        Column("channel", "enum", values=CHANNELS),
        Column("customer_ref", "text", max_len=200, store_as="customer_pseudonym"),
        Column("escalated_from", "text"),
        Column("ward", "text", max_len=100),
    ),
    defaults={"kind": "complaint"},
)

SATISFACTION = Feed(
    name="satisfaction",
    model=SurveyResponse,
    id_column="response_id",
    columns=(
        _id("response_id"),
        Column("responded_at", "timestamp", required=True),
        Column("channel", "enum", required=True, values=CHANNELS),
        Column("service", "text", max_len=100),
        Column("csat", "int", min_value=1, max_value=5),
        Column("nps", "int", min_value=0, max_value=10),
        Column("ces", "int", min_value=1, max_value=7),
        Column("comment", "text", max_len=2000),
        Column("contact_id", "text"),
    ),
    defaults={"service": "Not recorded"},
    one_of=("csat", "nps", "ces"),
)

ENQUIRIES = Feed(
    name="enquiries",
    model=Enquiry,
    id_column="enquiry_id",
    columns=(
        _id("enquiry_id"),
        Column("received_on", "date", required=True),
        Column("service", "text", required=True, max_len=100),
        Column("member", "text", max_len=100),
        Column("ward", "text", max_len=100),
        Column("category", "text", max_len=100),
        Column("channel", "enum", values=CHANNELS),
        Column("acknowledged_on", "date", not_before="received_on"),
        Column("responded_on", "date", not_before="received_on"),
        Column("extended_due_on", "date", not_before="received_on"),
        Column("customer_ref", "text", max_len=200, store_as="customer_pseudonym"),
    ),
)

MILESTONES = Feed(
    name="milestones",
    model=Milestone,
    id_column="milestone_id",
    columns=(
        _id("milestone_id"),
        Column("workstream", "text", required=True, max_len=100),
        Column("title", "text", required=True, max_len=200),
        Column("owner", "text", max_len=100),
        Column("baseline_due_on", "date", required=True, planned=True),
        Column("forecast_due_on", "date", planned=True),
        Column("completed_on", "date", required_when=("status", "complete")),
        Column("status", "enum", values=MILESTONE_STATUSES),
        Column("rag_reason", "text", max_len=500),
    ),
    defaults={"status": "not_started"},
)

BENEFITS = Feed(
    name="benefits",
    model=Benefit,
    id_column="benefit_id",
    columns=(
        _id("benefit_id"),
        Column("month", "month", required=True),
        Column("title", "text", required=True, max_len=200),
        Column("kind", "enum", required=True, values=("cashable", "non_cashable")),
        Column("better", "enum", values=("higher", "lower")),
        Column("unit", "text", max_len=20),
        Column("owner", "text", max_len=100),
        Column("kpi", "enum", values=KPI_IDS),
        Column("planned", "number", required=True),
        Column("actual", "number", not_with="kpi"),
    ),
    defaults={"better": "higher"},
    key_with=("month",),
)

RISKS = Feed(
    name="risks",
    model=Risk,
    id_column="risk_id",
    columns=(
        _id("risk_id"),
        Column("title", "text", required=True, max_len=200),
        Column("owner", "text", max_len=100),
        Column("cause", "text", max_len=500),
        Column("effect", "text", max_len=500),
        Column("likelihood", "int", required=True, min_value=1, max_value=5),
        Column("impact", "int", required=True, min_value=1, max_value=5),
        Column("residual_likelihood", "int", min_value=1, max_value=5),
        Column("residual_impact", "int", min_value=1, max_value=5),
        Column("mitigation", "text", max_len=1000),
        Column("review_on", "date", planned=True),
        Column("status", "enum", values=("open", "closed")),
    ),
    defaults={"status": "open"},
)

FEEDS: dict[str, Feed] = {f.name: f for f in (CONTACTS, COMPLAINTS, SATISFACTION, ENQUIRIES,
                                              MILESTONES, BENEFITS, RISKS)}
PROGRAMME = ("milestones", "benefits", "risks")
