"""Where raw HTML stands in a chapter's source, for the line of a sanitizer warning.

pandoc keeps no source positions. A raw fragment is found by its first line of text,
searching down the file from the fragment before; a character or attribute the
sanitizer takes out is found in running text first (outside code, comments and
math, where the same characters would be an example), else anywhere.
"""

from __future__ import annotations

from functools import lru_cache

from .locate import Source

#: Raw formats that end up in the print HTML or the EPUB's XHTML.
HTML_FORMATS = {"html", "html4", "html5", "epub", "epub2", "epub3"}


def is_html(node: dict, formats: set[str] = HTML_FORMATS) -> bool:
    return node.get("t") in ("RawBlock", "RawInline") and node["c"][0].lower() in formats


def raw_lines(text: str, ast: dict) -> dict[int, int | None]:
    """The chapter line of every raw HTML node, in document order.

    A cursor moves down the file: each fragment is looked for from the line of the one
    before, and the end of a div moves it past the div's closing line, which pandoc
    reads as no node of its own.
    """
    lines = text.split("\n")
    found: dict[int, int | None] = {}
    cursor = 0

    def find(test) -> int | None:
        return next((i for i in range(cursor, len(lines)) if test(lines[i])), None)

    def visit(value) -> None:
        nonlocal cursor
        if isinstance(value, list):
            for item in value:
                visit(item)
        elif isinstance(value, dict):
            if is_html(value):
                needle = next((part.strip() for part in value["c"][1].split("\n") if part.strip()), "")
                hit = find(lambda line: needle and needle in line) if needle else None
                found[id(value)] = hit + 1 if hit is not None else line_of(text, needle)
                if hit is not None:  # a raw block has its lines to itself; several raw inlines share one
                    cursor = hit + (value["t"] == "RawBlock")
                return
            visit(value.get("c", value.get("blocks")))
            if value.get("t") == "Div":
                end = find(lambda line: line.lstrip().startswith(("</div", ":::")))
                cursor = end + 1 if end is not None else cursor

    visit(ast.get("blocks", []))
    return found


def line_of(text: str, needle: str) -> int | None:
    """The line of the first `needle` in running text (outside code, comments and math, where the
    same characters would be an example, not the HTML being reported); else of the first anywhere
    (a raw `{=html}` block is fenced like code)."""
    if not needle:
        return None
    source = _source(text)
    match = source.find(needle, 0)
    at = match.start() if match is not None else text.find(needle)
    return source.position(at)[0] if at >= 0 else None


@lru_cache(maxsize=8)
def _source(text: str) -> Source:
    return Source(text)
