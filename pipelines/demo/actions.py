"""What the demo council changed because of its complaints: four actions against complaint
themes, dated once the customer programme has begun (`story.PROGRAMME_START`). Three aim at the
upheld rate of their theme in their service, and from their month the generator decides half
of that theme's upheld stage-1 complaints there not upheld (`fewer_upheld`), so the rate falls
by about half; the fourth aims at complaints per 1,000 contacts, which the programme lowers a
little. Recorded as staff record them (`data.edits`)."""

from datetime import date

import numpy as np
from sqlalchemy import Engine

from data.edits import read_actions, record_actions
from pipelines.demo.calendar import Month, demo_period
from pipelines.demo.council import COMPLAINT_CATEGORIES, SERVICES
from pipelines.demo.story import PROGRAMME_START

RECORDED_BY = "demo council"
# (month index, day, theme, service, what changed, who changed it, the measure that should move)
ACTIONS = (
    (PROGRAMME_START, 4, "missed collection", "Waste and Recycling",
     "Crews photograph every bin left unemptied, and the app tells the resident why the same "
     "day", "Head of Waste Services", "upheld_pct"),
    (PROGRAMME_START + 1, 11, "incorrect bill", "Council Tax",
     "Bills checked against the valuation list before they are sent", "Revenues Manager",
     "upheld_pct"),
    (PROGRAMME_START + 3, 3, "delay", "Housing Benefit",
     "New claims assessed in date order, with a reminder when one waits 10 working days",
     "Benefits Manager", "upheld_pct"),
    (PROGRAMME_START + 4, 2, "communication", "Planning",
     "Decision letters rewritten in plain English, with a named contact", "Planning Manager",
     "complaints_per_1000_contacts"),
)


UPHELD, PARTLY_UPHELD, NOT_UPHELD = 0, 1, 2  # `complaints.OUTCOMES`
SERVICE_NAMES = [s.name for s in SERVICES]


def fewer_upheld(rows: dict, month: Month) -> np.ndarray:
    """The stage-1 outcomes of `rows` once the month's upheld-rate actions have taken effect:
    every second complaint upheld (in whole or part) of an acted-on theme and service is decided
    not upheld instead. Draws nothing, so every other figure of the demo stays as it was."""
    outcome = rows["outcome"].copy()
    for index, _, theme, service, _, _, kpi in ACTIONS:
        if kpi != "upheld_pct" or month.index < index:
            continue
        hit = np.flatnonzero((rows["service"] == SERVICE_NAMES.index(service))
                             & (rows["category"] == COMPLAINT_CATEGORIES.index(theme))
                             & np.isin(outcome, (UPHELD, PARTLY_UPHELD)))
        outcome[hit[::2]] = NOT_UPHELD
    return outcome


def record_demo_actions(engine: Engine, months: int) -> int:
    """Record the actions that fall in a demo of `months` months, unless actions are already
    recorded (a demo built again over itself); return how many were recorded."""
    if read_actions(engine).height:
        return 0
    period = demo_period(months)
    actions = [
        {"complaint_theme": theme, "service": service, "what_changed": what, "changed_by": who,
         "kpi": kpi,
         "changed_on": date.fromisoformat(str(period.months[index].start)).replace(day=day)}
        for index, day, theme, service, what, who, kpi in ACTIONS if index < len(period.months)]
    return len(record_actions(engine, actions, by=RECORDED_BY))
