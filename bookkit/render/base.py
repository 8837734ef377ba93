"""What every output is to the command line: a `Renderer`, called with the prepared book.

An output is a package under `bookkit/render/` (or anywhere: a test adds one) that
exposes one `Renderer` and is listed in `registry.py`. The CLI knows outputs only
through this interface: their commands, their options, the file names they write,
which of them `all` builds and what `clean` removes all come from here, so adding an
output never touches the CLI.
"""

from __future__ import annotations

import argparse
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..cache import Cache
    from ..diagnostics import Diagnostic
    from ..pipeline import Prepared


def _quiet(message: str) -> None:
    """A progress callback that says nothing (the default outside the CLI)."""


@dataclass
class RenderContext:
    """Where and how to render: the output folder, the cache, the command's options, progress."""

    out_dir: Path
    cache: Cache
    #: the command's options: the renderer's own (`add_arguments`, at their defaults under `all`)
    #: and the common ones (`draft`, `strict`, `quiet`, ...)
    options: argparse.Namespace = field(default_factory=argparse.Namespace)
    #: a line of progress, e.g. "Laying out the print PDF" (shown unless --quiet)
    step: Callable[[str], None] = _quiet
    #: a detail such as a timing (shown with -v)
    detail: Callable[[str], None] = _quiet
    #: a path as the user should read it (relative to the book folder when inside it)
    show: Callable[[Path], str] = str


@dataclass
class RenderResult:
    """What a renderer did: the files it wrote, the problems it found, one summary for the console."""

    written: list[Path]
    diagnostics: list[Diagnostic] = field(default_factory=list)
    summary: str = ""  # printed after the build, e.g. "wrote dist/book.epub" (may be several lines)


class Renderer(ABC):
    """One output. Subclass it, set the attributes, implement `render` (and `outputs` when the
    names depend on the options)."""

    #: the command (`bookkit NAME`) and the key in the registry
    name: str = ""
    #: what it makes, as `all`'s help names it: "the print PDF"
    title: str = ""
    #: one line for `bookkit --help`
    help: str = ""
    #: the paragraph of `bookkit NAME --help`
    description: str = ""
    #: whether `bookkit all` builds it
    in_all: bool = False
    #: whether it has a command of its own (the preview has none: `watch` serves it)
    command: bool = True
    #: what it needs from the prepared book: each part's HTML (`prepare(html=True)`), or the ASTs alone
    needs_html: bool = True
    #: whether `--draft` (build past unknown citation keys and labels) applies to it
    draft: bool = True
    #: every file name it may write, `{slug}` standing for the book's slug; `clean` removes these
    patterns: tuple[str, ...] = ()

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:  # noqa: B027 (none by default)
        """The options of its command, besides the common ones (--book, --out, ...)."""

    def defaults(self) -> dict[str, object]:
        """Its options at their defaults: what `all` builds it with."""
        parser = argparse.ArgumentParser(add_help=False)
        self.add_arguments(parser)
        return vars(parser.parse_args([]))

    def announce(self, prepared: Prepared, options: argparse.Namespace) -> str:
        """The progress line printed as it starts (before the build waits for the output folder)."""
        return f"Writing {self.title}"

    def outputs(self, slug: str, options: argparse.Namespace) -> list[str]:
        """The file names (in the output folder) a build with these options writes."""
        return [pattern.format(slug=slug) for pattern in self.patterns]

    @abstractmethod
    def render(self, prepared: Prepared, context: RenderContext) -> RenderResult:
        """Write the output into `context.out_dir` (after `announce`, under the folder's lock);
        raise BookError on a problem in the book."""
