"""The print edition's page breaks in the EPUB: a `doc-pagebreak` marker where each print page begins.

Where each page begins comes from the print layout (`pagelist.py`): a section, the
paragraph, and the words the page's first line starts with; the marker goes before
those words, or before the heading kept with them, or at the section's start or end.
"""

from __future__ import annotations

import unicodedata

from lxml import etree

from .xhtml import EPUB_TYPE, NS


def _pagebreak(label: str):
    span = etree.Element(f"{{{NS['x']}}}span", id=f"page-{label}", role="doc-pagebreak")
    span.set(EPUB_TYPE, "pagebreak")
    span.set("aria-label", label)
    return span


def place_page_breaks(root, marks: list) -> list[str]:
    """Insert a page-break marker where each print page of this file's sections begins."""
    placed: list[str] = []
    sections = {el.get("id"): el for el in root.findall("x:body/x:section", NS)}
    for mark in marks:
        section = sections.get(mark.section)
        if section is None:
            continue
        span = _pagebreak(mark.label)
        paragraphs = [p for p in section.iter(f"{{{NS['x']}}}p")]
        target = next((el for el in section.iter() if el.get("id") == mark.anchor), None) if mark.anchor else None
        if target is not None:  # a page that starts with an element, not a paragraph (a figure)
            span.tail = "\n"
            target.addprevious(span)
        elif mark.paragraph < 0:  # a blank page after the section's end
            span.tail = "\n"
            section.append(span)
        elif mark.paragraph == 0 or mark.paragraph > len(paragraphs):
            heading = section.find("x:h1", NS)
            index = list(section).index(heading) if heading is not None else 0
            span.tail = "\n"
            section.insert(index, span)
        else:
            _insert_at_text(paragraphs[mark.paragraph - 1], mark.line, span)
        placed.append(mark.label)
    return placed


def _insert_at_text(paragraph, line: str, span) -> None:
    """Put `span` where `line` starts inside the paragraph's text (note calls skipped)."""
    slots = []  # (element, "text"|"tail", string) in reading order

    def walk(el, skip):
        if not skip:
            slots.append((el, "text", el.text or ""))
        for child in el:
            inner_skip = skip or "footnote-ref" in (child.get("class") or "")
            walk(child, inner_skip)
            slots.append((child, "tail", child.tail or ""))

    walk(paragraph, False)
    flat, owners = "", []
    for i, (_, _, text) in enumerate(slots):
        for j, ch in enumerate(text):
            if not ch.isspace():
                flat += ch
                owners.append((i, j))
    # the print line may carry invisible format characters the EPUB has not: a soft hyphen,
    # the word joiner that keeps a note call with its word
    wanted = "".join(ch for ch in line if not ch.isspace() and unicodedata.category(ch) != "Cf").rstrip("-‐")
    for size in (24, 12, 6):
        probe = wanted[:size]
        at = flat.find(probe) if probe else -1
        if at >= 0:
            break
    heading = _heading_before(paragraph) if at == 0 else None
    if heading is not None:
        # The page starts with the paragraph's first line, so the heading kept with it
        # (print.css: `break-after: avoid`) opens the page: the page starts before it.
        span.tail = "\n"
        heading.addprevious(span)
        return
    if at <= 0:
        span.tail = paragraph.text
        paragraph.text = None
        paragraph.insert(0, span)
        return
    slot, offset = owners[at]
    el, where, text = slots[slot]
    while offset > 0 and not text[offset - 1].isspace():  # a hyphenated word: mark where it starts
        offset -= 1
    if where == "text":
        el.text, span.tail = text[:offset], text[offset:]
        el.insert(0, span)
    else:
        el.tail, span.tail = text[:offset], text[offset:]
        el.addnext(span)


def _heading_before(paragraph):
    """The section heading (h2–h6) right before `paragraph`, if there is one."""
    previous = paragraph.getprevious()
    if previous is not None and previous.tag in {f"{{{NS['x']}}}h{n}" for n in range(2, 7)}:
        return previous
    return None
