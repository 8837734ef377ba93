"""What the renderers would warn about, found before any of them runs.

A formula pandoc's HTML and EPUB writers cannot convert (R003) and a character no
packaged font can draw (R002) are properties of the text, not of the page layout,
so `check` and every build find them here, at the chapter line, instead of the
renderers reporting them afterwards against the whole book.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache

from ..book import Chapter
from ..cache import Cache, digest
from ..diagnostics import Diagnostic, error, warning
from ..locate import COMMENT, Site, Source
from ..transforms import iter_nodes

#: the warning pandoc's HTML writers (html5 and epub3 alike) give for TeX they cannot convert
MATH_WARNING = re.compile(r"Could not convert TeX math (?P<tex>.*), rendering as TeX", re.DOTALL)


def math_rules(chapter: Chapter, sites: list[Site], cache: Cache | None) -> list[Diagnostic]:
    """R003 for every formula pandoc's writers cannot convert, at the formula's line.

    Each distinct formula is converted once, with the writer and math method the
    EPUB and the print HTML use (pandoc's default for HTML: Unicode and TeX), and the
    answer is cached by the formulas themselves.
    """
    formulas = [s for s in sites if s.kind == "math"]
    if not formulas:
        return []
    failed = _unconvertible(tuple(sorted({(s.node["c"][0]["t"], s.node["c"][1]) for s in formulas})), cache)
    out = []
    for site in formulas:
        tex = site.node["c"][1]
        if tex in failed:
            why = f": {failed[tex]}" if failed[tex] else ""
            out.append(warning(chapter.path, site.line, "R003",
                               f"Could not convert TeX math {_short(tex)}, rendering as TeX{why}", site.column))
    return out


def _short(tex: str) -> str:
    flat = " ".join(tex.split())
    return flat if len(flat) <= 80 else flat[:77] + "..."


def _unconvertible(formulas: tuple[tuple[str, str], ...], cache: Cache | None) -> dict[str, str]:
    """{tex: pandoc's reason} for the (math type, tex) formulas the HTML writer cannot convert."""
    from ..convert import pandoc_version, run_pandoc_stderr

    key = digest("math-2", pandoc_version(), *(kind + "\n" + tex for kind, tex in formulas))
    stored = cache.get("math", key) if cache is not None else None
    if stored is not None:
        return json.loads(stored)
    blocks = [{"t": "Para", "c": [{"t": "Math", "c": [{"t": kind}, tex]}]} for kind, tex in formulas]
    doc = {"pandoc-api-version": [1, 23, 1, 1], "meta": {}, "blocks": blocks}
    stderr = run_pandoc_stderr(["-f", "json", "-t", "html5", "--sandbox"], json.dumps(doc).encode("utf-8"))
    failed: dict[str, str] = {}
    remaining = [tex for _, tex in formulas]
    for entry in stderr.split("[WARNING] ")[1:]:
        match = MATH_WARNING.match(entry)
        if not match:
            continue
        head, _, rest = entry.partition(", rendering as TeX")
        tex = head.removeprefix("Could not convert TeX math ")
        lines = [line.strip() for line in rest.splitlines()]
        caret = next((i for i, line in enumerate(lines) if line == "^"), None)
        reason = [line for line in lines[caret + 1:] if line] if caret is not None else []
        if tex not in remaining:
            continue
        remaining.remove(tex)
        failed[tex] = reason[0] if reason else ""
    if cache is not None:
        cache.put("math", key, json.dumps(failed).encode("utf-8"))
    return failed


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
    for node in iter_nodes(ast.get("blocks", [])):
        if node["t"] in ("Str", "Code", "CodeBlock"):
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
        out.append(error(chapter.path, line, "R002",
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
        except (OSError, UnicodeDecodeError) as exc:
            out.append(warning(rel, None, "R004", f"stylesheet cannot be read: {exc}"))
            continue
        for message in css_messages(text):
            where = _CSS_POSITION.search(message)
            shown = "WeasyPrint: " + (message[:where.start()] + message[where.end():]).strip()
            out.append(warning(rel, int(where["line"]), "R004", shown, int(where["column"])))
    return out


def stylesheet_messages(root) -> set[str]:
    """The R004 messages a layout repeats, as `book:`, for the stylesheets `stylesheet_rules` reported."""
    found = set()
    for rel in BOOK_STYLESHEETS:
        path = root / rel
        try:
            found |= {"WeasyPrint: " + m for m in css_messages(path.read_text(encoding="utf-8"))}
        except (OSError, UnicodeDecodeError):
            continue
    return found


@lru_cache(maxsize=16)
def css_messages(text: str) -> tuple[str, ...]:
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
        CSS(string=text, url_fetcher=refuse)
    except Exception:  # a stylesheet WeasyPrint cannot read at all fails the layout, which says why
        pass
    finally:
        LOGGER.removeHandler(handler)
        LOGGER.propagate = propagate
    return tuple(m for m in (r.getMessage() for r in records) if _CSS_POSITION.search(m))
