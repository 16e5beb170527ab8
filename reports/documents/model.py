"""The format-free document model: what a paper says, in reading order. `pdf` and `word`
render the same model, so both formats carry the same words, tables and charts."""

from dataclasses import dataclass

from reports.documents.drawing import Drawing


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Table:
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Chart:
    """A chart never travels alone: `alt` is its text alternative, `table` every figure it
    draws."""

    title: str
    alt: str
    drawing: Drawing
    table: Table


@dataclass(frozen=True)
class Heading:
    """A sub-heading inside a section (level 3 of the document)."""

    text: str


@dataclass(frozen=True)
class TileView:
    """One scorecard tile as printed: every figure already published (suppressed), each line
    worded by `metrics.wording`."""

    label: str
    theme: str
    value: str
    target: str  # "✔ Meets target · target 25.0 %", or "no target"
    last_month: str  # "Last month 25.0 % · ↓ down 0.3 points (better)"
    year_ago: str  # "A year ago 31.0 % · ↓ down 6.3 points (better)"
    spc: str  # "SPC: ↔ normal variation"
    note: str = ""  # the price base of a money figure


@dataclass(frozen=True)
class Tiles:
    tiles: tuple[TileView, ...]


@dataclass(frozen=True)
class Items:
    """A list of short lines printed compactly in columns (the one-pager's exceptions)."""

    lines: tuple[str, ...]


Block = Paragraph | Table | Chart | Heading | Tiles | Items


@dataclass(frozen=True)
class Section:
    anchor: str
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Document:
    title: str
    subtitle: str
    cover: tuple[str, ...]  # cover lines under the title
    sections: tuple[Section, ...]
    landscape: bool = False
    contents: bool = True  # a contents list after the cover

    def charts(self) -> list[Chart]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Chart)]
