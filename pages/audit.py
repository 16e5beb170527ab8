"""The audit trail, for admins: who viewed record-level data (page and filters), who downloaded
what, who changed reference data; and the role mapping in force (`[access]`)."""

import polars as pl
import streamlit as st

from data.audit import ACTIONS, RETENTION, ROLE_MAPPING, read_events, retention_days
from pages.role_mapping import WHO
from pages.shared import access, engine, settings, table
from reports.escape import md

st.title("Audit trail")
st.caption("Every view of record-level data (contact chains, comments, quarantined rows) with "
           "its choices and filters, every download, and every change of assumptions, change "
           "points or the role mapping, newest first. Times are UTC.")
kept = settings().get(RETENTION, "")
days = retention_days(settings())
if days is None:
    st.warning(f"The setting `{RETENTION}` ({md(kept)}) is not a whole number of days from 1, "
               "so no event is deleted until it is.", icon=":material/warning:")
else:
    st.caption(f"Events are kept for {days:,} days (`{RETENTION}` in `ref_settings`): older "
               "ones are deleted, except the latest record of the role mapping in force.")
chosen = st.multiselect("Actions", ACTIONS, key="audit_actions", placeholder="Every action")
events = read_events(engine())
if chosen:
    events = events.filter(pl.col("action").is_in(chosen))
if events.height:
    table(events, "audit-trail")
else:
    st.caption("Nothing recorded yet.")

st.subheader("Role mapping")
mapping = access()
st.caption(f"From `[access]` in the Streamlit secrets: visitors who are not signed in "
           f"{'are `public`' if mapping.signed_out == 'public' else 'must sign in'}; roles are "
           f"read from the claim {md(mapping.claim)}. It is changed in the secrets, not here; "
           f"each change is recorded in the trail above when the server starts (page "
           f"\"{ROLE_MAPPING}\", by \"{WHO}\").")
table(pl.DataFrame({"role": list(mapping.roles),
                    "claim values": [", ".join(v) for v in mapping.roles.values()]},
                   schema={"role": pl.String, "claim values": pl.String}), "role-mapping")
