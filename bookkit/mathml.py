"""A formula's TeX as MathML (latex2mathml), and as plain text where only text can go.

The one conversion every output shares (`mathtex.py` puts its result into the
chapters); the plain text (`E = mc²`, `xᵢ₊₁`, `(a+b)/2`) is what the contents, the
navigation, the running head and references by title show of a formula. Kept apart
from `mathtex.py` so that `transforms.stringify` can read a title's formula without
importing the pass that typesets it.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache


class Unconvertible(Exception):
    """latex2mathml could not read the TeX, or read a command it does not know."""


@lru_cache(maxsize=4096)
def to_mathml(tex: str, display: bool) -> str:
    """The formula as one `<math>` element with the TeX as `alttext`; raises Unconvertible."""
    from latex2mathml.converter import convert
    from lxml import etree

    try:
        mathml = convert(tex, display="block" if display else "inline")
        root = etree.fromstring(mathml.encode("utf-8"))
    except Exception:  # latex2mathml raises many types (or writes broken XML), all meaning "cannot read this"
        raise Unconvertible("latex2mathml cannot read it") from None
    for element in root.iter():
        text = (element.text or "").strip()
        if re.match(r"\\[A-Za-z]+", text):  # latex2mathml keeps unknown commands as text
            raise Unconvertible(f"latex2mathml does not know the command {text.split()[0]}")
    root.set("alttext", tex.strip())
    return etree.tostring(root, encoding="unicode")


_SPACED = set("=+−-<>≤≥≠≈≡×±→←⇒∈∉⊂⊆∪∩")
_SUPERSCRIPT = dict(zip("0123456789+-−=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁿⁱ", strict=True))
_SUBSCRIPT = dict(zip("0123456789+-−=()aeijoruvx", "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑᵢⱼₒᵣᵤᵥₓ", strict=True))


def plain_text(tex: str) -> str:
    """A formula as readable Unicode text, for places that hold text only (`E = mc²`)."""
    try:
        mathml = to_mathml(tex, False)
    except Unconvertible:
        return tex.strip()
    from lxml import etree

    return " ".join(_text_of(etree.fromstring(mathml.encode("utf-8")), True).split())


def raw_plain_text(raw: str) -> str | None:
    """The plain text of a formula typeset_math left as raw HTML (by its `alttext`), else None."""
    match = re.search(r'<math\b[^>]*\balttext="([^"]*)"', raw)
    return plain_text(html.unescape(match.group(1))) if match else None


def _text_of(element, spaced: bool) -> str:
    name = element.tag.rsplit("}", 1)[-1]
    children = list(element)
    if name in ("mi", "mn", "mtext", "mo", "ms"):
        text = (element.text or "").strip()
        return f" {text} " if name == "mo" and spaced and text in _SPACED else text
    if name in ("msup", "msub", "msubsup") and children:
        base = _text_of(children[0], spaced)
        scripts = children[1:]
        marks = ["_", "^"] if name == "msubsup" else ["^" if name == "msup" else "_"]
        return base + "".join(_script(_text_of(c, False), mark) for c, mark in zip(scripts, marks, strict=False))
    if name == "mfrac" and len(children) == 2:
        top, bottom = (_grouped(_text_of(c, False)) for c in children)
        return f"{top}/{bottom}"
    if name in ("msqrt", "mroot") and children:
        return "√" + _grouped(_text_of(children[0], False))
    if name == "mspace":
        return ""
    return "".join(_text_of(child, spaced) for child in children)


def _script(text: str, mark: str) -> str:
    table = _SUPERSCRIPT if mark == "^" else _SUBSCRIPT
    if text and all(ch in table for ch in text):
        return "".join(table[ch] for ch in text)
    return mark + (text if len(text) == 1 else f"({text})")


def _grouped(text: str) -> str:
    return text if len(text) <= 1 or text.isalnum() else f"({text})"
