"""The one-pager's exception list: every item up to nine, then the rest counted in words that
agree with the sentence above them."""

import io
from datetime import date

import pytest
from pypdf import PdfReader

from metrics.exceptions import Item
from metrics.registry import headline_kpis
from reports.documents import content
from reports.documents.model import Items, Paragraph
from reports.documents.pdf import pdf_bytes
from reports.documents.programme import ONE_PAGER_ITEMS, ProgrammeReport, exception_lines


def _report(count: int, items: list[Item] | None = None) -> ProgrammeReport:
    items = items or [Item("milestone", f"M{n}", f"Milestone {n}", "overdue", "Head of Digital")
                      for n in range(1, count + 1)]
    return ProgrammeReport("2026-10", date(2026, 10, 31), items, None, {}, {}, {}, {})


@pytest.mark.parametrize("count", [1, ONE_PAGER_ITEMS, ONE_PAGER_ITEMS + 1, 13])
def test_up_to_nine_items_are_listed_and_the_rest_counted(count):
    sentence, *rest = exception_lines(_report(count))
    assert isinstance(sentence, Paragraph) and f"{count} " in sentence.text
    (listed,) = rest
    assert isinstance(listed, Items)
    named = [line for line in listed.lines if line.startswith("Milestone ")]
    assert len(named) == min(count, ONE_PAGER_ITEMS)
    more = count - len(named)
    counted = [line for line in listed.lines if line.startswith("and ")]
    assert counted == ([f"and {more} more, listed in full on the Programme page and by "
                        "python -m metrics exceptions"] if more else [])


def test_no_item_is_no_list():
    assert len(exception_lines(_report(0))) == 1


def test_the_whole_demo_s_latest_one_pager_keeps_one_page_with_nine_long_items(whole_demo):
    """Every tile of the demo's latest month, and nine exceptions each with a long title, owner
    and commentary: still one page (a cabinet member reads it on one sheet)."""
    sources, targets, assumptions = whole_demo
    items = [Item("milestone", f"M{n}", "Contact centre staff trained in first-contact "
                  "resolution", "overdue", "Head of Customer Services",
                  "A second supplier is being procured; the board reviews the plan next month.")
             for n in range(ONE_PAGER_ITEMS)]
    document = content.one_pager(sources, "2026-10", targets,
                                 content.Reference(assumptions, {}, None), _report(0, items))
    assert len(document.sections[0].blocks[0].tiles) == len(headline_kpis())
    assert len(PdfReader(io.BytesIO(pdf_bytes(document))).pages) == 1
