"""The EPUB 3 output."""

from .renderer import RENDERER

__all__ = ["RENDERER"]
