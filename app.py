"""Once & Done: the router and frame. Pages are registered here; a page not listed is not
reachable."""

import streamlit as st

from pages.shared import signed_in_as
from reports.escape import md

st.set_page_config(page_title="Once & Done", page_icon=":material/task_alt:", layout="wide")

pages = {
    "Cabinet": [
        st.Page("pages/scorecard.py", title="Monthly scorecard", icon=":material/dashboard:",
                default=True),
        st.Page("pages/papers.py", title="Papers and packs", icon=":material/description:"),
        st.Page("pages/programme.py", title="Programme", icon=":material/flag:"),
    ],
    "Service managers": [
        st.Page("pages/failure_demand.py", title="Failure demand", icon=":material/replay:"),
        st.Page("pages/right_first_time.py", title="Right first time",
                icon=":material/check_circle:"),
        st.Page("pages/complaints.py", title="Complaints and compliments",
                icon=":material/forum:"),
        st.Page("pages/satisfaction.py", title="Satisfaction", icon=":material/mood:"),
        st.Page("pages/enquiries.py", title="Members' enquiries",
                icon=":material/how_to_reg:"),
        st.Page("pages/channels.py", title="Channels, cost and carbon", icon=":material/eco:"),
    ],
    "Analysts": [
        st.Page("pages/data_quality.py", title="Data quality", icon=":material/fact_check:"),
    ],
}
navigation = st.navigation(pages)
if signed_in_as():
    with st.sidebar:
        st.caption(f"Signed in as {md(signed_in_as())}")
        st.button("Sign out", on_click=st.logout, icon=":material/logout:", key="sign_out")
navigation.run()
