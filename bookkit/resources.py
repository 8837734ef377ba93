"""The gate for images a chapter names: inside the book, a real file, a real image.

Both renderers embed what the chapters' Image nodes point at (WeasyPrint through
its URL fetcher, pandoc's EPUB writer by reading the file itself), so every source
is vetted here, before either runs. A URL with a scheme is refused without a
connection attempt; an absolute path, a `../` escape or a symlink that resolves
outside the book directory is refused; a file whose bytes are not an image is
refused. The answer is a diagnostic code and message, never an exception.
"""

from __future__ import annotations

import posixpath
from pathlib import Path

#: Leading bytes of the raster formats both outputs can embed.
MAGIC = ((b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"GIF87a", "GIF"), (b"GIF89a", "GIF"))


def has_scheme(src: str) -> bool:
    """`https://…`, `file:…`, `data:…`, `javascript:…`: anything that is not a plain path."""
    head = src.split("/")[0]
    return ":" in head


def book_relative(src: str, chapter_dir: str) -> str:
    """The path of `src` relative to the book root, as the chapter at `chapter_dir` means it."""
    return posixpath.normpath(posixpath.join(chapter_dir, src)) if chapter_dir else posixpath.normpath(src)


def is_inside(path: Path, root: Path) -> bool:
    """True when `path`, with every symlink resolved, lies within `root`."""
    resolved = path.resolve()
    root = root.resolve()
    return resolved == root or root in resolved.parents


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


def vet_image(root: Path, src: str, chapter_dir: str) -> tuple[str, str] | None:
    """(code, message) when the image `src` must not be embedded, else None."""
    shown = src if len(src) < 100 else src[:97] + "..."
    if has_scheme(src):
        if src.lower().startswith("file:"):
            return "L004", f"image '{shown}' is a file: URL; name a file inside the book instead"
        return "L005", f"image '{shown}' is not a file in the book; remote and inline resources are refused (builds are offline)"
    if src.startswith(("/", "\\")) or "\\" in src:
        return "L004", f"image '{shown}' is an absolute path; use a path relative to the chapter, inside the book"
    rel = book_relative(src, chapter_dir)
    if rel == ".." or rel.startswith("../"):
        return "L004", f"image '{shown}' points outside the book directory"
    path = root / rel
    if not path.exists() and not path.is_symlink():
        return "L001", f"image file '{rel}' not found"
    if not is_inside(path, root):
        return "L004", f"image '{rel}' is a link to a file outside the book directory"
    if not path.is_file():
        return "L001", f"image file '{rel}' not found"
    if image_kind(path) is None:
        return "L006", f"image '{rel}' is not a PNG, JPEG, GIF, WebP or SVG file"
    return None
