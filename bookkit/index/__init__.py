"""The back-of-book index: marks in the chapters → sorted entries → the Index part.

`marks.py` reads the marks (`[Xiaomi]{.idx}`, see README, "Index") and anchors them;
`entries.py` holds the tree of entries, its collation and letter groups; `writing.py`
writes the Index with EPUB Indexes 1.0 semantics, with folios for the PDFs or chapter
labels for the EPUB and the preview. This module names what the rest of bookkit uses.
"""

from .entries import LEVEL_SEPARATOR, Entry, IndexPart, Locator, all_terms, collation_key, letter_group
from .marks import INDEX_SLUG, INDEX_TITLE, MARK_ATTRS, MARK_CLASS, Mark, find_marks, mark_index, split_term
from .writing import anchor_pages, anchors, folio, index_html, numbered_index

__all__ = ["INDEX_SLUG", "INDEX_TITLE", "LEVEL_SEPARATOR", "MARK_ATTRS", "MARK_CLASS", "Entry", "IndexPart",
           "Locator", "Mark", "all_terms", "anchor_pages", "anchors", "collation_key", "find_marks", "folio",
           "index_html", "letter_group", "mark_index", "numbered_index", "split_term"]
