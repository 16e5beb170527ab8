"""Learning from complaints on the complaints page in AppTest on the demo warehouse: the
tables behind the charts are what `metrics.learning_view` computes."""

from metrics.compute import Query
from metrics.learning_view import feedback_by, themes_against_upheld, upheld_by
from metrics.reads import sources_from_warehouse
from tests.app.conftest import LATEST_MONTH, open_page

LATEST = Query(first_month=LATEST_MONTH, last_month=LATEST_MONTH)


def frames_with(app, *columns: str) -> list:
    """The tables shown with exactly these columns, in this order."""
    return [d.value for d in app.dataframe if list(d.value.columns) == list(columns)]


def test_the_learning_tables_are_the_views_figures(app, demo_engine):
    open_page(app, "complaints")
    assert not app.exception
    src = sources_from_warehouse(demo_engine)
    by_theme, = frames_with(app, "Theme", "Upheld", "Decided", "Upheld %")
    assert by_theme["Theme"].tolist() == upheld_by(src, LATEST, "category")["Theme"].to_list()
    assert by_theme["Upheld"].tolist() == upheld_by(src, LATEST, "category")["Upheld"].to_list()
    by_service, = frames_with(app, "Service", "Upheld", "Decided", "Upheld %")
    assert by_service["Decided"].tolist() == upheld_by(src, LATEST, "service")[
        "Decided"].to_list()
    against, = frames_with(app, "Month", "Theme", "Received", "Upheld", "Decided",
                           "Upheld %")
    assert against["Received"].tolist() == themes_against_upheld(src, LATEST)[
        "Received"].to_list()
    compliments = frames_with(app, "Service", "Compliments")[0]
    assert compliments["Compliments"].tolist() == feedback_by(
        src.complaints, LATEST, "compliment", "service")["Compliments"].to_list()
    assert sum(compliments["Compliments"]) > 0
    assert any("Complaints upheld across" in c.value for c in app.caption)
