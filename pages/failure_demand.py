"""(being built)"""

import streamlit as st

st.title("failure_demand")
