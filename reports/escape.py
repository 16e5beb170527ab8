"""Feed text is data, never markup: the one place where text drawn from the warehouse (a
service, reason, ward, team, theme, source system, file name...) is made safe for what shows
it.

- `md` for Streamlit, whose captions, text, metric labels, help texts, tab and expander labels
  are Markdown: a backslash before every character that could start a link, an image, HTML,
  emphasis, code, a table, maths or a coloured span. GitHub-flavoured Markdown also turns
  bare `http://...`, `www....` and e-mail addresses into live links, and Streamlit turns
  `:name:` into an icon, after escapes are read, so an invisible word joiner (U+2060) goes
  after `http:`, `www`, `@` and such a `:`: the text reads the same and links nowhere. A line
  break becomes a space, so no value starts a heading or list.
- `figure_text` for plotly, which draws a subset of HTML in its labels (`<a href>`, `<b>`,
  `<br>`): `<`, `>` and `&` become entities, which plotly shows as the characters.
  `escaped_figure` applies it to every text of a finished figure (categories, names, titles,
  hover text, annotations) except its templates, which are the project's own and escape
  what they embed with `figure_text`.
"""

import html
import re

import plotly.graph_objects as go

# Characters that start Markdown (CommonMark and GFM: links and images need `[`), HTML or
# Streamlit's own directives (`:red[...]`, `$maths$`), each escaped with a backslash.
_MARKUP = re.compile(r"([\\`*_\[\]<>|~$#])")
# What is read after the escapes: GFM's literal autolinks ("scheme:" before "//", "www" before
# ".", "@") and Streamlit's icon and emoji shortcodes (":material/home:", ":smile:").
_AUTOLINK = re.compile(r"(?i)(:(?=//|[\w/+-]+:)|www(?=\.)|@)")
WORD_JOINER = "\u2060"
_LINE_START = re.compile(r"^([-+=>])")


def md(value: object) -> str:
    """The value as literal text inside Streamlit Markdown."""
    text = " ".join(str(value).splitlines())
    escaped = _MARKUP.sub(r"\\\1", text)
    return _LINE_START.sub(r"\\\1", _AUTOLINK.sub(rf"\1{WORD_JOINER}", escaped))


def figure_text(value: object) -> str:
    """The value as literal text inside a plotly label, title or hover text."""
    return html.escape(str(value), quote=False)


def escaped_figure(figure: go.Figure) -> go.Figure:
    """A copy of the figure with every text shown as it is, never as HTML."""
    return go.Figure(_escaped(figure.to_dict()))


def _escaped(node, key: str = ""):
    if isinstance(node, str):
        return node if key.endswith("template") else figure_text(node)
    if isinstance(node, dict):
        return {k: _escaped(v, k) for k, v in node.items()}
    if isinstance(node, list | tuple):
        return [_escaped(v, key) for v in node]
    if hasattr(node, "dtype") and node.dtype.kind in "OUS":  # numpy text arrays
        return [_escaped(v, key) for v in node.tolist()]
    return node
