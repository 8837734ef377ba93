"""The whole book as one HTML document, from the Jinja2 `book.html` template.

The print PDF and the live preview both start here, so what an editor previews is
what the press edition is made of.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ... import __version__
from ...caption_lists import caption_lists
from ...pipeline import Prepared
from ...templates_env import environment


def book_html(prepared: Prepared, variant: str = "print", fonts: list[str] | None = None,
              parts: list | None = None, front: bool = True) -> str:
    """The book, or with `parts` only those parts (and the front pages only if `front`)."""
    book = prepared.book
    template = _environment(book.root).get_template("book.html")
    config = book.config
    return _technical(template.render(
        config=config,
        parts=prepared.parts if parts is None else parts,
        toc_parts=prepared.parts,
        caption_lists=caption_lists(prepared),
        front=front,
        variant=variant,
        version=__version__,
        fonts=fonts or [],
        date=config.date,
        year=config.date[:4] if config.date else "",
    ))


def _technical(document: str) -> str:
    """Math drawn as SVG (the HTML carries MathML for the EPUB) and the code theme's CSS."""
    from ...code import highlight_css
    from ...mathtex import svg_for_print

    styled = document.replace("</head>", f"<style>\n{highlight_css()}</style>\n</head>", 1)
    return svg_for_print(styled)


@lru_cache(maxsize=8)
def _environment(root: Path):
    """One Jinja2 environment per book: the print build renders the template once per part.

    Jinja2 reloads a template whose file changed, so a long-lived process stays right.
    """
    return environment(root)
