"""The index's entries: a tree of terms and their locators, its sort order and letter groups.

`marks.mark_index` fills the tree from the chapters' marks; `writing.py` writes it as the
Index. An entry's path is its term and sub-entries (`Xiaomi!founding`: LEVEL_SEPARATOR).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ..convert import Converted

LEVEL_SEPARATOR = "!"


@dataclass
class Locator:
    anchor: str  # id of the mark (the start of a range)
    end: str | None  # id of the range's end marker
    part: str  # slug of the part holding it
    label: str  # the part's label for the EPUB and the preview: its number or title


@dataclass
class Entry:
    name: str
    sort: str = ""
    locators: list[Locator] = field(default_factory=list)
    see: list[str] = field(default_factory=list)
    seealso: list[str] = field(default_factory=list)
    children: dict[str, Entry] = field(default_factory=dict)

    def ordered(self) -> list[Entry]:
        return sorted(self.children.values(), key=lambda e: collation_key(e.sort or e.name))


@dataclass
class IndexPart(Converted):
    """The generated Index: a back-matter part whose body is written from its entries."""

    entries: list[Entry] = field(default_factory=list)


def collation_key(text: str) -> tuple:
    """Sort order: case, accents and leading punctuation ignored; letters before digits' words
    sort as their characters (a CJK term sorts after the Latin ones)."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    folded = re.sub(r"^[^\w]+", "", folded).casefold()
    return (folded, text)


def letter_group(entry: Entry) -> str:
    """The entry's letter group: its initial, or "Symbols and numerals"."""
    key = collation_key(entry.sort or entry.name)[0]
    first = key[:1].upper()
    return first if "A" <= first <= "Z" else "#"


def all_terms(entries: list[Entry], prefix: str = "") -> dict[str, Entry]:
    """Every entry by its full term (`Xiaomi!founding`)."""
    found: dict[str, Entry] = {}
    for entry in entries:
        term = prefix + entry.name
        found[term] = entry
        found.update(all_terms(entry.ordered(), term + LEVEL_SEPARATOR))
    return found
