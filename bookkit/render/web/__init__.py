"""The live preview's page (`watch` serves it)."""

from .renderer import RENDERER

__all__ = ["RENDERER"]
