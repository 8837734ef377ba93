"""`bookkit new DIR`: start a book that builds at once.

The sample files (two chapters, a bibliography, a figure, a stylesheet) are package
data under `bookkit/data/new/`, copied as they are. Only `book.yaml` is written
here, from `config.SCHEMA`, so the file a new author sees lists every key the
toolkit knows, in its section, with its default as `--help` shows it, and cannot
drift from the schema.
"""

from __future__ import annotations

import re
import textwrap
import unicodedata
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from .config import CONFIG_FILE, OPTIONS, SCHEMA, Option, Section, shown_default
from .diagnostics import UsageError

#: Package data that `new` copies; `gitignore` becomes `.gitignore` (a dot file would
#: not survive packaging).
SAMPLE = "data/new"
RENAMED = {"gitignore": ".gitignore"}
DEFAULT_AUTHOR = "Your Name"
DEFAULT_LANG = "en-US"

_HEADER = """\
# book.yaml: the settings of this book.
#
# title, author and lang are required. Every other key bookkit knows is listed
# below, commented out: the value shown is what the book gets without it (none
# where it is blank). Remove the '# ' in front of a key to set it, and in front
# of its section ('pdf:', 'epub:', 'cover:') for a key listed under one.
# `bookkit --help` lists the keys too.
"""


def _parse(key: str, value: Any, option: str) -> Any:
    """`value` checked by the same parser book.yaml's `key` goes through."""
    parse = next(opt.parse for opt in OPTIONS if opt.path == key)
    texts = value if isinstance(value, list) else [value]
    if any(isinstance(v, str) and any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in v) for v in texts):
        raise UsageError(f"{option}: a control character or line break cannot stand in a title or name")
    try:
        return parse(value)
    except ValueError as exc:
        shown = value[0] if isinstance(value, list) and len(value) == 1 else value
        raise UsageError(f"{option} {shown!r}: {exc}") from None


def default_title(folder: Path) -> str:
    """'my-first-book' → 'My First Book'."""
    words = re.sub(r"[-_.\s]+", " ", folder.resolve().name).split()
    return " ".join(w[:1].upper() + w[1:] for w in words) or "Untitled Book"


def _scalar(value: Any) -> str:
    """`value` as YAML flow text, quoted only where YAML needs it."""
    if isinstance(value, tuple):
        value = list(value)
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10_000)
    return text.removesuffix("\n").removesuffix("\n...").strip()


def _commented(opt: Option, indent: str) -> str:
    """A key left at its default: its doc, then the key commented out with the default shown."""
    doc = "\n".join(f"#{indent} # {line}" if indent else f"# {line}" for line in textwrap.wrap(opt.doc, 86))
    shown = shown_default(opt)
    return f"{doc}\n#{indent} {opt.name}:{' ' + shown if shown else ''}\n"


def book_yaml(title: str, authors: tuple[str, ...], lang: str) -> str:
    """The text of a new book.yaml: the given values, then every other key and section with its default."""
    given = {"title": title, "author": authors[0] if len(authors) == 1 else list(authors), "lang": lang}
    parts = [_HEADER]
    for entry in SCHEMA:
        if isinstance(entry, Section):
            doc = "\n".join("# " + line for line in textwrap.wrap(entry.doc, 86))
            parts.append(f"{doc}\n# {entry.name}:\n" + "".join(_commented(opt, "  ") for opt in entry.options))
        elif entry.name in given:
            doc = "\n".join("# " + line for line in textwrap.wrap(entry.doc, 86))
            parts.append(f"{doc}\n{entry.name}: {_scalar(given[entry.name])}\n")
        else:
            parts.append(_commented(entry, ""))
    return "\n".join(parts)


def create_book(folder: Path, title: str | None = None, authors: list[str] | None = None,
                lang: str | None = None) -> list[str]:
    """Write a new book into `folder` (absent or empty); returns the files written, relative to it."""
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"'{folder}' exists and is not a folder")
    if folder.is_dir() and any(folder.iterdir()):
        raise UsageError(f"'{folder}' is not empty; give a new folder (bookkit new never overwrites files)")
    title = _parse("title", title if title is not None else default_title(folder), "--title")
    author = _parse("author", authors if authors else DEFAULT_AUTHOR, "--author")
    lang = _parse("lang", lang if lang is not None else DEFAULT_LANG, "--lang")

    folder.mkdir(parents=True, exist_ok=True)
    (folder / CONFIG_FILE).write_text(book_yaml(title, author, lang), encoding="utf-8")
    written = [CONFIG_FILE]
    sample = resources.files("bookkit").joinpath(SAMPLE)
    for source, rel in _walk(sample, ""):
        target = folder / RENAMED.get(rel, rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes())
        written.append(RENAMED.get(rel, rel))
    return sorted(written)


def _walk(node, prefix: str):
    for child in sorted(node.iterdir(), key=lambda c: c.name):
        rel = f"{prefix}{child.name}"
        if child.name.startswith(".") or child.name == "__pycache__":
            continue
        if child.is_dir():
            yield from _walk(child, rel + "/")
        else:
            yield child, rel
