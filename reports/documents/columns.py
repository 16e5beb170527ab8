"""The widths of a table's columns in the PDF, set before weasyprint lays the table out.

weasyprint's automatic table layout measures every cell's text for its narrowest and widest
fit before it places a line: a fifth of the committee pack's layout time. The rule here is the
automatic layout's own (CSS 2.1, 17.5.2.2), counted in characters: each column gets at least its
longest word, and its longest line where the page has room; where it has not, the room left
over the words goes to the columns in proportion to what more their lines would take.
"""

from reports.documents.model import Table

# Characters of the tables' 8-point type across an A4 page's 178 mm of text, at about 1.6 mm a
# character; a column's padding and rules take 3.5 mm.
LINE_CHARACTERS = 111
PADDING_CHARACTERS = 2.2
BOLD = 1.1  # header cells (the header row and each row's first cell) are bold


def column_widths(table: Table) -> list[float]:
    """Each column's share of the table's width, in per cent."""
    cells = [[(text, BOLD) for text in table.header]] + [
        [(text, BOLD if i == 0 else 1.0) for i, text in enumerate(row)] for row in table.rows]
    lines = [[len(text) * weight for text, weight in row] for row in cells]
    words = [[max((len(w) for w in text.split()), default=0) * weight for text, weight in row]
             for row in cells]
    narrowest = [max(column) + PADDING_CHARACTERS for column in zip(*words)]
    widest = [max(column) + PADDING_CHARACTERS for column in zip(*lines)]
    if sum(widest) <= LINE_CHARACTERS or sum(widest) == sum(narrowest):
        chosen = widest
    elif sum(narrowest) >= LINE_CHARACTERS:
        chosen = narrowest
    else:
        share = (LINE_CHARACTERS - sum(narrowest)) / (sum(widest) - sum(narrowest))
        chosen = [low + (high - low) * share for low, high in zip(narrowest, widest)]
    return [100 * width / sum(chosen) for width in chosen]
