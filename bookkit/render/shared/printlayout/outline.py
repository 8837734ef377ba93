"""An HTML string's elements with their offsets in it, for editing the string where a layout says.

The float pass (`floats.py`) moves a figure and splits a paragraph in the very HTML
WeasyPrint laid out; it needs to know where each element starts and ends in that
text, which an HTML tree builder does not keep.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


_CONTAINERS = {"section"}


@dataclass
class Element:
    tag: str
    attrs: dict
    start: int  # offset of "<tag"
    open_end: int  # offset after the start tag
    end: int = -1  # offset after the end tag
    parent: Element | None = None
    children: list = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def descendants(self):
        for child in self.children:
            yield child
            yield from child.descendants()


class Outline(HTMLParser):
    """Elements of an HTML string with their offsets; `ok` is False if its tags do not nest."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=False)
        self.text = text
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.root = Element("#root", {}, 0, 0, len(text))
        self.stack = [self.root]
        self.ok = True
        self.feed(text)
        self.close()
        if len(self.stack) != 1:
            self.ok = False

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def _open(self, tag, attrs, closed: bool):
        start = self._offset()
        el = Element(tag, {k: v or "" for k, v in attrs}, start, start + len(self.get_starttag_text() or ""))
        el.parent = self.stack[-1]
        el.parent.children.append(el)
        if closed or tag in _VOID:
            el.end = el.open_end
        else:
            self.stack.append(el)

    def handle_starttag(self, tag, attrs):
        self._open(tag, attrs, False)

    def handle_startendtag(self, tag, attrs):
        self._open(tag, attrs, True)

    def handle_endtag(self, tag):
        if tag in _VOID:
            return
        if self.stack[-1].tag != tag:
            self.ok = False
            return
        el = self.stack.pop()
        at = self._offset()
        el.end = self.text.index(">", at) + 1


def chapter_body(outline: Outline) -> Element | None:
    for el in outline.root.descendants():
        if el.tag == "div" and "chapter-body" in el.classes:
            return el
    return None


def top_level(body: Element) -> list[Element]:
    """The chapter body's blocks, looking through `<section>` wrappers."""
    out = []
    for child in body.children:
        if child.tag in _CONTAINERS:
            out += top_level(child)
        else:
            out.append(child)
    return out


def is_float(el: Element) -> bool:
    """A figure or captioned table that may float (not opted out with `.here` / `fig-pos="H"`)."""
    if not (el.tag == "figure" or (el.tag == "div" and "table-block" in el.classes)):
        return False
    for node in [el, *el.descendants()]:
        if "here" in node.classes or node.attrs.get("fig-pos", "").lower() in ("h", "!h") \
                or node.attrs.get("data-fig-pos", "").lower() in ("h", "!h"):
            return False
    return True
