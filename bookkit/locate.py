"""Where pandoc's nodes are in the chapter source, for `file:line:col` diagnostics.

pandoc's Markdown reader keeps no source positions, and what a chapter holds is
decided by its AST alone (a rule never looks at the source to find a note, an
image or a citation). This module only answers *where*: `Source` knows which
byte ranges of the text are code, HTML comments, raw blocks or math, and finds a
node's text outside them (or, for math, as the start of a math span); `sites`
walks an AST in document order and places each node it yields by searching
forward from the node placed before it. A note's content is searched from its
definition. A node that cannot be found is placed at the line of the last node
that was, without a column: the nearest line we can honestly name.

The masks (`masks.py`) are a reading of Markdown's block and inline rules that is
good enough for placing nodes; a mistake in them can only make a position less
exact, never make a rule report something pandoc did not read.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any, overload

from .masks import MATH, Span, masked_spans


@dataclass(frozen=True)
class Found:
    """A literal match, with the part of `re.Match`'s interface placing needs (group 0 only)."""

    at: int
    stop: int

    def start(self, group: int | str = 0) -> int:
        return self.at

    def end(self, group: int | str = 0) -> int:
        return self.stop


class Source:
    """A chapter's text with its masked spans, line starts and a search that skips the masks."""

    def __init__(self, text: str):
        self.text = text
        self.spans = masked_spans(text)
        self._starts = [s.start for s in self.spans]
        self._lines = [0] + [m.end() for m in re.finditer(r"\n", text)]

    def span_at(self, offset: int) -> Span | None:
        index = bisect.bisect_right(self._starts, offset) - 1
        if index >= 0 and self.spans[index].start <= offset < self.spans[index].end:
            return self.spans[index]
        return None

    @overload
    def find(self, pattern: str, start: int, limit: int | None = None,
             inside: str | None = None) -> Found | None: ...

    @overload
    def find(self, pattern: re.Pattern, start: int, limit: int | None = None,
             inside: str | None = None) -> re.Match | None: ...

    def find(self, pattern: str | re.Pattern, start: int, limit: int | None = None,
             inside: str | None = None) -> re.Match | Found | None:
        """The first match at or after `start` in plain text (or at the start of an `inside` span).

        A `str` pattern is searched for literally with `str.find`: a chapter's every word
        is looked for once, and compiling each into a regex cost most of a no-op rebuild.
        """
        end = len(self.text) if limit is None else min(len(self.text), start + limit)
        position = start
        while True:
            match: re.Match | Found | None
            if isinstance(pattern, str):
                at = self.text.find(pattern, position, end)
                match = Found(at, at + len(pattern)) if at >= 0 else None
            else:
                match = pattern.search(self.text, position, end)
            if match is None:
                return None
            span = self.span_at(match.start())
            if inside is None and span is None:
                return match
            if inside is not None and span is not None and span.kind == inside and span.start == match.start():
                return match
            position = span.end if span is not None and inside is None else match.start() + 1

    def find_all(self, pattern: re.Pattern) -> list[re.Match]:
        """Every match of `pattern` that starts in plain text."""
        return [m for m in pattern.finditer(self.text) if self.span_at(m.start()) is None]

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        line = bisect.bisect_right(self._lines, offset)
        return line, offset - self._lines[line - 1] + 1


@dataclass(frozen=True)
class Site:
    """A node of the AST and where it is: `column` is None when only the nearest line is known."""

    kind: str  # cite, literal-note, image, link, header, div, math, note
    node: Any
    line: int
    column: int | None
    detail: str = ""  # the citation key or the note label


_LITERAL_NOTE = re.compile(r"\[\^(?P<label>[^\]\s]+)\]")
_NOTE_CALL = re.compile(r"\[\^(?P<label>[^\]\s]+)\](?!:)|\^\[")
_SKIPPED = {"Code", "CodeBlock", "RawInline", "RawBlock"}
#: how far ahead a word is looked for when it only keeps the search in step
_WORD_WINDOW = 300


class _Walker:
    def __init__(self, source: Source):
        self.source = source
        self.cursor = 0
        self.sites: list[Site] = []

    def place(self, kind: str, node: Any, match: re.Match | Found | None, detail: str = "",
              group: int | str = 0) -> None:
        if match is not None:
            self.cursor = match.end(group)
            line, column = self.source.position(match.start(group))
        else:
            line, column = self.source.position(self.cursor)[0], None
        self.sites.append(Site(kind, node, line, column, detail))

    def walk(self, item: Any) -> None:
        if isinstance(item, list):
            for child in item:
                self.walk(child)
            return
        if not isinstance(item, dict) or "t" not in item:
            return
        kind, content = item["t"], item.get("c")
        handler = getattr(self, "_" + kind, None)
        if handler is not None:
            handler(item, content)
        elif kind not in _SKIPPED and content is not None:
            self.walk(content)

    def _Str(self, node, text: str) -> None:
        for match in _LITERAL_NOTE.finditer(text):
            found = self.source.find("[^" + match["label"] + "]", self.cursor)
            self.place("literal-note", node, found, match["label"])
        if len(text) > 1 and any(ch.isalnum() for ch in text) and not _LITERAL_NOTE.search(text):
            # a word keeps the search in step; punctuation alone may have been moved by citeproc
            found = self.source.find(text, self.cursor, limit=_WORD_WINDOW)
            if found is not None:
                self.cursor = found.end()

    def _Cite(self, node, content) -> None:
        for citation in content[0]:
            key = citation["citationId"]
            pattern = re.compile(r"@(?:\{" + re.escape(key) + r"\}|" + re.escape(key) + r"(?![\w:.#$%&\-+?<>~/]*\w))")
            found = self.source.find(pattern, self.cursor)
            self.place("cite", node, found, key)
            self.walk(citation["citationPrefix"])
            self.walk(citation["citationSuffix"])

    def _Note(self, node, content) -> None:
        call = self.source.find(_NOTE_CALL, self.cursor)
        self.place("note", node, call, call["label"] or "" if call else "")
        after = self.cursor
        if call is not None and call["label"]:
            definition = re.compile(r"^ {0,3}\[\^" + re.escape(call["label"]) + r"\]:", re.MULTILINE)
            found = self.source.find_all(definition)
            if found:
                self.cursor = found[-1].end()  # pandoc keeps the last of two definitions
        self.walk(content)
        self.cursor = after

    def _Image(self, node, content) -> None:
        self.place("image", node, self.source.find("![", self.cursor))
        self.walk(content[1])

    def _Link(self, node, content) -> None:
        start = self.source.find("[", self.cursor)
        if start is not None:
            self.cursor = start.start()
        self.walk(content[1])
        target = content[2][0]
        found = self.source.find(target, self.cursor) if target.startswith("#") else None
        self.place("link", node, found or start)

    def _Figure(self, node, content) -> None:
        before = self.cursor
        self.walk(content[2])
        after = self.cursor
        self.cursor = before
        self.walk(content[1][1])
        self.cursor = max(after, self.cursor)

    def _Table(self, node, content) -> None:
        before = self.cursor  # a caption may stand above or below its table
        self.walk(content[3:])
        after = self.cursor
        self.cursor = before
        self.walk(content[1])
        self.cursor = max(after, self.cursor)

    def _Header(self, node, content) -> None:
        words = [n["c"] for n in content[2] if isinstance(n, dict) and n.get("t") == "Str"]
        found = self.source.find(words[0], self.cursor) if words else self.source.find("#", self.cursor)
        if found is not None:
            line_start = self.source.text.rfind("\n", 0, found.start()) + 1
            self.place("header", node, re.compile(r"").match(self.source.text, line_start))
        else:
            self.place("header", node, None)
        self.walk(content[2])

    def _Div(self, node, content) -> None:
        self.place("div", node, self.source.find(re.compile(r"^ {0,3}(?::{3,}|<div\b)", re.MULTILINE), self.cursor))
        self.walk(content[1])

    def _Math(self, node, content) -> None:
        found = self.source.find(re.compile(r"\$+\s*" + re.escape(content[1][:40])), self.cursor, inside=MATH)
        self.place("math", node, found)
        if found is not None:
            self.cursor = found.end()


def sites(ast: dict, text: str, source: Source | None = None) -> list[Site]:
    """Each note, citation, literal `[^label]`, image, link, header, div and formula, placed."""
    walker = _Walker(source or Source(text))
    walker.walk(ast.get("blocks", []))
    return walker.sites
