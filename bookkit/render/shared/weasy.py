"""WeasyPrint glue every output that lays pages out shares: its log as diagnostics, its version.

The PDF, the cover and the part layouts all render with WeasyPrint; what it logs is
collected here as diagnostics instead of printed, the same way for each of them.
"""

from __future__ import annotations

import contextlib
import functools
import logging

from ...diagnostics import Diagnostic, diagnostic

#: WeasyPrint messages about the machine, not the book; dropped rather than reported.
IGNORED_MESSAGES = ("Using fontTools instead of HarfBuzz-Subset",)


@contextlib.contextmanager
def captured_warnings(source: str):
    """Collect WeasyPrint's log messages as diagnostics instead of printing them."""
    from weasyprint import LOGGER

    records: list[logging.LogRecord] = []

    class Handler(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Handler(level=logging.WARNING)
    old_propagate = LOGGER.propagate
    LOGGER.addHandler(handler)
    LOGGER.propagate = False
    diags: list[Diagnostic] = []
    try:
        yield diags
    finally:
        LOGGER.removeHandler(handler)
        LOGGER.propagate = old_propagate
        for record in records:
            message = record.getMessage()
            if message.startswith(IGNORED_MESSAGES):
                continue
            if ".notdef" in message or "No glyph" in message:
                diags.append(diagnostic(source, None, "R002", f"a character has no glyph in any font: {message}"))
            else:
                diags.append(diagnostic(source, None, "R004", f"WeasyPrint: {message}"))


@functools.cache
def weasyprint_version() -> str:
    """From the installed package's metadata: importing WeasyPrint takes half a second."""
    from importlib.metadata import version

    return version("weasyprint")
