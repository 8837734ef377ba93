"""The printed folios' numbering: roman for the front matter, arabic from chapter 1.

The PDF's /PageLabels and the EPUB's page-list follow the same ranges.
"""

from __future__ import annotations


def page_label_ranges(pages: int, body_start: int | None) -> list[tuple[int, str, int]]:
    """(first page index, style, first number): roman front matter, arabic from the body."""
    if not body_start:
        return [(0, "decimal", 1)]
    ranges = [(0, "lower-roman", 1)]
    if body_start < pages:
        ranges.append((body_start, "decimal", 1))
    return ranges
