"""The live preview as an output: one HTML page, served by `watch` rather than written to a file."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..base import RenderContext, Renderer, RenderResult

if TYPE_CHECKING:
    from ...pipeline import Prepared


@dataclass
class PreviewResult(RenderResult):
    html: str = ""  # the page `watch` serves


class WebRenderer(Renderer):
    """`context.options.generation`: the build's number, which the page's script polls to reload."""

    name = "web"
    title = "the live preview"
    help = "the live HTML preview (served by watch)"
    command = False  # `watch` serves it and rebuilds it on every edit
    needs_html = False  # it converts each part itself, notes at the chapter's end
    draft = False

    def render(self, prepared: Prepared, context: RenderContext) -> PreviewResult:
        from .preview import preview_page

        html = preview_page(prepared, context.cache, context.options.generation)
        return PreviewResult([], [], "preview rendered", html)


RENDERER = WebRenderer()
