"""The rules over one chapter's AST, each node placed in the source by bookkit.locate.

What a chapter holds is what pandoc read: a citation is a Cite node, an image an
Image node, an undefined `[^label]` the literal text pandoc left in a Str. The
source is only consulted to say where a node is, so nothing inside code, comments,
raw blocks or math is ever reported as text. Each rule returns diagnostics and
never raises, so one run reports every problem.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence

from ..book import Book, Chapter
from ..diagnostics import BookError, Diagnostic, diagnostic, did_you_mean
from ..locate import Site, Source
from ..resources import vet_image
from ..timeline import Timeline, load_timeline
from ..transforms import cited_keys, iter_nodes

_DEFINITION = re.compile(r"^ {0,3}\[\^(?P<label>[^\]\s]+)\]:", re.MULTILINE)


def unknown_citations(book: Book, chapter: Chapter, sites: list[Site]) -> list[Diagnostic]:
    """C001: every citation of a key the bibliography lacks, at its line and column (none when the
    bibliography file itself is missing: B004 says that once)."""
    if book.bibliography.missing:
        return []
    keys = book.bibliography.keys
    return [diagnostic(chapter.path, s.line, "C001", f"unknown citation key '{s.detail}'{did_you_mean(s.detail, keys)}",
                  s.column)
            for s in sites if s.kind == "cite" and s.detail not in keys]


def uncited_entries(book: Book, asts: list[dict]) -> list[Diagnostic]:
    """C002: bibliography entries no chapter cites."""
    used = {key for ast in asts for key in cited_keys(ast)}
    bib = book.bibliography
    return [diagnostic(bib.path, entry.line, "C002", f"entry '{key}' is never cited")
            for key, entry in sorted(bib.entries.items()) if key not in used]


def undefined_notes(chapter: Chapter, sites: list[Site], source: Source) -> list[Diagnostic]:
    """N001: a `[^label]` pandoc left as text, because no definition of it exists."""
    defined = {m["label"] for m in source.find_all(_DEFINITION)}
    return [diagnostic(chapter.path, s.line, "N001",
                  f"note '[^{s.detail}]' is used but never defined{did_you_mean(s.detail, defined)}", s.column)
            for s in sites if s.kind == "literal-note"]


#: pandoc's own warnings about note definitions, with the position pandoc read them at
_UNUSED_NOTE = re.compile(r"Note with key '(?P<label>[^']*)' defined at line (?P<line>\d+) column (?P<column>\d+)"
                          r" but not used")
_DUPLICATE_NOTE = re.compile(r"Duplicate note reference '(?P<label>[^']*)' at line (?P<line>\d+)"
                             r" column (?P<column>\d+)")
#: every pandoc warning that the note rules turn into N002/N003
NOTE_WARNING = re.compile(r"Note with key '[^']*' defined at line \d+ column \d+ but not used"
                          r"|Duplicate note reference '[^']*' at line \d+")


def note_definitions(chapter: Chapter, message: str, source: Source) -> Diagnostic | None:
    """N002 / N003 from pandoc's warning about an unused or a repeated note definition.

    pandoc drops an unused definition from the AST and keeps only the last of two, so
    only its reader knows about them; it names the exact position of each.
    """
    unused = _UNUSED_NOTE.search(message)
    if unused:
        return diagnostic(chapter.path, int(unused["line"]), "N002",
                       f"note '[^{unused['label']}]' is defined but never used", int(unused["column"]))
    duplicate = _DUPLICATE_NOTE.search(message)
    if not duplicate:
        return None
    label, line = duplicate["label"], int(duplicate["line"])
    earlier = [source.position(m.start())[0] for m in source.find_all(_DEFINITION)
               if m["label"].lower() == label.lower() and source.position(m.start())[0] < line]
    first = f" (first on line {earlier[0]})" if earlier else ""
    return diagnostic(chapter.path, line, "N003", f"note '[^{label}]' defined twice{first}", int(duplicate["column"]))


def image_rules(book: Book, chapter: Chapter, sites: list[Site], source: Source) -> list[Diagnostic]:
    """L002 (no alt text) and the resource gate (L001, L004–L006) for every Image pandoc read.

    A refused path is reported where it is written: for a reference-style image
    (`![alt][ref]`), at the `[ref]: path` line that names the file.
    """
    out = []
    folder = posixpath.dirname(chapter.path)
    for site in sites:
        if site.kind != "image":
            continue
        (_, _, attrs), alt, (src, _) = site.node["c"]
        shown = src if len(src) < 100 else src[:97] + "..."
        if not _text(alt).strip() and not dict(attrs).get("alt", "").strip():
            out.append(diagnostic(chapter.path, site.line, "L002", f"image '{shown}' has no alt text", site.column))
        refused = vet_image(book.root, src, folder)
        if refused:
            line, column = _path_written(source, site, src)
            out.append(diagnostic(chapter.path, line, refused[0], refused[1], column))
    return out


def _path_written(source: Source, site: Site, src: str) -> tuple[int, int | None]:
    """Where an image's path is written: on the image's own line, or in a reference definition."""
    lines = source.text.split("\n")
    if site.column is None or src in lines[site.line - 1] or not src:
        return site.line, site.column
    definition = re.compile(r"^ {0,3}\[[^\]]+\]:[ \t]*<?" + re.escape(src), re.MULTILINE)
    found = source.find_all(definition)
    return source.position(found[0].end() - len(src)) if found else (site.line, site.column)


def _text(inlines: list) -> str:
    parts = []
    for node in iter_nodes(inlines):
        if node["t"] == "Str":
            parts.append(node["c"])
        elif node["t"] in ("Code", "Math"):
            parts.append(node["c"][1])
        elif node["t"] in ("Space", "SoftBreak", "LineBreak"):
            parts.append(" ")
    return "".join(parts)


def book_ids(book: Book, asts: Sequence[dict | None]) -> set[str]:
    """Every id a link can point at: headings, divs, spans, figures, and the generated parts."""
    ids = {"contents", "bibliography"} | {chapter.slug for chapter in book.chapters}
    for ast in asts:
        for node in iter_nodes(ast or {}):
            kind, content = node["t"], node.get("c", [])
            if kind == "Header":
                ids.add(content[1][0])
            elif kind in ("Div", "Span", "Figure", "Table", "CodeBlock", "Image", "Link", "Code"):
                ids.add(content[0][0])
    ids.discard("")
    return ids


def link_rules(chapter: Chapter, sites: list[Site], ids: set[str]) -> list[Diagnostic]:
    """L003: a Link to `#id` where no heading, figure or block in the book has that id."""
    out = []
    for site in sites:
        target = site.node["c"][2][0] if site.kind == "link" else ""
        if target.startswith("#") and target[1:] not in ids:
            out.append(diagnostic(chapter.path, site.line, "L003", f"link to '{target}', which no heading or block has"
                                                             f"{did_you_mean(target[1:], ids)}", site.column))
    return out


def heading_rules(chapter: Chapter, sites: list[Site]) -> list[Diagnostic]:
    """S002: a heading more than one level below the one before it (## then ####), any syntax."""
    out, previous = [], None
    for site in sites:
        if site.kind != "header":
            continue
        level = site.node["c"][0]
        if previous is not None and level > previous + 1:
            out.append(diagnostic(chapter.path, site.line, "S002",
                               f"heading level {level} follows level {previous}; use level {previous + 1}",
                               site.column))
        previous = level
    return out


def title_rule(chapter: Chapter, ast: dict, sites: list[Site]) -> list[Diagnostic]:
    """S001 where loading took a line for the title that pandoc does not read as a level-1 heading.

    Loading (book.py) finds the title from the source, ATX or setext; when it found
    none it has already said so. This rule makes pandoc's reading the judge.
    """
    if chapter.title_line is None:
        return []
    blocks = [b for b in ast.get("blocks", []) if not (b["t"] == "RawBlock" and b["c"][1].lstrip().startswith("<!--"))]
    if blocks and blocks[0]["t"] == "Header" and blocks[0]["c"][0] == 1:
        return []
    return [diagnostic(chapter.path, chapter.title_line, "S001",
                  "chapter does not open with a level-1 title ('# Title'): pandoc does not read this line as one")]


def timeline_figure(book: Book, chapter: Chapter, div: dict,
                    line: int | None) -> tuple[Timeline | None, list[Diagnostic]]:
    """A `.timeline` div's data, or the D001/L002 problems that stop it (the build uses this too)."""
    attrs = dict(div["c"][0][2])
    problems = []
    if not attrs.get("alt", "").strip():
        problems.append(diagnostic(chapter.path, line, "D002", 'timeline block needs alt text (alt="…")'))
    src = attrs.get("src")
    if not src:
        problems.append(diagnostic(chapter.path, line, "D001", 'timeline block needs a src="../data/….yaml" attribute'))
        return None, problems
    try:
        timeline = load_timeline(book.root, src, chapter.path, line)
    except BookError as exc:
        return None, problems + exc.diagnostics
    return (timeline if not problems else None), problems


def timeline_rules(book: Book, chapter: Chapter, sites: list[Site]) -> list[Diagnostic]:
    """L002 and D001 for every chronology figure of a chapter."""
    out = []
    for site in sites:
        if site.kind == "div" and "timeline" in site.node["c"][0][1]:
            out.extend(timeline_figure(book, chapter, site.node, site.line)[1])
    return out
