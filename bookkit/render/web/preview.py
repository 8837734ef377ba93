"""The live preview's page: the whole book as one HTML document, notes at the end of each chapter.

The preview goes through the same pipeline as the outputs (`prepare` → `book_html`),
with notes set e-book style at the end of each chapter, in the e-book stylesheet. The
server that hands it out and rebuilds it on every edit is the CLI's `watch`
(`bookkit/cli/watch.py`); the stylesheets, fonts and script this page links are served there.
"""

from __future__ import annotations

import re
from pathlib import Path

from ...book import load_book
from ...cache import Cache
from ...convert import title_and_body_html
from ...fonts import TEXT_FAMILY, cjk_face, font_face_css, mono_faces
from ...pipeline import Prepared, prepare
from ...stylesheets import book_stylesheet, style_path
from ..shared.html import book_html

_NOTE_IDS = re.compile(r'\b(id|href)="(#?)(fn\d+|fnref\d+|footnotes)"')


def preview_html(root: Path, cache: Cache, generation: int) -> str:
    """The book in `root` loaded, prepared and rendered as the preview page (`watch` rebuilds it so)."""
    prepared = prepare(load_book(root), cache, html=False)
    return preview_page(prepared, cache, generation)


def _chapter_note_ids(body: str, slug: str) -> str:
    """Every chapter numbers its notes from 1; prefixing their ids keeps the links inside their chapter."""
    return _NOTE_IDS.sub(lambda m: f'{m[1]}="{m[2]}{slug}-{m[3]}"', body)


def preview_page(prepared: Prepared, cache: Cache, generation: int) -> str:
    """The whole book as one HTML page, notes at the end of each chapter, ready to serve.

    `prepared` comes without HTML (`prepare(..., html=False)`): the preview converts each
    part itself, with its notes at the chapter's end rather than at the foot of a page.
    """
    book = prepared.book
    root = book.root
    for part in prepared.parts:
        source = part.chapter.path if part.chapter else book.config.bibliography
        part.title_html, body = title_and_body_html(part.title_ast, part.body_ast, source, cache, notes_inline=False)
        part.body_html = _chapter_note_ids(body, part.slug)
    fonts = [TEXT_FAMILY]
    cjk = cjk_face(prepared.text_characters(), cache)  # the subset the PDF uses, served from .cache
    # code's face (issue 15): the static instances the PDF uses, served from .cache too
    cjk_css = "<style>\n" + font_face_css(mono_faces(cache), lambda path: "/" + book.rel(path)) + "</style>\n"
    if cjk is not None:
        fonts.append(cjk.family)
        cjk_css += "<style>\n" + font_face_css([cjk], lambda path: "/" + book.rel(path)) + "</style>\n"
    html = book_html(prepared, variant="preview", fonts=fonts)
    # a book's own stylesheets are served from where they are, so their url()s resolve as in the PDF
    own_epub_css = style_path(root, "epub.css") == root / "styles" / "epub.css"
    epub_href = "/styles/epub.css" if own_epub_css else "/_bookkit/epub.css"
    head = (f'<meta name="bookkit-generation" content="{generation}">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<link rel="stylesheet" href="/_bookkit/fonts.css">\n'
            f'<link rel="stylesheet" href="{epub_href}">\n'
            '<link rel="stylesheet" href="/_bookkit/preview.css">\n')
    if book_stylesheet(root):
        head += '<link rel="stylesheet" href="/styles/book.css">\n'
    head += cjk_css + '<script src="/_bookkit/reload.js" defer></script>\n'
    return html.replace("</head>", head + "</head>", 1)
