"""A formula as text, where only text can go (contents, navigation, running head, bookmarks):
`mathml.plain_text` reads the formula's MathML as Unicode, never as `$…$` (issue 15)."""

from __future__ import annotations

import pytest

from bookkit.mathml import plain_text, raw_plain_text, to_mathml


@pytest.mark.parametrize(("tex", "text"), [
    ("E = mc^2", "E = mc²"),
    (r"\alpha", "α"),
    (r"x_{i+1}", "xᵢ₊₁"),
    (r"\frac{a+b}{2}", "(a+b)/2"),
    (r"\sqrt{2}", "√2"),
    (r"e^{i\pi}", "e^(iπ)"),
    (r"\mathbb{R}^n", "ℝⁿ"),
])
def test_plain_text_reads_the_formula_as_unicode(tex, text):
    assert plain_text(tex) == text


def test_a_formula_the_converter_cannot_read_is_its_tex_without_dollars():
    assert plain_text(r"\notacommand{x}") == r"\notacommand{x}"


def test_a_typeset_formula_is_read_back_from_its_alttext():
    raw = f'<span class="inline-math">{to_mathml("E = mc^2", False)}</span>'
    assert raw_plain_text(raw) == "E = mc²"
    assert raw_plain_text("<b>not math</b>") is None
