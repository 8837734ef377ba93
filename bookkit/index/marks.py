"""Index marks in the chapters, and anchoring them: the first step of the back-of-book index.

A mark is a span or a div with the class `idx` (see README, "Index"):

    [Xiaomi]{.idx}                      the text is the term
    [the company]{.idx term="Xiaomi"}   the term is given
    [IPO]{.idx term="Xiaomi!listing"}   a sub-entry (`!` separates the levels)
    [Mi]{.idx term="Mi" see="Xiaomi"}   a cross-reference (`seealso=` for "see also")
    ::: {.idx term="MIUI"}              a range over a passage: its first and last page
    …
    :::

pandoc reads the marks into the AST; `mark_index` gives each one an anchor id
(`idx-<part>-<n>`) and strips the index attributes, so every output carries the same
anchors and the visible text is unchanged, and collects the marks into the tree of
entries (entries.py) the Index part is written from (writing.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..convert import Converted
from .entries import LEVEL_SEPARATOR, Entry, IndexPart, Locator
from .writing import index_html

MARK_CLASS = "idx"
#: attributes of a mark that only the index reads
MARK_ATTRS = ("term", "see", "seealso", "sort")
INDEX_SLUG = "index"
INDEX_TITLE = "Index"


@dataclass
class Mark:
    """One index mark as the chapter holds it (before anchoring)."""

    path: tuple[str, ...]  # the term and its sub-entries
    see: list[str]
    seealso: list[str]
    sort: str
    text: str  # the marked text as printed
    is_range: bool
    node: dict = field(repr=False, default_factory=dict)


def _attrs(node: dict) -> tuple[str, list[str], dict[str, str]]:
    ident, classes, pairs = node["c"][0]
    return ident, classes, dict(pairs)


def _plain(inlines) -> str:
    """The text of inlines (notes and citations left out: they are not part of a term)."""
    out: list[str] = []

    def walk(item):
        if isinstance(item, list):
            for child in item:
                walk(child)
        elif isinstance(item, dict):
            kind = item.get("t")
            if kind == "Str":
                out.append(item["c"])
            elif kind in ("Space", "SoftBreak", "LineBreak"):
                out.append(" ")
            elif kind in ("Note", "Cite", "RawInline", "Math"):
                return
            elif kind == "Code":
                out.append(item["c"][1])
            elif kind in ("Span", "Link", "Image"):
                walk(item["c"][1])
            elif kind == "Quoted":
                out.append("“")
                walk(item["c"][1])
                out.append("”")
            elif "c" in item:
                walk(item["c"])

    walk(inlines)
    return re.sub(r"\s+", " ", "".join(out)).strip()


def split_term(term: str) -> tuple[str, ...]:
    return tuple(level.strip() for level in term.split(LEVEL_SEPARATOR) if level.strip())


def _refs(value: str | None) -> list[str]:
    """`see="A; B"` names two targets."""
    return [v.strip() for v in (value or "").split(";") if v.strip()]


def _mark(node: dict) -> Mark | None:
    if node.get("t") not in ("Span", "Div"):
        return None
    _, classes, attrs = _attrs(node)
    if MARK_CLASS not in classes:
        return None
    is_range = node["t"] == "Div"
    text = "" if is_range else _plain(node["c"][1])
    path = split_term(attrs.get("term", text))
    return Mark(path, _refs(attrs.get("see")), _refs(attrs.get("seealso")), attrs.get("sort", "").strip(),
                text, is_range, node)


def find_marks(ast: dict) -> list[Mark]:
    """Every mark of a chapter's AST in document order (a note's marks at its call)."""
    marks: list[Mark] = []

    def walk(item):
        if isinstance(item, list):
            for child in item:
                walk(child)
        elif isinstance(item, dict):
            mark = _mark(item)
            if mark is not None:
                marks.append(mark)
            if item.get("t") in ("Code", "CodeBlock", "RawInline", "RawBlock", "Math"):
                return
            if "c" in item:
                walk(item["c"])

    walk(ast.get("blocks", []))
    return marks


def mark_index(parts: list[Converted]) -> IndexPart | None:
    """Anchor every mark of the parts' bodies and build the Index part (None when there are no marks).

    A span mark gets an id (`idx-<part>-<n>`); a range gets one on its div and an empty
    span at the end of its last paragraph for the range's last page. The index
    attributes are removed, so no output shows them.
    """
    root = Entry("")
    count = 0
    for part in parts:
        label = (f"{'app.' if 'appendix' in part.classes else 'ch.'}\u00a0{part.number}" if part.number
                 else part.title)  # a no-break space: "ch. 2" never breaks
        for n, mark in enumerate(find_marks(part.body_ast), start=1):
            if not mark.path:
                continue
            count += 1
            ident, classes, attrs = _attrs(mark.node)
            anchor = ident or f"idx-{part.slug}-{n}"
            end = _add_end(mark.node, anchor + "-end") if mark.is_range else None
            mark.node["c"][0] = [anchor, classes, [[k, v] for k, v in attrs.items() if k not in MARK_ATTRS]]
            entry = root
            for level in mark.path:
                entry = entry.children.setdefault(level, Entry(level))
            if mark.sort:
                entry.sort = mark.sort
            entry.see += [s for s in mark.see if s not in entry.see]
            entry.seealso += [s for s in mark.seealso if s not in entry.seealso]
            if mark.see:
                continue  # "see" sends the reader elsewhere: no page of its own
            entry.locators.append(Locator(anchor, end, part.slug, label))
    if not count:
        return None
    body = {"t": "RawBlock", "c": ["html", index_html(root.ordered())]}
    api: dict = {"pandoc-api-version": parts[0].ast.get("pandoc-api-version"), "meta": {}}
    return IndexPart(
        chapter=None, slug=INDEX_SLUG, title=INDEX_TITLE, title_html=INDEX_TITLE, classes=("unnumbered", "index"),
        number=None, kind="back", ast={**api, "blocks": [body]},
        title_ast={**api, "blocks": [{"t": "Plain", "c": [{"t": "Str", "c": INDEX_TITLE}]}]},
        body_ast={**api, "blocks": [body]}, entries=root.ordered())


def _add_end(div: dict, ident: str) -> str | None:
    """An empty span with `ident` at the end of the div's last paragraph (a range's last page)."""
    blocks = div["c"][1]
    while blocks and blocks[-1]["t"] in ("Div", "BlockQuote"):
        blocks = blocks[-1]["c"][1] if blocks[-1]["t"] == "Div" else blocks[-1]["c"]
    if blocks and blocks[-1]["t"] in ("Para", "Plain"):
        blocks[-1]["c"].append({"t": "Span", "c": [[ident, [], []], []]})
        return ident
    return None


