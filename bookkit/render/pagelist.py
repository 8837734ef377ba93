"""Where each printed page begins, taken from the print layout, for the EPUB page-list.

The print PDF and the EPUB are both written from the same pandoc AST per chapter,
so the n-th paragraph of a chapter is the same paragraph in both. The layout tells
us, for every print page, the paragraph its first line belongs to and the words
that line starts with; the EPUB gets a page-break marker at exactly that place.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..cache import Cache
from ..pipeline import Prepared


@dataclass(frozen=True)
class PageMark:
    label: str  # the printed folio
    section: str  # id of the part's top-level section (its slug)
    paragraph: int  # 1-based paragraph of the part's body in the EPUB; 0 = the part's start
    line: str  # the text the page's first line starts with ("" for the part's start)


def print_page_marks(prepared: Prepared, cache: Cache) -> list[PageMark]:
    """One mark per body page of the print edition (arabic folios); [] if it cannot be laid out in parts."""
    from .incremental import can_lay_out_in_parts, lay_out_in_parts

    if not can_lay_out_in_parts(prepared):
        return []
    layout = lay_out_in_parts(prepared, cache)
    if layout.body_start is None:
        return []
    numbered = {p.slug: bool(p.number) for p in prepared.parts}
    marks: list[PageMark] = []
    first_page_seen: set[str] = set()
    for place in layout.page_places():
        if place.index < layout.body_start or place.part == "front":
            continue
        label = str(place.index - layout.body_start + 1)
        opening = place.part not in first_page_seen
        if place.paragraph is not None:
            first_page_seen.add(place.part)
        paragraph = int(place.paragraph) - (1 if numbered.get(place.part) else 0) if place.paragraph else 0
        if opening or paragraph <= 0:
            marks.append(PageMark(label, place.part, 0, ""))
        else:
            marks.append(PageMark(label, place.part, paragraph, place.line))
    return marks
