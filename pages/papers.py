"""Papers and packs: the six-monthly scrutiny committee pack (PDF, Word) and the monthly cabinet
one-pager (PDF), built by `reports.documents` from the same figures as the dashboard, with
small numbers suppressed because they leave the building."""

import streamlit as st

from metrics.reads import SOURCE_PARTS
from pages.shared import audited, cached, engine, months, no_data, sources
from reports.documents.halves import complete_halves, half_name, half_of, month_name
from reports.documents.papers import one_pager_bytes, pack_bytes

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Everything the papers print: the figures, the targets, and (the method notes) the latest load.
READS = (*SOURCE_PARTS, "targets", "loads")


@cached(*READS, max_entries=8, show_spinner="Building the six-monthly pack…")
def _pack(stamp, half: str, fmt: str) -> bytes:
    return pack_bytes(engine(), half, fmt)


@cached(*READS, max_entries=8, show_spinner="Building the one-pager…")
def _one_pager(stamp, month: str) -> bytes:
    return one_pager_bytes(engine(), month)


st.title("Papers and packs")
available = months(sources())
if not available:
    no_data()
st.write("Documents for councillors, generated from the same KPI definitions as this "
         "dashboard. Everything in them is published: a count from 1 to 4 reads <5 and a rate "
         "based on fewer than 10 cases is not shown.")

st.subheader("Six-monthly progress report (scrutiny committee)")
halves = complete_halves(available) or [half_of(max(available))]
half = st.selectbox("Half-year", halves, format_func=lambda h: f"{half_name(h)} ({h})",
                    key="papers_half")
pack_files = {fmt: f"six-monthly-pack-{half}.{fmt}" for fmt in ("pdf", "docx")}
st.download_button("Download the six-monthly pack (PDF)",
                   audited(lambda: _pack(half, "pdf"), pack_files["pdf"]), pack_files["pdf"],
                   PDF, key="download_pack_pdf", icon=":material/download:", on_click="ignore")
st.download_button("Download the six-monthly pack (Word)",
                   audited(lambda: _pack(half, "docx"), pack_files["docx"]), pack_files["docx"],
                   DOCX, key="download_pack_docx", icon=":material/download:",
                   on_click="ignore")

st.subheader("Monthly scorecard (cabinet one-pager)")
month = st.selectbox("Month", available, format_func=month_name, key="papers_month")
one_pager = f"cabinet-one-pager-{month}.pdf"
st.download_button("Download the cabinet one-pager (PDF)",
                   audited(lambda: _one_pager(month), one_pager), one_pager, PDF,
                   key="download_one_pager_pdf", icon=":material/download:", on_click="ignore")
