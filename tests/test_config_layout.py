"""book.yaml's layout and its single declaration.

Each key is declared once (a field of `Config`); the defaults a book gets, `--help`'s and the
README's table and a new book's commented-out book.yaml are all read from that declaration, so
here they are checked against each other. Settings of one output sit in that output's section;
the keys that moved there still work under their old names with a warning (Y005), and an error
when both are given (Y006).
"""

from __future__ import annotations

import dataclasses
import re
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bookkit.config import MOVED, OPTIONS, SCHEMA, SECTIONS, Config, Section, load_config, schema_markdown
from bookkit.config.schema import shown_default
from bookkit.diagnostics import CODES
from bookkit.scaffold import book_yaml
from conftest import ROOT, run_cli
from test_check import problems

REQUIRED = {"title": "T", "author": ("A",), "lang": "en"}


def load(tmp_path: Path, text: str, strict: bool = False):
    (tmp_path / "book.yaml").write_text("title: T\nauthor: A\nlang: en\n" + text, encoding="utf-8")
    config, diags = load_config(tmp_path, strict=strict)
    return config, [d.format() for d in diags]


def test_a_config_of_defaults_holds_each_declared_default():
    config = Config(**REQUIRED)
    for opt in OPTIONS:
        if not opt.required:
            assert getattr(config, opt.attr) == opt.default, opt.path
    assert {opt.attr for opt in OPTIONS} == {f.name for f in dataclasses.fields(Config)} - {"lines"}
    assert [opt.name for opt in OPTIONS if opt.required] == ["title", "author", "lang"]


def test_each_default_as_written_parses_back_to_itself():
    """What --help and `bookkit new` show as the default is what the book gets by writing it."""
    for opt in OPTIONS:
        if opt.required:
            continue
        shown = shown_default(opt)
        if shown:
            assert opt.parse(yaml.safe_load(shown)) == opt.default, opt.path
            assert f"`{shown}`" in schema_markdown()
        else:
            assert opt.default in ("", None) or not any(dataclasses.astuple(opt.default)), opt.path


def test_a_new_books_commented_keys_switched_on_give_the_defaults(tmp_path):
    text = book_yaml("T", ("A",), "en")
    keys = "|".join(re.escape(name) for name in {e.name for e in SCHEMA} | {o.name for o in OPTIONS})
    commented = re.findall(rf"^# ( *)({keys}):(.*)$", text, flags=re.M)
    assert sorted(name for indent, name, _ in commented if indent) == sorted(o.name for o in OPTIONS if o.section)
    switched = re.sub(rf"^# ( *(?:{keys}):)", r"\1", text, flags=re.M)
    parsed = yaml.safe_load(switched)
    assert list(parsed) == [entry.name for entry in SCHEMA]
    assert set(parsed["pdf"]) == {o.name for o in OPTIONS if o.section == "pdf"}
    (tmp_path / "book.yaml").write_text(switched, encoding="utf-8")
    config, diags = load_config(tmp_path, strict=True)
    assert diags == []
    assert config == Config(**REQUIRED)


def test_the_sections_are_the_declared_ones_and_hold_only_their_keys():
    sections = [entry for entry in SCHEMA if isinstance(entry, Section)]
    assert [s.name for s in sections] == list(SECTIONS) == ["pdf", "epub", "cover"]
    assert {s.name: [o.name for o in s.options] for s in sections} == {
        "pdf": ["trim", "bleed", "paper", "lead_in"], "epub": ["page_list"], "cover": ["mark"]}
    assert {old: opt.path for old, opt in MOVED.items()} == {
        "trim": "pdf.trim", "bleed": "pdf.bleed", "paper": "pdf.paper", "lead_in": "pdf.lead_in",
        "page_list": "epub.page_list", "cover_mark": "cover.mark"}


def test_readme_shows_the_generated_table():
    assert schema_markdown() in (ROOT / "README.md").read_text(encoding="utf-8")


def test_sections_set_the_values_the_code_reads(tmp_path):
    config, diags = load(tmp_path, "pdf:\n  trim: 5x8in\n  bleed: 3mm\n  paper: cream\n  lead_in: false\n"
                                   "epub: {page_list: false}\ncover:\n  mark: 雷军\n")
    assert diags == []
    assert (config.trim, config.paper, config.lead_in, config.page_list, config.cover_mark) == (
        "5x8in", "cream", False, False, "雷军")
    assert config.bleed == pytest.approx(3 / 25.4)
    assert config.lines["pdf.paper"] == 7 and config.lines["cover.mark"] == 11


def test_an_empty_section_is_all_defaults(tmp_path):
    config, diags = load(tmp_path, "pdf:\nepub: {}\n")
    assert diags == [] and config == Config(**REQUIRED)


def test_an_unknown_key_in_a_section_is_reported_at_its_line_with_a_did_you_mean(tmp_path):
    config, diags = load(tmp_path, "pdf:\n  trim: 5x8in\n  papr: cream\n")
    assert diags == ["book.yaml:6: warning[Y002]: unknown key 'papr' in 'pdf' (did you mean 'paper'?)"]
    assert config.trim == "5x8in" and config.paper == "white"
    _, strict = load(tmp_path, "cover: {mak: X}\n", strict=True)
    assert strict == ["book.yaml:4: error[Y002]: unknown key 'mak' in 'cover' (did you mean 'mark'?)"]


def test_a_bad_value_in_a_section_is_at_its_line(tmp_path):
    config, diags = load(tmp_path, "pdf:\n  bleed: 1in\n")
    assert config is None
    assert diags == ["book.yaml:5: error[Y003]: bad value for 'bleed': must be between 0 and 0.5 in"]


def test_a_section_must_be_a_mapping(tmp_path):
    config, diags = load(tmp_path, "pdf: 6x9in\n")
    assert config is None
    assert diags == ["book.yaml:4: error[Y003]: bad value for 'pdf': expected the keys of 'pdf:' under it, such as "
                     "pdf: {trim: ...}; its keys: trim, bleed, paper, lead_in"]


def test_a_key_twice_in_a_section_is_an_error(tmp_path):
    config, diags = load(tmp_path, "pdf:\n  trim: 5x8in\n  trim: 6x9in\n")
    assert config is None
    assert diags == ["book.yaml:6: error[Y001]: key 'trim' appears twice in 'pdf' (first on line 5); keep one of them"]


@pytest.mark.parametrize("old, value, new", [
    ("trim", "5x8in", "pdf: {trim: ...}"), ("bleed", "3mm", "pdf: {bleed: ...}"),
    ("paper", "cream", "pdf: {paper: ...}"), ("lead_in", "false", "pdf: {lead_in: ...}"),
    ("page_list", "false", "epub: {page_list: ...}"), ("cover_mark", "雷军", "cover: {mark: ...}"),
])
def test_a_moved_key_still_works_with_a_warning_naming_its_new_place(tmp_path, old, value, new):
    config, diags = load(tmp_path, f"{old}: {value}\n")
    assert diags == [f"book.yaml:4:1: warning[Y005]: '{old}' has moved: write it as '{new}'"]
    section, _, name = MOVED[old].path.partition(".")
    moved_to = tmp_path / "new"
    moved_to.mkdir()
    (moved_to / "book.yaml").write_text(f"title: T\nauthor: A\nlang: en\n{section}:\n  {name}: {value}\n",
                                        encoding="utf-8")
    expected, none = load_config(moved_to)
    assert none == [] and config == expected != Config(**REQUIRED)
    assert config.lines[MOVED[old].path] == 4


def test_a_moved_key_with_a_bad_value_is_reported_by_the_name_written(tmp_path):
    config, diags = load(tmp_path, "paper: glossy\n")
    assert config is None
    assert diags == ["book.yaml:4:1: warning[Y005]: 'paper' has moved: write it as 'pdf: {paper: ...}'",
                     "book.yaml:4: error[Y003]: bad value for 'paper': unknown value 'glossy'; allowed: white, cream"]


def test_a_moved_key_given_in_both_places_is_an_error(tmp_path):
    config, diags = load(tmp_path, "pdf:\n  trim: 5x8in\ntrim: 6x9in\ncover: {mark: X}\ncover_mark: Y\n")
    assert config is None
    assert diags == [
        "book.yaml:6:1: error[Y006]: 'trim' is given twice: here, under its old name, and as 'pdf: trim' on line 5; "
        "keep the one under 'pdf:'",
        "book.yaml:8:1: error[Y006]: 'cover_mark' is given twice: here, under its old name, and as 'cover: mark' on "
        "line 7; keep the one under 'cover:'",
    ]


def test_unknown_top_level_keys_are_suggested_among_keys_sections_and_old_names(tmp_path):
    _, diags = load(tmp_path, "epbu: {page_list: false}\ntitel: X\n")
    assert diags == ["book.yaml:4: warning[Y002]: unknown key 'epbu' (did you mean 'epub'?)",
                     "book.yaml:5: warning[Y002]: unknown key 'titel' (did you mean 'title'?)"]


def test_the_new_codes_are_declared():
    assert {"Y005", "Y006"} <= set(CODES)


def test_our_book_uses_the_new_layout():
    config, diags = load_config(ROOT)
    assert diags == []
    assert not set(yaml.safe_load((ROOT / "book.yaml").read_text(encoding="utf-8"))) & set(MOVED)
    assert (config.paper, config.cover_mark) == ("cream", "雷军")


def test_check_reports_a_moved_key_and_passes_unless_strict(book_copy):
    book = book_copy("tiny")
    with open(book / "book.yaml", "a", encoding="utf-8") as fh:
        fh.write("page_list: false\n")
    line = (book / "book.yaml").read_text(encoding="utf-8").count("\n")
    result = run_cli("check", "--book", str(book))
    assert result.code == 0, result.err
    assert problems(result.err) == [
        f"book.yaml:{line}:1: warning[Y005]: 'page_list' has moved: write it as 'epub: {{page_list: ...}}'"]
    assert run_cli("check", "--strict", "--book", str(book)).code == 1


PIECES = st.sampled_from(["pdf", "epub", "cover", "trim", "mark", "page_list", "cover_mark", "title", ":", ": ", "\n",
                          "\n  ", "  ", "- ", "{", "}", "[", "]", ",", "&a ", "*a", "<<: *a", "6x9in", "true", "x"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.lists(PIECES, max_size=30).map("".join))
def test_any_nesting_gets_an_answer_on_a_line_of_the_file(tmp_path, text):
    """Sections, aliases into them, merge keys, old and new names mixed: never a traceback, every
    problem on a line of the file, and a config only when no problem is an error."""
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    (folder / "book.yaml").write_text("title: T\nauthor: A\nlang: en\n" + text, encoding="utf-8")
    config, diags = load_config(folder)
    last = text.count("\n") + 5
    assert all(d.line is None or 1 <= d.line <= last for d in diags), [d.format() for d in diags]
    assert (config is None) == any(d.is_error for d in diags)
