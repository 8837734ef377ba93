"""A title's formula as text in the EPUB's navigation: the nav's contents and the EPUB 2 toc.ncx.

pandoc writes a heading's math into the nav as MathML (which a reading system's
navigation cannot show, and which needs the OPF's `mathml` property there) and into
toc.ncx as nothing at all ("Deriving "). Both get the text the print contents show
(`mathml.plain_text`: `E = mc²`); the heading itself keeps its MathML.
"""

from __future__ import annotations

from lxml import etree

from ...mathml import plain_text
from .xhtml import NS, parse

NCX = {"n": "http://www.daisy.org/z3986/2005/ncx/"}


def math_as_text(nav) -> None:
    """Each formula in the nav element `nav` replaced by its text."""
    for span in [s for s in nav.iter(f"{{{NS['x']}}}span") if "inline-math" in (s.get("class") or "").split()]:
        math = span.find("{http://www.w3.org/1998/Math/MathML}math")
        text = plain_text(math.get("alttext", "")) if math is not None else "".join(span.itertext())
        text += span.tail or ""
        before, parent = span.getprevious(), span.getparent()
        if before is not None:
            before.tail = (before.tail or "") + text
        else:
            parent.text = (parent.text or "") + text
        parent.remove(span)


def ncx_titles(ncx: bytes, nav: bytes) -> bytes:
    """toc.ncx with the titles of the nav's contents (after `math_as_text`)."""
    toc = etree.fromstring(nav).find(".//x:nav[@id='toc']", NS)
    if toc is None:
        return ncx
    titles = {a.get("href"): " ".join("".join(a.itertext()).split()) for a in toc.iter(f"{{{NS['x']}}}a")}
    tree = parse(ncx)
    for point in tree.getroot().iterfind(".//n:navPoint", NCX):
        content, text = point.find("n:content", NCX), point.find("n:navLabel/n:text", NCX)
        if content is not None and text is not None and titles.get(content.get("src")):
            text.text = titles[content.get("src")]
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")
