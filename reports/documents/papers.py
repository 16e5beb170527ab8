"""The papers as bytes, straight from a warehouse: what the command line and the dashboard's
download buttons call."""

from dataclasses import replace

from sqlalchemy import Engine

from metrics.compute import Sources
from metrics.exceptions import Period, benefit_actuals, exception_list
from metrics.reads import (
    approved_commentary,
    channel_assumptions,
    kpi_owners,
    latest_load_at,
    read_commentary,
    read_programme,
    read_settings,
    read_targets,
    sources_from_warehouse,
)
from metrics.registry import REGISTRY
from reports.documents import content
from reports.documents.model import Document
from reports.documents.pdf import pdf_bytes
from reports.documents.programme import ProgrammeReport
from reports.documents.word import docx_bytes

FORMATS = ("pdf", "docx")


def _reference(engine: Engine) -> content.Reference:
    return content.Reference(channel_assumptions(engine), read_settings(engine),
                             latest_load_at(engine))


def pack_bytes(engine: Engine, half: str, fmt: str = "pdf") -> bytes:
    """The six-monthly committee pack for `half` ("2025-H1") as PDF or Word."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, got {fmt!r}")
    document = pack_document(engine, half)
    return pdf_bytes(document) if fmt == "pdf" else docx_bytes(document)


def pack_document(engine: Engine, half: str) -> Document:
    """The committee pack's content for `half`, before it is printed to either format."""
    sources = sources_from_warehouse(engine)
    return content.pack(sources, half, read_targets(engine), _reference(engine),
                        programme_report(engine, half, sources))


def one_pager_bytes(engine: Engine, month: str) -> bytes:
    """The cabinet one-pager for `month` ("2025-06") as PDF."""
    sources = sources_from_warehouse(engine)
    document = content.one_pager(sources, month, read_targets(engine), _reference(engine),
                                 programme_report(engine, month, sources))
    return pdf_bytes(document)


def programme_report(engine: Engine, period: str, sources: Sources) -> ProgrammeReport:
    """The programme and its exception list for `period` (`YYYY-MM` or `YYYY-Hn`), with the
    approved commentary of that period: what the papers print of it."""
    programme = read_programme(engine)
    programme = replace(programme, benefits=benefit_actuals(programme.benefits, sources))
    settings, owners = read_settings(engine), kpi_owners(engine)
    approved = approved_commentary(read_commentary(engine, period))
    items = exception_list(programme, sources, Period(period), read_targets(engine), settings,
                           owners, approved)
    labels = {k.id: k.worded(sources.standards).label for k in REGISTRY.values()}
    return ProgrammeReport(period, Period(period).report_date(sources), items, programme,
                           settings, approved, owners, labels)
