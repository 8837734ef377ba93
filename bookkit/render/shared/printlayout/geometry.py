"""The print page's geometry: its size and margins, and the gutter that follows the page count.

The whole-book layout (`whole.py`) and the layout in parts (`incremental.py`) set pages
by the same rules, so both read them from here.
"""

from __future__ import annotations

import html as html_lib
import re

from ....pipeline import Prepared

#: KDP's minimum inside margin by page count: (up to pages, gutter inches).
KDP_GUTTER = ((150, 0.375), (300, 0.5), (500, 0.625), (700, 0.75), (10**9, 0.875))


#: extra layouts allowed to bring deferred footnotes back (see notecheck.py)
NOTE_PASSES = 4


def kdp_gutter(pages: int) -> float:
    for limit, gutter in KDP_GUTTER:
        if pages <= limit:
            return gutter
    return KDP_GUTTER[-1][1]


#: characters of text (notes included) per 6x9 print page, measured on our book and the
#: benchmark books (1,350–2,050); only used to guess the gutter before the first layout
CHARS_PER_PAGE = 1700


def first_gutter(prepared: Prepared) -> float:
    """The gutter for the first layout, from the page count the text length predicts.

    The gutter depends on the page count, which is only known after a layout at some
    gutter. Guessing from the text (a function of the sources alone, so builds stay
    reproducible) makes one layout enough for most books instead of always starting at
    the narrowest gutter and laying a book over 150 pages out twice.
    """
    area = prepared.book.config.trim_inches[0] * prepared.book.config.trim_inches[1] / 54.0
    chars = sum(len(html_lib.unescape(re.sub(r"<[^>]+>", "", part.body_html))) for part in prepared.parts)
    return kdp_gutter(round(chars / (CHARS_PER_PAGE * area)))


def page_css(trim: tuple[float, float], bleed: float, gutter: float, marks: bool) -> str:
    width, height = trim
    inside = max(gutter + 0.25, 0.7)
    outside = 0.6 if bleed else 0.55
    return f"""
@page {{ size: {width}in {height}in; bleed: {bleed}in; marks: {'crop' if marks else 'none'};
        margin: 0.8in {outside}in 0.85in {inside}in; }}
@page :left {{ margin-left: {outside}in; margin-right: {inside}in; }}
@page :right {{ margin-left: {inside}in; margin-right: {outside}in; }}
"""
