"""book.yaml syntax errors: at the line of the mistake, in plain words, with a fix.

Each `tests/books/broken-yaml*/` book has one YAML mistake and its expect.yaml holds the
one line `check` must print for it (test_hostile.py runs them as well, for exit code and
no traceback); here the printed problems must be exactly that line. The mistakes are the
ones authors make: an unclosed quote (PyYAML reports the end of the file), a value with
': ', a tab, `key:value`, a list item out of line, an apostrophe in single quotes, a key
given twice.
"""

from __future__ import annotations

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bookkit.config import load_config
from conftest import BOOKS, run_cli
from test_check import problems

CASES = sorted(p.name for p in BOOKS.iterdir() if p.name.startswith("broken-yaml"))


def test_there_are_several_cases():
    assert len(CASES) >= 7


@pytest.mark.parametrize("name", CASES)
def test_check_prints_the_mistake_at_its_line(book_copy, name):
    book = book_copy(name)
    expect = yaml.safe_load((book / "expect.yaml").read_text(encoding="utf-8"))
    result = run_cli("check", "--book", str(book))
    assert result.code == 1
    assert "Traceback" not in result.err
    assert problems(result.err) == expect["stderr"]


def test_the_unclosed_quote_of_the_issue_is_reported_where_it_opens(tmp_path):
    """Issue 13: an unclosed quote on line 3 was 'book.yaml:12: … found unexpected end of stream'."""
    lines = ["title: A Book", "author: Jane Doe", 'subtitle: "Notes on Things', "lang: en-US",
             *(f"# comment {n}" for n in range(8))]
    (tmp_path / "book.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    config, diags = load_config(tmp_path)
    assert config is None
    assert [d.format() for d in diags] == [
        'book.yaml:3:11: error[Y001]: the quote (") that opens this value is never closed; '
        'end the value with a matching " on the same line']


@pytest.mark.parametrize("text, where, words", [
    ("title: A\nauthor: B\nlang: [en\n", (3, 7), "the '[' that opens this value is never closed with ']'"),
    ("title: A\nauthor: B\nisbn: {print: 1\n", (3, 7), "the '{' that opens this value is never closed with '}'"),
    ("title: A\n  author: B\nlang: en\n", (2, None), "indented further than the key above it"),
    ("title:A Book\nauthor: B\nlang: en\n", (1, 6), "missing space after ':' in 'title:A Book'; write 'title: A Book'"),
    ("title: @home\nauthor: B\n", (1, 8), "a value cannot begin with '@'; put the value in quotes: title: \"@home\""),
    ("title: *stars\nauthor: B\n", (1, 8), "a value cannot begin with '*'"),
    ('title: "A" Book\nauthor: B\n', (1, 12), "text follows the closing quote of the value; put the value in "
                                             "quotes: title: '\"A\" Book'"),
    ("title: [Draft] A Book\nauthor: B\n", (1, 16), 'title: "[Draft] A Book"'),
    ('title: "A\nauthor: "B"\nlang: en\n', (1, 8), "closes only on line 2"),
    ('title: "C:\\path"\n', (1, 12), "write \\\\ for a backslash"),
    ("title: a\n---\ntitle: b\n", (2, 1), "more than one YAML document"),
    ("isbn:\n    print: 1\n  ebook: 2\n", (3, 3), "this key is not in line with the keys above it"),
    ("title: !tag x\n", (1, 8), "a value cannot begin with '!'"),
    ("description: |\nNot indented.\n", (2, 1), "this line is not a 'key: value' pair"),
    ("description: > Some text\n", (1, 14), "after '>' a block of text starts on the next line"),
    ("title: ]x\n", (1, 8), "a value cannot begin with ']'"),
    ("author: - A\n", (1, 9), "a '- ' list item must start a line of its own"),
    ("author: A\n- B\n", (2, 1), "this list item is out of line"),
])
def test_yaml_mistakes_in_plain_words(tmp_path, text, where, words):
    (tmp_path / "book.yaml").write_text(text, encoding="utf-8")
    config, diags = load_config(tmp_path)
    assert config is None
    [diag] = diags
    assert (diag.code, diag.line, diag.column) == ("Y001", *where), diag.format()
    assert words in diag.message
    assert "found unexpected" not in diag.message and "<block end>" not in diag.message


PIECES = st.sampled_from(["title", "author", ":", ": ", " ", "  ", "\t", "\n", "- ", "'", '"', "[", "]", "{", "}",
                          "#", "&a", "*a", "!x", "|", ">", "---", "\\", "@", "`", ",", "x", "雷"])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.lists(PIECES, max_size=40).map("".join) | st.text(max_size=60))
def test_any_text_gets_an_answer_on_a_line_of_the_file(tmp_path, text):
    (tmp_path / "book.yaml").write_text(text, encoding="utf-8")
    config, diags = load_config(tmp_path)  # never raises
    last = text.count("\n") + 2  # PyYAML's end-of-stream mark may sit after a final line break
    for diag in diags:
        assert diag.line is None or 1 <= diag.line <= last, diag.format()
