"""The PDF's tables come with their columns' widths (reports/documents/columns.py), the rule of
a browser's automatic table layout counted in characters: every line where the page has room,
else at least every column's longest word and the rest shared by what more each line needs."""

import pytest

from reports.documents.columns import BOLD, LINE_CHARACTERS, PADDING_CHARACTERS, column_widths
from reports.documents.model import Table


def test_lines_that_fit_get_the_widths_of_their_longest_lines():
    table = Table("", ("Month", "Value"), (("July 2025", "56"), ("May 2026", "1,234")))
    month = len("July 2025") * BOLD + PADDING_CHARACTERS  # a row's first cell is bold
    value = len("Value") * BOLD + PADDING_CHARACTERS  # the header is longer than "1,234"
    assert column_widths(table) == pytest.approx(
        [100 * month / (month + value), 100 * value / (month + value)])


def test_a_long_text_column_gives_up_room_down_to_its_longest_word():
    reason = "the supplier could not start the works until the lease was signed " * 3
    table = Table("", ("Risk", "Reason"), (("R1", reason),))
    risk, words = (len("Risk") * BOLD + PADDING_CHARACTERS,
                   len("supplier") + PADDING_CHARACTERS)
    lines = len(reason) + PADDING_CHARACTERS
    assert risk + lines > LINE_CHARACTERS
    # The room over the words goes to the reason, the only column wanting more.
    shares = column_widths(table)
    assert shares[1] == pytest.approx(100 * (LINE_CHARACTERS - risk) / LINE_CHARACTERS)
    assert LINE_CHARACTERS - risk > words


def test_words_wider_than_the_page_keep_their_widths():
    word = "x" * 80
    table = Table("", ("A", "B"), ((word, word),))
    first, second = 80 * BOLD + PADDING_CHARACTERS, 80 + PADDING_CHARACTERS
    assert first + second > LINE_CHARACTERS
    assert column_widths(table) == pytest.approx(
        [100 * first / (first + second), 100 * second / (first + second)])
    assert sum(column_widths(Table("", ("A", "B", "C"), (("a", "b", "c"),)))) == pytest.approx(100)
