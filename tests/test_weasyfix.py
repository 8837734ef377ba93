"""weasyfix's two changes to WeasyPrint 70, each on a tiny HTML document laid out by WeasyPrint itself.

In the manner of WeasyPrint's own tests/layout/: a page a few lines high, lines of a fixed
height, and an assertion on where a note lands or how high the footnote area is, with and
without the change. A WeasyPrint upgrade that changes what a change relies on fails here, in a
few milliseconds and with a plain message, before any book is built. The guard itself (a
fingerprint per WeasyPrint function, R005, the cache key) is tested by switching a fingerprint.
"""

from __future__ import annotations

import dataclasses
import hashlib
import inspect

import pytest

from bookkit.cli import main
from bookkit.render.shared.printlayout import weasyfix
from bookkit.render.shared.printlayout.parts import PartSpec
from bookkit.render.shared.printlayout.weasyfix import KEEP_NOTES_WITH_CALLS, MEASURE_NOTES_ONCE

# 10 px lines, a footnote call that does not raise its line, no note marker: every height is known.
STYLE = """
@page {{ size: 200px {height}px; margin: 0; @footnote {{ margin: 0; padding: 0; border: 0; {area} }} }}
html {{ font: 8px/10px serif; }}
body, p {{ margin: 0; }}
p {{ orphans: 2; widows: 2; }}
.note {{ float: footnote; {note} }}
::footnote-call {{ content: "*"; vertical-align: baseline; font-size: inherit; line-height: inherit; }}
::footnote-marker {{ content: none; }}
"""


def document(body: str, height: int = 100, area: str = "", note: str = ""):
    from weasyprint import HTML

    return HTML(string=f"<style>{STYLE.format(height=height, area=area, note=note)}</style>{body}").render()


def texts(box) -> list[str]:
    return [b.text for b in box.descendants() if type(b).__name__ == "TextBox"]


def page_texts(doc) -> list[tuple[list[str], list[str]]]:
    """(flow text, footnote area text) of each page."""
    pages = []
    for page in doc.pages:
        flow, *area = page._page_box.children
        pages.append((texts(flow), texts(area[0]) if area else []))
    return pages


def footnote_areas(doc) -> list[tuple[float, float] | None]:
    """(top, height) of each page's footnote area."""
    return [(c[1].position_y, c[1].height) if len(c) > 1 else None
            for c in (page._page_box.children for page in doc.pages)]


def notes_body(lines: list[int]) -> str:
    """One paragraph per note, each note `lines[i]` lines long."""
    return "".join(f'<p>call {i}<span class="note">' + "<br>".join(f"n{i}.{j}" for j in range(n)) + "</span></p>"
                   for i, n in enumerate(lines))


@pytest.fixture(autouse=True)
def changes_on(monkeypatch):
    """Every test starts and ends with both changes in place, whatever it switched or monkeypatched."""
    weasyfix.apply()
    yield
    monkeypatch.undo()
    weasyfix.keep_notes_with_calls(True)
    weasyfix.measure_notes_once(True)


def test_both_changes_apply_to_the_pinned_weasyprint():
    """The fingerprints are those of the installed WeasyPrint (pinned in pyproject.toml): an upgrade fails here
    first, and tells which function to re-read before recording its new fingerprint."""
    assert weasyfix.apply() == {KEEP_NOTES_WITH_CALLS: True, MEASURE_NOTES_ONCE: True}
    assert weasyfix.state() == weasyfix.apply()
    assert weasyfix.diagnostics() == []


def test_fingerprint_is_the_hash_of_inspect_getsource():
    """The source read from WeasyPrint's file (without importing it) is what inspect.getsource gives."""
    from weasyprint.layout import LayoutContext, block

    weasyfix.keep_notes_with_calls(False)
    weasyfix.measure_notes_once(False)
    for change, function in ((KEEP_NOTES_WITH_CALLS, block._linebox_layout),
                             (MEASURE_NOTES_ONCE, LayoutContext._update_footnote_area)):
        target = weasyfix.TARGETS[change]
        source = inspect.getsource(function)
        assert weasyfix.target_source(target.module, target.qualname) == source
        assert hashlib.sha256(source.encode()).hexdigest() == target.fingerprint, target.name


# -- change 1: the line layout never defers earlier notes ------------------------------------------

# A page of 100 px: the call's line, seven lines, then a four-line paragraph whose first line is the
# last that fits above the one-line note. With orphans: 2 that paragraph cannot leave one line there.
DEFERRING = ('<p>call<span class="note">NOTE</span></p><p>a<br>b<br>c<br>d<br>e<br>f<br>g</p>'
             '<p>x1<br>x2<br>x3<br>x4</p>')


def test_weasyprint_defers_the_note_to_fit_two_lines_of_the_paragraph():
    """WeasyPrint 70's own line layout: the note leaves its call's page so that x1 and x2 fit."""
    weasyfix.keep_notes_with_calls(False)
    assert page_texts(document(DEFERRING)) == [
        (["call", "*", "a", "b", "c", "d", "e", "f", "g", "x1", "x2"], []),
        (["x3", "x4"], ["NOTE"]),
    ]


def test_changed_line_layout_keeps_the_note_and_moves_the_paragraph():
    """With the change, the paragraph starts on the next page, as orphans asks, and the note stays."""
    assert weasyfix.keep_notes_with_calls(True)
    assert page_texts(document(DEFERRING)) == [
        (["call", "*", "a", "b", "c", "d", "e", "f", "g"], ["NOTE"]),
        (["x1", "x2", "x3", "x4"], []),
    ]


# -- change 2: the footnote area measured note by note ---------------------------------------------

RULE = "padding-top: 3px; border-top: 1px solid;"  # a rule above the notes, 4 px

# (page height, @footnote style, note line counts) -> per page: (flow, notes), and the area's (top, height)
AREAS = {
    "three notes stacked": (200, RULE, [1, 2, 3], [
        (["call 0", "*", "call 1", "*", "call 2", "*"], ["n0.0", "n1.0", "n1.1", "n2.0", "n2.1", "n2.2"])],
        [(136.0, 60.0)]),
    "notes overflow the page": (100, RULE, [3, 3, 3, 3], [
        (["call 0", "*", "call 1", "*", "call 2", "*"], ["n0.0", "n0.1", "n0.2", "n1.0", "n1.1", "n1.2"]),
        (["call 3", "*"], ["n2.0", "n2.1", "n2.2", "n3.0", "n3.1", "n3.2"])],
        [(36.0, 60.0), (36.0, 60.0)]),
    "max-height clamps the area": (200, RULE + "max-height: 40px", [3, 3, 1], [
        (["call 0", "*", "call 1", "*", "call 2", "*"], ["n0.0", "n0.1", "n0.2"]),
        ([], ["n1.0", "n1.1", "n1.2", "n2.0"])],
        [(166.0, 30.0), (156.0, 40.0)]),
}


@pytest.mark.parametrize("fast", [True, False], ids=["note-by-note", "weasyprint"])
@pytest.mark.parametrize("case", list(AREAS))
def test_footnote_area_height_and_note_pages(case, fast):
    """Both measures put each note on the same page and give the area the same height: the sum of
    the notes' lines plus its padding and border, or max-height."""
    height, area, lines, pages, areas = AREAS[case]
    assert weasyfix.measure_notes_once(fast) is fast
    doc = document(notes_body(lines), height=height, area=area)
    assert page_texts(doc) == pages
    assert footnote_areas(doc) == areas


def _count_weasyprint_measures(monkeypatch) -> list:
    """Calls of WeasyPrint's own _update_footnote_area, which weasyfix falls back to."""
    calls: list = []
    original = weasyfix._versions["update_footnote_area"]

    def counted(context):
        calls.append(context)
        return original(context)

    monkeypatch.setitem(weasyfix._versions, "update_footnote_area", counted)
    return calls


def test_note_by_note_measure_takes_notes_without_margins(monkeypatch):
    calls = _count_weasyprint_measures(monkeypatch)
    assert footnote_areas(document(notes_body([1, 2, 3]), height=200, area=RULE)) == [(136.0, 60.0)]
    assert calls == []


def test_notes_with_margins_take_weasyprint_measure(monkeypatch):
    """A note's margins collapse with its neighbours' and through the area's bottom: only WeasyPrint's layout
    of the whole area knows that the height is 60 + 5 + 5, not the 75 that summing the notes' boxes gives."""
    calls = _count_weasyprint_measures(monkeypatch)
    doc = document(notes_body([1, 2, 3]), height=200, area=RULE, note="margin-bottom: 5px;")
    assert calls
    assert footnote_areas(doc) == [(126.0, 70.0)]


# -- the guard: fingerprints, R005, the cache key ---------------------------------------------------

def _mismatch(monkeypatch, change: str) -> None:
    """Record a fingerprint the installed WeasyPrint does not have, as after an upgrade, in a fresh process."""
    monkeypatch.setitem(weasyfix.TARGETS, change, dataclasses.replace(weasyfix.TARGETS[change], fingerprint="0" * 64))
    monkeypatch.setattr(weasyfix, "_state", {})


@pytest.mark.parametrize("change", [KEEP_NOTES_WITH_CALLS, MEASURE_NOTES_ONCE])
def test_fingerprint_mismatch_leaves_the_change_off_and_warns(monkeypatch, change):
    from weasyprint.layout import LayoutContext, block

    _mismatch(monkeypatch, change)
    other = ({KEEP_NOTES_WITH_CALLS, MEASURE_NOTES_ONCE} - {change}).pop()
    assert weasyfix.apply() == {change: False, other: True}
    assert weasyfix.state() == {change: False, other: True}
    live = {KEEP_NOTES_WITH_CALLS: block._linebox_layout, MEASURE_NOTES_ONCE: LayoutContext._update_footnote_area}
    assert live[change] is weasyfix._versions[{KEEP_NOTES_WITH_CALLS: "linebox_layout",
                                               MEASURE_NOTES_ONCE: "update_footnote_area"}[change]]
    assert weasyfix.keep_notes_with_calls(True) is (change != KEEP_NOTES_WITH_CALLS)  # asking again changes nothing
    if change == KEEP_NOTES_WITH_CALLS:  # WeasyPrint's own behaviour, the note deferred
        assert page_texts(document(DEFERRING))[1] == (["x3", "x4"], ["NOTE"])
    [warning] = weasyfix.diagnostics()
    assert (warning.code, warning.severity, warning.path) == ("R005", "warning", "book")
    target = weasyfix.TARGETS[change]
    assert f"'{change}'" in warning.message and target.name in warning.message and "70.0" in warning.message
    assert target.without in warning.message


def _spec() -> PartSpec:
    return PartSpec("ch", "<p>x</p>", [("p {}", "file:///book/")], "file:///book/", ["/book"], [], "2020-01-01", "id",
                    4)


def test_part_cache_key_records_applied_state_and_weasyfix_source(monkeypatch):
    before = _spec().key()
    weasyfix.measure_notes_once(False)
    off = _spec().key()
    weasyfix.measure_notes_once(True)
    assert _spec().key() == before != off
    monkeypatch.setattr(weasyfix, "_own_source", lambda: b"an edited weasyfix.py")
    assert _spec().key() not in (before, off)


def test_state_before_apply_is_known_without_importing_weasyprint(monkeypatch):
    """A no-op rebuild computes the part keys without importing WeasyPrint (half a second)."""
    monkeypatch.setattr(weasyfix, "_state", {})
    assert weasyfix.state() == {KEEP_NOTES_WITH_CALLS: True, MEASURE_NOTES_ONCE: True}
    _mismatch(monkeypatch, MEASURE_NOTES_ONCE)
    assert weasyfix.state() == {KEEP_NOTES_WITH_CALLS: True, MEASURE_NOTES_ONCE: False}


def test_pdf_build_warns_once_and_lays_parts_out_again(book_copy, monkeypatch, capsys):
    """The real `pdf` command, in this process so that the recorded fingerprint can be switched: the
    warning once, the build still succeeds, and no part laid out with the change is reused without it."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "")  # the build pins it for its process: this one, here
    book = book_copy("tiny")
    assert main(["pdf", "-v", "--book", str(book)]) == 0
    assert "R005" not in capsys.readouterr().err
    _mismatch(monkeypatch, KEEP_NOTES_WITH_CALLS)
    assert main(["pdf", "-v", "--book", str(book)]) == 0
    out, err = capsys.readouterr()
    assert err.count("warning[R005]") == 1 and "_linebox_layout" in err, err
    assert "parts laid out: none" not in out and "parts laid out: " in out, out
