"""Plot builders: pure functions from figures to plotly figures, shared by the dashboard and the
printed documents. They never import streamlit, and never compute a KPI: they draw what
`metrics` computed."""
