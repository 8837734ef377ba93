"""After layout, check that every footnote starts on the page of its call.

WeasyPrint may defer a note to the next page when the footnote area overflows
(its issues #1564 and #2502) and says nothing about it. We read the laid-out
boxes instead: a call is an inline box carrying `.footnote`, a note is a box of
the page's footnote area, and both point at the same `span.footnote` element.
A moved note is reported at the source line of the citation or `[^label]`
that made it, so the author can rephrase around it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ....diagnostics import Diagnostic, diagnostic
from ....masks import source_lines

#: one note each: a bracketed citation group, a `[^label]` reference, an in-text `@key`
_NOTE_SITE = re.compile(
    r"\[[^\[\]]*-?@[\w{][^\[\]]*\]"
    r"|\[\^[^\]\s]+\](?!:)"
    r"|(?<![\w@\\\[])@[\w{][\w:.#$%&\-+?<>~/}]*")
_DEFINITION = re.compile(r"^\[\^[^\]\s]+\]:")


@dataclass(frozen=True)
class NotePlace:
    """Where one note landed: its chapter source, its 1-based number there, and pages (0-based)."""

    source: str | None
    number: int
    call_page: int
    note_page: int | None


def note_sites(text: str) -> list[int]:
    """Source line of each note of a chapter, in the order pandoc numbers them.

    Citations inside a note's own definition do not make a note of their own.
    """
    lines: list[int] = []
    in_definition = False
    for number, line in source_lines(text):
        if _DEFINITION.match(line):
            in_definition = True
            continue
        if in_definition and (not line.strip() or line[:1] in (" ", "\t")):
            continue
        in_definition = False
        lines.extend(number for _ in _NOTE_SITE.finditer(line))
    return lines


def _walk(box, chapter: list):
    """Depth-first boxes in document order, tracking the enclosing chapter source."""
    element = getattr(box, "element", None)
    if getattr(box, "element_tag", None) == "section" and element is not None and element.get("data-source"):
        chapter[0] = element.get("data-source")
    yield box
    for child in getattr(box, "children", None) or ():
        yield from _walk(child, chapter)


def note_places(document) -> list[NotePlace]:
    """Every footnote of a laid-out WeasyPrint document, in call order."""
    calls: list[tuple[object, str | None, int]] = []
    first_note_page: dict[int, int] = {}
    chapter: list[str | None] = [None]
    for index, page in enumerate(document.pages):
        flow, *areas = page._page_box.children
        for box in _walk(flow, chapter):
            if getattr(box, "footnote", None) is not None:
                calls.append((box.element, chapter[0], index))
        for area in areas:
            if type(area).__name__ != "FootnoteAreaBox":
                continue
            for box in _walk(area, [None]):
                element = getattr(box, "element", None)
                if element is not None and element.get("class") == "footnote":
                    first_note_page.setdefault(id(element), index)
    places: list[NotePlace] = []
    numbers: dict[str | None, int] = {}
    for element, source, page in calls:
        numbers[source] = numbers.get(source, 0) + 1
        places.append(NotePlace(source, numbers[source], page, first_note_page.get(id(element))))
    return places


def moved_notes(document, chapter_texts: dict[str, str]) -> list[Diagnostic]:
    """R001 for each note that does not start on its call's page."""
    return moved_note_diagnostics(note_places(document), chapter_texts)


def moved_note_diagnostics(places: list[NotePlace], chapter_texts: dict[str, str],
                           page_offset: int = 0) -> list[Diagnostic]:
    """R001 for each place whose note is not on its call's page; pages shifted by `page_offset`."""
    sites: dict[str, list[int]] = {}
    diags = []
    for place in places:
        if place.note_page == place.call_page:
            continue
        if place.source and place.source not in sites:
            sites[place.source] = note_sites(chapter_texts.get(place.source, ""))
        place = NotePlace(place.source, place.number, place.call_page + page_offset,
                          None if place.note_page is None else place.note_page + page_offset)
        lines = sites.get(place.source or "", [])
        line = lines[place.number - 1] if place.number <= len(lines) else None
        where = "never placed" if place.note_page is None else f"on page {place.note_page + 1}"
        diags.append(diagnostic(place.source or "book", line, "R001",
                             f"note {place.number} starts {where}, its call is on page {place.call_page + 1}"))
    return diags


#: attribute numbering the book's paragraphs, so a layout can name one in CSS
PARAGRAPH_ATTR = "data-para"


def number_paragraphs(html_text: str) -> str:
    """Give every <p> a `data-para` number (WeasyPrint's boxes keep the attribute)."""
    counter = iter(range(1, 10**9))
    return re.sub(r"<p(?=[\s>])", lambda m: f'<p {PARAGRAPH_ATTR}="{next(counter)}"', html_text)


def paragraphs_to_push(document) -> set[str]:
    """Paragraphs to move to the next page so that moved notes come back to their calls.

    WeasyPrint defers a note when the page's last paragraph overflows in its first
    lines (to keep `orphans`) or when an earlier note on the page was deferred. The
    paragraph that was being laid out at the foot of the call's page is the culprit:
    starting it on the next page gives its notes the room they need.
    """
    pages = {p.call_page for p in note_places(document) if p.note_page != p.call_page}
    push = set()
    for index in pages:
        flow = document.pages[index]._page_box.children[0]
        paragraphs = [box.element.get(PARAGRAPH_ATTR) for box in _walk(flow, [None])
                      if getattr(box, "element_tag", None) == "p" and box.element is not None
                      and box.element.get(PARAGRAPH_ATTR) and type(box).__name__ == "BlockBox"]
        if len(set(paragraphs)) > 1:  # never push the page's only paragraph: that would loop
            push.add(paragraphs[-1])
    return push


def push_css(paragraphs: set[str]) -> str:
    return "".join(f'p[{PARAGRAPH_ATTR}="{n}"] {{ break-before: page; }}\n' for n in sorted(paragraphs, key=int))
