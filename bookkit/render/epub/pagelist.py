"""Where each printed page begins, taken from the print layout, for the EPUB page-list.

The print PDF and the EPUB are both written from the same pandoc AST per chapter,
so the n-th paragraph of a chapter is the same paragraph in both. The layout tells
us, for every print page, the paragraph its first line belongs to and the words
that line starts with; the EPUB gets a page-break marker at exactly that place.

Every page whose text the EPUB has gets a marker: the front chapters' pages with
their roman folios (the EPUB has those chapters too) and every body page with its
arabic one. The display pages before the front chapters (half-title, title page,
copyright page, contents) have no counterpart in the EPUB's text and no marker. A
blank page belongs to the chapter after it: its marker sits at that chapter's start.
Labels follow the rule the PDF's /PageLabels follow (`printlayout/pagelabels.py`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...cache import Cache
from ...pipeline import Prepared

#: PageMark.paragraph for a page that starts after the section's last paragraph (a blank at its end)
END = -1


@dataclass(frozen=True)
class PageMark:
    label: str  # the printed folio
    section: str  # id of the part's top-level section (its slug)
    paragraph: int  # 1-based paragraph of the part's body in the EPUB; 0 = the part's start; END = its end
    line: str  # the text the page's first line starts with ("" for the part's start)
    anchor: str = ""  # for a page without a paragraph (a figure): the id of the first element on it


def print_page_marks(prepared: Prepared, cache: Cache) -> list[PageMark]:
    """One mark per print page the EPUB's text has, in page order; [] if it cannot be laid out in parts."""
    from ..shared.printlayout.incremental import can_lay_out_in_parts, lay_out_in_parts
    from ..shared.printlayout.pagelabels import page_label_ranges

    if not can_lay_out_in_parts(prepared):
        return []
    layout = lay_out_in_parts(prepared, cache)
    if layout.body_start is None:
        return []
    ranges = page_label_ranges(layout.pages, layout.body_start)
    places = layout.page_places()
    front = _front_marks(prepared, places[:layout.body_start])
    body = _body_marks(prepared, places[layout.body_start:])
    return [PageMark(folio(index, ranges), *mark) for index, mark in front + body]


def folio(index: int, ranges: list[tuple[int, str, int]]) -> str:
    """The printed folio of page `index` (0-based) under the PDF's page-label ranges."""
    first, style, start = max((r for r in ranges if r[0] <= index), key=lambda r: r[0])
    number = start + index - first
    if style == "decimal":
        return str(number)
    text = roman(number)
    return text.lower() if style == "lower-roman" else text


def roman(number: int) -> str:
    out = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                           (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        count, number = divmod(number, value)
        out += letters * count
    return out


def _front_marks(prepared: Prepared, places: list) -> list[tuple[int, tuple]]:
    """(page index, mark fields) for the front chapters' pages and the blanks before them."""
    chapters = [p.slug for p in prepared.parts if p.kind == "front"]
    offsets = _front_paragraph_offsets(prepared)
    pages: list = []  # (place, chapter) of the pages the EPUB has
    blanks: list = []  # blank pages waiting for the chapter after them
    for place in places:
        if place.part != "front":  # the blank page that makes chapter 1 open on a recto
            pages.append((place, place.part))
            continue
        chapter = next((slug for slug in chapters if slug in place.anchors), None)
        if chapter is not None:
            pages += [(blank, chapter) for blank in blanks] + [(place, chapter)]
            blanks = []
        elif place.paragraph is None and not place.anchors:
            blanks.append(place)
        else:  # a display page (half-title, title, copyright, contents): the EPUB has no such page
            blanks = []
    return _marks(pages, offsets)


def _front_paragraph_offsets(prepared: Prepared) -> dict[str, int]:
    """Per front chapter: how many paragraphs of the front-matter document come before its own.

    The front matter is laid out as one document whose paragraphs are numbered from its
    half-title on (`incremental.lay_out_in_parts`); the EPUB counts from the chapter's start.
    """
    from ..shared.html import book_html
    from ..shared.printlayout.notecheck import PARAGRAPH_ATTR, number_paragraphs

    front = [p for p in prepared.parts if p.kind == "front"]
    html = number_paragraphs(book_html(prepared, "print", parts=front, front=True))
    offsets = {}
    for part in front:
        start = re.search(rf'\sid="{re.escape(part.slug)}"', html)
        first = re.compile(rf'{PARAGRAPH_ATTR}="(\d+)"').search(html, start.end()) if start else None
        if first:
            offsets[part.slug] = int(first[1]) - 1
    return offsets


def _body_marks(prepared: Prepared, places: list) -> list[tuple[int, tuple]]:
    """(page index, mark fields) for every page from chapter 1 on."""
    # a numbered chapter's head has one paragraph of its own ("Chapter 3") that the EPUB does not
    offsets = {p.slug: 1 if p.number else 0 for p in prepared.parts}
    return _marks([(place, place.part) for place in places], offsets)


def _marks(pages: list, offsets: dict[str, int]) -> list[tuple[int, tuple]]:
    """Where in its section each page starts: at the section's start (a blank before it, or
    its opening page), at the words its first line starts with, before the first element
    that begins on it (a figure), or at the section's end (a blank after it)."""
    marks: list[tuple[int, tuple]] = []
    started: set[str] = set()
    previous: set[str] = set()
    for place, section in pages:
        opening = section not in started
        if place.paragraph is not None or place.anchors:
            started.add(section)
        new = [a for a in place.anchors if a not in previous and a != section]
        previous = set(place.anchors)
        paragraph = int(place.paragraph) - offsets.get(section, 0) if place.paragraph else 0
        if opening:
            marks.append((place.index, (section, 0, "")))
        elif paragraph > 0:
            marks.append((place.index, (section, paragraph, place.line)))
        elif new:
            marks.append((place.index, (section, 0, "", new[0])))
        else:
            marks.append((place.index, (section, END, "")))
    return marks
