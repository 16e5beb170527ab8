"""Warehouse tables.

Naming follows the usual warehouse layers: `fct_` tables hold one row per business event as the
feeds describe it (already validated, customer identifiers pseudonymised), `mart_` tables hold
aggregates that pages read, `ref_` tables hold reference data an analyst may edit,
`load_log` / `quarantine_rows` record what every ingest did, and `source_runs` /
`source_watermarks` what every source of `pipelines run` did and how far it has been pulled.

All timestamps are stored as UTC instants (`DateTime(timezone=True)`): `timestamptz` on
PostgreSQL, ISO text on SQLite, always written by `data.bulk` so that there is one format, and
bound in queries through `data.types.UtcDateTime`, which converts any aware datetime to it.
"""

from datetime import date, datetime

from sqlalchemy import BigInteger, Float, Index, Integer, Text
from sqlmodel import Field, SQLModel

from data.types import UtcDateTime

# SQLite only autoincrements an INTEGER PRIMARY KEY; PostgreSQL ids need 64 bits.
SERIAL = BigInteger().with_variant(Integer, "sqlite")


def _utc(**kwargs) -> Field:
    return Field(sa_type=UtcDateTime(), **kwargs)


class Contact(SQLModel, table=True):
    """One row per customer contact, on any channel.

    Grain: (source_system, contact_id). Source: the `contacts` feed. `customer_pseudonym` is the
    HMAC-SHA256 of the feed's `customer_ref`. `prev_matter_at` / `next_matter_at` are derived
    facts: the latest strictly earlier and earliest strictly later `received_at` of the same
    matter (same pseudonym and service), refreshed after every load for the matters it touches.
    """

    __tablename__ = "fct_contacts"
    # No index by matter (pseudonym, service): it would take each load's rows at random places
    # all over an index as large as the whole history, so that a load cost more every year.
    # A load reads its neighbours by time (`data.writes.matter_contacts`).
    __table_args__ = (
        Index("ix_contacts_received_at", "received_at"),
    )

    source_system: str = Field(primary_key=True, max_length=100)
    contact_id: str = Field(primary_key=True, max_length=100)
    received_at: datetime = _utc()
    channel: str = Field(max_length=20)
    service: str = Field(max_length=100)
    reason: str | None = Field(default=None, max_length=200)
    demand_type: str | None = Field(default=None, max_length=10)
    failure_type: str | None = Field(default=None, max_length=100)
    customer_pseudonym: str | None = Field(default=None, max_length=64)
    case_ref: str | None = Field(default=None, max_length=100)
    resolved_at_first_point: bool | None = None
    wait_seconds: int | None = Field(default=None, sa_type=BigInteger)
    handle_seconds: int | None = Field(default=None, sa_type=BigInteger)
    abandoned: bool | None = None
    responded_at: datetime | None = _utc(default=None)
    safeguarding: bool | None = None
    ward: str | None = Field(default=None, max_length=100)
    team: str | None = Field(default=None, max_length=100)
    load_id: int = Field(sa_type=BigInteger)
    prev_matter_at: datetime | None = _utc(default=None)
    next_matter_at: datetime | None = _utc(default=None)


class Complaint(SQLModel, table=True):
    """One row per complaint at one stage, or per compliment or comment.

    Grain: (source_system, complaint_id). Source: the `complaints` feed; `kind` defaults to
    `complaint`, `stage` is 1 or 2 for complaints and empty otherwise.
    """

    __tablename__ = "fct_complaints"

    source_system: str = Field(primary_key=True, max_length=100)
    complaint_id: str = Field(primary_key=True, max_length=100)
    kind: str = Field(max_length=20)
    stage: int | None = None
    received_on: date
    acknowledged_on: date | None = None
    responded_on: date | None = None
    extended_due_on: date | None = None
    service: str = Field(max_length=100)
    outcome: str | None = Field(default=None, max_length=20)
    category: str | None = Field(default=None, max_length=100)
    channel: str | None = Field(default=None, max_length=20)
    customer_pseudonym: str | None = Field(default=None, max_length=64)
    escalated_from: str | None = Field(default=None, sa_type=Text)
    ward: str | None = Field(default=None, max_length=100)
    load_id: int = Field(sa_type=BigInteger)


class Enquiry(SQLModel, table=True):
    """One row per enquiry a ward councillor raised on a resident's behalf.

    Grain: (source_system, enquiry_id). Source: the `enquiries` feed. `member` is the
    councillor (a public office holder, kept by name); `customer_pseudonym` is the HMAC-SHA256
    of the resident's `customer_ref`.
    """

    __tablename__ = "fct_enquiries"

    source_system: str = Field(primary_key=True, max_length=100)
    enquiry_id: str = Field(primary_key=True, max_length=100)
    received_on: date
    service: str = Field(max_length=100)
    member: str | None = Field(default=None, max_length=100)
    ward: str | None = Field(default=None, max_length=100)
    category: str | None = Field(default=None, max_length=100)
    channel: str | None = Field(default=None, max_length=20)
    acknowledged_on: date | None = None
    responded_on: date | None = None
    extended_due_on: date | None = None
    customer_pseudonym: str | None = Field(default=None, max_length=64)
    load_id: int = Field(sa_type=BigInteger)


class SurveyResponse(SQLModel, table=True):
    """One row per survey response.

    Grain: (source_system, response_id). Source: the `satisfaction` feed. `service` is
    `Not recorded` when the feed left it empty; `comment` has e-mail addresses, UK phone numbers
    and postcodes masked.
    """

    __tablename__ = "fct_survey_responses"

    source_system: str = Field(primary_key=True, max_length=100)
    response_id: str = Field(primary_key=True, max_length=100)
    responded_at: datetime = _utc()
    channel: str = Field(max_length=20)
    service: str = Field(max_length=100)
    csat: int | None = None
    nps: int | None = None
    ces: int | None = None
    comment: str | None = Field(default=None, sa_type=Text)
    contact_id: str | None = Field(default=None, sa_type=Text)
    load_id: int = Field(sa_type=BigInteger)


class LoadLog(SQLModel, table=True):
    """One row per file offered to `pipelines ingest`, whatever became of it.

    Grain: one ingest attempt. `status` is `loaded`, `skipped` (same bytes loaded before) or
    `rejected` (nothing loaded). Conservation holds for loaded files:
    rows_read = rows_inserted + rows_updated + rows_unchanged + rows_quarantined.
    `errors` is a JSON list of messages.
    """

    __tablename__ = "load_log"

    load_id: int | None = Field(default=None, primary_key=True, sa_type=SERIAL)
    feed: str = Field(max_length=20)
    source_system: str = Field(max_length=100)
    file_name: str = Field(sa_type=Text)
    sha256: str = Field(max_length=64, index=True)
    status: str = Field(max_length=10)
    rows_read: int = Field(default=0, sa_type=BigInteger)
    rows_inserted: int = Field(default=0, sa_type=BigInteger)
    rows_updated: int = Field(default=0, sa_type=BigInteger)
    rows_unchanged: int = Field(default=0, sa_type=BigInteger)
    rows_quarantined: int = Field(default=0, sa_type=BigInteger)
    started_at: datetime = _utc()
    finished_at: datetime = _utc()
    errors: str = Field(default="[]", sa_type=Text)


class QuarantineRow(SQLModel, table=True):
    """One row per input row that broke a rule; kept with its original text, never dropped.

    Grain: (load_id, row_number). `row_number` is the row as a spreadsheet shows the file (the
    header is row 1). `reasons` is a JSON list naming every rule the row broke. `safeguarding`
    says whether the row was flagged safeguarding: shown to that role alone.
    """

    __tablename__ = "quarantine_rows"

    quarantine_id: int | None = Field(default=None, primary_key=True, sa_type=SERIAL)
    load_id: int = Field(sa_type=BigInteger, index=True)
    feed: str = Field(max_length=20)
    source_system: str = Field(max_length=100)
    file_name: str = Field(sa_type=Text)
    row_number: int = Field(sa_type=BigInteger)
    record_id: str | None = Field(default=None, sa_type=Text)
    raw_text: str = Field(sa_type=Text)
    reasons: str = Field(sa_type=Text)
    # A contacts row whose `safeguarding` cell reads true (as the feed reads booleans), kept
    # apart like the loaded contacts it would have been; empty for rows loaded before it existed.
    safeguarding: bool | None = None


class ContactsMonthly(SQLModel, table=True):
    """Monthly numerators and denominators of the contact KPIs.

    Grain: month (Europe/London, `YYYY-MM`) x service x channel x ward (ward `''` when not
    recorded). Built by `transform.marts` from `fct_contacts`; the columns are additive, so any
    roll-up is a plain sum. Figures that depend on the data horizon were computed at `as_of`.
    """

    __tablename__ = "mart_contacts_monthly"

    month: str = Field(primary_key=True, max_length=7)
    service: str = Field(primary_key=True, max_length=100)
    channel: str = Field(primary_key=True, max_length=20)
    ward: str = Field(primary_key=True, max_length=100)
    contacts: int = Field(default=0, sa_type=BigInteger)
    classified: int = Field(default=0, sa_type=BigInteger)
    failure: int = Field(default=0, sa_type=BigInteger)
    with_customer: int = Field(default=0, sa_type=BigInteger)
    repeats: int = Field(default=0, sa_type=BigInteger)
    rft_eligible: int = Field(default=0, sa_type=BigInteger)
    rft_met: int = Field(default=0, sa_type=BigInteger)
    abandon_known: int = Field(default=0, sa_type=BigInteger)
    abandoned: int = Field(default=0, sa_type=BigInteger)
    answer_known: int = Field(default=0, sa_type=BigInteger)
    answered_in_standard: int = Field(default=0, sa_type=BigInteger)
    written_due: int = Field(default=0, sa_type=BigInteger)
    written_on_time: int = Field(default=0, sa_type=BigInteger)
    safeguarding: int = Field(default=0, sa_type=BigInteger)


class ChannelAssumption(SQLModel, table=True):
    """Per-channel unit cost and carbon factor, with where each figure comes from.

    Grain: channel. Seeded with the defaults of `docs/kpis.md`; an analyst may edit, and each edit
    records who and when. The unit cost is at `cost_year`'s prices; a council may record an index
    that uplifts it to `uplift_year`'s prices (unit cost × `uplift_factor`, from `uplift_source`),
    shown beside the money figures; empty (the default): no uplift.
    """

    __tablename__ = "ref_channel_assumptions"

    channel: str = Field(primary_key=True, max_length=20)
    unit_cost_gbp: float = Field(sa_type=Float)
    cost_source: str = Field(sa_type=Text)
    cost_year: int = Field(sa_type=Integer)
    carbon_kg: float = Field(sa_type=Float)
    carbon_source: str = Field(sa_type=Text)
    carbon_year: int = Field(sa_type=Integer)
    uplift_factor: float | None = Field(default=None, sa_type=Float)
    uplift_source: str | None = Field(default=None, sa_type=Text)
    uplift_year: int | None = Field(default=None, sa_type=Integer)
    updated_by: str = Field(default="defaults", max_length=100)
    updated_at: datetime = _utc()


class AssumptionChange(SQLModel, table=True):
    """One edited field of a channel assumption: its old and new values, who and when.

    Grain: one field of one edit. Written by `data.edits.update_assumption`; never updated.
    """

    __tablename__ = "ref_assumption_changes"

    change_id: int | None = Field(default=None, primary_key=True, sa_type=SERIAL)
    channel: str = Field(max_length=20)
    field: str = Field(max_length=50)
    old_value: str | None = Field(default=None, sa_type=Text)
    new_value: str = Field(sa_type=Text)
    changed_by: str = Field(max_length=100)
    changed_at: datetime = _utc()


class SpcChangePoint(SQLModel, table=True):
    """A change an analyst recorded (the strategy's start, a new system), from whose month SPC
    may read a KPI (or, with `kpi` empty, every KPI) in a new period with new limits.

    Grain: one record. Written by `data.edits`; a removal is kept, with who removed it and
    when, so the history of every SPC reading can be traced.
    """

    __tablename__ = "ref_spc_change_points"

    change_point_id: int | None = Field(default=None, primary_key=True, sa_type=SERIAL)
    month: str = Field(max_length=7)
    kpi: str | None = Field(default=None, max_length=50)
    reason: str = Field(sa_type=Text)
    recorded_by: str = Field(max_length=100)
    recorded_at: datetime = _utc()
    removed_by: str | None = Field(default=None, max_length=100)
    removed_at: datetime | None = _utc(default=None)


class KpiTarget(SQLModel, table=True):
    """A KPI's target and amber tolerance (in the KPI's own unit). Grain: kpi."""

    __tablename__ = "ref_kpi_targets"

    kpi: str = Field(primary_key=True, max_length=50)
    target: float = Field(sa_type=Float)
    amber_tolerance: float = Field(default=0.0, sa_type=Float)
    updated_by: str = Field(default="defaults", max_length=100)
    updated_at: datetime = _utc()


class Setting(SQLModel, table=True):
    """Warehouse-wide settings (baseline period, service standards). Grain: key."""

    __tablename__ = "ref_settings"

    key: str = Field(primary_key=True, max_length=50)
    value: str = Field(sa_type=Text)
    updated_by: str = Field(default="defaults", max_length=100)
    updated_at: datetime = _utc()


class WarehouseVersion(SQLModel, table=True):
    """How many times each part of the warehouse has been written: what every cache on the pages
    is keyed on. Grain: part (`data.versions` lists them and who moves each)."""

    __tablename__ = "warehouse_versions"

    part: str = Field(primary_key=True, max_length=50)
    version: int = Field(default=0, sa_type=BigInteger)


class SourceRun(SQLModel, table=True):
    """One source processed by `python -m pipelines run` (dry runs write nothing, this
    included).

    Grain: one source in one run. `status` is `loaded`, `nothing_new` or `failed`; the counts
    are the run's own, with records_read = records_excluded + records_combined + rows_read and
    rows_read = rows_inserted + rows_updated + rows_unchanged + rows_quarantined. `inputs` is a
    JSON list of the files or request urls read, `unmapped` a JSON object
    {column: {value: count}} (values masked as comments are), `errors` a JSON list of messages.
    """

    __tablename__ = "source_runs"
    __table_args__ = (Index("ix_source_runs_source", "source", "run_id"),)

    run_id: int | None = Field(default=None, primary_key=True, sa_type=SERIAL)
    source: str = Field(max_length=40)
    adapter: str = Field(max_length=20)
    feed: str = Field(max_length=20)
    status: str = Field(max_length=12)
    started_at: datetime = _utc()
    finished_at: datetime = _utc()
    inputs: str = Field(default="[]", sa_type=Text)
    records_read: int = Field(default=0, sa_type=BigInteger)
    records_excluded: int = Field(default=0, sa_type=BigInteger)
    records_combined: int = Field(default=0, sa_type=BigInteger)
    rows_read: int = Field(default=0, sa_type=BigInteger)
    rows_inserted: int = Field(default=0, sa_type=BigInteger)
    rows_updated: int = Field(default=0, sa_type=BigInteger)
    rows_unchanged: int = Field(default=0, sa_type=BigInteger)
    rows_quarantined: int = Field(default=0, sa_type=BigInteger)
    unmapped: str = Field(default="{}", sa_type=Text)
    errors: str = Field(default="[]", sa_type=Text)


class SourceWatermark(SQLModel, table=True):
    """How far an HTTP source (Open311) has been pulled: the latest `requested_datetime` loaded
    from it. Grain: source. Moved inside the load that loaded that request, never backwards."""

    __tablename__ = "source_watermarks"

    source: str = Field(primary_key=True, max_length=40)
    watermark: datetime = _utc()
    updated_at: datetime = _utc()


class DemoBuild(SQLModel, table=True):
    """One build of the fictional demo council (`pipelines demo`). Grain: one build begun.
    `finished_at` is written only once every file was loaded: a build killed part-way leaves it
    empty, so that `demo --if-empty` can tell a partial demo from a complete one."""

    __tablename__ = "demo_builds"

    build_id: int | None = Field(default=None, primary_key=True, sa_type=SERIAL)
    seed: int = Field(sa_type=BigInteger)
    months: int
    started_at: datetime = _utc()
    finished_at: datetime | None = _utc(default=None, nullable=True)


class Milestone(SQLModel, table=True):
    """One milestone of the programme's roadmap.

    Grain: (source_system, milestone_id). Source: the `milestones` feed (`docs/programme.md`),
    or staff on the Programme page: `edited_by` / `edited_at` name the latest edit, and a later
    file that rewrites the row clears them (the latest write wins). `load_id` is empty for a
    milestone staff added. `status` defaults to `not_started`.
    """

    __tablename__ = "fct_milestones"

    source_system: str = Field(primary_key=True, max_length=100)
    milestone_id: str = Field(primary_key=True, max_length=100)
    workstream: str = Field(max_length=100)
    title: str = Field(max_length=200)
    owner: str | None = Field(default=None, max_length=100)
    baseline_due_on: date
    forecast_due_on: date | None = None
    completed_on: date | None = None
    status: str = Field(max_length=20)
    rag_reason: str | None = Field(default=None, sa_type=Text)
    load_id: int | None = Field(default=None, sa_type=BigInteger)
    edited_by: str | None = Field(default=None, max_length=100)
    edited_at: datetime | None = _utc(default=None)


class Benefit(SQLModel, table=True):
    """One month of a benefit's plan, with its typed actual where it names no KPI.

    Grain: (source_system, benefit_key), the key being `benefit_id|month` (a month is always
    seven characters, so the key is unique for each pair). Source: the `benefits` feed. Where
    `kpi` is set the actual is that KPI's council-wide monthly value, computed by `metrics`,
    never stored here.
    """

    __tablename__ = "fct_benefits"

    source_system: str = Field(primary_key=True, max_length=100)
    benefit_key: str = Field(primary_key=True, max_length=110)
    benefit_id: str = Field(max_length=100)
    month: str = Field(max_length=7)
    title: str = Field(max_length=200)
    kind: str = Field(max_length=20)
    better: str = Field(max_length=10)
    unit: str | None = Field(default=None, max_length=20)
    owner: str | None = Field(default=None, max_length=100)
    kpi: str | None = Field(default=None, max_length=50)
    planned: float = Field(sa_type=Float)
    actual: float | None = Field(default=None, sa_type=Float)
    load_id: int | None = Field(default=None, sa_type=BigInteger)
    edited_by: str | None = Field(default=None, max_length=100)
    edited_at: datetime | None = _utc(default=None)


class Risk(SQLModel, table=True):
    """One risk of the programme's register, scored before and after mitigation.

    Grain: (source_system, risk_id). Source: the `risks` feed or staff edits, as milestones.
    A risk is closed with `status = closed`, never deleted.
    """

    __tablename__ = "fct_risks"

    source_system: str = Field(primary_key=True, max_length=100)
    risk_id: str = Field(primary_key=True, max_length=100)
    title: str = Field(max_length=200)
    owner: str | None = Field(default=None, max_length=100)
    cause: str | None = Field(default=None, sa_type=Text)
    effect: str | None = Field(default=None, sa_type=Text)
    likelihood: int
    impact: int
    residual_likelihood: int | None = None
    residual_impact: int | None = None
    mitigation: str | None = Field(default=None, sa_type=Text)
    review_on: date | None = None
    status: str = Field(max_length=10)
    load_id: int | None = Field(default=None, sa_type=BigInteger)
    edited_by: str | None = Field(default=None, max_length=100)
    edited_at: datetime | None = _utc(default=None)


class RiskScore(SQLModel, table=True):
    """One recording of a risk's scores, before and after mitigation, for its trend.

    Grain: one change of a risk's scores. Written by `data.programme.record_risk_scores` in the
    transaction of the load or staff edit that changed them (a row only where the four scores
    differ from the risk's latest recording); never updated. `recorded_by` names the load
    ("load 12: risks.csv") or the editor; `load_id` is empty for an edit.
    """

    __tablename__ = "fct_risk_scores"
    __table_args__ = (Index("ix_risk_scores_risk", "source_system", "risk_id"),)

    score_id: int | None = Field(default=None, primary_key=True, sa_type=SERIAL)
    source_system: str = Field(max_length=100)
    risk_id: str = Field(max_length=100)
    recorded_at: datetime = _utc()
    likelihood: int
    impact: int
    residual_likelihood: int | None = None
    residual_impact: int | None = None
    recorded_by: str = Field(max_length=200)
    load_id: int | None = Field(default=None, sa_type=BigInteger)


class KpiOwner(SQLModel, table=True):
    """The officer who owns a KPI: who writes its commentary and answers for it in the
    exception report. Grain: kpi. Reference data an analyst sets (who and when recorded)."""

    __tablename__ = "ref_kpi_owners"

    kpi: str = Field(primary_key=True, max_length=50)
    owner: str = Field(max_length=100)
    updated_by: str = Field(max_length=100)
    updated_at: datetime = _utc()


class Commentary(SQLModel, table=True):
    """An officer's commentary on an item of the report (a KPI, milestone, benefit or risk) for
    a period (`YYYY-MM`, or `YYYY-H1` / `YYYY-H2`): what happened, why, and what is being done.

    Grain: one version. `status` is `draft` until a second person approves it (`approved`, with
    who and when); a new draft of the same item and period is a new row, and the papers print
    the latest approved one. Written by `data.edits`; never deleted.
    """

    __tablename__ = "ref_commentary"
    __table_args__ = (Index("ix_commentary_item", "kind", "item_id", "period"),)

    commentary_id: int | None = Field(default=None, primary_key=True, sa_type=SERIAL)
    kind: str = Field(max_length=20)
    item_id: str = Field(max_length=100)
    period: str = Field(max_length=7)
    text: str = Field(sa_type=Text)
    written_by: str = Field(max_length=100)
    written_at: datetime = _utc()
    status: str = Field(max_length=10)
    approved_by: str | None = Field(default=None, max_length=100)
    approved_at: datetime | None = _utc(default=None)


class ProgrammeChange(SQLModel, table=True):
    """One field of a milestone, benefit or risk edited by staff: old and new value, who and
    when. Grain: one field of one edit. Written by `data.edits.edit_programme_item`; never
    updated."""

    __tablename__ = "ref_programme_changes"

    change_id: int | None = Field(default=None, primary_key=True, sa_type=SERIAL)
    feed: str = Field(max_length=20)
    source_system: str = Field(max_length=100)
    item_key: str = Field(max_length=110)
    field: str = Field(max_length=50)
    old_value: str | None = Field(default=None, sa_type=Text)
    new_value: str | None = Field(default=None, sa_type=Text)
    changed_by: str = Field(max_length=100)
    changed_at: datetime = _utc()


class AuditEvent(SQLModel, table=True):
    """Who looked at record-level data, downloaded a table or changed reference data, and when.

    Grain: one event. Written by `data.audit.record_event` only; never updated.
    """

    __tablename__ = "audit_events"

    event_id: int | None = Field(default=None, primary_key=True, sa_type=SERIAL)
    at: datetime = _utc(index=True)
    who: str = Field(max_length=200)
    action: str = Field(max_length=20)  # view, download, edit
    page: str = Field(max_length=100)
    detail: str = Field(sa_type=Text)


class ComplaintAction(SQLModel, table=True):
    """What the council changed because of a theme of complaint: what changed, when (the date it
    took effect), by whom, in which service, and the KPI that should move.

    Grain: one action. Written by `data.edits` (a form on the complaints page, or a sheet of
    them), with who recorded it and when; `complaint_theme` is a `category` of the complaints
    feed and `kpi` an id of the metrics registry, both checked before it is written.
    """

    __tablename__ = "ref_complaint_actions"

    action_id: int | None = Field(default=None, primary_key=True, sa_type=SERIAL)
    complaint_theme: str = Field(max_length=100)
    service: str = Field(max_length=100)
    changed_on: date
    what_changed: str = Field(sa_type=Text)
    changed_by: str = Field(max_length=100)
    kpi: str = Field(max_length=50)
    recorded_by: str = Field(max_length=100)
    recorded_at: datetime = _utc()


class PseudonymKeyRecord(SQLModel, table=True):
    """The fingerprint of the pseudonym key the warehouse was first loaded with: HMAC-SHA256 of a
    fixed label under the key, which tells keys apart and reveals nothing of the key.

    Grain: one row (`key_id` 1), written by the first load (`data.keys`), never changed: a load
    under another key would give the same customer another pseudonym, and repeat contacts would
    silently stop matching, so the command line refuses it.
    """

    __tablename__ = "pseudonym_key"

    key_id: int = Field(default=1, primary_key=True)
    fingerprint: str = Field(max_length=64)
    recorded_at: datetime = _utc()
