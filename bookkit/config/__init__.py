"""`book.yaml`: one typed declaration per key, and its loading.

`schema.py` declares every key once, as a field of `Config` (parser, default, doc,
section); `parsers.py` holds the value parsers; `loading.py` reads a book's file
against the declaration and reports every problem at its line.
"""

from .loading import CONFIG_FILE, KNOWN_KEYS, load_config
from .parsers import CROSSREF_WORDS, LISTS, PAPERS, TRIM_SIZES, Isbn, isbn_is_valid
from .schema import MOVED, OPTIONS, SCHEMA, SECTIONS, Config, Option, Section, key, schema_markdown, shown_default

__all__ = [
    "CONFIG_FILE", "CROSSREF_WORDS", "KNOWN_KEYS", "LISTS", "MOVED", "OPTIONS", "PAPERS", "SCHEMA", "SECTIONS",
    "TRIM_SIZES", "Config", "Isbn", "Option", "Section", "isbn_is_valid", "key", "load_config", "schema_markdown",
    "shown_default",
]
