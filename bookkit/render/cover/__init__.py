"""The cover output: the full-wrap print cover and the e-book cover image."""

from .renderer import RENDERER

__all__ = ["RENDERER"]
