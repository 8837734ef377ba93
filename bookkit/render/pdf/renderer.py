"""The PDF output as the CLI sees it: `bookkit pdf [--variant print|screen] [--marks]`."""

from __future__ import annotations

import argparse
import time
from typing import TYPE_CHECKING

from ..base import RenderContext, Renderer, RenderResult

if TYPE_CHECKING:
    from ...pipeline import Prepared
    from .render import PdfResult


class PdfRenderer(Renderer):
    name = "pdf"
    title = "the print PDF"
    help = "build the print PDF (or the screen edition with --variant screen)"
    description = ("Build the PDF: <slug>.pdf for print (PDF/X-4, bleed, trim boxes) "
                   "or <slug>-screen.pdf with --variant screen.")
    in_all = True
    patterns = ("{slug}.pdf", "{slug}-screen.pdf")

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--variant", choices=("print", "screen"), default="print", help="print (default) or screen")
        parser.add_argument("--marks", action="store_true", help="add crop marks outside the bleed")

    def outputs(self, slug: str, options: argparse.Namespace) -> list[str]:
        return [f"{slug}.pdf" if options.variant == "print" else f"{slug}-screen.pdf"]

    def announce(self, prepared: Prepared, options: argparse.Namespace) -> str:
        return f"Laying out the {options.variant} PDF"

    def render(self, prepared: Prepared, context: RenderContext) -> RenderResult:
        from .render import render_pdf

        variant = context.options.variant
        target = context.out_dir / self.outputs(prepared.book.slug, context.options)[0]
        started = time.monotonic()
        result = render_pdf(prepared, target, context.cache, variant=variant, marks=context.options.marks)
        context.detail(f"WeasyPrint layout and PDF writing in {time.monotonic() - started:.2f}s")
        if result.laid_out or result.reused:
            context.detail(f"parts laid out: {', '.join(result.laid_out) or 'none'}; "
                           f"reused from the cache: {len(result.reused)}")
        return RenderResult([target], result.diagnostics, preflight(result, context))


def preflight(result: PdfResult, context: RenderContext) -> str:
    """What a printer checks first: trim, bleed, pages, gutter, spine, PDF variant, fonts."""
    width, height = result.trim
    lines = [
        f"wrote {context.show(result.path)}",
        f"  preflight: trim {width:g}x{height:g} in, bleed {result.bleed:g} in, {result.pages} pages, "
        f"gutter {result.gutter:g} in, spine {result.spine:.3f} in, "
        f"{'PDF/X-4 with output intent' if result.variant == 'print' else 'screen: RGB, tagged (PDF/UA-1)'}",
        f"  fonts embedded and subset: {', '.join(result.fonts)}",
    ]
    return "\n".join(lines)


RENDERER = PdfRenderer()
