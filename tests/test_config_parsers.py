"""Each value parser of book.yaml on its own: what it accepts, what it returns, and the words of
its refusal (the loader prefixes them with "bad value for 'key':" at the key's line)."""

from __future__ import annotations

import datetime

import pytest

from bookkit.config import parsers
from bookkit.config.parsers import CROSSREF_WORDS, PAPERS, TRIM_SIZES, Isbn


def refused(parse, value) -> str:
    with pytest.raises(ValueError) as caught:
        parse(value)
    return str(caught.value)


@pytest.mark.parametrize("value, expected", [("  A Book ", "A Book"), (2024, "2024"), (1.5, "1.5"), ("", "")])
def test_text_takes_scalars_as_text(value, expected):
    assert parsers.text(value) == expected


@pytest.mark.parametrize("value", [True, None, ["a"], {"a": 1}])
def test_text_refuses_what_is_not_a_scalar(value):
    assert refused(parsers.text, value) == "expected text"


def test_nonempty_text():
    assert parsers.nonempty_text(" Lei Jun ") == "Lei Jun"
    assert refused(parsers.nonempty_text, "   ") == "must not be empty"
    assert refused(parsers.nonempty_text, False) == "expected text"


@pytest.mark.parametrize("value, expected", [
    ("Jane Doe", ("Jane Doe",)),
    ([" Ada ", "Grace"], ("Ada", "Grace")),
])
def test_names_take_one_name_or_a_list(value, expected):
    assert parsers.names(value) == expected


@pytest.mark.parametrize("value", ["", " ", [], ["Ada", ""], ["Ada", 3], 42, {"name": "Ada"}])
def test_names_refuse_empty_and_non_text(value):
    assert refused(parsers.names, value) == "expected a name or a list of names"


@pytest.mark.parametrize("value", ["en", "en-US", "zh-Hans-CN", "deu"])
def test_language_tags(value):
    assert parsers.language_tag(value) == value


@pytest.mark.parametrize("value", ["english", "e", "en_US", "en-"])
def test_language_tag_refusals_name_the_value(value):
    assert refused(parsers.language_tag, value) == (f"'{value}' is not a BCP 47 language tag such as 'en' "
                                                    "or 'en-US'")


@pytest.mark.parametrize("value, expected", [
    (2024, "2024"), ("2024-05", "2024-05"), (datetime.date(2024, 5, 1), "2024-05-01"),
    (datetime.datetime(2024, 5, 1, 12, 30), "2024-05-01"),
])
def test_dates(value, expected):
    assert parsers.date(value) == expected


def test_date_refusals():
    assert refused(parsers.date, "May 2024") == "'May 2024' is not a date like 2024, 2024-05 or 2024-05-01"
    assert refused(parsers.date, "") == "must not be empty"


@pytest.mark.parametrize("isbn, valid", [
    ("978-0-306-40615-7", True), ("9780306406157", True), ("0-306-40615-2", True), ("080442957X", True),
    ("978-0-306-40615-8", False), ("0-306-40615-3", False), ("12345", False), ("97803064061571", False),
])
def test_isbn_check_digits(isbn, valid):
    assert parsers.isbn_is_valid(isbn) is valid


def test_isbn_one_for_both_editions_or_one_each():
    assert parsers.isbn("978-0-306-40615-7") == Isbn(print="978-0-306-40615-7", ebook="978-0-306-40615-7")
    assert parsers.isbn(9780306406157) == Isbn(print="9780306406157", ebook="9780306406157")
    assert parsers.isbn({"print": "0-306-40615-2"}) == Isbn(print="0-306-40615-2", ebook="")


def test_isbn_refusals():
    assert refused(parsers.isbn, "978-0-306-40615-8") == ("'978-0-306-40615-8' is not a valid ISBN-10 or ISBN-13 "
                                                          "(check digit or length)")
    assert refused(parsers.isbn, {"audio": "1"}) == "unknown ISBN kind 'audio'; allowed: print, ebook"
    assert refused(parsers.isbn, {1: "x", "b": "y"}).startswith("unknown ISBN kind '1'")  # mixed keys sort as text
    assert refused(parsers.isbn, ["978-0-306-40615-7"]) == "expected an ISBN or a mapping with 'print' and 'ebook'"


def test_csl_style_names_a_packaged_style_or_a_file():
    assert parsers.csl_style("chicago-notes-bibliography-17th-edition") == "chicago-notes-bibliography-17th-edition"
    assert parsers.csl_style("styles/house.csl") == "styles/house.csl"  # the file is gated when the book loads
    message = refused(parsers.csl_style, "chicago-footnotes")
    assert message.startswith("unknown CSL style 'chicago-footnotes'; did you mean 'chicago-notes'")
    assert refused(parsers.csl_style, " ") == "must not be empty"


def test_choice_takes_any_case_and_lists_the_choices():
    trim = parsers.choice(TRIM_SIZES)
    assert trim("6X9IN") == "6x9in" and trim("a5") == "a5"
    assert refused(trim, "6x8in") == ("unknown value '6x8in'; allowed: 5x8in, 5.25x8in, 5.5x8.5in, 6x9in, "
                                      "6.14x9.21in, 7x10in, 8.5x11in, a5, royal")
    assert refused(parsers.choice(PAPERS), "glossy") == "unknown value 'glossy'; allowed: white, cream"


@pytest.mark.parametrize("value, inches", [
    (0.125, 0.125), (0, 0.0), ("0.125in", 0.125), ("3mm", 3 / 25.4), ("9pt", 0.125), (".25", 0.25), (" 0.5 in ", 0.5),
])
def test_lengths_in_inches(value, inches):
    assert parsers.length_in(value) == pytest.approx(inches)


def test_length_refusals():
    assert refused(parsers.length_in, "3cm") == "'3cm' is not a length such as 0.125in or 3mm"
    assert refused(parsers.length_in, "-1mm") == "'-1mm' is not a length such as 0.125in or 3mm"
    assert refused(parsers.length_in, "1in") == "must be between 0 and 0.5 in"
    assert refused(parsers.length_in, True) == "expected text"


def test_chapter_list():
    assert parsers.chapter_list([" chapters/01.md", "chapters/02.md"]) == ("chapters/01.md", "chapters/02.md")
    assert parsers.chapter_list([]) == ()
    for bad in ("chapters/01.md", ["chapters/01.md", ""], [1]):
        assert refused(parsers.chapter_list, bad) == "expected a list of chapter file paths"


def test_caption_lists_follow_the_contents_in_a_fixed_order():
    assert parsers.caption_lists(["Tables", "figures"]) == ("figures", "tables")
    assert parsers.caption_lists("tables") == ("tables",)
    assert parsers.caption_lists([]) == ()
    assert refused(parsers.caption_lists, ["figure"]) == ("unknown list 'figure' (did you mean 'figures'?); "
                                                          "allowed: figures, tables")
    assert refused(parsers.caption_lists, {"figures": True}) == "expected a list such as [figures, tables]"


def test_boolean_takes_only_true_and_false():
    assert parsers.boolean(True) is True and parsers.boolean(False) is False
    for bad in ("false", 0, 1, None):
        assert refused(parsers.boolean, bad) == "expected true or false"


def test_crossref_words_replace_some_and_keep_the_rest():
    words = parsers.crossref_words({"figure": "Fig.", "figures": "Figs."})
    assert words == {**CROSSREF_WORDS, "figure": "Fig.", "figures": "Figs."}
    assert parsers.crossref_words({}) == CROSSREF_WORDS
    assert CROSSREF_WORDS["figure"] == "Figure"  # the defaults are copied, never changed


def test_crossref_refusals():
    assert refused(parsers.crossref_words, {"figur": "Fig."}).startswith(
        "unknown word 'figur' (did you mean 'figure'?); allowed: figure, figures, table")
    assert refused(parsers.crossref_words, {"figure": ""}) == "must not be empty"
    assert refused(parsers.crossref_words, ["Fig."]) == "expected a mapping such as {figure: Fig., figures: Figs.}"
