"""The Jinja2 environment: a book's own `templates/` first, then the packaged ones."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import jinja2

PACKAGE_TEMPLATES = resources.files("bookkit") / "templates"
PACKAGE_STYLES = resources.files("bookkit") / "styles"


def environment(book_root: Path) -> jinja2.Environment:
    search = [str(book_root / "templates"), str(PACKAGE_TEMPLATES)]
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(search),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "xhtml", "xml", "svg", "j2"), default=True),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def style_path(book_root: Path, name: str) -> Path:
    """A stylesheet from the book's `styles/` if it has one, else the packaged default."""
    own = book_root / "styles" / name
    return own if own.is_file() else Path(str(PACKAGE_STYLES / name))


def book_stylesheet(book_root: Path) -> Path | None:
    """The book's own `styles/book.css`, if it has one: every output (print and screen PDF, EPUB,
    preview, cover) loads it after the stylesheet it starts from, so its rules extend or override
    the defaults without copying them. Each output marks its `<body>` with `variant-<output>`."""
    own = book_root / "styles" / "book.css"
    return own if own.is_file() else None
