"""Two changes to WeasyPrint 70's layout, for books with many footnotes.

1. Line layout: never move earlier notes to fit a paragraph.

When a paragraph reaches the page foot with fewer lines than `orphans` allows to
leave there, WeasyPrint 70 first defers the page's last footnotes to the next
page to make room for one more line (`_linebox_layout`, the `report` branch). The
notes then print a page after their calls, or never. Without that branch the
paragraph simply starts on the next page, as `orphans` asks, and every note stays
with its call: what notecheck.py's paragraph push otherwise needs up to four more
layouts of the part to reach. The push loop stays as the fallback for whatever
this does not cover (and for a WeasyPrint whose source no longer matches).

The change is made by editing that one line of the function's source, so the rest
of the function stays WeasyPrint's own.

2. The footnote area's height, measured note by note. Each time a note is added to
a page WeasyPrint lays the whole footnote area out again to learn its height, so a
page of n notes lays out n(n+1)/2 notes: measuring each note once cuts a chapter's
layout time by about a quarter in our books. A note's height does not depend on the notes above it when notes have
no vertical margins, so each note is laid out once per page (alone in a copy of
the area) and the area's height is their sum, clamped as WeasyPrint clamps it.
Anything else (margins on notes, multi-column layout) takes WeasyPrint's own path.
The page itself is still drawn from WeasyPrint's own final layout of the area.
"""

from __future__ import annotations

import inspect
from math import inf

_REPORT_LINE = "report = not context.in_column and can_break_now and not could_break_before"
_versions: dict[str, object] = {}  # WeasyPrint's functions and our versions of them
_applied: dict[str, bool] = {}


def apply() -> bool:
    """Both changes, the first time it is called in a process; True if the line change took.

    Later calls change nothing, so a caller (a test) may switch either change off after it.
    """
    if "applied" not in _applied:
        measure_notes_once()
        _applied["applied"] = keep_notes_with_calls()
    return _applied["applied"]


def keep_notes_with_calls(on: bool = True) -> bool:
    """Put the changed (or, with on=False, the original) line layout in place.

    Returns True when the changed one is in place. Cheap after the first call.
    """
    from weasyprint.layout import block

    if "original" not in _versions:
        _versions["original"] = block._linebox_layout
        try:
            source = inspect.getsource(block._linebox_layout)
        except (OSError, TypeError):
            source = ""
        if source.count(_REPORT_LINE) == 1:
            namespace = dict(block.__dict__)
            exec(compile(source.replace(_REPORT_LINE, "report = False"), block.__file__, "exec"), namespace)
            _versions["patched"] = namespace["_linebox_layout"]
    chosen = _versions.get("patched") if on else None
    block._linebox_layout = chosen or _versions["original"]
    return chosen is not None


def measure_notes_once(on: bool = True) -> None:
    """Put the note-by-note footnote-area height (or, with on=False, WeasyPrint's) in place."""
    from weasyprint.layout import LayoutContext

    original = _versions.setdefault("update_footnote_area", LayoutContext._update_footnote_area)
    LayoutContext._update_footnote_area = _update_footnote_area if on else original


def _update_footnote_area(context):
    """WeasyPrint's `_update_footnote_area` (same effects, same return), from cached note heights."""
    area = context.current_footnote_area
    notes = context.current_page_footnotes
    measured = [_note_height(context, area, note) for note in notes] if notes and not context.in_column else None
    if not measured or None in measured:
        return _versions["update_footnote_area"](context)
    if area.height != "auto":
        context.page_bottom += area.margin_height()
    area.children = notes
    content_y, max_height, min_height, below = context._bookkit_areas[id(area)][1]
    position = content_y
    for height in measured[:-1]:
        position += height
    last_bottom = position + measured[-1]
    area.height = max(min(last_bottom - content_y, max_height), min_height)
    context.page_bottom -= area.margin_height()
    return last_bottom > content_y + area.height + below


def _note_height(context, area, note):
    """The margin height of `note` laid out alone in a copy of `area`; None if it has margins."""
    from weasyprint.formatting_structure import build
    from weasyprint.layout.block import block_level_layout

    areas = context.__dict__.setdefault("_bookkit_areas", {})
    entry = areas.get(id(area))
    if entry is None or entry[0] is not area:  # keyed by id, checked by identity: ids are reused
        entry = areas[id(area)] = (area, None, {})
    heights = entry[2]
    if id(note) in heights and heights[id(note)][0] is note:
        return heights[id(note)][1]
    children, height = area.children, area.height
    area.children = [note]
    laid = block_level_layout(context, build.create_anonymous_boxes(area.deepcopy()), -inf, None, area.page)[0]
    area.children, area.height = children, height
    child = laid.children[0] if len(laid.children) == 1 else None
    value = None
    if child is not None and child.margin_top == 0 and child.margin_bottom == 0:
        value = child.margin_height()
        if entry[1] is None:
            below = laid.padding_bottom + laid.border_bottom_width
            areas[id(area)] = entry = (area, (laid.content_box_y(), laid.max_height, laid.min_height, below), heights)
    heights[id(note)] = (note, value)
    return value
