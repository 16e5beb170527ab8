"""The document model as HTML and CSS, printed to a tagged PDF by weasyprint.

Charts are SVG images (vector in the PDF) with their text alternative as `alt`; headings,
tables with header cells and the contents list give the PDF its structure tags
(`pdf_tags=True`), in the reading order of the model, with the document's language and title.
weasyprint's full PDF/UA-1 variant was measured at 1.6 times the time for the same tags.
"""

import base64
from html import escape

from reports.documents.columns import column_widths
from reports.documents.drawing import svg
from reports.documents.model import Chart, Document, Heading, Items, Paragraph, Table, Tiles

# weasyprint's options for every PDF (bench/pack_bench.py prints with the same).
WRITE_OPTIONS = {"pdf_tags": True}

CSS = """
@page { size: A4 %(orientation)s; margin: 18mm 16mm 18mm 16mm;
        @bottom-right { content: "Page " counter(page) " of " counter(pages);
                        font-size: 8pt; color: #404040; } }
@page cover { @bottom-right { content: none; } }
@page onepage { margin: 7mm 12mm 7mm 12mm; }
body { font-family: "DejaVu Sans", "Liberation Sans", sans-serif; font-size: 9.5pt;
       color: #1f1f1f; line-height: 1.35; }
.cover { page: cover; page-break-after: always; padding-top: 60mm; }
.cover h1 { font-size: 24pt; margin: 0 0 4mm 0; color: #0b3d63; }
.cover .subtitle { font-size: 16pt; margin-bottom: 12mm; }
nav { page-break-after: always; }
nav ol { list-style: none; padding: 0; }
nav li a { color: #1f1f1f; text-decoration: none; }
nav li a::after { content: leader('.') target-counter(attr(href), page); }
h2 { font-size: 15pt; color: #0b3d63; margin: 0 0 3mm 0; }
section { page-break-before: always; }
section.first { page-break-before: auto; }
h3 { font-size: 11pt; margin: 5mm 0 1mm 0; page-break-after: avoid; }
figure { margin: 2mm 0; page-break-inside: avoid; }
figure img { width: 100%%; }
figcaption { font-size: 8.5pt; color: #404040; }
/* Fixed: the columns' widths come with the table (reports/documents/columns.py). */
table { table-layout: fixed; border-collapse: collapse; width: 100%%; margin: 1mm 0 3mm 0;
        font-size: 8pt; }
/* A table's caption never ends a page apart from its rows. */
caption { text-align: left; font-weight: bold; padding-bottom: 1mm; break-after: avoid; }
th, td { border: 0.5pt solid #9e9e9e; padding: 0.8mm 1.5mm; text-align: left;
         vertical-align: top; }
th { background: #eef3f7; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; }
.tiles { display: flex; flex-wrap: wrap; gap: 1.2mm; margin-bottom: 1.2mm; }
.tile { width: 60mm; border: 0.6pt solid #9e9e9e; padding: 0.5mm 1.4mm; font-size: 6.6pt;
        line-height: 1.15; }
.tile .head { display: flex; justify-content: space-between; align-items: baseline; }
.tile .label { font-weight: bold; font-size: 7.2pt; }
.tile .value { font-size: 9.5pt; font-weight: bold; color: #0b3d63; white-space: nowrap; }
.onepage { page: onepage; }
/* Five tiles to a row on the one-pager, so that the month's exceptions fit on its page too. */
.onepage .tiles { display: grid; grid-template-columns: repeat(5, 1fr); }
/* Small enough that thirty tiles and nine exceptions, each with its commentary, keep one page
   (tests/programme/test_one_pager_list.py, on the whole demo). */
.onepage .tile { width: auto; line-height: 1.05; font-size: 6.3pt; }
.onepage .tile .head { flex-wrap: wrap; }
.onepage .tile .label { font-size: 6.6pt; white-space: nowrap; }
.onepage .tile .value { font-size: 8pt; }
.onepage h1 { font-size: 15pt; margin: 0; color: #0b3d63; }
.onepage .intro { font-size: 7pt; margin: 0 0 1.5mm 0; }
.onepage p { margin: 0.3mm 0; font-size: 7pt; line-height: 1.25; }
.onepage h2 { position: absolute; left: -9999px; }
.onepage h3 { font-size: 8pt; margin: 1mm 0 0 0; }
.items { columns: 3; column-gap: 4mm; font-size: 6.4pt; line-height: 1.2; margin: 0.5mm 0;
         padding-left: 3mm; }
.items li { break-inside: avoid; }
"""


def html(document: Document) -> str:
    """The document as one HTML page, in the model's reading order."""
    body = []
    if document.landscape:
        body.append(f'<div class="onepage"><h1>{escape(document.title)}: '
                    f'{escape(document.subtitle)}</h1>'
                    + "".join(f'<p class="intro">{escape(line)}</p>' for line in document.cover))
    else:
        body.append(f'<div class="cover"><h1>{escape(document.title)}</h1>'
                    f'<p class="subtitle">{escape(document.subtitle)}</p>'
                    + "".join(f"<p>{escape(line)}</p>" for line in document.cover) + "</div>")
    if document.contents:
        body.append('<nav aria-label="Contents"><h2>Contents</h2><ol>'
                    + "".join(f'<li><a href="#{s.anchor}">{escape(s.title)}</a></li>'
                              for s in document.sections) + "</ol></nav>")
    for i, section in enumerate(document.sections):
        css = ' class="first"' if i == 0 else ""
        body.append(f'<section{css}><h2 id="{section.anchor}">{escape(section.title)}</h2>'
                    + "".join(_block(b) for b in section.blocks) + "</section>")
    if document.landscape:
        body.append("</div>")
    css = CSS % {"orientation": "landscape" if document.landscape else "portrait"}
    return (f'<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
            f"<title>{escape(document.title)}: {escape(document.subtitle)}</title>"
            f"<style>{css}</style></head><body>{''.join(body)}</body></html>")


def _block(block) -> str:
    if isinstance(block, Paragraph):
        return f"<p>{escape(block.text)}</p>"
    if isinstance(block, Heading):
        return f"<h3>{escape(block.text)}</h3>"
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Chart):
        data = base64.b64encode(svg(block.drawing).encode()).decode()
        return (f'<figure><img src="data:image/svg+xml;base64,{data}" '
                f'alt="{escape(block.alt)}"><figcaption>{escape(block.title)}</figcaption>'
                f"</figure>{_table(block.table)}")
    if isinstance(block, Items):
        return ('<ul class="items">' + "".join(f"<li>{escape(line)}</li>" for line in block.lines)
                + "</ul>")
    if isinstance(block, Tiles):
        return '<div class="tiles">' + "".join(
            f'<div class="tile"><div class="head"><span class="label">{escape(t.label)}</span>'
            f' <span class="value">{escape(t.value)}</span></div>'
            + "".join(f"<div>{escape(line)}</div>" for line in (
                t.target, t.last_month, t.year_ago, t.spc, t.note) if line)
            + "</div>" for t in block.tiles) + "</div>"
    raise TypeError(f"not a block: {block!r}")


def _table(table: Table) -> str:
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in table.header)
    rows = "".join("<tr>" + "".join(
        f'<th scope="row">{escape(c)}</th>' if i == 0 else f"<td>{escape(c)}</td>"
        for i, c in enumerate(row)) + "</tr>" for row in table.rows)
    columns = "".join(f'<col style="width: {share:.2f}%">' for share in column_widths(table))
    return (f"<table><caption>{escape(table.caption)}</caption><colgroup>{columns}</colgroup>"
            f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")


def pdf_bytes(document: Document) -> bytes:
    """The document as a tagged PDF."""
    from weasyprint import HTML  # noqa: PLC0415 (a second to import; Word needs none of it)

    return HTML(string=html(document)).write_pdf(**WRITE_OPTIONS)
