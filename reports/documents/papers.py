"""The papers as bytes, straight from a warehouse: what the command line and the dashboard's
download buttons call."""

from sqlalchemy import Engine

from metrics.reads import (
    channel_assumptions,
    latest_load_at,
    read_settings,
    read_targets,
    sources_from_warehouse,
)
from reports.documents import content
from reports.documents.pdf import pdf_bytes
from reports.documents.word import docx_bytes

FORMATS = ("pdf", "docx")


def _reference(engine: Engine) -> content.Reference:
    return content.Reference(channel_assumptions(engine), read_settings(engine),
                             latest_load_at(engine))


def pack_bytes(engine: Engine, half: str, fmt: str = "pdf") -> bytes:
    """The six-monthly committee pack for `half` ("2025-H1") as PDF or Word."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, got {fmt!r}")
    document = content.pack(sources_from_warehouse(engine), half, read_targets(engine),
                            _reference(engine))
    return pdf_bytes(document) if fmt == "pdf" else docx_bytes(document)


def one_pager_bytes(engine: Engine, month: str) -> bytes:
    """The cabinet one-pager for `month` ("2025-06") as PDF."""
    document = content.one_pager(sources_from_warehouse(engine), month, read_targets(engine),
                                 _reference(engine))
    return pdf_bytes(document)
