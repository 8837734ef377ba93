"""Index rules (issue 16): a see / see-also to a term nothing indexes (I001), near-duplicate terms (I002).

The marks are read from pandoc's AST by the same function the build uses
(`bookkit.index.find_marks`); the source is only searched for where each mark's
attribute block is (outside code, comments and math, via `bookkit.locate.Source`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from ..book import Book, Chapter
from ..diagnostics import Diagnostic, diagnostic, did_you_mean
from ..index import LEVEL_SEPARATOR, Mark, find_marks
from ..locate import Source

_ATTRS = re.compile(r"\{[^{}\n]*\.idx\b[^{}]*\}")


def _placed_marks(chapter: Chapter, ast: dict) -> list[tuple[Mark, int, int | None]]:
    """Each mark with the line and column of its `{.idx …}` attribute block.

    A mark's attribute block is found by its term and references, searching from the
    previous one (a note's marks are where the note is defined, so a miss starts over).
    """
    source = Source(chapter.text)
    blocks = [m for m in source.find_all(_ATTRS)]
    used: set[int] = set()
    out: list[tuple[Mark, int, int | None]] = []
    cursor = 0
    for mark in find_marks(ast):
        def fits(m: re.Match, mark: Mark = mark) -> bool:
            block = m.group(0)
            before = chapter.text[chapter.text.rfind("\n", 0, m.start()) + 1:m.start()]
            if m.start() in used or mark.is_range != bool(re.fullmatch(r" {0,3}:{3,}\s*", before)):
                return False
            if "term=" in block and LEVEL_SEPARATOR.join(mark.path) not in block:
                return False
            return all(v in block for v in (*mark.see, *mark.seealso))

        found = next((m for m in blocks if m.start() >= cursor and fits(m)), None) \
            or next((m for m in blocks if fits(m)), None)
        if found is None:
            out.append((mark, 1, None))
            continue
        used.add(found.start())
        cursor = found.end()
        line, column = source.position(found.start())
        out.append((mark, line, column))
    return out


def _folded(term: str) -> str:
    """A term with case, accents, a final plural s and punctuation taken out."""
    text = "".join(c for c in unicodedata.normalize("NFKD", term) if not unicodedata.combining(c)).casefold()
    words = [re.sub(r"(?<=[a-z])(es|s)$", "", w) for w in re.findall(r"\w+", text)]
    return " ".join(words)


def index_rules(book: Book, asts: Sequence[dict | None]) -> list[Diagnostic]:
    """I001 and I002 over the whole book (a see-reference may name a term of another chapter)."""
    placed = [(chapter, mark, line, column) for chapter, ast in zip(book.chapters, asts, strict=True) if ast is not None
              for mark, line, column in _placed_marks(chapter, ast)]
    terms: dict[str, tuple] = {}
    for chapter, mark, line, column in placed:
        for depth in range(1, len(mark.path) + 1):
            terms.setdefault(LEVEL_SEPARATOR.join(mark.path[:depth]), (chapter, line, column))
    diags: list[Diagnostic] = []
    for chapter, mark, line, column in placed:
        for kind, targets in (("see", mark.see), ("seealso", mark.seealso)):
            for target in targets:
                if target not in terms:
                    diags.append(diagnostic(chapter.path, line, "I001",
                                       f"index {kind}=\"{target}\" names a term that no mark indexes"
                                       f"{did_you_mean(target, terms)}", column))
    by_fold: dict[tuple, str] = {}
    for term, (chapter, line, column) in terms.items():
        parts = term.split(LEVEL_SEPARATOR)
        key = (tuple(parts[:-1]), _folded(parts[-1]))
        first = by_fold.setdefault(key, term)
        if first != term:
            diags.append(diagnostic(chapter.path, line, "I002",
                                 f"index term '{term}' differs from '{first}' only in case, accents or a plural; "
                                 "use one spelling", column))
    return diags
