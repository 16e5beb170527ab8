"""Once & Done: the router and frame. Pages are registered here; a page not listed is not
reachable."""

import streamlit as st

st.set_page_config(page_title="Once & Done", page_icon=":material/task_alt:", layout="wide")

pages = [
    st.Page("pages/scorecard.py", title="Monthly scorecard", icon=":material/dashboard:",
            default=True),
    st.Page("pages/data_quality.py", title="Data quality", icon=":material/fact_check:"),
]
st.navigation(pages).run()
