"""What the renderers would warn about, found before any of them runs.

A formula pandoc's HTML and EPUB writers cannot convert (R003) and a character no
packaged font can draw (R002) are properties of the text, not of the page layout,
so `check` and every build find them here, at the chapter line, instead of the
renderers reporting them afterwards against the whole book.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ..book import Chapter
from ..diagnostics import Diagnostic, diagnostic
from ..locate import Site, Source
from ..masks import COMMENT
from ..tasklists import task_boxes
from ..transforms import iter_nodes

#: the warning pandoc's HTML writers (html5 and epub3 alike) give for TeX they cannot convert
MATH_WARNING = re.compile(r"Could not convert TeX math (?P<tex>.*), rendering as TeX", re.DOTALL)


def math_rules(chapter: Chapter, sites: list[Site]) -> list[Diagnostic]:
    """M001 for every formula the math converter (`bookkit/mathtex.py`, latex2mathml) cannot
    read, at the formula: the outputs show its TeX as code instead."""
    from ..mathml import Unconvertible, to_mathml

    out = []
    for site in (s for s in sites if s.kind == "math"):
        kind, tex = site.node["c"][0]["t"], site.node["c"][1]
        try:
            to_mathml(tex, kind == "DisplayMath")
        except Unconvertible as exc:
            out.append(diagnostic(chapter.path, site.line, "M001",
                               f"cannot typeset the formula '{_short(tex)}': {exc}; it is shown as its TeX",
                               site.column))
    return out


def _short(tex: str) -> str:
    flat = " ".join(tex.split())
    return flat if len(flat) <= 40 else flat[:39] + "…"


@lru_cache(maxsize=1)
def _text_cmap() -> frozenset[int]:
    from fontTools.ttLib import TTFont

    from ..fonts import text_faces

    codes: set[int] = set()
    for face in text_faces():
        codes |= set(TTFont(str(face.path), lazy=True)["cmap"].getBestCmap())
    return frozenset(codes)


@lru_cache(maxsize=1)
def _cjk_cmap() -> frozenset[int]:
    from fontTools.ttLib import TTCollection

    from ..fonts import _CJK_INDEX, cjk_collection

    return frozenset(TTCollection(str(cjk_collection()), lazy=True).fonts[_CJK_INDEX]["cmap"].getBestCmap())


def _printed(ch: str) -> bool:
    """False for spaces, line breaks and invisible format characters, which need no glyph."""
    return not ch.isspace() and unicodedata.category(ch) not in ("Cc", "Cf", "Zs", "Zl", "Zp", "Mn")


def missing_glyphs(chars: set[str]) -> set[str]:
    """The characters among `chars` that neither the text faces nor the CJK face can draw."""
    wanted = {c for c in chars if _printed(c) and ord(c) not in _text_cmap()}
    return {c for c in wanted if ord(c) not in _cjk_cmap()} if wanted else set()


def glyph_rules(chapter: Chapter, ast: dict, source: Source) -> list[Diagnostic]:
    """R002: a character of the chapter's text that no packaged font has a glyph for."""
    chars: set[str] = set()
    drawn = task_boxes(ast)  # a task list's box is drawn by the stylesheet, not a glyph
    for node in iter_nodes(ast.get("blocks", [])):
        if node["t"] in ("Str", "Code", "CodeBlock") and id(node) not in drawn:
            chars |= set(node["c"] if node["t"] == "Str" else node["c"][1])
    out = []
    for ch in sorted(missing_glyphs(chars)):
        offset = -1
        while True:
            offset = source.text.find(ch, offset + 1)
            span = source.span_at(offset) if offset >= 0 else None
            if offset < 0 or span is None or span.kind != COMMENT:
                break
        line, column = source.position(offset) if offset >= 0 else (None, None)
        name = unicodedata.name(ch, "unnamed character")
        out.append(diagnostic(chapter.path, line, "R002",
                         f"'{ch}' (U+{ord(ch):04X} {name}) has no glyph in any of the book's fonts", column))
    return out


#: the stylesheets of a book's own that WeasyPrint reads for the PDF (styles/print.css replaces ours)
BOOK_STYLESHEETS = ("styles/print.css", "styles/book.css")
_CSS_POSITION = re.compile(r" at (?P<line>\d+):(?P<column>\d+)")


def stylesheet_rules(root) -> list[Diagnostic]:
    """R004: what WeasyPrint says while it reads the book's own stylesheets, at their line and column."""
    out = []
    for rel in BOOK_STYLESHEETS:
        path = root / rel
        if not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # the resource gate refuses it (L008), at its line
        for message in css_messages(text, _base(path)):
            where = _CSS_POSITION.search(message)
            if where is None:  # css_messages keeps only the messages that have a position
                continue
            shown = "WeasyPrint: " + (message[:where.start()] + message[where.end():]).strip()
            out.append(diagnostic(rel, int(where["line"]), "R004", shown, int(where["column"])))
    return out


def stylesheet_messages(root) -> set[str]:
    """The R004 messages a layout repeats, as `book:`, for the stylesheets `stylesheet_rules` reported."""
    found = set()
    for rel in BOOK_STYLESHEETS:
        path = root / rel
        try:
            found |= {"WeasyPrint: " + m for m in css_messages(path.read_text(encoding="utf-8"), _base(path))}
        except (OSError, UnicodeDecodeError):
            continue
    return found


def _base(path) -> str:
    """A stylesheet's url()s are relative to its own folder, as in every output."""
    return path.parent.absolute().as_uri() + "/"


@lru_cache(maxsize=16)
def css_messages(text: str, base_url: str) -> tuple[str, ...]:
    """WeasyPrint's warnings with a position (`… at LINE:COL, …`) for a stylesheet, read without fetching."""
    import logging

    from weasyprint import CSS, LOGGER

    records: list[logging.LogRecord] = []

    class Handler(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    def refuse(url, *args, **kwargs):
        raise ValueError("not fetched while checking")

    handler = Handler(level=logging.WARNING)
    propagate = LOGGER.propagate
    LOGGER.addHandler(handler)
    LOGGER.propagate = False
    try:
        CSS(string=text, url_fetcher=refuse, base_url=base_url)
    except Exception:  # a stylesheet WeasyPrint cannot read at all fails the layout, which says why
        pass
    finally:
        LOGGER.removeHandler(handler)
        LOGGER.propagate = propagate
    return tuple(m for m in (r.getMessage() for r in records) if _CSS_POSITION.search(m))
