"""The role mapping's changes, in the audit trail. The mapping lives in the Streamlit secrets,
which nobody edits through the dashboard, so the server compares the `[access]` it starts with
against the last one the trail recorded, and records the difference (the first time: all of it)
as an edit by "configuration at server start". No streamlit here; serve.py calls it.

Each such event's detail says what changed, then holds the whole mapping in force as JSON after
`IN_FORCE`, which is what the next start compares with.
"""

import json

from sqlalchemy import Engine

from data.audit import ROLE_MAPPING, forget_old_events, latest_detail, record_event
from pages.access import Access

WHO = "configuration at server start"
IN_FORCE = "In force: "


def as_record(access: Access) -> dict:
    """The mapping as the trail keeps it."""
    return {"configured": access.configured, "signed_out": access.signed_out,
            "claim": access.claim, "roles": {r: list(v) for r, v in access.roles.items()}}


def changes(before: dict | None, now: dict) -> list[str]:
    """What changed from `before` (None: nothing recorded yet) to `now`, in words; [] if
    nothing did."""
    if before is None:
        return ["first recorded"]
    said = []
    if before.get("configured") != now["configured"]:
        said.append("[access] added" if now["configured"] else "[access] removed")
    for key in ("signed_out", "claim"):
        if before.get(key) != now[key]:
            said.append(f"{key}: {before.get(key)} → {now[key]}")
    old, new = before.get("roles", {}), now["roles"]
    for role in sorted(old.keys() | new.keys()):
        if role not in old:
            said.append(f"{role} granted by {', '.join(new[role])}")
        elif role not in new:
            said.append(f"{role} no longer granted (was {', '.join(old[role])})")
        elif old[role] != new[role]:
            said.append(f"{role}: {', '.join(old[role])} → {', '.join(new[role])}")
    return said


def recorded(detail: str | None) -> dict | None:
    """The mapping an event's detail holds (None for none, or a detail not written here)."""
    if not detail or IN_FORCE not in detail:
        return None
    try:
        return json.loads(detail.split(IN_FORCE, 1)[1])
    except json.JSONDecodeError:
        return None


def record_at_start(engine: Engine, access: Access) -> str | None:
    """At server start: record the mapping if it differs from the last recorded, then delete
    the events past their retention. Returns what changed, in words (None if nothing)."""
    now = as_record(access)
    said = "; ".join(changes(recorded(latest_detail(engine, ROLE_MAPPING)), now)) or None
    if said:
        record_event(engine, WHO, "edit", ROLE_MAPPING,
                     f"{said}. {IN_FORCE}{json.dumps(now, ensure_ascii=False)}")
    forget_old_events(engine)
    return said
