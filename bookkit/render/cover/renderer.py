"""The cover output as the CLI sees it: `bookkit cover`."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ..base import RenderContext, Renderer, RenderResult

if TYPE_CHECKING:
    from ...pipeline import Prepared


class CoverRenderer(Renderer):
    name = "cover"
    title = "the covers"
    help = "build the full-wrap print cover and the e-book cover image"
    description = ("Build <slug>-cover.pdf (back, spine and front with bleed; the spine width "
                   "follows the interior page count and the paper caliper) and "
                   "<slug>-cover.jpg (the front, 1600x2560 px).")
    draft = False
    patterns = ("{slug}-cover.pdf", "{slug}-cover.jpg")

    def announce(self, prepared: Prepared, options: argparse.Namespace) -> str:
        return "Drawing the cover"

    def render(self, prepared: Prepared, context: RenderContext) -> RenderResult:
        from .render import render_cover, render_cover_image

        wrap, front = (context.out_dir / name for name in self.outputs(prepared.book.slug, context.options))
        result = render_cover(prepared, wrap, context.cache)
        image = render_cover_image(prepared, front, context.cache)
        summary = (f"wrote {context.show(result.path)}: {result.width:.3f} x {result.height:.3f} in, "
                   f"spine {result.spine:.3f} in for {result.pages} pages"
                   f"{'' if result.spine_text else ' (too thin for spine text)'}\n"
                   f"wrote {context.show(image)}")
        return RenderResult([wrap, image], [], summary)


RENDERER = CoverRenderer()
