"""(being built)"""

import streamlit as st

st.title("right_first_time")
