"""The resource gate: the one rule for every file a book makes the toolkit read.

Chapters (found in `chapters/` or listed in book.yaml), images, figure data,
stylesheets, templates, the bibliography and a CSL file all pass `vet_path`
before anything opens them, and WeasyPrint's URL fetcher applies the same
`is_inside` test to what a stylesheet or page asks for. The rule:

- a URL with a scheme (`http:`, `file:`, `data:`, …) is refused without a
  connection attempt (L005; `file:` URLs are L004);
- an absolute path, a `..` that climbs out of the book, or a symlink anywhere on
  the way that resolves outside the book folder is refused (L004);
- a relative path is relative to the file that names it: what a chapter references
  is relative to that chapter's folder (as pandoc reads it), what a stylesheet
  `url()`s or `@import`s to the stylesheet's folder (as CSS reads it), what
  book.yaml names to the book folder (`base_dir` is the book-relative folder the
  path is read from).

Messages name inside files by their path relative to the book folder, and refused
paths as the author wrote them. The answer is a (code, message) pair or None, never
an exception, so `check` and the build report it at the referring file and line.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

#: Leading bytes of the raster formats both outputs can embed.
MAGIC = ((b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"GIF87a", "GIF"), (b"GIF89a", "GIF"))

_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")

Refusal = tuple[str, str]


def has_scheme(src: str) -> bool:
    """`https://…`, `file:…`, `data:…`, `javascript:…`: anything that is not a plain path."""
    head = src.split("/")[0]
    return ":" in head


def book_relative(src: str, base_dir: str) -> str:
    """The path of `src` relative to the book root, as a file in folder `base_dir` means it."""
    return posixpath.normpath(posixpath.join(base_dir, src)) if base_dir else posixpath.normpath(src)


def is_inside(path: Path, root: Path) -> bool:
    """True when `path`, with every symlink resolved, lies within `root`.

    A path that cannot be resolved (a symlink loop, a NUL byte, a name too long)
    is not inside: refusing is the safe answer.
    """
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError, ValueError):
        return False
    root = root.resolve()
    return resolved == root or root in resolved.parents


def _shown(src: str) -> str:
    src = src.replace("\x00", "\\0")
    return src if len(src) < 100 else src[:97] + "..."


def vet_path(root: Path, src: str, base_dir: str, what: str, missing: str) -> Refusal | None:
    """(code, message) when the file `src`, read from book folder `base_dir`, must not be read.

    `what` names the kind in messages ("image", "chapter", "timeline data file");
    `missing` is the code for a path that is allowed but names no file.
    """
    shown = _shown(src)
    if has_scheme(src) and not _DRIVE.match(src):
        if src.lower().startswith("file:"):
            return "L004", f"{what} '{shown}' is a file: URL; name a file inside the book instead"
        return "L005", (f"{what} '{shown}' is not a file in the book; "
                        "remote and inline resources are refused (builds are offline)")
    where = f"{base_dir}/" if base_dir else "the book folder"
    if src.startswith(("/", "\\")) or _DRIVE.match(src):
        return "L004", f"{what} '{shown}' is an absolute path; use a path relative to {where}, inside the book"
    if "\\" in src:
        return "L004", f"{what} '{shown}' contains a backslash; write the path with '/', relative to {where}"
    rel = book_relative(src, base_dir)
    if rel == ".." or rel.startswith("../"):
        return "L004", f"{what} '{shown}' points outside the book folder"
    noun = what if what.endswith("file") else what + " file"
    path = root / rel
    try:
        path.resolve()
        if not is_inside(path, root):
            return "L004", f"{what} '{_shown(rel)}' is a link to a file outside the book folder"
        if not path.is_file():
            return missing, f"{noun} '{_shown(rel)}' not found"
    except (OSError, RuntimeError, ValueError) as exc:  # a symlink loop, a NUL byte, a name too long
        reason = "a symlink loop" if isinstance(exc, RuntimeError) else getattr(exc, "strerror", None) or str(exc)
        return missing, f"{noun} '{_shown(rel)}' cannot be read ({reason.lower()})"
    return None


def stylesheet_urls(text: str) -> list[tuple[str, int, int]]:
    """(url, line, column) of every `url(…)` and `@import "…"` in a stylesheet."""
    import tinycss2  # WeasyPrint's CSS parser

    def walk(tokens):
        for token in tokens:
            yield token
            for inner in (getattr(token, "content", None), getattr(token, "arguments", None)):
                if isinstance(inner, list):
                    yield from walk(inner)

    found, after_import = [], False
    for token in walk(tinycss2.parse_component_value_list(text, skip_comments=True)):
        if token.type == "url":
            found.append((token.value, token.source_line, token.source_column))
        elif token.type == "function" and token.lower_name in ("url", "src"):
            found += [(arg.value, token.source_line, token.source_column)
                      for arg in token.arguments if arg.type == "string"]
        elif token.type == "string" and after_import:
            found.append((token.value, token.source_line, token.source_column))
        if token.type != "whitespace":
            after_import = token.type == "at-keyword" and token.lower_value == "import"
    return found


def vet_stylesheet(root: Path, text: str, base_dir: str) -> list[tuple[int, int, str, str]]:
    """(line, column, code, message) for each resource a book's stylesheet cannot load.

    As in CSS itself, a stylesheet's `url()`s and `@import`s are relative to the
    stylesheet file: `base_dir` is its book-relative folder (`styles`). Inline `data:`
    URLs and `#fragment` references open no file and pass.
    """
    out = []
    for url, line, column in stylesheet_urls(text):
        if not url or url.startswith("#") or url.lower().startswith("data:"):
            continue
        path = url.split("#")[0].split("?")[0]
        refused = vet_path(root, path, base_dir, "stylesheet resource", "L001")
        if refused and refused[0] == "L001":
            refused = ("L001", (f"file '{book_relative(path, base_dir)}' not found "
                                "(a url() is relative to the stylesheet's own folder)"))
        if refused:
            out.append((line, column, *refused))
    return out


def stylesheet_files(root: Path, text: str, base_dir: str) -> list[str]:
    """Book-relative paths of the files inside the book that a stylesheet in `base_dir` loads
    (what a cache key must cover besides the stylesheet's own text)."""
    found = []
    for url, _line, _column in stylesheet_urls(text):
        path = url.split("#")[0].split("?")[0]
        if path and not path.lower().startswith("data:") and vet_path(root, path, base_dir, "", "missing") is None:
            found.append(book_relative(path, base_dir))
    return found


def image_kind(path: Path) -> str | None:
    """'PNG', 'JPEG', 'GIF', 'WebP' or 'SVG' from the file's first bytes; None if none of them."""
    with path.open("rb") as fh:
        head = fh.read(512)
    for magic, kind in MAGIC:
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WebP"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<svg", b"<?xml")) and (b"<svg" in text or path.suffix.lower() == ".svg"):
        return "SVG"
    return None


def vet_image(root: Path, src: str, chapter_dir: str) -> Refusal | None:
    """(code, message) when the image `src` must not be embedded, else None.

    A one-page PDF passes: the build draws it as a PNG (bookkit/pdffigure.py).
    """
    from .pdffigure import is_pdf, pdf_problem

    refused = vet_path(root, src, chapter_dir, "image", "L001")
    if refused:
        return refused
    rel = book_relative(src, chapter_dir)
    kind = image_kind(root / rel)
    if kind is None and is_pdf(root / rel):  # a PDF figure, drawn as a PNG by bookkit/pdffigure.py
        problem = pdf_problem(root / rel)
        return ("P002", f"PDF figure '{rel}' {problem}") if problem else None
    if kind is None:
        return "L006", f"image '{rel}' is not a PNG, JPEG, GIF, WebP, SVG or one-page PDF file"
    if kind == "SVG":
        return _vet_svg_references(root, rel)
    return None


_SVG_REFERENCE = re.compile(r"""(?:\bhref|\bsrc)\s*=\s*["']([^"']*)["']|url\(\s*["']?([^"')]*)""", re.IGNORECASE)


def _vet_svg_references(root: Path, rel: str) -> Refusal | None:
    """An SVG may itself name files and URLs; each passes the gate from the SVG's folder."""
    text = (root / rel).read_bytes().decode("utf-8", "replace")
    for match in _SVG_REFERENCE.finditer(text):
        target = (match.group(1) or match.group(2) or "").strip()
        if not target or target.startswith("#") or target.lower().startswith("data:"):
            continue
        refused = vet_path(root, target.split("#")[0], posixpath.dirname(rel), "resource", "missing")
        if refused and refused[0] != "missing":
            return refused[0], f"in image '{rel}': {refused[1]}"
    return None
