"""What a tagged PDF says to a screen reader: the alternative texts of its structure tree."""

import io

from pypdf import PdfReader


def alt_texts(pdf: bytes) -> list[str]:
    """Every `/Alt` of the structure tree, in reading order."""
    alts = []

    def walk(node):
        node = node.get_object()
        if isinstance(node, dict):
            if "/Alt" in node:
                alts.append(str(node["/Alt"]))
            kids = node.get("/K")
            for kid in (kids if isinstance(kids, list) else [kids] if kids is not None else []):
                walk(kid)
    walk(PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/StructTreeRoot"])
    return alts
