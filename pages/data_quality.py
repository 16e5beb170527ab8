"""Data quality: every load with its counts and status, and the quarantine."""

import streamlit as st

from metrics.reads import load_history, quarantine
from pages.shared import download_buttons, engine

st.title("Data quality")
st.subheader("Loads")
loads = load_history(engine())
st.dataframe(loads.drop("errors"), hide_index=True)
download_buttons(loads, "loads")

st.subheader("Quarantine")
st.caption("Rows that broke a rule of the feed contract, kept with their original text "
           "(customer identifiers pseudonymised) and every rule broken.")
rows = quarantine(engine())
st.dataframe(rows, hide_index=True)
download_buttons(rows, "quarantine")
