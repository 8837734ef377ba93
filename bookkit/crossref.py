"""Numbered cross-references: `@fig:x`, `[@eq:x]`, `-@tbl:x`, `@sec-x`, … → "Figure 3.2", linked.

pandoc reads `@fig:x` as a citation. `filters/crossref.lua` runs before citeproc
(see convert.py) and turns every citation whose keys are all cross-reference labels
(`fig`, `tbl`, `sec`, `eq`, `lst` followed by `:` as pandoc-crossref writes them or
`-` as Quarto does) into a Span of class `xref` holding the labels. After every part
is numbered — figures by `transforms.number_figures`, tables and listings by
`code.number_captions`, equations by `mathtex.typeset_math`, all `C.N` per chapter —
`resolve` replaces each such Span with the reference text and a link per number:

    @fig:x, [@fig:x]        Figure 3.2
    -@fig:x                 3.2          (an equation: (3.2))
    [@fig:a; @fig:b]        Figures 3.2 and 3.4
    [@fig:a; @tbl:b]        Figure 3.2 and Table 3.1
    @sec:x                  Section 3.2 (a chapter's title: Chapter 3; an appendix's: Appendix A)
    [@fig:x]{.page}         Figure 3.2 on page 47 in the print PDF, Figure 3.2 elsewhere
    [@fig:x; @smith2020]    Figure 3.2, then the citation of smith2020 (the filter splits it)

Sections are numbered from the headings of each chapter (`C.N`, `C.N.M`); a heading
without a number (an unnumbered chapter, `{.unnumbered}`) is referred to by its title.

The page form leaves an empty `xref-page` span after the reference; only the print
layout (render/incremental.py) knows pages, and it fills the span with `fill_pages`
and lays out again the parts whose text changed until the pages are stable.
The words come from book.yaml's `crossref` (config.CROSSREF_WORDS). The problems a
reference can have (unknown label, a label that is also a bibliography key, a label
defined twice) are check's X rules (check/xref.py), so a build never gets here with them.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from .transforms import iter_nodes, stringify

#: label prefix → kind of target
KINDS = {"fig": "figure", "tbl": "table", "sec": "section", "eq": "equation", "lst": "listing"}
_LABEL = re.compile(r"^([A-Za-z]+)[:\-].")


def label_kind(label: str) -> str | None:
    """The kind a label names by its prefix (`fig:x`, `Fig:x`, `fig-x` → figure), or None."""
    match = _LABEL.match(label)
    return KINDS.get(match.group(1).lower()) if match else None


def normal(label: str) -> str:
    """A label as it is defined: pandoc-crossref's capitalised `@Fig:x` names `fig:x`."""
    return label[0].lower() + label[1:]


def xref_spans(ast) -> list[dict]:
    """Every cross-reference the Lua filter left in the AST, in document order."""
    return [node for node in iter_nodes(ast) if node["t"] == "Span" and "xref" in node["c"][0][1]]


def span_labels(span: dict) -> list[str]:
    """The labels of an `xref` span as the author wrote them."""
    return dict(span["c"][0][2]).get("labels", "").split()


@dataclass(frozen=True)
class Target:
    kind: str  # figure, table, equation, listing, section, chapter, appendix
    number: str  # "3.2", or "" for a heading referred to by its title
    title: str = ""


def targets(parts) -> dict[str, Target]:
    """label → what a reference to it prints, from every numbered part."""
    found: dict[str, Target] = {}
    for part in parts:
        if part.chapter is None:
            continue
        for kind, table in (("figure", part.figures), ("table", part.tables),
                            ("equation", part.equations), ("listing", part.listings)):
            for label, number in table.items():
                found.setdefault(label, Target(kind, number))
        if label_kind(part.slug) == "section":
            kind = "appendix" if "appendix" in part.classes else "chapter"
            found.setdefault(part.slug, Target(kind, str(part.number or ""), part.title))
        found.update({k: v for k, v in _sections(part).items() if k not in found})
    return found


def _sections(part) -> dict[str, Target]:
    counters: list[int] = []
    found = {}
    numbered = bool(part.number)
    for node in iter_nodes(part.body_ast.get("blocks", [])):
        if node["t"] != "Header":
            continue
        level, (ident, classes, _), inlines = node["c"]
        depth = max(level - 1, 1)
        unnumbered = "unnumbered" in classes or "-" in classes
        if not unnumbered:
            counters = (counters + [0] * depth)[:depth]
            counters[-1] += 1
        if ident and label_kind(ident) == "section":
            number = ".".join(str(n) for n in [part.number, *counters]) if numbered and not unnumbered else ""
            found[ident] = Target("section", number, stringify(inlines))
    return found


def resolve(parts, words: dict[str, str]) -> None:
    """Replace every `xref` span of every part by its text and links (see the module docstring)."""
    found = targets(parts)
    for part in parts:
        for doc in (part.title_ast, part.body_ast):
            doc["blocks"] = _replace(doc.get("blocks", []), found, words, False)
        _anchor_equations(part)
        _anchor_figures(part)


def _replace(item, found: dict[str, Target], words: dict[str, str], page: bool):
    if isinstance(item, list):
        out = []
        for child in item:
            if isinstance(child, dict) and child.get("t") == "Span":
                classes = child["c"][0][1]
                if "xref" in classes:
                    out.extend(reference(span_labels(child), dict(child["c"][0][2]).get("suppress") == "1",
                                         page, found, words))
                    continue
                if "page" in classes and xref_spans(child["c"][1]):
                    # `[@fig:x]{.page}`: the page form; the span itself only marks it
                    out.extend(_replace(child["c"][1], found, words, True))
                    continue
            out.append(_replace(child, found, words, page))
        return out
    if isinstance(item, dict):
        return {k: (_replace(v, found, words, page) if k in ("c", "blocks") else v) for k, v in item.items()}
    return item


def reference(labels: list[str], suppress: bool, page: bool, found: dict[str, Target],
              words: dict[str, str]) -> list[dict]:
    """The inlines of one reference: per kind, its word (plural for several) and linked numbers."""
    groups: dict[str, list[str]] = {}
    for label in labels:
        target = found.get(normal(label))
        kind = target.kind if target else label_kind(label) or "section"
        groups.setdefault(kind, []).append(normal(label))
    out: list[dict] = []
    for index, (kind, members) in enumerate(groups.items()):
        if index:
            out += _joiner(index, len(groups), words)
        links: list[list[dict]] = []
        for label in members:
            target = found.get(label)
            if target is None:  # X001, a warning only under --draft: "??" as LaTeX prints it, no link
                links.append([{"t": "Strong", "c": [{"t": "Str", "c": "??"}]}])
                continue
            if not target.number:
                text = f"“{target.title}”"
            elif kind == "equation" and suppress:
                text = f"({target.number})"
            else:
                text = target.number
            link: dict = {"t": "Link", "c": [["", ["xref"], []], [{"t": "Str", "c": text}], ["#" + label, ""]]}
            links.append([link] + ([_page_span(label, words)] if page else []))
        word = words[kind + "s"] if len(members) > 1 else words[kind]
        numbered = any(found.get(m) is not None and found[m].number for m in members)
        if not suppress and numbered:
            if len(links) == 1:  # one reference: the word is part of the link
                link = links[0][0]
                link["c"][1] = [{"t": "Str", "c": f"{word}\u00a0{link['c'][1][0]['c']}"}]
            else:
                out += [{"t": "Str", "c": word}, {"t": "Space"}]
        for position, pieces in enumerate(links):
            if position:
                out += _joiner(position, len(links), words)
            out += pieces
    return out


def _joiner(index: int, count: int, words: dict[str, str]) -> list[dict]:
    """', ' between items of a list and ' and ' before its last."""
    if index == count - 1:
        return [{"t": "Space"}, {"t": "Str", "c": words["and"]}, {"t": "Space"}]
    return [{"t": "Str", "c": ","}, {"t": "Space"}]


def _page_span(label: str, words: dict[str, str]) -> dict:
    # data-href and data-words serve print.css's target-counter() where the print book is laid out
    # as one document; laid out in parts (the usual case), `fill_pages` writes the page in
    return {"t": "Span", "c": [["", ["xref-page"], [["data-target", label], ["data-href", "#" + label],
                                                      ["data-words", words["page"]]]], []]}


def page_labels(parts) -> set[str]:
    """The labels referred to in the page form anywhere in the book (the print layout fills them)."""
    found = set()
    for part in parts:
        for doc in (part.title_ast, part.body_ast):
            for node in iter_nodes(doc.get("blocks", [])):
                if node["t"] == "Span" and "xref-page" in node["c"][0][1]:
                    found.add(dict(node["c"][0][2])["data-target"])
    return found


_PAGE_SPAN = re.compile(r'<span class="xref-page" data-target="([^"]*)"([^>]*)>(.*?)</span>')


def fill_pages(text: str, folios: dict[str, str], words: dict[str, str]) -> str:
    """The print HTML with each page-form span saying " on page N" (`folios`: label → folio)."""
    def fill(match: re.Match) -> str:
        folio = folios.get(html.unescape(match.group(1)), "0")
        return (f'<span class="xref-page" data-target="{match.group(1)}"{match.group(2)}>'
                f' {html.escape(words["page"])}\u00a0{folio}</span>')

    return _PAGE_SPAN.sub(fill, text)


def _anchor_figures(part) -> None:
    """A numbered figure's id moved onto an empty Span opening its caption.

    pandoc's EPUB writer does not map a Figure's own id to the file it lands in, so a
    link from another chapter would point nowhere; a Span's id it maps. The anchor
    stays inside the figure, so it goes wherever the figure is placed.
    """
    for doc in (part.title_ast, part.body_ast):
        for node in iter_nodes(doc.get("blocks", [])):
            if node["t"] != "Figure" or node["c"][0][0] not in part.figures:
                continue
            ident = node["c"][0][0]
            node["c"][0] = ["", *node["c"][0][1:]]
            anchor = {"t": "Span", "c": [[ident, ["figure-anchor"], []], []]}
            caption = node["c"][1][1]
            if caption and caption[0]["t"] in ("Plain", "Para"):
                caption[0]["c"].insert(0, anchor)
            else:
                caption.insert(0, {"t": "Plain", "c": [anchor]})


_RAW_ID = re.compile(r'(<span class="display-math[^"]*") id="([^"]+)"')


def _anchor_equations(part) -> None:
    """A numbered equation's id moved from its raw HTML onto a Span around it.

    mathtex.py writes the equation as raw HTML; pandoc's EPUB writer maps the ids of
    AST nodes to the files it splits the book into, so a link to an id only raw HTML
    holds would not follow the equation into its chapter's file.
    """
    if not part.equations:
        return
    for doc in (part.title_ast, part.body_ast):
        for node in iter_nodes(doc.get("blocks", [])):
            if node["t"] != "Span" and isinstance(node.get("c"), list):
                for index, child in enumerate(node["c"] if node["t"] in ("Para", "Plain") else []):
                    _wrap(node["c"], index, child, part.equations)


def _wrap(inlines: list, index: int, child, equations: dict[str, str]) -> None:
    if not (isinstance(child, dict) and child.get("t") == "RawInline" and child["c"][0] == "html"):
        return
    match = _RAW_ID.search(child["c"][1])
    if match and html.unescape(match.group(2)) in equations:
        raw = {"t": "RawInline", "c": ["html", child["c"][1][:match.start()] + match.group(1)
                                       + child["c"][1][match.end():]]}
        inlines[index] = {"t": "Span", "c": [[html.unescape(match.group(2)), ["equation-anchor"], []], [raw]]}
