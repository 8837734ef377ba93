"""The live preview as a reader sees it in a browser (Chromium, headless, at phone width): the
Index's links look like the book's other links, a locator's label never breaks, and a long
contents entry hangs under its title's first word (issues 15 and 16)."""

from __future__ import annotations

import json
import time

import pytest

from test_watch import CHROMIUM, Browser, watching  # noqa: F401 (watching is a fixture)

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian: apt-get install "
                                                          "chromium); .ci/run installs it so CI runs this test")]

LONG_TITLE = "The Upper River, from the High Plateau of Qinghai down to the Gorges of the Loess Country"


@pytest.fixture
def phone(watching, tmp_path):  # noqa: F811
    """The index fixture, its first chapter retitled at length, open at 390 px in Chromium."""
    book, watch = watching("index", "--no-pdf")
    chapter = book / "chapters" / "01-upper.md"
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(f"# {LONG_TITLE}\n" + text.split("\n", 1)[1], encoding="utf-8")
    watch.wait_line("preview updated", timeout=120)
    browser = Browser(tmp_path / "chromium-profile")
    try:
        browser.open(watch.url)
        browser.call("Emulation.setDeviceMetricsOverride",
                     {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True})
        browser.wait_for(f"document.body && document.body.innerText.includes({json.dumps(LONG_TITLE[:40])})")
        browser.wait_for("document.fonts.status === 'loaded'")
        time.sleep(0.3)  # the layout after the viewport change
        yield browser
    finally:
        browser.close()


def _style(browser, selector: str) -> list:
    return browser.evaluate(
        f"JSON.stringify([...document.querySelectorAll({json.dumps(selector)})].map(a => {{"
        "const s = getComputedStyle(a); return [s.color, s.textDecorationLine, s.fontWeight, s.fontStyle];}))")


def test_index_links_look_like_the_books_other_links(phone):
    locators = json.loads(_style(phone, "a.index-locator"))
    others = json.loads(_style(phone, ".toc-list a, a.footnote-back"))
    assert len(locators) > 10 and others
    assert {tuple(s) for s in locators} == {tuple(others[0])} == {tuple(s) for s in others}, (locators, others)
    # one line each: "ch. 2" and "ch. 2 (2)" hold together in a narrow column
    lines = json.loads(phone.evaluate(
        "JSON.stringify([...document.querySelectorAll('a.index-locator')].map(a => [a.textContent, "
        "new Set([...a.getClientRects()].map(r => Math.round(r.top))).size]))"))
    assert all(count == 1 for _, count in lines), lines
    assert any("\u00a0(" in text for text, _ in lines), lines


def test_long_contents_entry_hangs_under_its_first_word_at_phone_width(phone):
    found = json.loads(phone.evaluate(
        "(function(){ const li = [...document.querySelectorAll('.toc-list li')].find(l => "
        f"l.textContent.includes({json.dumps(LONG_TITLE[:30])}));"
        "const text = li.querySelector('.toc-text'), number = li.querySelector('.toc-number');"
        "const range = document.createRange(); range.selectNodeContents(text);"
        "const lines = [...range.getClientRects()].map(r => [Math.round(r.left), Math.round(r.top)]);"
        "return JSON.stringify({lines: lines, number: Math.round(number.getBoundingClientRect().left),"
        "plain: Math.round([...document.querySelectorAll('.toc-list li')].find(l => !l.querySelector('.toc-number'))"
        ".getBoundingClientRect().left + 0)}); })()"))
    tops = sorted({top for _, top in found["lines"]})
    assert len(tops) >= 2, found  # the title wraps at 390 px
    first = min(left for left, top in found["lines"] if top == tops[0])
    for top in tops[1:]:
        assert min(left for left, t in found["lines"] if t == top) == first, found
    assert first > found["number"] + 10, found  # the number stands out to the left
