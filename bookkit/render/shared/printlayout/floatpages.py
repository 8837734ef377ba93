"""Reading a laid-out part for the float pass: which top-level block sits on which page, how much
of a page's foot is empty, and which figure should float (`floats.py` moves it).
"""

from __future__ import annotations

from typing import Any

#: attribute naming the chapter body's top-level blocks, so a layout's boxes name them
FLOW_ATTR = "data-flow"
#: an empty foot larger than this share of the page area makes the figure float
FLOAT_GAP = 0.1
_HEADINGS = {"h2", "h3", "h4", "h5", "h6"}


def walk(box):
    yield box
    for child in getattr(box, "children", None) or ():
        yield from walk(child)


def _flow_id(box) -> str | None:
    element = getattr(box, "element", None)
    if element is None or getattr(box, "pseudo_type", None):
        return None
    return element.get(FLOW_ATTR)


def page_blocks(page) -> list[tuple[str, Any]]:
    """(flow id, box) of each top-level block on the page, in order (each once)."""
    seen, out = set(), []
    for box in walk(page._page_box.children[0]):
        ident = _flow_id(box)
        if ident and ident not in seen:
            seen.add(ident)
            out.append((ident, box))
    return out


def empty_foot(page) -> float:
    """Height of the page area below its last line (and above its notes), in CSS px."""
    page_box = page._page_box
    flow, *areas = page_box.children
    bottom = page_box.content_box_y() + page_box.height
    for area in areas:
        if type(area).__name__ == "FootnoteAreaBox" and area.children:
            bottom = min(bottom, area.position_y)
    lowest = page_box.content_box_y()
    for box in walk(flow):
        kind = type(box).__name__
        if kind == "LineBox" or kind.endswith("ReplacedBox") or kind == "TableBox":
            lowest = max(lowest, box.position_y + box.margin_height())
    return bottom - lowest


def float_candidate(document, done: set[str], tags: dict[str, bool]) -> tuple[str, int] | None:
    """(flow id, page index) of the first figure that opens a page after a page with a large empty foot."""
    for index in range(1, len(document.pages)):
        for ident, box in page_blocks(document.pages[index]):
            if box.element_tag in _HEADINGS:
                continue
            if tags.get(ident) and ident not in done and _opens_here(document, index, ident):
                page_box = document.pages[index - 1]._page_box
                if empty_foot(document.pages[index - 1]) > FLOAT_GAP * page_box.height:
                    return ident, index
            break
    return None


def _opens_here(document, index: int, ident: str) -> bool:
    return all(i != ident for i, _ in page_blocks(document.pages[index - 1]))
