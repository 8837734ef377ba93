"""The EPUB output as the CLI sees it: `bookkit epub`."""

from __future__ import annotations

import argparse
import time
from typing import TYPE_CHECKING

from ..base import RenderContext, Renderer, RenderResult

if TYPE_CHECKING:
    from ...pipeline import Prepared


class EpubRenderer(Renderer):
    name = "epub"
    title = "the EPUB"
    help = "build the EPUB 3"
    description = "Build <slug>.epub, an EPUB 3 e-book."
    in_all = True
    patterns = ("{slug}.epub",)

    def announce(self, prepared: Prepared, options: argparse.Namespace) -> str:
        page_list = prepared.book.config.page_list
        return "Writing the EPUB" + (" (its page-list follows the print layout)" if page_list else "")

    def render(self, prepared: Prepared, context: RenderContext) -> RenderResult:
        from .render import render_epub

        target = context.out_dir / self.outputs(prepared.book.slug, context.options)[0]
        page_list = prepared.book.config.page_list
        started = time.monotonic()
        result = render_epub(prepared, target, context.cache, page_list=page_list)
        context.detail(f"print layout for the page-list, pandoc EPUB writer and packaging in "
                       f"{time.monotonic() - started:.2f}s")
        return RenderResult([target], result.diagnostics, f"wrote {context.show(target)}")


RENDERER = EpubRenderer()
