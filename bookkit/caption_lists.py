"""Lists of figures and tables for the front matter (`lists: [figures, tables]` in book.yaml).

Each entry is a caption's number, as the pipeline set it in the caption's label span
(`figure-label`, `table-label`: the number is read, never recomputed), the caption's
first sentence and the page it is on, linked to it. The entries come from the parts'
ASTs, so every output lists the same ones: `book.html` sets them after the contents
(print and screen PDF, preview), the EPUB's navigation document carries them as
`<nav epub:type="lof">` / `"lot"`. A figure or captioned table without an id gets one
(`<part>-figure-N`, `<part>-table-N`) so that its entry can link to it.

Page numbers: the screen PDF and a whole-book layout take them from `target-counter()`
(print.css); the print PDF is laid out in parts, so `incremental.py` writes each
entry's folio from its part's first page and the page of the part its id is on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .transforms import iter_nodes, stringify

#: book.yaml's names for the lists, their headings and the EPUB nav type
TITLES = {"figures": "Figures", "tables": "Tables"}
EPUB_TYPES = {"figures": "lof", "tables": "lot"}
_LABEL_CLASS = {"figures": "figure-label", "tables": "table-label"}


@dataclass(frozen=True)
class Entry:
    ident: str  # the id of the figure or table block
    label: str  # "Figure 3.2", as the caption has it
    text: str  # the caption's first sentence
    part: str  # slug of the part that holds it
    kind: str  # that part's kind: front, body or back


@dataclass(frozen=True)
class CaptionList:
    name: str  # figures or tables
    title: str
    entries: tuple[Entry, ...]

    @property
    def epub_type(self) -> str:
        return EPUB_TYPES[self.name]


def anchor_captions(parts) -> None:
    """Give every figure and captioned table of the parts an id, for the lists to link to."""
    for part in parts:
        counts = {"figures": 0, "tables": 0}
        for node, name in _captioned(part.body_ast):
            counts[name] += 1
            if not node["c"][0][0]:
                node["c"][0][0] = f"{part.slug}-{name[:-1]}-{counts[name]}"


def caption_lists(prepared) -> list[CaptionList]:
    """The lists book.yaml asks for, in its order, each with its entries in reading order."""
    wanted = prepared.book.config.lists
    if not wanted:
        return []  # called once a part laid out: a book without lists must not walk every part each time
    found: dict[str, list[Entry]] = {name: [] for name in wanted}
    for part in prepared.parts:
        for node, name in _captioned(part.body_ast):
            if name in found and node["c"][0][0]:
                label, text = _label_and_text(node, name)
                if label:
                    found[name].append(Entry(node["c"][0][0], label, text, part.slug, part.kind))
    return [CaptionList(name, TITLES[name], tuple(found[name])) for name in wanted]


def _captioned(ast: dict):
    """(node, "figures"|"tables") for each pandoc Figure and each `table-block` div (code.py)."""
    for node in iter_nodes(ast.get("blocks", [])):
        if node["t"] == "Figure":
            yield node, "figures"
        elif node["t"] == "Div" and "table-block" in node["c"][0][1]:
            yield node, "tables"


def _label_and_text(node: dict, name: str) -> tuple[str, str]:
    caption = node["c"][1][1] if name == "figures" else next(
        (b["c"][1] for b in node["c"][1] if b["t"] == "Div" and "table-caption" in b["c"][0][1]), [])
    label = ""
    for span in iter_nodes(caption):
        if span["t"] == "Span" and _LABEL_CLASS[name] in span["c"][0][1]:
            label = stringify(span["c"][1]).strip().rstrip(".:")
            break
    text = " ".join(stringify(b.get("c", [])) for b in caption if b.get("t") in ("Plain", "Para")).strip()
    if label and text.startswith(label):
        text = text[len(label):].lstrip(".: ")
    return label, first_sentence(text)


def first_sentence(text: str) -> str:
    """The caption up to the end of its first sentence (a list entry, not the whole caption)."""
    match = re.match(r"(.+?[.!?])(\s+[A-Z\u00C0-\u024F\"'“(]|$)", text, re.S)
    return (match.group(1) if match else text).strip()


def folio_css(lists: list[CaptionList], first_folio: dict[str, int], anchors: dict[str, list[list[str]]]) -> str:
    """Folio rules for the entries of parts laid out apart: the part's first folio plus the page
    within the part that holds the id. Entries of the front part keep `target-counter()`."""
    rules = []
    for entry in (e for caption_list in lists for e in caption_list.entries):
        if entry.part not in first_folio:
            continue
        page = next((k for k, ids in enumerate(anchors[entry.part]) if entry.ident in ids), None)
        if page is None:
            continue
        target = entry.ident.replace("\\", "\\\\").replace('"', '\\"')
        rules.append(f'.caption-list a[href="#{target}"]::after '
                     f'{{ content: leader(". ") "{first_folio[entry.part] + page}"; }}\n')
    return "".join(rules)


def held_ids(lists: list[CaptionList], parts: set[str]) -> list[str]:
    """Ids of the entries held by the given parts (the front matter links to them across parts)."""
    return [e.ident for caption_list in lists for e in caption_list.entries if e.part in parts]
