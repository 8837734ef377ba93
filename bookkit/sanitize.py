"""A chapter's AST made safe and well-formed before either output sees it.

A pasted chapter can carry `<script>`, event handlers, `<iframe>`/`<object>`/
`<embed>`, forms and `javascript:` URLs; it can also carry raw HTML that is not
well-formed (`<hr>`, an unclosed `<p>`, a `</div>` too many) and characters XML
cannot hold (a vertical tab). pandoc passes raw HTML through to both the print HTML
and the EPUB's XHTML, and writes `{onclick=…}` attributes as they are, so the
chapter AST is cleaned once, here, and both renderers get the result.

Raw HTML is repaired run by run (`rawhtml.py`): the raw fragments among the
sibling nodes of one block or inline list, up to a heading (pandoc wraps a heading
and what follows it in a `<section>`, so nothing may stay open across one), are
parsed together. A `</div>` that closes nothing inside a pandoc div closes that
div, as in a browser: pandoc reads `<div>` `<hr>` `</div>` as a div that runs to
the end of the chapter, with the `</div>` as raw text inside it.

Every removal is an S007 warning, every repair an H001 warning and every character
taken out an H002 warning, at the chapter line where it stands.
"""

from __future__ import annotations

import copy
import re
from collections import deque
from typing import Any

from .book import Chapter
from .diagnostics import Diagnostic, diagnostic
from .rawhtml import (
    MAX_DEPTH,
    NOT_XML,
    control_character_message,
    placeholder,
    repair,
    scan,
    unsafe_attribute,
    unsafe_url,
    xhtml_name,
)
from .rawplaces import is_html, line_of, raw_lines
from .transforms import iter_nodes

#: Of those, the formats pandoc writes into both outputs; their runs are parsed together.
SHARED_FORMATS = {"html", "html5"}

BLOCKS = {"Plain", "Para", "LineBlock", "CodeBlock", "RawBlock", "BlockQuote", "OrderedList", "BulletList",
          "DefinitionList", "Header", "HorizontalRule", "Table", "Figure", "Div"}
INLINES = {"Str", "Emph", "Underline", "Strong", "Strikeout", "Superscript", "Subscript", "SmallCaps", "Quoted",
           "Cite", "Code", "Space", "SoftBreak", "LineBreak", "Math", "RawInline", "Link", "Image", "Note", "Span"}


def sanitize(ast: dict, chapter: Chapter, fix: bool = True) -> list[Diagnostic]:
    """Clean `ast` in place; return the S007, H001 and H002 warnings (S008 for HTML nested too deep).

    With fix=False the AST is left as it is and only the warnings are made (for `check`).
    """
    cleaner = _Cleaner(chapter, ast)
    target = ast if fix else copy.deepcopy(ast)
    if target is not ast and cleaner.lines:  # the raw fragments' lines, under their copies' ids
        cleaner.lines = {id(copied): cleaner.lines[id(original)]
                         for original, copied in zip(iter_nodes(ast), iter_nodes(target), strict=True)
                         if id(original) in cleaner.lines}
    target["blocks"] = cleaner.blocks(target["blocks"])
    return cleaner.diags


#: pandoc's warning when it closes a div at the end of the chapter.
_UNCLOSED_DIV = re.compile(r"^Div at line (?P<line>\d+) column \d+ unclosed at line \d+ column \d+, closing implicitly")


def without_repaired_div_warnings(diags: list[Diagnostic], ast: dict, text: str) -> list[Diagnostic]:
    """pandoc's warnings minus "Div … unclosed" for an HTML `<div>` whose `</div>` `sanitize` finds.

    pandoc reads `<div>` `<hr>` `</div>` as a div left open with a raw `</div>` inside;
    the build closes it there, so the warning no longer says anything true.
    """
    lines = text.split("\n")
    repairable = any(_stray_div_close(node["c"][1]) for node in iter_nodes(ast.get("blocks", []))
                     if node.get("t") == "Div")

    def settled(diag: Diagnostic) -> bool:
        match = _UNCLOSED_DIV.match(diag.message)
        if not (match and repairable):
            return False
        line = int(match["line"])
        return 0 < line <= len(lines) and lines[line - 1].lstrip().lower().startswith("<div")

    return [d for d in diags if not settled(d)]


class _Cleaner:
    def __init__(self, chapter: Chapter, ast: dict):
        self.chapter = chapter
        self.diags: list[Diagnostic] = []
        self.said: set[Diagnostic] = set()
        self.lines = raw_lines(chapter.text, ast)

    def warn(self, line: int | None, code: str, message: str) -> None:
        diag = diagnostic(self.chapter.path, line, code, message)
        if diag not in self.said:
            self.said.add(diag)
            self.diags.append(diag)

    # ---- walking the tree -------------------------------------------------------------

    def blocks(self, blocks: list) -> list:
        queue, out = deque(blocks), []
        while queue:
            node = queue.popleft()
            if node.get("t") == "Div":
                node["c"][0] = self.attr(node["c"][0])
                inside, after = _split_at_closing_div(node["c"][1], self.lines)
                node["c"][1] = self.blocks(inside)
                queue.extendleft(reversed(after))
            else:
                self.node(node)
            out.append(node)
        runs: list[list[dict]] = []
        run: list[dict] = []
        for node in out:  # a heading ends a run: nothing raw may stay open across it
            if node.get("t") == "Header":
                runs += [run, [node]]
                run = []
            else:
                run.append(node)
        return [n for r in runs + [run] for n in self.run(r, inline=False)]

    def inlines(self, inlines: list) -> list:
        for node in inlines:
            self.node(node)
        return self.run(inlines, inline=True)

    def node(self, node: dict) -> None:
        """Clean one node's attributes, link target, text and children (not a Div's blocks)."""
        kind = node.get("t")
        if kind == "Link" and unsafe_url(node["c"][2][0]):
            url = node["c"][2][0]
            self.warn(line_of(self.chapter.text, url[:40]), "S007",
                      f"removed unsafe HTML: '{url.split(':')[0].strip()}:' link")
            node["t"], node["c"] = "Span", [node["c"][0], node["c"][1]]
        if kind in ("Span", "Code", "CodeBlock", "Link", "Image", "Figure", "Table"):
            node["c"][0] = self.attr(node["c"][0])
        elif kind == "Header":
            node["c"][1] = self.attr(node["c"][1])
        if "c" in node:
            node["c"] = self.walk(node["c"])

    def walk(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {key: self.walk(item) for key, item in value.items()}
        if isinstance(value, list):
            if value and all(isinstance(item, dict) and "t" in item for item in value):
                kinds = {item["t"] for item in value}
                if kinds <= BLOCKS:
                    return self.blocks(value)
                if kinds <= INLINES:
                    return self.inlines(value)
            return [self.walk(item) for item in value]
        return value

    def text(self, text: str) -> str:
        bad = NOT_XML.search(text)
        if bad is None:
            return text
        char = bad.group()
        if char in self.chapter.text:  # else it came with a citation, and the bibliography reports it
            self.warn(line_of(self.chapter.text, char), "H002", control_character_message(char))
        return NOT_XML.sub("", text)

    def attr(self, attr: list) -> list:
        """[id, classes, key-values] without unsafe attributes or names XHTML cannot carry."""
        ident, classes, pairs = attr
        keep = []
        for key, value in pairs:
            why = unsafe_attribute(key, value)
            if why:
                self.warn(line_of(self.chapter.text, value[:30] or f"{key}="), "S007", f"removed unsafe HTML: {why}")
            elif not xhtml_name(key):
                self.warn(line_of(self.chapter.text, key), "H001",
                          f"removed the attribute '{key}': XHTML cannot carry that name")
            else:
                keep.append([self.text(key), self.text(value)])
        return [self.text(ident), [self.text(c) for c in classes], keep]

    # ---- raw HTML -------------------------------------------------------------------

    def run(self, nodes: list, inline: bool) -> list:
        """The run's raw HTML reported, repaired and cut back into nodes."""
        if not any(is_html(n) for n in nodes):
            return nodes
        open_tags: list[str] = []
        pieces = []
        for index, node in enumerate(nodes):
            if is_html(node, SHARED_FORMATS):
                if not self.report(node, open_tags):
                    return [n for n in nodes if not is_html(n)]
                pieces.append(node["c"][1])
            else:
                if is_html(node):  # epub3-only and the like: cleaned on their own
                    if not self.report(node, []):
                        return [n for n in nodes if not is_html(n)]
                    node["c"][1] = self.alone(node["c"][1], inline)
                pieces.append(placeholder(index, inline or node["t"] in ("Plain", "RawBlock")))
        chunks = repair("".join(pieces), inline)
        indices = [c for c in chunks if isinstance(c, int)]
        if sorted(indices) != [i for i, n in enumerate(nodes) if not is_html(n, SHARED_FORMATS)]:
            # the parser moved a node where it cannot be cut back (table content): each fragment alone
            return [dict(n, c=[n["c"][0], self.alone(n["c"][1], inline)]) if is_html(n, SHARED_FORMATS) else n
                    for n in nodes]
        kind = "RawInline" if inline else "RawBlock"
        out = []
        for chunk in chunks:
            if isinstance(chunk, int):
                out.append(nodes[chunk])
            elif chunk.strip() or (inline and chunk):
                out.append({"t": kind, "c": ["html", chunk]})
        return out

    def alone(self, fragment: str, inline: bool) -> str:
        return "".join(c for c in repair(fragment, inline) if isinstance(c, str))

    def report(self, node: dict, open_tags: list[str]) -> bool:
        """Warn about what the fragment loses; False (and S008) when it nests too deep to repair."""
        text = node["c"][1]
        line = self.lines.get(id(node))
        found = scan(text, open_tags)
        if found.too_deep is not None:
            self.diags.append(diagnostic(self.chapter.path, line + found.too_deep - 1 if line else None, "S008",
                                    f"raw HTML is nested more than {MAX_DEPTH} elements deep"))
            return False
        if found.removed:
            self.warn(line, "S007", "removed unsafe HTML: " + ", ".join(found.removed))
        for offset, tag in found.strays:
            self.warn(line + offset - 1 if line else None, "H001",
                      f"dropped '</{tag}>': it closes nothing that is open")
        return True


def _stray_div_close(blocks: list) -> tuple[int, int] | None:
    """(block index, line in its text) of the first raw `</div>` among `blocks` that closes nothing there."""
    open_tags: list[str] = []
    for index, node in enumerate(blocks):
        if is_html(node, SHARED_FORMATS):
            stray = next((line for line, tag in scan(node["c"][1], open_tags).strays if tag == "div"), None)
            if stray is not None:
                return index, stray
    return None


def _split_at_closing_div(blocks: list, lines: dict) -> tuple[list, list]:
    """A div's blocks up to a raw `</div>` that closes nothing inside it, and the blocks after."""
    found = _stray_div_close(blocks)
    if found is None:
        return blocks, []
    index, stray_line = found
    node = blocks[index]
    text = node["c"][1]
    start, end = _end_of_line_tag(text, stray_line)
    before, after = text[:start], text[end:]
    inside = blocks[:index] + ([dict(node, c=[node["c"][0], before])] if before.strip() else [])
    rest = []
    if after.strip():
        rest_node = {"t": node["t"], "c": [node["c"][0], after]}
        line = lines.get(id(node))
        lines[id(rest_node)] = line + text[:end].count("\n") if line else None
        rest.append(rest_node)
    return inside, rest + blocks[index + 1:]


def _end_of_line_tag(text: str, line: int) -> tuple[int, int]:
    """Where the first `</div>` on line `line` (from 1) of `text` starts and ends."""
    start = sum(len(part) + 1 for part in text.split("\n")[:line - 1])
    low = text.lower()
    at = low.find("</div", start)
    end = low.find(">", at)
    return at, (end + 1 if end >= 0 else len(text))
