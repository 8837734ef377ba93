"""Every output bookkit builds, in the order `all` builds them and `--help` lists their commands.

Adding an output is adding its package and one line to `RENDERERS`. A plain list, not
an entry-point group: our book builds from a checkout (`build.py`), where no package
metadata is installed to scan, reading it would slow every command's start, and an
installed third-party package could not slip an output into `all` unannounced. Code
that adds an output at run time (a test's toy output) calls `register` and
`unregister`.

Only the CLI imports this module; an output package never imports another.
"""

from __future__ import annotations

from .base import Renderer
from .cover import RENDERER as COVER
from .epub import RENDERER as EPUB
from .pdf import RENDERER as PDF
from .web import RENDERER as WEB

RENDERERS: list[Renderer] = [PDF, EPUB, COVER, WEB]


def get(name: str) -> Renderer:
    """The renderer called `name`; KeyError if there is none."""
    for renderer in RENDERERS:
        if renderer.name == name:
            return renderer
    raise KeyError(name)


def commands() -> list[Renderer]:
    """The outputs with a command of their own (`bookkit pdf`, ...)."""
    return [r for r in RENDERERS if r.command]


def built_by_all() -> list[Renderer]:
    """The outputs `bookkit all` builds, in order."""
    return [r for r in RENDERERS if r.in_all]


def output_patterns() -> list[str]:
    """Every file name any output may write, `{slug}` standing for the book's slug (for `clean`)."""
    return [pattern for r in RENDERERS for pattern in r.patterns]


def register(renderer: Renderer) -> None:
    """Add an output at run time; ValueError if its name is taken."""
    if any(r.name == renderer.name for r in RENDERERS):
        raise ValueError(f"an output called '{renderer.name}' is registered already")
    RENDERERS.append(renderer)


def unregister(name: str) -> None:
    """Remove the output called `name` (what `register` added)."""
    RENDERERS.remove(get(name))
