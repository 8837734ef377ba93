"""Figures that do not fit float to the top of the next page while the text goes on.

WeasyPrint 70 has no page floats: a figure (or captioned table) too tall for the rest
of a page is pushed whole to the next page and leaves the foot of this one empty, up
to half a chapter's first page. This pass fixes that after layout, the way LaTeX
places a float: it finds a figure that opens a page (after nothing but headings)
while the page before it has a large empty foot, lays the part out once more without
that figure to see where the following text then breaks to the next page, and moves
the figure to exactly that place. If the page breaks inside a paragraph, the
paragraph is split there (its first half keeps its last line justified, the second
half goes on without an indent after the figure), so the figure opens the next page
and the text before it fills this one. One figure at a time, in page order, at most
`FLOAT_PASSES` figures a part: two layouts each, all inside the part's cached layout.

Only the print and screen PDFs float: the EPUB reflows, so its figures stay where the
author put them, in reading order, with the same numbers. A figure keeps its place
with the class `here` (`![…](x.png){.here}`) or Quarto's `fig-pos="H"`; a captioned
table with `{.here}` in its caption's attributes.
"""

from __future__ import annotations

import functools
import html as htmlmod
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ....cache import digest
from .floatpages import FLOW_ATTR, float_candidate, page_blocks, walk
from .outline import Element, Outline, chapter_body, is_float, top_level

#: figures moved at most, per part (each costs two layouts)
FLOAT_PASSES = 4
#: class on the first half of a paragraph split by a float, and on its second half
SPLIT_CLASS, CONTINUED_CLASS = "float-split", "float-continued"
#: how a split paragraph's halves are set (they read as one paragraph; the second half shares the
#: paragraph's `data-para`, and a note pass that starts the paragraph on a new page moves the first)
FLOAT_CSS = (f".{SPLIT_CLASS} {{ text-align-last: justify; }}\n"
             f".{CONTINUED_CLASS} {{ text-indent: 0 !important; break-before: auto !important; }}\n")

_HYPHENS = "\u2010-\u00ad"


@functools.cache
def cache_key() -> str:
    """The float pass's source (this module and the two it reads with): a change to how figures
    float is a change to every part's layout."""
    here = Path(__file__).parent
    return digest(*(here.joinpath(name).read_bytes() for name in ("floats.py", "floatpages.py", "outline.py")))


def mark_blocks(html: str) -> str:
    """`html` with `data-flow="N"` on every top-level block of the chapter body (unchanged if it cannot tell)."""
    outline = Outline(html)
    body = chapter_body(outline) if outline.ok else None
    if body is None:
        return html
    out, last = [], 0
    for number, el in enumerate(top_level(body), 1):
        at = el.start + 1 + len(el.tag)
        out += [html[last:at], f' {FLOW_ATTR}="{number}"']
        last = at
    return "".join(out) + html[last:]


# ---------- reading the layout ----------


# ---------- moving a figure ----------

def hide_css(ident: str) -> str:
    return f'[{FLOW_ATTR}="{ident}"] {{ display: none !important; }}\n'


@dataclass
class Place:
    before: str  # flow id of the block the figure goes before (or that is split)
    split_at: int | None = None  # for a split paragraph: offset in the HTML where page j begins
    hyphen: bool = False  # the first half ends inside a hyphenated word
    char: int = -1  # for a split paragraph: index of that place among its visible characters


def break_place(document, index: int, html: str, ident: str) -> Place | None:
    """Where page `index` of a layout without the figure begins, as a place in `html`."""
    if index >= len(document.pages):
        return None  # the text after the figure does not reach the next page
    blocks = page_blocks(document.pages[index])
    if not blocks:
        return None
    first, box = blocks[0]
    order = _flow_order(html)
    if first not in order or order.index(first) <= order.index(ident):
        return None
    previous = dict(page_blocks(document.pages[index - 1]))
    if first not in previous:
        return Place(first)
    if box.element_tag != "p":  # a list or quotation that runs on: the figure follows it
        following = order[order.index(first) + 1:]
        return Place(following[0]) if following else None
    return _split_place(html, first, previous[first], box)


def _flow_order(html: str) -> list[str]:
    return re.findall(rf'\s{FLOW_ATTR}="([^"]+)"', html)


def _text_boxes(box):
    """TextBoxes under `box` in order, leaving out note calls and list markers."""
    if getattr(box, "pseudo_type", None) in ("footnote-call", "marker"):
        return
    if type(box).__name__ == "TextBox":
        yield box
    for child in getattr(box, "children", None) or ():
        yield from _text_boxes(child)


def _chars(boxes) -> list[str]:
    return [c for b in boxes for c in b.text if not c.isspace() and unicodedata.category(c) != "Cf"]


def _source_chars(html: str, p: Element) -> list[tuple[str, int]]:
    """(character, offset in html) of the paragraph's visible non-space text, notes left out."""
    hidden = [(el.start, el.end) for el in p.descendants()
              if "footnote" in el.classes or el.tag in ("svg", "math", "style", "script")]
    out: list[tuple[str, int]] = []
    inner_end = html.rindex("</", p.open_end, p.end)
    for match in re.finditer(r"<[^>]*>|&(#?\w+);|[^<&]+", html[p.open_end:inner_end]):
        at = p.open_end + match.start()
        if any(a <= at < b for a, b in hidden) or match.group(0).startswith("<"):
            continue
        if match.group(1):
            value = htmlmod.unescape(match.group(0))
            if not value.isspace() and unicodedata.category(value[:1]) != "Cf":
                out.append((value, at))
            continue
        out += [(ch, at + k) for k, ch in enumerate(match.group(0))
                if not ch.isspace() and unicodedata.category(ch) != "Cf"]
    return out


def _split_place(html: str, ident: str, before_box, after_box) -> Place | None:
    """The offset where the paragraph's text on the next page begins, found by its characters."""
    p = _element(html, ident)
    if p is None:
        return None
    source = _source_chars(html, p)
    shown = _chars(_text_boxes(before_box))
    i, unmatched = 0, []
    for ch in shown:
        if i < len(source) and source[i][0] == ch:
            i += 1
        else:
            unmatched.append(ch)
    lines = [b for b in walk(after_box) if type(b).__name__ == "LineBox"]
    head = "".join(_chars(_text_boxes(lines[0])))[:12] if lines else ""
    if len(unmatched) > 1 or i >= len(source) or not head \
            or "".join(c for c, _ in source[i:i + len(head)]) != head:
        return None  # the layout's text cannot be lined up with the source: leave the figure be
    hyphen = bool(unmatched) and shown[-1] == unmatched[-1] and unmatched[-1] in _HYPHENS
    return Place(ident, source[i][1], hyphen, i)


def _element(html: str, ident: str) -> Element | None:
    outline = Outline(html)
    body = chapter_body(outline) if outline.ok else None
    if body is None:
        return None
    return next((el for el in top_level(body) if el.attrs.get(FLOW_ATTR) == ident), None)


def moved(html: str, ident: str, place: Place) -> str | None:
    """`html` with the block `ident` taken out and put at `place` (splitting a paragraph there)."""
    figure, target = _element(html, ident), _element(html, place.before)
    if figure is None or target is None or target.start < figure.end:
        return None
    block = html[figure.start:figure.end]
    after = figure.end + (1 if html[figure.end:figure.end + 1] == "\n" else 0)
    if place.split_at is None:
        return html[:figure.start] + html[after:target.start] + block + "\n" + html[target.start:]
    at = place.split_at
    open_inline = [el for el in target.descendants() if el.start < at < el.end and el.end != el.open_end]
    head = _with_class(html[target.start:target.open_end], SPLIT_CLASS)
    first = (head + html[target.open_end:at].rstrip() + ("\u2010" if place.hyphen else "")
             + "".join(f"</{el.tag}>" for el in reversed(open_inline)) + "</p>")
    tail_head = re.sub(rf'\s{FLOW_ATTR}="[^"]*"', f' {FLOW_ATTR}="{place.before}b"',
                       _with_class(_without_id(html[target.start:target.open_end]), CONTINUED_CLASS))
    second = tail_head + "".join(_without_id(html[el.start:el.open_end]) for el in open_inline) + html[at:target.end]
    return (html[:figure.start] + html[after:target.start] + first + "\n" + block + "\n" + second
            + html[target.end:])


def _with_class(start_tag: str, name: str) -> str:
    if re.search(r'\sclass="', start_tag):
        return re.sub(r'(\sclass=")', rf"\g<1>{name} ", start_tag, count=1)
    return re.sub(r"^<(\w+)", rf'<\1 class="{name}"', start_tag)


def _without_id(start_tag: str) -> str:
    return re.sub(r'\sid="[^"]*"', "", start_tag)


def float_tags(html: str) -> dict[str, bool]:
    """flow id → whether that block may float."""
    outline = Outline(html)
    body = chapter_body(outline) if outline.ok else None
    if body is None:
        return {}
    return {el.attrs[FLOW_ATTR]: is_float(el) for el in top_level(body) if FLOW_ATTR in el.attrs}


def float_figures(html: str, render) -> tuple[str, Any, list[list]]:  # Any: WeasyPrint's Document
    """Lay `html` out with `render(html, extra_css)`, floating figures; returns (html, document, moves).

    A move, `[figure, before, char, hyphen]` in flow ids and the split paragraph's
    character index (-1: no split), replays the same float on another layout of the same
    chapter (`replay`): the screen PDF, laid out whole, gets the print edition's floats.

    Deterministic: the same HTML gives the same moves, so the part's cache stays exact.
    """
    html = mark_blocks(html)
    document = render(html, "")
    tags = float_tags(html)
    if not any(tags.values()):
        return html, document, []
    done: set[str] = set()
    floated: list[list] = []
    for _ in range(FLOAT_PASSES):
        found = float_candidate(document, done, tags)
        if found is None:
            break
        ident, index = found
        done.add(ident)
        place = break_place(render(html, hide_css(ident)), index, html, ident)
        new = moved(html, ident, place) if place is not None else None
        if place is None or new is None:
            continue
        html = new
        tags = float_tags(html)
        document = render(html, "")
        floated.append([ident, place.before, place.char, place.hyphen])
    return html, document, floated


def replay(html: str, moves: list[list]) -> str:
    """The chapter `html` (one chapter body) with the moves a print layout made (see float_figures)."""
    html = mark_blocks(html)
    for ident, before, char, hyphen in moves:
        place = Place(before)
        if char >= 0:
            target = _element(html, before)
            source = _source_chars(html, target) if target is not None else []
            if char >= len(source):
                continue
            place = Place(before, source[char][1], hyphen, char)
        html = moved(html, ident, place) or html
    return html


def replay_in_book(html: str, moves: dict[str, list[list]]) -> str:
    """The whole book's HTML with each chapter's moves (by the chapter's section id) replayed."""
    outline = Outline(html)
    if not outline.ok or not any(moves.values()):
        return html
    sections = [el for el in outline.root.descendants()
                if el.tag == "section" and "chapter" in el.classes and moves.get(el.attrs.get("id", ""))]
    for section in sorted(sections, key=lambda el: -el.start):
        html = html[:section.start] + replay(html[section.start:section.end], moves[section.attrs["id"]]) \
            + html[section.end:]
    return html
