"""The EPUB 3: the chapters' pandoc ASTs joined and written by pandoc's EPUB writer.

Chapters were converted one by one, so their notes are already resolved AST nodes:
joining the ASTs cannot mix up two chapters' `[^1]`. pandoc writes one XHTML file
per chapter with the notes at its end, numbered from 1 in each chapter. Its styles are
the packaged (or the book's own) `epub.css` with the fonts, then the book's `styles/book.css`
as a second stylesheet (`styles.py`); every <body> carries `variant-epub` for rules
meant for the EPUB alone.
"""

from __future__ import annotations

import datetime
import io
import json
import re
import shutil
import tempfile
import uuid
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from ... import __version__
from ...cache import Cache, atomic_write, digest
from ...caption_lists import caption_lists
from ...check import MATH_WARNING
from ...code import HIGHLIGHT_OPTION, uses_code
from ...convert import pandoc_version, run_pandoc
from ...diagnostics import Diagnostic
from ...fonts import Face, cjk_face, font_face_css, mono_faces, text_face_subset, text_faces
from ...index import IndexPart, anchor_pages, numbered_index
from ...index import anchors as index_anchors
from ...outputs import build_datetime, build_timestamp
from ...pipeline import Prepared
from ...stylesheets import book_stylesheet, style_path
from ...transforms import str_inlines
from ..shared.coverart import render_cover_image
from .package import PackageFacts, finish_epub
from .pagelist import print_page_marks
from .styles import epub_stylesheet

#: zip timestamps cannot be earlier than 1980
_ZIP_EPOCH = datetime.datetime(1980, 1, 1, tzinfo=datetime.UTC)

#: pandoc EPUB writer options besides the files it is given
WRITER_OPTIONS = ("--toc", "--toc-depth=1", "--split-level=1", HIGHLIGHT_OPTION)


def _bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


@dataclass
class EpubResult:
    path: Path
    chapters: int
    diagnostics: list[Diagnostic] = field(default_factory=list)


def _meta_inlines(text: str) -> dict:
    return {"t": "MetaInlines", "c": str_inlines(text)}


def _meta(prepared: Prepared) -> dict:
    config = prepared.book.config
    meta: dict = {
        "title": _meta_inlines(config.title),
        "lang": _meta_inlines(config.lang),
        "creator": {"t": "MetaList", "c": [
            {"t": "MetaMap", "c": {"role": _meta_inlines("author"), "text": _meta_inlines(name)}}
            for name in config.author]},
        "date": _meta_inlines(build_timestamp(config.date)[:10]),
    }
    if config.subtitle:
        meta["subtitle"] = _meta_inlines(config.subtitle)
    for key in ("publisher", "rights", "description"):
        value = getattr(config, key)
        if value:
            meta[key] = _meta_inlines(value)
    meta["identifier"] = {"t": "MetaList",
                          "c": [{"t": "MetaMap", "c": {"text": _meta_inlines(book_identifier(config))}}]}
    return meta


def book_identifier(config) -> str:
    """The e-book's unique identifier: its ISBN, else a UUID derived from title and author (stable)."""
    if config.isbn.ebook:
        return "urn:isbn:" + config.isbn.ebook.replace("-", "").replace(" ", "")
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, "bookkit:" + config.title + "\n" + config.author_line))


def joined_ast(prepared: Prepared) -> dict:
    """One document: each part's title as a level-1 header carrying its epub:type."""
    blocks: list = []
    api = None
    for part in prepared.parts:
        api = part.ast.get("pandoc-api-version", api)
        title_inlines = part.title_ast["blocks"][0]["c"] if part.title_ast.get("blocks") else str_inlines(part.title)
        classes = [c for c in part.classes if c != "appendix"]
        if part.number is None and "unnumbered" not in classes:
            classes.append("unnumbered")
        attrs = [["epub:type", _epub_type(part)]]
        role = part.chapter.role if part.chapter else None
        if role is not None:  # front and back matter roles (issue 16): bookkit/matter.py
            classes += [f"matter-{role.name}"] + (["matter-display"] if role.display else [])
            attrs.append(["data-matter", part.kind + "matter"])
            if role.display:
                classes.append("unlisted")  # not in the contents
        if part.chapter is not None and part.chapter.untitled:
            title_inlines = str_inlines(part.title)  # the role's name, for navigation and screen readers
            classes.append("untitled")
        blocks.append({"t": "Header", "c": [1, [part.slug, classes, attrs], title_inlines]})
        blocks.extend(part.body_ast["blocks"])
    return {"pandoc-api-version": api or [1, 23, 1], "meta": _meta(prepared), "blocks": blocks}


def _epub_type(part) -> str:
    if isinstance(part, IndexPart):  # the back-of-book index (issue 16)
        return "index"
    role = part.chapter.role if part.chapter else None
    if role is not None:  # about the author has no term of its own in EPUB's vocabulary
        return role.epub_type or part.kind + "matter"
    if part.slug == "bibliography":
        return "bibliography"
    if "appendix" in part.classes:
        return "appendix"
    if part.kind == "front":
        return "preface"
    return "chapter"


# --- the back-of-book index (issue 16) ---------------------------------------------------------
def _index_with_print_pages(prepared: Prepared, cache: Cache) -> Prepared:
    """With a page-list, the EPUB's Index gives the print edition's folios, as the print Index does
    (the markers of those pages are in the EPUB), each linking to its mark; without, chapter labels."""
    from ..shared.printlayout.incremental import can_lay_out_in_parts, lay_out_in_parts

    index = next((p for p in prepared.parts if isinstance(p, IndexPart)), None)
    if index is None or not can_lay_out_in_parts(prepared):
        return prepared
    layout = lay_out_in_parts(prepared, cache)  # cached: the page-list lays the same parts out
    wanted = index_anchors(index.entries)
    pages: dict[str, int] = {}
    for part in layout.parts:
        if part.name != index.slug:  # the Index's own copies of the anchors are stand-ins
            pages.update(anchor_pages(part.content.page_anchors, wanted, part.first_page))
    html = numbered_index(index, pages, layout.body_start).body_html
    numbered = replace(index, body_ast={**index.body_ast, "blocks": [{"t": "RawBlock", "c": ["html", html]}]})
    return replace(prepared, parts=[numbered if p is index else p for p in prepared.parts])


def _local_copy(face: Face, path: Path) -> Face:
    """The face under the file name the EPUB should carry (pandoc names fonts after their files)."""
    shutil.copyfile(face.path, path)
    return Face(face.family, face.weight, face.style, path)


def print_identifier(config) -> str:
    """The print edition the page-list follows: its ISBN, else a stable UUID for it."""
    if config.isbn.print:
        return "urn:isbn:" + config.isbn.print.replace("-", "").replace(" ", "")
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL,
                                        "bookkit-print:" + config.title + "\n" + config.author_line))


def with_variant_class(data: bytes) -> bytes:
    """pandoc's EPUB with `class="variant-epub"` on every file's <body>: the hook a book's
    `styles/book.css` scopes EPUB-only rules with, as `variant-print` and the others do elsewhere."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            content = src.read(info)
            if info.filename.endswith(".xhtml"):
                content = _BODY_TAG.sub(rb'<body class="variant-epub"', content, count=1)
            dst.writestr(info, content)
    return out.getvalue()


_BODY_TAG = re.compile(rb"<body(?=[\s>])(?![^>]*\sclass=)")


def render_epub(prepared: Prepared, out: Path, cache: Cache, page_list: bool = True) -> EpubResult:
    book = prepared.book
    doc = joined_ast(_index_with_print_pages(prepared, cache) if page_list else prepared)
    chars = prepared.text_characters()
    cjk = cjk_face(chars, cache)
    with tempfile.TemporaryDirectory(prefix="bookkit-epub-") as tmp:
        tmpdir = Path(tmp)
        embedded = []
        for face in text_faces():
            if face.weight in (400, 700):
                embedded.append(_local_copy(text_face_subset(face, chars, cache), tmpdir / face.path.name))
        for face in mono_faces(cache) if uses_code(prepared.parts) else []:  # code (issue 15)
            name = f"SourceCodePro-{face.weight}{'-Italic' if face.style == 'italic' else ''}.ttf"
            embedded.append(_local_copy(text_face_subset(face, chars, cache), tmpdir / name))
        if cjk:
            embedded.append(_local_copy(cjk, tmpdir / "NotoSansCJKsc-subset.otf"))
        fonts = [f.path for f in embedded]
        css = tmpdir / "book.css"
        base_css = style_path(book.root, "epub.css")
        css_diags: list[Diagnostic] = []
        if base_css == book.root / "styles" / "epub.css":  # the book's own, carried as book.css is
            base_text, css_diags = epub_stylesheet(base_css, book.root)
        else:
            base_text = base_css.read_text(encoding="utf-8")
        css.write_text(font_face_css(embedded, lambda p: "../fonts/" + p.name) + base_text, encoding="utf-8")
        stylesheets = [css]
        own_css = book_stylesheet(book.root)
        if own_css:  # the book's own rules: a second stylesheet, linked after the defaults
            text, own_diags = epub_stylesheet(own_css, book.root)
            css_diags += own_diags
            stylesheets.append(tmpdir / "book-own.css")
            stylesheets[-1].write_text(text, encoding="utf-8")
        args = ["-f", "json", "-t", "epub3", "-o", str(tmpdir / "book.epub"),
                *(f"--css={s}" for s in stylesheets), *WRITER_OPTIONS, f"--resource-path={book.root}"]
        args += [f"--epub-embed-font={p}" for p in fonts]
        cover = render_cover_image(prepared, tmpdir / "cover.jpg", cache)
        args.append(f"--epub-cover-image={cover}")
        source = json.dumps(doc).encode("utf-8")
        # pandoc's writer takes 1–2 s for a long book: its output is cached by everything it reads
        key = digest("epub-writer-2", __version__, pandoc_version(), source, *WRITER_OPTIONS,
                     *(s.read_bytes() for s in stylesheets),
                     *(p.name.encode() + p.read_bytes() for p in [*fonts, cover]),
                     *(image.encode() + _bytes(book.root / image) for image in sorted(set(prepared.images))))
        data = cache.get("epub", key)
        diags: list[Diagnostic] = []
        if data is None:
            _, diags = run_pandoc(args, source, "book", cwd=book.root)
            # every formula pandoc cannot convert was reported at its line by the checks (R003)
            diags = [d for d in diags if not MATH_WARNING.match(d.message)]
            data = with_variant_class((tmpdir / "book.epub").read_bytes())
            if not diags:  # a build with warnings runs pandoc again, so it says them again
                cache.put("epub", key, data)
    when = build_datetime(book.config.date)
    facts = PackageFacts(modified=when.strftime("%Y-%m-%dT%H:%M:%SZ"), title=book.config.title,
                         page_source=print_identifier(book.config),
                         marks=print_page_marks(prepared, cache) if page_list else [],
                         lists=caption_lists(prepared))
    data = finish_epub(data, facts, max(when, _ZIP_EPOCH).timetuple()[:6])
    kept = prepared.report.settle(css_diags + diags)  # before the write: an error keeps the last good EPUB
    atomic_write(out, data)
    return EpubResult(out, len(prepared.parts), kept)
