"""The resource gate: the one rule for every file a book makes the toolkit read.

Chapters (found in `chapters/` or listed in book.yaml), images, figure data,
stylesheets, templates, the bibliography and a CSL file all pass `vet_path`
before anything opens them, and WeasyPrint's URL fetcher applies the same
`is_inside` test to what a stylesheet or page asks for. The rule:

- a URL with a scheme (`http:`, `file:`, `data:`, …) is refused without a
  connection attempt (L005; `file:` URLs are L004);
- an absolute path, a `..` that climbs out of the book, or a symlink anywhere on
  the way that resolves outside the book folder is refused (L004);
- a relative path means what pandoc means by it: what a chapter references is
  relative to that chapter's folder, what book.yaml names is relative to the book
  folder (`base_dir` is the book-relative folder the path is read from).

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
    """True when `path`, with every symlink resolved, lies within `root`."""
    resolved = path.resolve()
    root = root.resolve()
    return resolved == root or root in resolved.parents


def _shown(src: str) -> str:
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
        return "L005", f"{what} '{shown}' is not a file in the book; remote and inline resources are refused (builds are offline)"
    where = "the chapter" if base_dir else "the book folder"
    if src.startswith(("/", "\\")) or "\\" in src or _DRIVE.match(src):
        return "L004", f"{what} '{shown}' is an absolute path; use a path relative to {where}, inside the book"
    rel = book_relative(src, base_dir)
    if rel == ".." or rel.startswith("../"):
        return "L004", f"{what} '{shown}' points outside the book folder"
    path = root / rel
    if not is_inside(path, root):
        return "L004", f"{what} '{rel}' is a link to a file outside the book folder"
    if not path.is_file():
        noun = what if what.endswith("file") else what + " file"
        return missing, f"{noun} '{rel}' not found"
    return None


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
    """(code, message) when the image `src` must not be embedded, else None."""
    refused = vet_path(root, src, chapter_dir, "image", "L001")
    if refused:
        return refused
    rel = book_relative(src, chapter_dir)
    if image_kind(root / rel) is None:
        return "L006", f"image '{rel}' is not a PNG, JPEG, GIF, WebP or SVG file"
    return None
