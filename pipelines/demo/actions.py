"""What the demo council changed because of its complaints: four actions against complaint
themes, dated once the customer programme has begun (`story.PROGRAMME_START`), each naming a
measure the programme moves (replies on time rise and complaints fall as it takes effect), so
the pack's before and after show a change. Recorded as staff record them (`data.edits`)."""

from datetime import date

from sqlalchemy import Engine

from data.edits import read_actions, record_actions
from pipelines.demo.calendar import demo_period
from pipelines.demo.story import PROGRAMME_START

RECORDED_BY = "demo council"
# (month index, day, theme, service, what changed, who changed it, the measure that should move)
ACTIONS = (
    (PROGRAMME_START, 4, "missed collection", "Waste and Recycling",
     "Crews photograph every bin left unemptied, and the app tells the resident why the same "
     "day", "Head of Waste Services", "complaints_per_1000_contacts"),
    (PROGRAMME_START + 1, 11, "incorrect bill", "Council Tax",
     "A named officer answers each billing complaint, tracked daily against the 10 working "
     "days", "Revenues Manager", "stage1_on_time_pct"),
    (PROGRAMME_START + 3, 3, "delay", "Housing Benefit",
     "Complaint replies tracked against the standard, with a reminder at day 7",
     "Benefits Manager", "stage1_on_time_pct"),
    (PROGRAMME_START + 4, 2, "communication", "Planning",
     "Decision letters rewritten in plain English, with a named contact", "Planning Manager",
     "complaints_per_1000_contacts"),
)


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
