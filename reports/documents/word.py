"""The document model as a Word file (python-docx), for officers to edit.

Word has no native SVG in python-docx: each chart is embedded as an SVG image with a PNG
fallback (Office's `asvg:svgBlip` extension), so Word 2016 or later and LibreOffice show the
vector chart and older readers the picture. Every picture carries its text alternative
(`descr`), headings use Word's heading styles (its navigation pane and reading order), and
table header rows are marked to repeat on each page.
"""

import io

from docx import Document as new_document
from docx.enum.section import WD_ORIENT
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from lxml import etree

from reports.documents.drawing import png, svg
from reports.documents.model import Chart, Document, Heading, Items, Paragraph, Table, Tiles

_SVG_EXTENSION = "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"
_SVG_NS = "http://schemas.microsoft.com/office/drawing/2016/SVG/main"


def docx_bytes(document: Document) -> bytes:
    """The document as a .docx file."""
    doc = new_document()
    doc.core_properties.title = f"{document.title}: {document.subtitle}"
    doc.core_properties.language = "en-GB"
    doc.styles["Normal"].font.size = Pt(10)
    if document.landscape:
        section = doc.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    doc.add_heading(document.title, level=0)
    doc.add_paragraph(document.subtitle, style="Subtitle")
    for line in document.cover:
        doc.add_paragraph(line)
    if document.contents:
        doc.add_page_break()
        doc.add_heading("Contents", level=1)
        for section in document.sections:
            doc.add_paragraph(section.title, style="List Number")
    charts = 0
    for section in document.sections:
        doc.add_page_break()
        doc.add_heading(section.title, level=1)
        for block in section.blocks:
            if isinstance(block, Paragraph):
                doc.add_paragraph(block.text)
            elif isinstance(block, Heading):
                doc.add_heading(block.text, level=2)
            elif isinstance(block, Items):
                for line in block.lines:
                    doc.add_paragraph(line, style="List Bullet")
            elif isinstance(block, Table):
                _table(doc, block)
            elif isinstance(block, Chart):
                charts += 1
                _chart(doc, block, charts)
                _table(doc, block.table)
            elif isinstance(block, Tiles):
                _table(doc, Table("Scorecard", ("Measure", "Figure", "Against target",
                                                "Last month", "A year ago", "This month (SPC)"),
                                  tuple((t.label, f"{t.value} {t.note}".strip(), t.target,
                                         t.last_month, t.year_ago, t.spc)
                                        for t in block.tiles)))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _table(doc, table: Table) -> None:
    doc.add_paragraph(table.caption, style="Caption")
    grid = doc.add_table(rows=1, cols=len(table.header))
    grid.style = "Table Grid"
    header = grid.rows[0]
    # Repeat the header row on every page, and mark it as the table's header for readers.
    properties = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    properties.append(repeat)
    for cell, text in zip(header.cells, table.header):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for row in table.rows:
        cells = grid.add_row().cells
        for cell, text in zip(cells, row):
            cell.text = text
    doc.add_paragraph()


def _chart(doc, chart: Chart, number: int) -> None:
    run = doc.add_paragraph().add_run()
    shape = run.add_picture(io.BytesIO(png(chart.drawing)), width=Cm(16))
    doc_pr = shape._inline.docPr
    doc_pr.set("descr", chart.alt)
    doc_pr.set("title", chart.title)
    part = Part(PackURI(f"/word/media/chart{number}.svg"), "image/svg+xml",
                svg(chart.drawing).encode(), doc.part.package)
    rel_id = doc.part.relate_to(part, RELATIONSHIP_TYPE.IMAGE)
    blip = shape._inline.graphic.graphicData.pic.blipFill.blip
    extensions = OxmlElement("a:extLst")
    extension = OxmlElement("a:ext")
    extension.set("uri", _SVG_EXTENSION)
    svg_blip = etree.SubElement(extension, f"{{{_SVG_NS}}}svgBlip", nsmap={"asvg": _SVG_NS})
    svg_blip.set(qn("r:embed"), rel_id)
    extensions.append(extension)
    blip.append(extensions)
    doc.add_paragraph(chart.title, style="Caption")
