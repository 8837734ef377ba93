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

Each change is guarded by a fingerprint: the SHA-256 of the source of the WeasyPrint
function it edits or replaces (as `inspect.getsource` gives it), recorded for the
WeasyPrint it was written for. A WeasyPrint whose function differs gets WeasyPrint's
own behaviour for that change, and the build says so (R005) instead of failing
silently or laying out with a patch written for other code. The fingerprint is read
from WeasyPrint's source file, not from the imported module, so that the PDF part
cache key (`cache_key`) can record which changes are in place without the half
second that importing WeasyPrint takes on a build that lays nothing out.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import importlib.util
import json
from collections.abc import Callable
from dataclasses import dataclass
from math import inf
from pathlib import Path
from typing import Any

from ....diagnostics import Diagnostic, diagnostic

#: the WeasyPrint version the fingerprints below were taken from
WRITTEN_FOR = "70.0"


@dataclass(frozen=True)
class Target:
    """The WeasyPrint function a change edits or replaces, and the SHA-256 of its source."""

    module: str
    qualname: str
    fingerprint: str
    without: str  # what a build gets while the change is off, for the warning

    @property
    def name(self) -> str:
        return f"{self.module}.{self.qualname}"


KEEP_NOTES_WITH_CALLS = "keep-notes-with-calls"
MEASURE_NOTES_ONCE = "measure-notes-once"

#: each change, by name, and the function it edits (the first) or replaces (the second)
TARGETS: dict[str, Target] = {
    KEEP_NOTES_WITH_CALLS: Target(
        "weasyprint.layout.block", "_linebox_layout",
        "e07bbe000974787ee370be1f419a01a21b327a1a1e3025a65afd47589060883d",
        "notes may print a page after their calls unless the slower paragraph-push relayout brings them back"),
    MEASURE_NOTES_ONCE: Target(
        "weasyprint.layout", "LayoutContext._update_footnote_area",
        "2e317e4b066fb80cb369a41cd6f054a127722f9961c18ef4d6e1eef93673c4c1",
        "pages with many notes lay out more slowly"),
}

_REPORT_LINE = "report = not context.in_column and can_break_now and not could_break_before"
_versions: dict[str, Callable[..., Any]] = {}  # WeasyPrint's functions and our versions of them
_state: dict[str, bool] = {}  # change -> whether it is in place, once apply() has run


def apply() -> dict[str, bool]:
    """Every change whose target matches its fingerprint, the first time it is called in a process.

    Returns whether each change is in place. Later calls change nothing (they return the
    current state), so a caller (a test) may switch either change off after it.
    """
    if not _state:
        measure_notes_once()
        keep_notes_with_calls()
    return dict(_state)


def state() -> dict[str, bool]:
    """Whether each change is in place; before `apply`, whether it will be (WeasyPrint not imported)."""
    return dict(_state) if _state else {change: matches(change) for change in TARGETS}


def cache_key() -> str:
    """This module's own source and which of its changes are in place: both change a layout."""
    return hashlib.sha256(_own_source() + json.dumps(state(), sort_keys=True).encode()).hexdigest()


def diagnostics() -> list[Diagnostic]:
    """A warning (R005) for each change that WeasyPrint's source no longer lets apply."""
    from importlib.metadata import version

    return [diagnostic("book", None, "R005",
                    f"bookkit's '{change}' change to WeasyPrint is off: {target.name} in the installed "
                    f"WeasyPrint ({version('weasyprint')}) differs from the WeasyPrint {WRITTEN_FOR} source it "
                    f"was written for; {target.without}")
            for change, target in TARGETS.items() if not matches(change)]


def matches(change: str) -> bool:
    """True if the source of the change's target is the one its fingerprint was taken from."""
    target = TARGETS[change]
    source = target_source(target.module, target.qualname)
    return source is not None and hashlib.sha256(source.encode("utf-8")).hexdigest() == target.fingerprint


@functools.cache
def target_source(module: str, qualname: str) -> str | None:
    """The source of `module`'s `qualname` (with its decorators), read from WeasyPrint's file; None if absent.

    The same text as `inspect.getsource` of the function, without importing the module.
    """
    spec = importlib.util.find_spec(module.split(".")[0])
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations)), *module.split(".")[1:])
    path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    try:
        text = path.read_text(encoding="utf-8")
        body = ast.parse(text).body
    except (OSError, UnicodeDecodeError, SyntaxError):
        return None
    node: ast.FunctionDef | ast.ClassDef | None = None
    for name in qualname.split("."):
        node = next((n for n in body if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name == name), None)
        if node is None:
            return None
        body = node.body
    if node is None:
        return None
    first = min([node.lineno] + [d.lineno for d in node.decorator_list])
    return "".join(text.splitlines(keepends=True)[first - 1:node.end_lineno])


@functools.cache
def _own_source() -> bytes:
    """This file: an edit to either change is a changed layout, whatever the version says."""
    return Path(__file__).read_bytes()


def keep_notes_with_calls(on: bool = True) -> bool:
    """Put the changed (or, with on=False, the original) line layout in place.

    Returns True when the changed one is in place. The change is only made when
    WeasyPrint's function matches its fingerprint.
    """
    from weasyprint.layout import block

    original = _versions.setdefault("linebox_layout", block._linebox_layout)
    patched = None
    if on and matches(KEEP_NOTES_WITH_CALLS):
        if "linebox_layout_patched" not in _versions:
            target = TARGETS[KEEP_NOTES_WITH_CALLS]
            source = target_source(target.module, target.qualname) or ""  # the fingerprinted text
            namespace = dict(block.__dict__)
            exec(compile(source.replace(_REPORT_LINE, "report = False", 1), block.__file__, "exec"), namespace)
            _versions["linebox_layout_patched"] = namespace["_linebox_layout"]
        patched = _versions["linebox_layout_patched"]
    block._linebox_layout = patched or original
    _state[KEEP_NOTES_WITH_CALLS] = patched is not None
    return patched is not None


def measure_notes_once(on: bool = True) -> bool:
    """Put the note-by-note footnote-area height (or, with on=False, WeasyPrint's) in place.

    Returns True when ours is in place: only when WeasyPrint's function matches its fingerprint.
    """
    from weasyprint.layout import LayoutContext

    original = _versions.setdefault("update_footnote_area", LayoutContext._update_footnote_area)
    ours = on and matches(MEASURE_NOTES_ONCE)
    LayoutContext._update_footnote_area = _update_footnote_area if ours else original
    _state[MEASURE_NOTES_ONCE] = ours
    return ours


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
