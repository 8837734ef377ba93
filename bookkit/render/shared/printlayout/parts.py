"""One WeasyPrint layout per part of the book, cached and run in a process pool.

Layout is the slow step (about 45 ms a page), so the print PDF is made of parts:
the front-matter block, then each chapter on its own. A part's PDF depends only
on its own HTML and the book-wide styles, so it is cached in `<book>/.cache/` by
the hash of everything it is made from; an edit re-lays only the part it touches.

Folios and running heads are the exception: they depend on where a chapter
starts. A chapter is therefore laid out twice over, cheaply split: its *content*
with every margin box switched off (expensive, independent of its position), and
its *margins* alone, on empty pages numbered from its first folio (about 8 ms a
page). The PDF (`render/pdf/assemble.py`) stacks the two. The front matter is small and laid out whole.
"""

from __future__ import annotations

import html as htmlmod
import json
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from .... import __version__
from ....cache import Cache, digest
from ....diagnostics import Diagnostic
from ..weasy import weasyprint_version
from . import floats, weasyfix

#: part layouts that need no margin boxes at all (they are drawn by the margins part)
NO_MARGINS_CSS = "@page {" + "".join(
    f" @{box} {{ content: none !important; }}"
    for box in ("top-left", "top-center", "top-right", "bottom-left", "bottom-center", "bottom-right")) + " }\n"

#: a margins part draws nothing in the page area
HIDDEN_FLOW_CSS = "body { visibility: hidden; } .page-filler { break-before: page; }\n"


@dataclass
class PartSpec:
    """Everything one layout is made from: picklable, and hashed for the cache key."""

    name: str  # "front", or the chapter's slug (plus ":margins" for its folios and heads)
    html: str
    stylesheets: list[tuple[str, str]]  # (CSS text, the URL its url()s are relative to)
    base_url: str  # the HTML's
    roots: list[str]  # folders the fetcher may read from
    font_ids: list[str]  # font file paths and sizes: a changed font is a changed layout
    created: str  # PDF creation date (reproducible builds)
    identifier: str
    note_passes: int  # paragraph-push relayouts allowed (0 for margins)
    sources: list[str] = field(default_factory=list)  # chapter files laid out in this part
    loaded: list[bytes] = field(default_factory=list)  # path and content of files the stylesheets load
    floats: bool = False  # figures that do not fit float to the next page (floats.py)

    def key(self) -> str:
        return digest("pdfpart-7", __version__, weasyprint_version(), weasyfix.cache_key(), self.html,
                      *(part for sheet in self.stylesheets for part in sheet), self.base_url, *self.loaded,
                      *self.font_ids, self.created, self.identifier, str(self.note_passes),
                      floats.cache_key() if self.floats else "")


@dataclass
class PartResult:
    """A laid-out part: its PDF, and what the book-wide pass needs to know about its pages."""

    pdf: bytes
    pages: int
    diagnostics: list[Diagnostic]
    moved: list[list]  # [source, note number, call page, note page] per note not on its call's page
    page_anchors: list[list[str]]  # ids placed on each page
    page_paragraphs: list[str | None]  # data-para of the first paragraph box on each page
    bookmarks: list[list]  # [level, label, page]
    page_lines: list[str] = field(default_factory=list)  # text of that paragraph's first line on each page
    floats: list[list] = field(default_factory=list)  # figures moved to the next page (floats.float_figures)


def lay_out(spec: PartSpec) -> PartResult:
    """Lay one part out (with the paragraph-push loop for its notes) and write its PDF."""
    from pathlib import Path

    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from ..fetch import SafeFetcher
    from ..weasy import captured_warnings
    from .notecheck import note_places, paragraphs_to_push, push_css
    from .weasyfix import apply as patch_weasyprint

    patch_weasyprint()
    roots = [Path(r) for r in spec.roots]
    fetcher = SafeFetcher(roots[0], extra_roots=roots[1:])
    font_config = FontConfiguration()
    pushed: set[str] = set()

    def render(html: str, extra: str = ""):
        css = [CSS(string=text, font_config=font_config, url_fetcher=fetcher, base_url=base)
               for text, base in spec.stylesheets]
        css += [CSS(string=s) for s in (floats.FLOAT_CSS if spec.floats else "", extra, push_css(pushed)) if s]
        return HTML(string=html, base_url=spec.base_url, url_fetcher=fetcher).render(
            stylesheets=css, font_config=font_config)

    with captured_warnings("book") as diags:
        if spec.floats:  # figures that do not fit go to the next page, the text fills this one
            html, document, moves = floats.float_figures(spec.html, render)
        else:
            html, document, moves = spec.html, render(spec.html), []
        for _ in range(spec.note_passes):
            more = paragraphs_to_push(document) - pushed
            if not more:
                break
            pushed |= more
            document = render(html)
        document.metadata.created = document.metadata.modified = spec.created
        pdf = document.write_pdf(pdf_identifier=spec.identifier.encode(), pdf_variant="pdf/x-4",
                                 output_intent="srgb")
    diags.extend(fetcher.diagnostics)
    moved = [[p.source, p.number, p.call_page, p.note_page] for p in note_places(document)
             if p.note_page != p.call_page] if spec.note_passes else []
    bookmarks: list[list] = []

    def walk(tree, level):
        for label, (page, _x, _y), children, _state in tree:
            bookmarks.append([level, label, page])
            walk(children, level + 1)

    walk(document.make_bookmark_tree(), 1)
    firsts = [_first_paragraph(page) for page in document.pages]
    return PartResult(pdf, len(document.pages), diags, moved,
                      [list(page.anchors) for page in document.pages],
                      [f[0] for f in firsts], bookmarks, [f[1] for f in firsts], moves)


def _first_paragraph(page) -> tuple[str | None, str]:
    """data-para of the page's first paragraph and the text its first line there begins with."""
    from .notecheck import PARAGRAPH_ATTR, _walk

    for box in _walk(page._page_box.children[0], [None]):
        element = getattr(box, "element", None)
        if getattr(box, "element_tag", None) == "p" and element is not None and element.get(PARAGRAPH_ATTR):
            return element.get(PARAGRAPH_ATTR), _first_line_text(box)
    return None, ""


def _first_line_text(box) -> str:
    """Text of the first line box, up to the first footnote call or floated note."""
    line = next((b for b in box.descendants() if type(b).__name__ == "LineBox"), None)
    if line is None:
        return ""
    parts = []
    for child in line.descendants():
        if getattr(child, "pseudo_type", None) == "footnote-call" or getattr(child, "footnote", False):
            break
        if type(child).__name__ == "TextBox":
            parts.append(child.text)
    return "".join(parts)


def _load(cache: Cache, key: str) -> PartResult | None:
    meta, pdf = cache.get("pdfpart", key), cache.get("pdfpart", key + ".pdf")
    if meta is None or pdf is None:
        return None
    data = json.loads(meta)
    return PartResult(pdf, data["pages"], [Diagnostic.from_json(d) for d in data["diagnostics"]], data["moved"],
                      data["page_anchors"], data["page_paragraphs"], data["bookmarks"], data.get("page_lines", []),
                      data.get("floats", []))


def _store(cache: Cache, key: str, result: PartResult) -> None:
    cache.put("pdfpart", key + ".pdf", result.pdf)
    cache.put("pdfpart", key, json.dumps({
        "pages": result.pages, "diagnostics": [d.to_json() for d in result.diagnostics],
        "moved": result.moved, "page_anchors": result.page_anchors,
        "page_paragraphs": result.page_paragraphs, "bookmarks": result.bookmarks,
        "page_lines": result.page_lines, "floats": result.floats}).encode("utf-8"))


@dataclass
class LayoutStats:
    laid_out: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)


def lay_out_all(specs: list[PartSpec], cache: Cache, jobs: int, stats: LayoutStats) -> list[PartResult]:
    """Every part, from the cache where it can be, the rest in `jobs` processes (largest first)."""
    keys = [spec.key() for spec in specs]
    results: list[PartResult | None] = [_load(cache, key) for key in keys]
    todo = [i for i, r in enumerate(results) if r is None]
    for i, r in enumerate(results):
        if r is not None:
            stats.reused.append(specs[i].name)
    todo.sort(key=lambda i: -len(specs[i].html))
    if todo:  # imported (and patched) once here, so that forked workers start with it
        from .weasyfix import apply as patch_weasyprint

        patch_weasyprint()
    fresh: dict[int, PartResult] = {}
    if len(todo) > 1 and jobs > 1:
        with ProcessPoolExecutor(max_workers=min(jobs, len(todo))) as pool:
            for i, result in zip(todo, pool.map(lay_out, [specs[i] for i in todo]), strict=True):
                fresh[i] = result
    else:
        for i in todo:
            fresh[i] = lay_out(specs[i])
    for i in todo:
        _store(cache, keys[i], fresh[i])
        stats.laid_out.append(specs[i].name)
    return [fresh[i] if r is None else r for i, r in enumerate(results)]


def margins_html(part_html: str, title: str, pages: int) -> str:
    """The part's own HTML with its body replaced by `pages` empty pages and a hidden book title.

    Keeping the section (its classes, id and title) keeps its page names and its
    running-head string, so the margin boxes come out as in the whole-book layout.
    """
    start = part_html.index('<div class="chapter-body">') + len('<div class="chapter-body">')
    end = part_html.rindex("</div>\n</section>")
    filler = (f'<p class="book-title" style="margin:0;height:0;overflow:hidden">{htmlmod.escape(title)}</p>'
              + '<div class="page-filler"></div>' * (pages - 1))
    return part_html[:start] + filler + part_html[end:]
