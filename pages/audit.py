"""The audit trail, for admins: who viewed record-level data (page and filters), who downloaded
what, who changed reference data; and the role mapping in force (`[access]`)."""

import polars as pl
import streamlit as st

from data.audit import ACTIONS, read_events
from pages.shared import access, engine, table
from reports.escape import md

st.title("Audit trail")
st.caption("Every view of record-level data (contact chains, comments, quarantined rows) with "
           "its choices and filters, every download, and every change of assumptions or change "
           "points, newest first. Times are UTC.")
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
           f"read from the claim {md(mapping.claim)}. It is changed in the secrets, not here.")
table(pl.DataFrame({"role": list(mapping.roles),
                    "claim values": [", ".join(v) for v in mapping.roles.values()]},
                   schema={"role": pl.String, "claim values": pl.String}), "role-mapping")
