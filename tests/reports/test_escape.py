"""`reports/escape.py`: feed text made literal for Streamlit's Markdown (`md`) and for plotly's
HTML labels (`figure_text`, `escaped_figure`). What a browser makes of them is checked in
tests/browser/test_feed_text.py; here, that nothing that starts markup is left and nothing of
the text is lost."""

import re

import plotly.graph_objects as go
import pytest

from reports.escape import WORD_JOINER, escaped_figure, figure_text, md

HOSTILE = ["![t](http://127.0.0.1:8000/pixel.png)", "[click](http://evil.example)",
           '<a href="http://evil.example">x</a>', "www.evil.example", "someone@evil.example",
           "**bold** _it_ `code` ~~gone~~ $x$ :red[alarm] :material/home:", "# heading",
           "- a list", "> quote", "a | table | row", "back\\slash", "two\nlines"]
MARKUP = set("\\`*_[]<>|~$#")


def _unescaped(text: str) -> str:
    """What CommonMark shows for backslash escapes of punctuation, without the word joiners."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text).replace(WORD_JOINER, "")


@pytest.mark.parametrize("text", HOSTILE)
def test_md_shows_the_text_as_it_is(text):
    assert _unescaped(md(text)) == " ".join(text.splitlines())


@pytest.mark.parametrize("text", HOSTILE)
def test_md_leaves_no_character_that_starts_markup(text):
    escaped = md(text)
    for i, char in enumerate(escaped):
        if char in MARKUP and char != "\\":
            backslashes = len(escaped[:i]) - len(escaped[:i].rstrip("\\"))
            assert backslashes % 2 == 1, (text, escaped, i)
    assert "\n" not in escaped
    assert not escaped.startswith(("-", "+", ">", "="))


@pytest.mark.parametrize("text", ["http://evil.example", "HTTPS://evil.example",
                                  "www.evil.example", "someone@evil.example", ":material/home:",
                                  "a :smile: b"])
def test_md_breaks_what_is_read_after_the_escapes(text):
    # GFM's autolinks and Streamlit's shortcodes are read in the text left after escapes: the
    # word joiner breaks them.
    assert not re.search(r"(?i)https?://|www\.|@\w|:[\w/+-]+:", md(text).replace("\\", ""))
    assert _unescaped(md(text)) == text


def test_plain_words_pass_unchanged():
    assert md("Council Tax") == "Council Tax"
    assert md("Web and app only: residents served themselves.") == (
        "Web and app only: residents served themselves.")
    assert md("2025-01 to 2025-03, 34.5 % (n = 1,203)") == "2025-01 to 2025-03, 34.5 % (n = 1,203)"
    assert figure_text("Roads & Transport") == "Roads &amp; Transport"


def test_every_text_of_a_figure_is_escaped_and_its_templates_kept():
    link = '<a href="http://evil.example">x</a>'
    figure = go.Figure(go.Bar(x=[link, "Waste"], y=[3, 4], name=link, text=[link, "4"],
                              hovertemplate="%{x}<br>%{y}<extra></extra>"))
    figure.update_layout(title=link, xaxis_title=link)
    figure.add_annotation(text=link, x=0, y=0)
    out = escaped_figure(figure)
    escaped = figure_text(link)
    assert list(out.data[0].x) == [escaped, "Waste"]
    assert out.data[0].name == escaped and list(out.data[0].text) == [escaped, "4"]
    assert out.layout.title.text == escaped == out.layout.xaxis.title.text
    assert out.layout.annotations[0].text == escaped
    assert out.data[0].hovertemplate == "%{x}<br>%{y}<extra></extra>"
    assert list(out.data[0].y) == [3, 4]
    assert "<a" not in out.to_json().replace("\\u003c", "<").replace("<br>", "").replace(
        "<extra></extra>", "")
