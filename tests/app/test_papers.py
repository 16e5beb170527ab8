"""The papers page offers the three downloads, for the latest complete half-year and month, and
its byte builders make the documents the buttons would send."""

from reports.documents.papers import one_pager_bytes, pack_bytes
from tests.app.conftest import open_page

LABELS = ["Download the six-monthly pack (PDF)", "Download the six-monthly pack (Word)",
          "Download the cabinet one-pager (PDF)"]


def test_the_papers_page_offers_both_documents(app, demo_engine):
    open_page(app, "papers")
    assert not app.exception
    assert app.title[0].value == "Papers and packs"
    assert app.selectbox(key="papers_half").value == "2023-H2"
    assert app.selectbox(key="papers_month").value == "2023-12"
    buttons = app.get("download_button")
    assert [b.proto.label for b in buttons] == LABELS
    app.selectbox(key="papers_month").select("2023-11").run()
    assert not app.exception
    assert one_pager_bytes(demo_engine, "2023-11").startswith(b"%PDF")
    assert pack_bytes(demo_engine, "2023-H2", "docx").startswith(b"PK")
