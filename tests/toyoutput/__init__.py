"""A toy output, to show that an output is one package and one registration: `<slug>.txt`, the
title of every chapter, one a line. `tests/test_toy_output.py` registers it and drives it
through the real command line; nothing in the CLI knows of it.
"""

from __future__ import annotations

import argparse

from bookkit.cache import atomic_write
from bookkit.pipeline import Prepared
from bookkit.render.base import RenderContext, Renderer, RenderResult


class ChapterList(Renderer):
    name = "toy"
    title = "the chapter list"
    help = "write the chapter titles to <slug>.txt"
    description = "Write <slug>.txt: the title of every chapter, one a line."
    in_all = True
    needs_html = False  # titles only: no HTML per part
    draft = False
    patterns = ("{slug}.txt",)

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--numbers", action="store_true", help="put a numbered chapter's number before its title")

    def announce(self, prepared: Prepared, options: argparse.Namespace) -> str:
        return "Listing the chapters"

    def render(self, prepared: Prepared, context: RenderContext) -> RenderResult:
        target = context.out_dir / self.outputs(prepared.book.slug, context.options)[0]
        lines = [f"{part.number}. {part.title}" if context.options.numbers and part.number else part.title
                 for part in prepared.chapters]
        atomic_write(target, ("\n".join(lines) + "\n").encode("utf-8"))
        return RenderResult([target], [], f"wrote {context.show(target)}")


RENDERER = ChapterList()
