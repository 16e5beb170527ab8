"""The papers as bytes, straight from a warehouse: what the command line and the dashboard's
download buttons call."""

from sqlalchemy import Engine, func, select

from data.bulk import read_frame, schema_of
from data.models import ChannelAssumption, LoadLog
from data.reference import read_settings
from metrics.documents import content
from metrics.documents.pdf import pdf_bytes
from metrics.documents.word import docx_bytes
from metrics.reads import read_targets, sources_from_warehouse

FORMATS = ("pdf", "docx")


def _reference(engine: Engine) -> content.Reference:
    table = ChannelAssumption.__table__
    names = ["channel", "unit_cost_gbp", "cost_source", "cost_year", "carbon_kg",
             "carbon_source", "carbon_year"]
    with engine.connect() as conn:
        assumptions = read_frame(conn, f'SELECT {", ".join(names)} FROM "{table.name}"',
                                 schema_of(table, names))
        latest = conn.execute(select(func.max(LoadLog.finished_at))).scalar_one()
    return content.Reference(assumptions, read_settings(engine), latest)


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
                                 read_settings(engine))
    return pdf_bytes(document)
