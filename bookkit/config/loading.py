"""Reading `book.yaml` into a `Config`: every problem in one pass, at its line.

Loading never stops at the first problem and never falls back silently: an unknown
key, at the top or inside a section, is reported by name with a did-you-mean; a bad
value says why; a key given twice in one mapping is an error (PyYAML would keep the
last one silently); a key that moved into a section is still read under its old name,
with a warning naming the new place, and an error when both places are given.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .. import yaml_errors
from ..diagnostics import Diagnostic, diagnostic, did_you_mean
from .schema import MOVED, SCHEMA, Config, Option, Section

CONFIG_FILE = "book.yaml"

#: the top-level keys: keys and sections
KNOWN_KEYS = {entry.name for entry in SCHEMA}
_SECTIONS = {entry.name: entry for entry in SCHEMA if isinstance(entry, Section)}
_TOP = {entry.name: entry for entry in SCHEMA if isinstance(entry, Option)}
_MERGE = "tag:yaml.org,2002:merge"

#: a key's place in book.yaml: path ('pdf.trim', 'chapters.0') → (line, column), both from 1
Places = dict[str, tuple[int, int]]


def load_config(book_dir: Path, strict: bool = False) -> tuple[Config | None, list[Diagnostic]]:
    """Read and validate book.yaml; returns (config or None, diagnostics)."""
    path = book_dir / CONFIG_FILE
    if not path.is_file():
        return None, [diagnostic(CONFIG_FILE, None, "Y004",
                                 "book.yaml not found; it needs at least title, author and lang")]
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        bad_line = path.read_bytes()[: exc.start].count(b"\n") + 1
        return None, [diagnostic(CONFIG_FILE, bad_line, "Y001", "book.yaml is not valid UTF-8")]
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        line, column, message = yaml_errors.locate(text, exc)
        return None, [diagnostic(CONFIG_FILE, line, "Y001", message, column)]
    if data is None:
        data, node = {}, None
    if not isinstance(data, dict):
        return None, [diagnostic(CONFIG_FILE, 1, "Y001", "book.yaml must be a mapping of keys to values "
                                                   "('key: value' lines), not a list or a single value")]

    places: Places = {}
    diags = _find_places(node, "", places, set())
    values, read = _Reader(places, strict).read(data)
    diags += read
    lines = {where: line for where, (line, _) in places.items()}
    for old, opt in MOVED.items():
        if old in places and opt.path not in places:
            lines[opt.path] = places[old][0]
    diags += _vet_paths(book_dir, values, lines)
    if any(d.is_error for d in diags):
        return None, diags
    return Config(**values, lines=lines), diags


def _find_places(node: yaml.Node | None, prefix: str, places: Places, seen: set[int]) -> list[Diagnostic]:
    """Record where each key and list item is, and report a key given twice in one mapping.

    Each node is visited once: an alias shares its anchor's node, and YAML may nest an anchor
    inside itself.
    """
    if node is None or id(node) in seen:
        return []
    seen.add(id(node))
    diags = []
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _MERGE:
                continue
            where = f"{prefix}{key_node.value}"
            mark = key_node.start_mark
            if where in places:
                inside = f" in '{prefix[:-1]}'" if prefix else ""
                diags.append(diagnostic(CONFIG_FILE, mark.line + 1, "Y001",
                                        f"key '{key_node.value}' appears twice{inside} "
                                        f"(first on line {places[where][0]}); keep one of them"))
            places[where] = (mark.line + 1, mark.column + 1)
            diags += _find_places(value_node, where + ".", places, seen)
    elif isinstance(node, yaml.SequenceNode):
        for number, item in enumerate(node.value):
            places.setdefault(f"{prefix}{number}", (item.start_mark.line + 1, item.start_mark.column + 1))
            diags += _find_places(item, f"{prefix}{number}.", places, seen)
    return diags


class _Reader:
    """Checks the keys of the loaded mapping against SCHEMA and parses their values."""

    def __init__(self, places: Places, strict: bool):
        self.places = places
        self.strict = strict
        self.values: dict[str, Any] = {}
        self.diags: list[Diagnostic] = []

    def read(self, data: dict[Any, Any]) -> tuple[dict[str, Any], list[Diagnostic]]:
        for name, value in data.items():
            written = str(name)
            if written in _SECTIONS:
                self._section(_SECTIONS[written], value)
            elif written in _TOP:
                self._value(_TOP[written], written, written, value)
            elif written in MOVED:
                self._moved(MOVED[written], data, value)
            else:
                self._unknown(written, written, KNOWN_KEYS | set(MOVED))
        for opt in _TOP.values():
            if opt.required and data.get(opt.name) is None:
                self.diags.append(diagnostic(CONFIG_FILE, None, "Y004", f"required key '{opt.name}' is missing "
                                                                   f"(e.g. {opt.name}: {opt.example})"))
        return self.values, self.diags

    def _section(self, section: Section, value: Any) -> None:
        if value is None:
            return
        known = {opt.name: opt for opt in section.options}
        if not isinstance(value, dict):
            self._bad(section.name, f"expected the keys of '{section.name}:' under it, such as "
                                    f"{section.name}: {{{section.options[0].name}: ...}}; its keys: {', '.join(known)}")
            return
        for name, sub in value.items():
            path = f"{section.name}.{name}"
            if str(name) in known:
                self._value(known[str(name)], str(name), path, sub)
            else:
                self._unknown(str(name), path, known, inside=section.name)

    def _moved(self, opt: Option, data: dict[Any, Any], value: Any) -> None:
        line, column = self.places.get(opt.moved_from, (None, None))
        section = data.get(opt.section)
        if value is not None and isinstance(section, dict) and section.get(opt.name) is not None:
            new_line = self.places.get(opt.path, (None, None))[0]
            self.diags.append(diagnostic(CONFIG_FILE, line, "Y006",
                                         f"'{opt.moved_from}' is given twice: here, under its old name, and as "
                                         f"'{opt.section}: {opt.name}' on line {new_line}; keep the one under "
                                         f"'{opt.section}:'", column))
            return
        self.diags.append(diagnostic(CONFIG_FILE, line, "Y005", f"'{opt.moved_from}' has moved: write it as "
                                                             f"'{opt.written}'", column))
        self._value(opt, opt.moved_from, opt.moved_from, value)

    def _value(self, opt: Option, written: str, path: str, value: Any) -> None:
        if value is None:  # a key with no value is a key not given
            return
        try:
            self.values[opt.attr] = opt.parse(value)
        except ValueError as exc:
            self._bad(written, str(exc), path)

    def _bad(self, written: str, why: str, path: str = "") -> None:
        line = self.places.get(path or written, (None, None))[0]
        self.diags.append(diagnostic(CONFIG_FILE, line, "Y003", f"bad value for '{written}': {why}"))

    def _unknown(self, written: str, path: str, choices: Any, inside: str = "") -> None:
        where = f" in '{inside}'" if inside else ""
        line = self.places.get(path, (None, None))[0]
        unknown = diagnostic(CONFIG_FILE, line, "Y002",
                             f"unknown key '{written}'{where}{did_you_mean(written, choices)}")
        self.diags.append(unknown.as_error() if self.strict else unknown)


def _vet_paths(book_dir: Path, values: dict[str, Any], lines: dict[str, int]) -> list[Diagnostic]:
    """The resource gate over the files book.yaml names (relative to the book folder).

    A refused path is reported at its line (at the file itself for a default name), so
    one run reports every problem in book.yaml; `values` gets the normalised
    book-relative form. A missing chapter or bibliography is left to their loaders
    (S003, B004).
    """
    from ..bibliography import is_csl_file, vet_csl
    from ..resources import book_relative, vet_path

    diags: list[Diagnostic] = []
    for number, listed in enumerate(values.get("chapters", ())):
        refused = vet_path(book_dir, listed, "", "chapter", "S003")
        if refused and refused[0] != "S003":  # a missing chapter is S003, reported with the chapters
            diags.append(diagnostic(CONFIG_FILE, lines.get(f"chapters.{number}", lines.get("chapters")), *refused))
    bib = values.get("bibliography", "bibliography.bib")
    refused = vet_path(book_dir, bib, "", "bibliography", "B004")
    if refused and refused[0] != "B004":
        given = "bibliography" in values
        diags.append(diagnostic(CONFIG_FILE if given else bib, lines.get("bibliography") if given else None, *refused))
    elif "bibliography" in values:
        values["bibliography"] = book_relative(bib, "")
    csl = values.get("csl", "")
    if is_csl_file(csl):
        refused = vet_csl(book_dir, csl)
        if refused:
            code, message = refused
            diags.append(diagnostic(CONFIG_FILE, lines.get("csl"), code,
                               f"bad value for 'csl': {message}" if code == "Y003" else message))
        else:
            values["csl"] = book_relative(csl, "")
    return diags
