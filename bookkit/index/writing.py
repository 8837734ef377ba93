"""Writing the Index as XHTML with EPUB Indexes 1.0 semantics, for every output.

The print and screen PDFs give each locator the folio of its anchor's page (ranges and
consecutive pages merged into `12–14`), read from a layout (`anchor_pages`); the EPUB
and the preview label each locator with its chapter.
"""

from __future__ import annotations

import html

from .entries import LEVEL_SEPARATOR, Entry, IndexPart, Locator, all_terms, letter_group


def folio(page: int, body_start: int | None) -> str:
    """The printed folio of a 0-based page index: roman before the body, arabic from it."""
    if body_start is not None and page >= body_start:
        return str(page - body_start + 1)
    return _roman(page + 1)


def _roman(n: int) -> str:
    out = ""
    for value, numeral in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                           (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out += numeral
            n -= value
    return out


def _link(anchor: str, text: str) -> str:
    return f'<a epub:type="index-locator" class="index-locator" href="#{html.escape(anchor)}">{html.escape(text)}</a>'


def _page_locators(locators: list[Locator], pages: dict[str, int], body_start: int | None) -> list[str]:
    """Page numbers, each a link: a range or a run of consecutive pages as `12–14`."""
    spans = []  # (first page, last page, anchor of the first, anchor of the last)
    for loc in locators:
        if loc.anchor not in pages:
            continue
        first = pages[loc.anchor]
        last = pages.get(loc.end, first) if loc.end else first
        spans.append((first, max(first, last), loc.anchor, loc.end or loc.anchor))
    spans.sort(key=lambda span: span[:2])  # stable: on one page, the first mark in the text is linked
    def in_body(page: int) -> bool:
        return body_start is not None and page >= body_start

    merged: list[list] = []
    for first, last, a, b in spans:
        if merged and first <= merged[-1][1] + 1 and in_body(first) == in_body(merged[-1][0]):
            if last > merged[-1][1]:
                merged[-1][1], merged[-1][3] = last, b
        else:
            merged.append([first, last, a, b])
    out = []
    for first, last, a, b in merged:
        text = _link(a, folio(first, body_start))
        if last > first:
            text += "–" + _link(b, folio(last, body_start))
        out.append(f'<span epub:type="index-locator-range" class="index-range">{text}</span>' if last > first else text)
    return out


def _chapter_locators(locators: list[Locator]) -> list[str]:
    """For the EPUB and the preview: one link per mark, labelled by its chapter (then 2, 3… within it)."""
    out: list[str] = []
    seen: dict[str, int] = {}
    for loc in locators:
        seen[loc.part] = seen.get(loc.part, 0) + 1
        label = loc.label if seen[loc.part] == 1 else f"{loc.label}\u00a0({seen[loc.part]})"
        out.append(_link(loc.anchor, label))
    return out


def index_html(entries: list[Entry], pages: dict[str, int] | None = None, body_start: int | None = None) -> str:
    """The Index as XHTML (well-formed, for the EPUB too): letter groups of entry lists.

    With `pages` (anchor → 0-based page index in the print layout) the locators are
    folios; without, chapter labels.
    """
    groups: dict[str, list[Entry]] = {}
    for entry in entries:
        groups.setdefault(letter_group(entry), []).append(entry)
    out = ['<div class="index-body">']
    for letter, members in sorted(groups.items(), key=lambda g: (g[0] == "#", g[0])):
        name = "Symbols and numerals" if letter == "#" else letter
        gid = "index-group-" + ("other" if letter == "#" else letter.lower())
        out.append(f'<section epub:type="index-group" class="index-group" id="{gid}" aria-labelledby="{gid}-h">')
        out.append(f'<h2 class="index-letter" id="{gid}-h">{html.escape(name)}</h2>')
        out.append(_entry_list(members, pages, body_start))
        out.append("</section>")
    out.append("</div>")
    return "\n".join(out) + "\n"


def _entry_list(entries: list[Entry], pages, body_start) -> str:
    items = []
    for entry in entries:
        locs = (_page_locators(entry.locators, pages, body_start) if pages is not None
                else _chapter_locators(entry.locators))
        text = f'<span epub:type="index-term" class="index-term">{html.escape(entry.name)}</span>'
        if locs:
            text += ", " + ", ".join(locs)
        if entry.see:
            text += ('. <span epub:type="index-xref-preferred" class="index-see"><i>See</i> '
                     + "; ".join(html.escape(s.replace(LEVEL_SEPARATOR, ": ")) for s in entry.see) + "</span>")
        if entry.seealso:
            text += ('. <span epub:type="index-xref-related" class="index-see-also"><i>See also</i> '
                     + "; ".join(html.escape(s.replace(LEVEL_SEPARATOR, ": ")) for s in entry.seealso) + "</span>")
        if entry.children:
            text += "\n" + _entry_list(entry.ordered(), pages, body_start)
        items.append(f'<li epub:type="index-entry" class="index-entry">{text}</li>')
    return '<ul epub:type="index-entry-list" class="index-entries">\n' + "\n".join(items) + "\n</ul>"


def numbered_index(part: IndexPart, pages: dict[str, int], body_start: int | None) -> IndexPart:
    """The Index part with page numbers for its locators (print and screen PDFs)."""
    from dataclasses import replace

    return replace(part, body_html=index_html(part.entries, pages, body_start))


def anchors(entries: list[Entry]) -> set[str]:
    """Every anchor the Index links to."""
    return {a for e in all_terms(entries).values() for loc in e.locators for a in (loc.anchor, loc.end) if a}


def anchor_pages(page_anchors: list[list[str]], wanted: set[str], first_page: int = 0) -> dict[str, int]:
    """Index anchors → book page index, from a layout's per-page anchors (a range's div is on
    each page it spans: its first is the one)."""
    found: dict[str, int] = {}
    for i, names in enumerate(page_anchors):
        for name in names:
            if name in wanted:
                found.setdefault(name, first_page + i)
    return found
