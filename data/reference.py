"""Reference data the KPIs need, seeded with the defaults of `docs/kpis.md` on first use.

Analysts edit these rows later (the dashboard records who and when); seeding never overwrites.
"""

from datetime import UTC, datetime

import polars as pl
from sqlalchemy import Connection, Engine, delete, insert
from sqlmodel import Session, select

from data.bulk import read_frame
from data.models import ChannelAssumption, KpiTarget, Setting

# channel: (unit cost £, cost source, cost year, kg CO2e, carbon source, carbon year)
CHANNEL_ASSUMPTIONS = {
    "face_to_face": (9.34, "Socitm 2008 median", 2008, 1.2112,
                     "10 km round trip; 60 % by average car at 0.16725 kg/km, 20 % by local bus "
                     "at 0.10385 kg/passenger-km, 20 % on foot or cycle (DESNZ 2025 factors)",
                     2025),
    "phone": (3.76, "Socitm 2008 median", 2008, 0.0, "not counted by default", 2025),
    "web": (0.27, "Socitm 2008 median", 2008, 0.0, "not counted by default", 2025),
    "app": (0.27, "assumed equal to web", 2008, 0.0, "not counted by default", 2025),
    "letter": (12.10, "PwC study of 19 London and South East councils", 2008, 0.0529016,
               "20 g paper at 1,345.08 kg/t (DESNZ 2025, primary production) + 0.026 kg "
               "delivery (Royal Mail per-item estimate)", 2025),
    "email": (3.76, "assumed equal to phone", 2008, 0.0, "not counted by default", 2025),
    "webchat": (3.76, "assumed equal to phone", 2008, 0.0, "not counted by default", 2025),
    "social_media": (3.76, "assumed equal to phone", 2008, 0.0, "not counted by default", 2025),
    "other": (3.76, "assumed equal to phone", 2008, 0.0, "not counted by default", 2025),
}

# kpi: (target, amber tolerance), in the KPI's own unit. Illustrative strategy targets that a
# council replaces with its own.
KPI_TARGETS = {
    "failure_demand_pct": (25.0, 5.0),
    "classified_pct": (90.0, 5.0),
    "repeat_contact_pct": (15.0, 3.0),
    "right_first_time_pct": (80.0, 5.0),
    "digital_pct": (60.0, 5.0),
    "abandoned_pct": (8.0, 2.0),
    "answered_in_60s_pct": (70.0, 10.0),
    "written_on_time_pct": (90.0, 5.0),
    "stage1_on_time_pct": (95.0, 5.0),
    "stage2_on_time_pct": (95.0, 5.0),
    "escalation_pct": (10.0, 5.0),
    "member_enquiries_acknowledged_on_time_pct": (95.0, 5.0),
    "member_enquiries_on_time_pct": (90.0, 5.0),
    "csat_pct": (80.0, 5.0),
    "nps": (20.0, 10.0),
    "ces_mean": (5.5, 0.5),
}

SETTINGS = {
    "repeat_window_days": "7",
    "answer_standard_seconds": "60",
    "written_standard_working_days": "5",
    "enquiry_acknowledgement_working_days": "2",
    "enquiry_response_working_days": "10",
    # Empty: the 12 months from the first month with contacts. Otherwise `YYYY-MM`.
    "baseline_from": "",
    "baseline_to": "",
    "suppress_counts_below": "5",
    "suppress_rates_denominator_below": "10",
    # The programme's exception report (docs/programme.md).
    "risk_appetite": "15",
    "benefit_tolerance_pct": "10",
    # The audit trail's events are deleted after this many days (7 years, leap days included).
    "audit_retention_days": "2557",
}


def seed_reference(engine: Engine) -> None:
    now = datetime.now(UTC)
    with Session(engine) as session:
        have = set(session.exec(select(ChannelAssumption.channel)))
        for channel, (cost, csrc, cyear, kg, ksrc, kyear) in CHANNEL_ASSUMPTIONS.items():
            if channel not in have:
                session.add(ChannelAssumption(
                    channel=channel, unit_cost_gbp=cost, cost_source=csrc, cost_year=cyear,
                    carbon_kg=kg, carbon_source=ksrc, carbon_year=kyear, updated_at=now))
        have = set(session.exec(select(KpiTarget.kpi)))
        for kpi, (target, tolerance) in KPI_TARGETS.items():
            if kpi not in have:
                session.add(KpiTarget(kpi=kpi, target=target, amber_tolerance=tolerance,
                                      updated_at=now))
        have = set(session.exec(select(Setting.key)))
        for key, value in SETTINGS.items():
            if key not in have:
                session.add(Setting(key=key, value=value, updated_at=now))
        session.commit()


def read_settings(bind: Engine | Connection) -> dict[str, str]:
    """Every setting; on a connection, inside its transaction (a load sees its own writes)."""
    query = select(Setting.key, Setting.value)
    if isinstance(bind, Engine):
        with bind.connect() as conn:
            return dict(conn.execute(query).all())
    return dict(bind.execute(query).all())


def set_setting(conn: Connection, key: str, value: str, by: str) -> None:
    """Write one setting inside the caller's transaction, recording who and when."""
    conn.execute(delete(Setting).where(Setting.key == key))
    conn.execute(insert(Setting).values(key=key, value=value, updated_by=by,
                                        updated_at=datetime.now(UTC)))


def read_targets(conn: Connection) -> dict[str, tuple[float, float]]:
    """kpi -> (target, amber tolerance), as an analyst last set them."""
    rows = conn.execute(select(KpiTarget.kpi, KpiTarget.target, KpiTarget.amber_tolerance))
    return {kpi: (target, tolerance) for kpi, target, tolerance in rows}


def channel_assumptions(conn: Connection, columns: tuple[str, ...]) -> pl.DataFrame:
    """The given columns of every channel's assumptions, by channel."""
    table = ChannelAssumption.__table__
    return read_frame(conn, select(*(table.c[c] for c in columns)).order_by(table.c.channel))
