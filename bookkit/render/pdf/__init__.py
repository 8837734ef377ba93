"""The PDF output: the print edition (PDF/X-4) and the screen edition (tagged, PDF/UA-1)."""

from .renderer import RENDERER

__all__ = ["RENDERER"]
