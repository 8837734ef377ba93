"""What WeasyPrint cannot write itself, added to its PDF with pikepdf.

Page labels (/PageLabels) make a viewer's page box show the printed folio, so
"page v" of the contents and "page 1" of chapter 1 are what the reader types.
"""

from __future__ import annotations

import io

#: CSS counter styles to PDF page-label styles
LABEL_STYLES = {"lower-roman": "/r", "upper-roman": "/R", "decimal": "/D"}


def page_label_ranges(pages: int, body_start: int | None) -> list[tuple[int, str, int]]:
    """(first page index, style, first number): roman front matter, arabic from the body."""
    if not body_start:
        return [(0, "decimal", 1)]
    ranges = [(0, "lower-roman", 1)]
    if body_start < pages:
        ranges.append((body_start, "decimal", 1))
    return ranges


def add_page_labels(pdf_bytes: bytes, ranges: list[tuple[int, str, int]]) -> bytes:
    """The same PDF with a /PageLabels number tree built from `ranges`."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        nums = []
        for index, style, first in ranges:
            nums += [index, pikepdf.Dictionary(S=pikepdf.Name(LABEL_STYLES[style]), St=first)]
        pdf.Root.PageLabels = pdf.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array(nums)))
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
        return out.getvalue()
