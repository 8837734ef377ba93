"""TeX math: one conversion to MathML for every output, vector SVG for print and preview.

`latex2mathml` turns each formula's TeX into MathML once (cached by content). The
chapter's AST then carries that MathML as raw HTML, with the TeX as `alttext`, so
pandoc's EPUB writer puts it in the XHTML as it is (and declares the `mathml`
property in the OPF). The print PDF and the preview cannot rely on MathML (WeasyPrint
does not lay it out), so `svg_for_print` replaces each `<math>` element of a part's
HTML with `ziamath`'s drawing of that same MathML: paths, not text, sized in `em` so
it follows the text face's size, and lowered by its depth so its baseline sits on
the line's.

Display equations with a label — pandoc-crossref's `$$…$$ {#eq:x}` or Quarto's
`{#eq-x}` — are numbered per chapter, `(C.N)`, at the right margin; the label → number
table is kept on the part (`Converted.equations`) for cross-references. A formula the
converter cannot read is reported by check (M001, `check/prelayout.py`) and shown as its TeX, as code.

Where only text can go — the contents, the EPUB's and the PDF's navigation, the running
head, a reference to a section by its title — a formula is written as its text
(`mathml.plain_text`: `E = mc²`, `α`), never as `$…$`.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from .mathml import Unconvertible, to_mathml
from .transforms import iter_nodes, stringify

#: the body size ziamath draws at; the SVG is then sized in em, so only the ratio matters
_DRAW_SIZE = 10.0
#: `{#eq:x}` (pandoc-crossref) or `{#eq-x}` (Quarto) right after a display formula
_LABEL = re.compile(r"^\{#(eq[:\-][^\s}]+)\}$")


def typeset_math(part) -> None:
    """Replace every Math node of the part's body and title with MathML (or its TeX as code),
    number the labelled display equations and record them in `part.equations`."""
    counter = [0]
    equations: dict[str, str] = {}
    _name_headings(part.body_ast.get("blocks", []))
    for doc in (part.title_ast, part.body_ast):
        for inlines in _lists_holding_math(doc.get("blocks", [])):
            _replace_in(inlines, part.number, counter, equations)
    part.equations = equations


def _name_headings(blocks: list) -> None:
    """A heading holding math gets its title as text in `data-plain-title`: print.css makes it
    the PDF bookmark, which would otherwise leave the drawn formula out."""
    for node in iter_nodes(blocks):
        if node["t"] == "Header" and _lists_holding_math(node["c"][2]):
            node["c"][1][2].append(["plain-title", " ".join(stringify(node["c"][2]).split())])


def _lists_holding_math(node) -> list[list]:
    """Every list in the AST that holds a Math node, in document order (a list of inlines)."""
    found, stack = [], [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.append(item.get("c", item.get("blocks")))
        elif isinstance(item, list):
            if any(isinstance(x, dict) and x.get("t") == "Math" for x in item):
                found.append(item)
            stack.extend(reversed(item))
    return found


def _replace_in(inlines: list, chapter_number, counter: list[int], equations: dict[str, str]) -> None:
    index = 0
    while index < len(inlines):
        node = inlines[index]
        if node.get("t") != "Math":
            index += 1
            continue
        display = node["c"][0]["t"] == "DisplayMath"
        tex = node["c"][1]
        label, consumed = (_label_after(inlines, index) if display else (None, 0))
        try:
            mathml = to_mathml(tex, display)
        except Unconvertible:
            code = {"t": "Code", "c": [["", ["math-tex"], []], tex.strip()]}
            replacement = ({"t": "Span", "c": [[label or "", ["display-math", "math-unconverted"], []], [code]]}
                           if display else code)
            inlines[index:index + 1 + consumed] = [replacement]
            index += 1
            continue
        if display:
            number = ""
            if label:
                counter[0] += 1
                number = f"{chapter_number}.{counter[0]}" if chapter_number else str(counter[0])
                equations[label] = number
            ident = f' id="{html.escape(label)}"' if label else ""
            numbered = f'<span class="equation-number">({number})</span>' if number else ""
            raw = f'<span class="display-math{" numbered" if number else ""}"{ident}>{mathml}{numbered}</span>'
        else:
            raw = f'<span class="inline-math">{mathml}</span>'
        inlines[index:index + 1 + consumed] = [{"t": "RawInline", "c": ["html", raw]}]
        index += 1


def _label_after(inlines: list, index: int) -> tuple[str | None, int]:
    """The `{#eq:x}` label following the display formula at `index`, and how many nodes it takes."""
    following = inlines[index + 1:index + 3]
    spaces = 0
    for node in following:
        if node.get("t") in ("Space", "SoftBreak"):
            spaces += 1
            continue
        if node.get("t") == "Str":
            match = _LABEL.match(node["c"])
            if match:
                return match.group(1), spaces + 1
        break
    return None, 0


#: operators set with a space either side in plain text (not inside a sub- or superscript)
_MATH_ELEMENT = re.compile(r"<math\b[^>]*>.*?</math>", re.S)


def svg_for_print(fragment: str) -> str:
    """`fragment` with every `<math>` element replaced by its vector drawing (print, preview)."""
    if "<math" not in fragment:
        return fragment
    return _MATH_ELEMENT.sub(lambda m: mathml_svg(m.group(0)), fragment)


@lru_cache(maxsize=4096)
def mathml_svg(mathml: str) -> str:
    """The MathML drawn by ziamath as an inline `<svg>`, sized in em and sitting on the baseline."""
    import ziamath
    from lxml import etree

    ziamath.config.svg2 = False
    root = etree.fromstring(mathml.encode("utf-8"))
    alt = root.get("alttext", "")
    drawing = ziamath.Math(mathml, size=_DRAW_SIZE)
    svg = etree.fromstring(drawing.svg().encode("utf-8"))
    width, height = float(svg.get("width")), float(svg.get("height"))
    depth = -drawing.getyofst() + drawing.margin  # below the baseline, in drawing units
    for name in ("width", "height"):
        del svg.attrib[name]
    svg.set("class", "math-svg")
    svg.set("role", "img")
    svg.set("aria-label", alt)
    svg.set("style", f"width:{width / _DRAW_SIZE:.4f}em;height:{height / _DRAW_SIZE:.4f}em;"
                     f"vertical-align:{-depth / _DRAW_SIZE:.4f}em")
    return etree.tostring(svg, encoding="unicode")
