"""The back-of-book index: marks in the chapters → sorted entries → the Index part.

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
anchors and the visible text is unchanged. `build_entries` collects the marks into a
tree of entries sorted by a collation that ignores case, accents and leading
punctuation, grouped by letter. `index_html` writes the Index as (X)HTML with the
EPUB Indexes 1.0 semantics; the print and screen PDFs give it the folio of each
anchor (ranges and consecutive pages merged), the EPUB and the preview label each
locator with its chapter.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field

from .convert import Converted

MARK_CLASS = "idx"
#: attributes of a mark that only the index reads
MARK_ATTRS = ("term", "see", "seealso", "sort")
LEVEL_SEPARATOR = "!"
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


def mark_index(parts: list[Converted]) -> IndexPart | None:
    """Anchor every mark of the parts' bodies and build the Index part (None when there are no marks).

    A span mark gets an id (`idx-<part>-<n>`); a range gets one on its div and an empty
    span at the end of its last paragraph for the range's last page. The index
    attributes are removed, so no output shows them.
    """
    root = Entry("")
    count = 0
    for part in parts:
        label = (f"{'app.' if 'appendix' in part.classes else 'ch.'} {part.number}" if part.number
                 else part.title)
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
    api = {"pandoc-api-version": parts[0].ast.get("pandoc-api-version"), "meta": {}}
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


def all_terms(entries: list[Entry], prefix: str = "") -> dict[str, Entry]:
    """Every entry by its full term (`Xiaomi!founding`)."""
    found: dict[str, Entry] = {}
    for entry in entries:
        term = prefix + entry.name
        found[term] = entry
        found.update(all_terms(entry.ordered(), term + LEVEL_SEPARATOR))
    return found


# --- writing the Index --------------------------------------------------------------------------

def folio(page: int, body_start: int | None) -> str:
    """The printed folio of a 0-based page index: roman before the body, arabic from it."""
    if body_start is not None and page >= body_start:
        return str(page - body_start + 1)
    return _roman(page + 1)


def _roman(n: int) -> str:
    out = ""
    for value, numeral in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                           (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out += numeral
            n -= value
    return out


def _link(anchor: str, text: str) -> str:
    return f'<a epub:type="index-locator" class="index-locator" href="#{html.escape(anchor)}">{html.escape(text)}</a>'


def _page_locators(locators: list[Locator], pages: dict[str, int], body_start: int | None) -> list[str]:
    """Page numbers, each a link: a range or a run of consecutive pages as `12–14`."""
    spans = []  # (first page, last page, anchor of the first, anchor of the last)
    for loc in locators:
        if loc.anchor not in pages:
            continue
        first = pages[loc.anchor]
        last = pages.get(loc.end, first) if loc.end else first
        spans.append((first, max(first, last), loc.anchor, loc.end or loc.anchor))
    spans.sort(key=lambda span: span[:2])  # stable: on one page, the first mark in the text is linked
    def in_body(page: int) -> bool:
        return body_start is not None and page >= body_start

    merged: list[list] = []
    for first, last, a, b in spans:
        if merged and first <= merged[-1][1] + 1 and in_body(first) == in_body(merged[-1][0]):
            if last > merged[-1][1]:
                merged[-1][1], merged[-1][3] = last, b
        else:
            merged.append([first, last, a, b])
    out = []
    for first, last, a, b in merged:
        text = _link(a, folio(first, body_start))
        if last > first:
            text += "–" + _link(b, folio(last, body_start))
        out.append(f'<span epub:type="index-locator-range" class="index-range">{text}</span>' if last > first else text)
    return out


def _chapter_locators(locators: list[Locator]) -> list[str]:
    """For the EPUB and the preview: one link per mark, labelled by its chapter (then 2, 3… within it)."""
    out, seen = [], {}
    for loc in locators:
        seen[loc.part] = seen.get(loc.part, 0) + 1
        label = loc.label if seen[loc.part] == 1 else f"{loc.label} ({seen[loc.part]})"
        out.append(_link(loc.anchor, label))
    return out


def index_html(entries: list[Entry], pages: dict[str, int] | None = None, body_start: int | None = None) -> str:
    """The Index as XHTML (well-formed, for the EPUB too): letter groups of entry lists.

    With `pages` (anchor → 0-based page index in the print layout) the locators are
    folios; without, chapter labels.
    """
    groups: dict[str, list[Entry]] = {}
    for entry in entries:
        groups.setdefault(letter_group(entry), []).append(entry)
    out = ['<div class="index-body">']
    for letter, members in sorted(groups.items(), key=lambda g: (g[0] == "#", g[0])):
        name = "Symbols and numerals" if letter == "#" else letter
        gid = "index-group-" + ("other" if letter == "#" else letter.lower())
        out.append(f'<section epub:type="index-group" class="index-group" id="{gid}" aria-labelledby="{gid}-h">')
        out.append(f'<h2 class="index-letter" id="{gid}-h">{html.escape(name)}</h2>')
        out.append(_entry_list(members, pages, body_start))
        out.append("</section>")
    out.append("</div>")
    return "\n".join(out) + "\n"


def _entry_list(entries: list[Entry], pages, body_start) -> str:
    items = []
    for entry in entries:
        locs = _page_locators(entry.locators, pages, body_start) if pages is not None else _chapter_locators(entry.locators)
        text = f'<span epub:type="index-term" class="index-term">{html.escape(entry.name)}</span>'
        if locs:
            text += ", " + ", ".join(locs)
        if entry.see:
            text += ('. <span epub:type="index-xref-preferred" class="index-see"><i>See</i> '
                     + "; ".join(html.escape(s.replace(LEVEL_SEPARATOR, ": ")) for s in entry.see) + "</span>")
        if entry.seealso:
            text += ('. <span epub:type="index-xref-related" class="index-see-also"><i>See also</i> '
                     + "; ".join(html.escape(s.replace(LEVEL_SEPARATOR, ": ")) for s in entry.seealso) + "</span>")
        if entry.children:
            text += "\n" + _entry_list(entry.ordered(), pages, body_start)
        items.append(f'<li epub:type="index-entry" class="index-entry">{text}</li>')
    return '<ul epub:type="index-entry-list" class="index-entries">\n' + "\n".join(items) + "\n</ul>"


def numbered_index(part: IndexPart, pages: dict[str, int], body_start: int | None) -> IndexPart:
    """The Index part with page numbers for its locators (print and screen PDFs)."""
    from dataclasses import replace

    return replace(part, body_html=index_html(part.entries, pages, body_start))


def anchors(entries: list[Entry]) -> set[str]:
    """Every anchor the Index links to."""
    return {a for e in all_terms(entries).values() for loc in e.locators for a in (loc.anchor, loc.end) if a}


def anchor_pages(page_anchors: list[list[str]], wanted: set[str], first_page: int = 0) -> dict[str, int]:
    """Index anchors → book page index, from a layout's per-page anchors (a range's div is on
    each page it spans: its first is the one)."""
    found: dict[str, int] = {}
    for i, names in enumerate(page_anchors):
        for name in names:
            if name in wanted:
                found.setdefault(name, first_page + i)
    return found
