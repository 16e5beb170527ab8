"""Counting each record's fields without the csv module (`pipelines.parse._unquoted_widths`):
the same counts as the csv module wherever it answers, and no answer where quoting or a lone
carriage return makes a line something other than a record."""

import csv
import io
import random

import pytest

from pipelines.parse import _unquoted_widths


def _csv_counts(text: str) -> list[int]:
    return [len(r) for r in csv.reader(io.StringIO(text, newline=""), strict=True)]


@pytest.mark.parametrize(("text", "counts"), [
    ("a,b\n1,2\n", [2, 2]),
    ("a,b\n1,2", [2, 2]),  # no line break after the last record
    ("a,b\r\n1,2,3\r\n\r\n4\r\n", [2, 3, 0, 1]),  # a blank line has no fields
    ("x,y,z\n,,\n1\n", [3, 3, 1]),
])
def test_counts_by_hand(text, counts):
    assert _unquoted_widths(text.encode()).to_list() == counts == _csv_counts(text)


@pytest.mark.parametrize("text", ['a,b\n"1,2",3\n', "a,b\r1,2\n", "a,b\n1\r2\n"])
def test_quotes_and_lone_carriage_returns_are_left_to_the_csv_module(text):
    assert _unquoted_widths(text.encode()) is None


def test_the_same_counts_as_the_csv_module_on_a_thousand_made_up_files():
    rng = random.Random(12)
    answered = 0
    for _ in range(1000):
        text = "".join(rng.choice(["a", "bé", ",", ",", "\n", "\r\n"])
                       for _ in range(rng.randint(1, 40)))
        counts = _unquoted_widths(text.encode())
        if counts is not None:
            answered += 1
            assert counts.to_list() == _csv_counts(text), repr(text)
    assert answered == 1000
