"""Which stylesheets a book's outputs load: the book's own from `styles/`, else the packaged ones.

Every output starts from a stylesheet of its own (`print.css` for both PDF editions,
`epub.css` for the EPUB and the preview) and then loads the book's `styles/book.css`
if it has one. A book's stylesheet passes the resource gate like every other file.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .resources import stylesheet_files, vet_path

PACKAGE_STYLES = resources.files("bookkit") / "styles"
STYLE_DIR = "styles"


def style_path(book_root: Path, name: str) -> Path:
    """A stylesheet from the book's `styles/` if it has one the gate lets through, else the
    packaged default. (A refused one is reported when the book loads; this never reads it.)"""
    rel = f"{STYLE_DIR}/{name}"
    if vet_path(book_root, rel, "", "stylesheet", "missing") is None:
        return book_root / rel
    return Path(str(PACKAGE_STYLES / name))


def book_stylesheet(book_root: Path) -> Path | None:
    """The book's own `styles/book.css`, if it has one the gate lets through: every output (print
    and screen PDF, EPUB, preview, cover) loads it after the stylesheet it starts from, so its rules
    extend or override the defaults without copying them. Each output marks its `<body>` with
    `variant-<output>`."""
    rel = f"{STYLE_DIR}/book.css"
    return book_root / rel if vet_path(book_root, rel, "", "stylesheet", "missing") is None else None


@dataclass(frozen=True)
class Stylesheet:
    """A stylesheet as WeasyPrint takes it: its text, and the URL its `url()`s and `@import`s are
    relative to, which is the stylesheet's own folder (as CSS has it, and as a linked stylesheet
    in the cover and the preview resolves anyway)."""

    path: Path
    text: str
    base_url: str

    @classmethod
    def read(cls, path: Path) -> Stylesheet:
        # not resolved: a url() climbs the folders as written, as in the gate and the browser
        return cls(path, path.read_text(encoding="utf-8"), path.parent.absolute().as_uri() + "/")

    def loads(self, book_root: Path) -> list[bytes]:
        """Path and content of each file in the book this stylesheet loads, for a cache key."""
        root = book_root.absolute()
        if not self.path.absolute().is_relative_to(root):  # a packaged default names no book file
            return []
        base_dir = self.path.parent.absolute().relative_to(root).as_posix()
        base_dir = "" if base_dir == "." else base_dir
        return [rel.encode() + b"\0" + (root / rel).read_bytes()
                for rel in stylesheet_files(root, self.text, base_dir)]


def print_stylesheets(book_root: Path) -> list[Stylesheet]:
    """What both PDF editions load after the fonts: `print.css` (the book's or the packaged one),
    then the book's own `book.css` if it has one."""
    sheets = [Stylesheet.read(style_path(book_root, "print.css"))]
    own = book_stylesheet(book_root)
    return sheets + [Stylesheet.read(own)] if own else sheets
