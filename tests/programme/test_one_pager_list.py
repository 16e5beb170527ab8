"""The one-pager's exception list: every item up to nine, then the rest counted in words that
agree with the sentence above them."""

from datetime import date

import pytest

from metrics.exceptions import Item
from reports.documents.model import Items, Paragraph
from reports.documents.programme import ONE_PAGER_ITEMS, ProgrammeReport, exception_lines


def _report(count: int) -> ProgrammeReport:
    items = [Item("milestone", f"M{n}", f"Milestone {n}", "overdue", "Head of Digital")
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
