"""Which characters of a chapter are code, HTML comments or math, for placing nodes and lines.

A reading of Markdown's block and inline rules that is good enough for placing pandoc's
nodes in the source (`locate.py`) and for matching print lines to source lines
(`notecheck.py`): a mistake here can only make a position less exact, never make a
rule report something pandoc did not read.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass

CODE, COMMENT, MATH = "code", "comment", "math"

_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
_LIST_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d+[.)]|#[.)]|\(?[a-zA-Z][.)]|\(?[ivxlcdmIVXLCDM]+[.)])\s")
#: inline spans, left to right: comments, code spans, display math, inline math
_INLINE = re.compile(
    r"(?P<comment><!--.*?-->)"
    r"|(?<![\\`])(?P<ticks>`+)(?!`)(?:[^`]|(?!(?P=ticks))`+)*?(?<!`)(?P=ticks)(?!`)"
    r"|(?<!\\)(?P<display>\$\$(?:[^$]|\$(?!\$))+?\$\$)"
    r"|(?<![\\$])(?P<inline>\$(?![\s$])(?:[^$\n\\]|\\.|\n(?![ \t]*\n))*?(?<![\s\\])\$(?!\d))",
    re.DOTALL,
)


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str


def _block_spans(text: str) -> list[Span]:
    """Fenced code (raw `{=format}` blocks are fenced too) and indented code blocks."""
    spans: list[Span] = []
    offset = 0
    fence: tuple[str, int, int] | None = None  # (char, length, start offset)
    blank_before = True
    in_list = False
    code_start = None
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if fence is not None:
            match = _FENCE.match(line)
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= fence[1] \
                    and not line[match.end():].strip():
                spans.append(Span(fence[2], offset + len(line), CODE))
                fence = None
            offset += len(line)
            blank_before = False
            continue
        indent = _leading(line) if stripped else 0
        indented = bool(stripped) and indent >= 4
        needed = 8 if in_list else 4  # inside a list item, four spaces only continue the item
        if code_start is not None and (not stripped or indent >= needed):
            pass  # the indented block goes on (blank lines inside it included)
        elif code_start is not None:
            spans.append(Span(code_start, offset, CODE))
            code_start = None
        if code_start is None and stripped:
            match = _FENCE.match(line) if indent < needed else None
            if match and not (match.group(1)[0] == "`" and "`" in line[match.end():]):
                fence = (match.group(1)[0], len(match.group(1)), offset)
            elif blank_before and indent >= needed:
                code_start = offset
            elif _LIST_ITEM.match(line):
                in_list = True
            elif not indented and blank_before:
                in_list = False
        blank_before = not stripped
        offset += len(line)
    if fence is not None:
        spans.append(Span(fence[2], len(text), CODE))
    if code_start is not None:
        spans.append(Span(code_start, len(text), CODE))
    return spans


def _leading(line: str) -> int:
    expanded = line.expandtabs(4)
    return len(expanded) - len(expanded.lstrip(" "))


def masked_spans(text: str) -> list[Span]:
    """Every range that is code, an HTML comment or math, in order."""
    blocks = _block_spans(text)
    starts = [s.start for s in blocks]
    spans = list(blocks)
    position = 0
    while True:
        match = _INLINE.search(text, position)
        if match is None:
            break
        index = bisect.bisect_right(starts, match.start()) - 1
        if index >= 0 and blocks[index].end > match.start():
            position = blocks[index].end  # the opener lies in a code block: go on after it
            continue
        kind = COMMENT if match.group("comment") else CODE if match.group("ticks") else MATH
        spans.append(Span(match.start(), match.end(), kind))
        position = match.end()
    return sorted(spans, key=lambda s: s.start)


def source_lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number, text) of every line, with code, comments and math blanked to spaces."""
    chars = list(text)
    for span in masked_spans(text):
        for index in range(span.start, span.end):
            if chars[index] != "\n":
                chars[index] = " "
    yield from enumerate("".join(chars).split("\n"), start=1)
