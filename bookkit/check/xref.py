"""The cross-reference rules (X001–X003), over every chapter's AST at once.

A reference is an `xref` span that `filters/crossref.lua` made of a citation whose
keys are all labels (`@fig:x`, `[@eq-y]`); a label is defined by the element that
carries it: a figure, a captioned table, a heading, a labelled display equation, a
captioned code block. Definitions are taken from pandoc's AST, and only placed in
the source (`locate.Source`), so a label inside code is never read as one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..book import Book
from ..code import CAPTION_ATTRIBUTES
from ..crossref import label_kind, normal, span_labels, xref_spans
from ..diagnostics import Diagnostic, diagnostic, did_you_mean
from ..locate import Source
from ..transforms import iter_nodes

_EQUATION_LABEL = re.compile(r"^\{#([^}\s]+)\}$")


def definitions(ast: dict) -> list[str]:
    """The labels a chapter defines, in document order."""
    found = []
    for node in iter_nodes(ast.get("blocks", [])):
        kind, content = node["t"], node.get("c", [])
        ident = ""
        if kind == "Header":
            ident = content[1][0]
        elif kind == "Figure" or (kind == "Table" and content[1][1]):  # only a captioned table has a number
            ident = content[0][0]
        elif kind == "CodeBlock" and any(k in CAPTION_ATTRIBUTES for k, _ in content[0][2]):
            ident = content[0][0]
        elif kind in ("Para", "Plain"):
            found += _equation_labels(content)
        expected = {"Figure": "figure", "Header": "section", "Table": "table", "CodeBlock": "listing"}.get(kind)
        if ident and label_kind(ident) == expected:
            found.append(ident)
    return found


def _equation_labels(inlines: list) -> list[str]:
    """`$$…$$ {#eq:x}`: a display formula followed by its label (as mathtex.py reads it)."""
    found = []
    for index, node in enumerate(inlines):
        if node.get("t") == "Math" and node["c"][0]["t"] == "DisplayMath":
            for after in inlines[index + 1:index + 3]:
                if after.get("t") in ("Space", "SoftBreak"):
                    continue
                match = _EQUATION_LABEL.match(after.get("c", "")) if after.get("t") == "Str" else None
                if match and label_kind(match.group(1)) == "equation":
                    found.append(match.group(1))
                break
    return found


def xref_rules(book: Book, asts: Sequence[dict | None]) -> list[Diagnostic]:
    """X001 unknown label, X002 label that is also a bibliography key, X003 label defined twice."""
    diags: list[Diagnostic] = []
    defined: dict[str, tuple[str, int | None]] = {}
    chapters = [(c, a) for c, a in zip(book.chapters, asts, strict=True) if a is not None]
    for chapter, ast in chapters:
        source = Source(chapter.text)
        seen: dict[str, int] = {}
        for label in definitions(ast):
            seen[label] = seen.get(label, 0) + 1
            line, column = _definition_place(source, label, seen[label])
            if label in defined:
                path, first = defined[label]
                diags.append(diagnostic(chapter.path, line, "X003", f"cross-reference label '{label}' defined twice "
                                                               f"(first at {path}:{first})", column))
            else:
                defined[label] = (chapter.path, line)
    entries = book.bibliography.entries
    for chapter, ast in chapters:
        source = Source(chapter.text)
        cursor = 0
        for span in xref_spans(ast):
            for written in span_labels(span):
                label = normal(written)
                place = _reference_place(source, written, cursor)
                if place is not None:
                    cursor = place.end()
                line, column = source.position(place.start()) if place else (None, None)
                if written in entries or label in entries:
                    key = written if written in entries else label
                    where = f"{book.bibliography.path}:{entries[key].line}"
                    diags.append(diagnostic(chapter.path, line, "X002",
                                       f"'{written}' is both a cross-reference label and a bibliography key ({where}); "
                                       "rename the key or the label", column))
                elif label not in defined:
                    diags.append(diagnostic(chapter.path, line, "X001", f"unknown cross-reference label '{written}'"
                                                                   f"{did_you_mean(label, defined)}", column))
    return diags


def _reference_place(source: Source, label: str, cursor: int):
    pattern = re.compile(r"@(?:\{" + re.escape(label) + r"\}|" + re.escape(label) + r"(?![\w:.#$%&\-+?<>~/]*\w))")
    return source.find(pattern, cursor)


def _definition_place(source: Source, label: str, nth: int) -> tuple[int | None, int | None]:
    """Where the `nth` `{#label …}` of a chapter is written (a code block's is on its fence line)."""
    pattern = re.compile(r"\{[^}\n]*#" + re.escape(label) + r"(?=[\s}])")
    matches = list(pattern.finditer(source.text))
    if len(matches) < nth:
        return None, None
    start = matches[nth - 1].start()
    return source.position(start + matches[nth - 1].group(0).index("#"))
