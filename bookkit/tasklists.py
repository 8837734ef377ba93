"""Task lists (`- [ ] to do`, `- [x] done`) drawn the same in every output.

pandoc's reader turns the box into a character (U+2610 or U+2612) at the start of the
item, and its HTML writer turns that into an `<input type="checkbox">` inside a
`<label>`, which WeasyPrint lays out on a line of its own and which no packaged font
needs to draw. Each box becomes an empty `<span class="task-box">` instead (plus
`task-done` when ticked), drawn by the stylesheets as a box on the text's baseline, with
`role="img"` and a label ("done", "not done") for screen readers.
"""

from __future__ import annotations

from .transforms import iter_nodes

BOXES = {"\u2610": False, "\u2612": True}


def _task_lists(ast) -> list[dict]:
    """Every bullet list with at least one task item."""
    return [node for node in iter_nodes(ast) if node["t"] == "BulletList" and _boxes_of(node)]


def _item_boxes(ast) -> list[tuple[list, dict]]:
    """(inlines, box Str node) for every task-list item: the box opens the item's first paragraph."""
    return [found for node in iter_nodes(ast) if node["t"] == "BulletList" for found in _boxes_of(node)]


def _boxes_of(node: dict) -> list[tuple[list, dict]]:
    """The task items of one bullet list: a box character, then a space or nothing."""
    found = []
    for item in node["c"]:
        first = item[0] if item else None
        if first and first["t"] in ("Plain", "Para") and first["c"]:
            head = first["c"][0]
            if head["t"] == "Str" and head["c"] in BOXES and (len(first["c"]) == 1 or first["c"][1]["t"] == "Space"):
                found.append((first["c"], head))
    return found


def task_boxes(ast) -> set[int]:
    """ids of the Str nodes that are task-list boxes: drawn by CSS, so they need no glyph (R002)."""
    return {id(box) for _, box in _item_boxes(ast)}


def mark_task_lists(ast) -> None:
    """Replace each task-list box by an empty, labelled span the stylesheets draw, and
    wrap each task list in a `<div class="task-list">` (no bullets, hanging text)."""
    lists = _task_lists(ast)
    for inlines, box in _item_boxes(ast):
        done = BOXES[box["c"]]
        classes = ["task-box"] + (["task-done"] if done else [])
        attrs = [["role", "img"], ["aria-label", "done" if done else "not done"]]
        inlines[0] = {"t": "Span", "c": [["", classes, attrs], []]}
    for node in lists:
        items = node["c"]
        node["t"], node["c"] = "Div", [["", ["task-list"], []], [{"t": "BulletList", "c": items}]]
