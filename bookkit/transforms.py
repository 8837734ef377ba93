"""Small passes over pandoc's JSON AST, between conversion and rendering.

Each pass has one job (resolve image paths, turn data-driven figure blocks into
figures, number figures, collect citations) and works the same for every output.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Callable, Iterator
from typing import Any

from .mathml import plain_text, raw_plain_text

Node = dict[str, Any]


def iter_nodes(node: Any) -> Iterator[Node]:
    """Every AST element (a dict with a "t" key), depth first, in document order."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "t" in item:
                yield item
            if "c" in item:
                stack.append(item["c"])
            elif "blocks" in item:
                stack.append(item["blocks"])
        elif isinstance(item, list):
            stack.extend(reversed(item))


def map_blocks(blocks: list, fn: Callable[[Node], list | None]) -> list:
    """Replace blocks (recursively) by fn(block) when it returns a list."""
    out = []
    for block in blocks:
        replaced = fn(block)
        if replaced is not None:
            out.extend(replaced)
            continue
        if block.get("t") in ("Div", "BlockQuote", "Figure"):
            content = block["c"]
            if block["t"] == "BlockQuote":
                block["c"] = map_blocks(content, fn)
            else:
                content[-1] = map_blocks(content[-1], fn)
        out.append(block)
    return out


def stringify(inlines: list) -> str:
    parts = []
    for node in iter_nodes(inlines):
        t = node["t"]
        if t == "Str":
            parts.append(node["c"])
        elif t in ("Space", "SoftBreak", "LineBreak"):
            parts.append(" ")
        elif t == "Note":
            continue
        elif t == "Math":  # a title's formula as text: the contents, navigation, running head
            parts.append(plain_text(node["c"][1]))
        elif t == "RawInline" and node["c"][0] == "html":  # a formula typeset_math has replaced
            parts.append(raw_plain_text(node["c"][1]) or "")
    return "".join(parts)


def cited_keys(ast: Any) -> list[str]:
    """Citation keys in order of first use."""
    seen: dict[str, None] = {}
    for node in iter_nodes(ast):
        if node["t"] == "Cite":
            for citation in node["c"][0]:
                seen.setdefault(citation["citationId"], None)
    return list(seen)


def count(ast: Any, kind: str) -> int:
    return sum(1 for node in iter_nodes(ast) if node["t"] == kind)


def split_title(ast: dict) -> tuple[Node | None, list]:
    """The chapter's first level-1 header and the remaining blocks."""
    blocks = ast["blocks"]
    for index, block in enumerate(blocks):
        if block["t"] == "Header" and block["c"][0] == 1:
            return block, blocks[:index] + blocks[index + 1:]
    return None, blocks


def resolve_images(ast: Any, chapter_dir: str) -> list[str]:
    """Make image paths relative to the book root; returns the resolved paths."""
    found = []
    for node in iter_nodes(ast):
        if node["t"] == "Image":
            target = node["c"][2]
            src = target[0]
            if not _is_external(src) and not src.startswith("/"):
                src = posixpath.normpath(posixpath.join(chapter_dir, src)) if chapter_dir else posixpath.normpath(src)
                target[0] = src
            found.append(src)
    return found


def _is_external(src: str) -> bool:
    return ":" in src.split("/")[0]


def para(text: str) -> Node:
    return {"t": "Para", "c": str_inlines(text)}


def str_inlines(text: str) -> list:
    out: list = []
    for i, word in enumerate(text.split(" ")):
        if i:
            out.append({"t": "Space"})
        if word:
            out.append({"t": "Str", "c": word})
    return out


def figure(ident: str, src: str, alt: str, caption: list, classes: list[str]) -> Node:
    """A pandoc Figure holding one image (numbered later by number_figures)."""
    image = {"t": "Image", "c": [["", [], []], str_inlines(alt), [src, ""]]}
    return {
        "t": "Figure",
        "c": [[ident, classes, []], [None, [{"t": "Plain", "c": caption}]], [{"t": "Plain", "c": [image]}]],
    }


def number_figures(ast: dict, chapter_number: int | str | None, word: str = "Figure") -> dict[str, str]:
    """Prefix the captions of a chapter's figures with 'Figure C.N.' (N counts per chapter; a
    part without a chapter number has plain N); returns label → number of those with an id."""
    numbers: dict[str, str] = {}
    count = 0
    for node in iter_nodes(ast):
        if node["t"] != "Figure":
            continue
        count += 1
        number = f"{chapter_number}.{count}" if chapter_number else str(count)
        if node["c"][0][0]:
            numbers[node["c"][0][0]] = number
        caption_blocks = node["c"][1][1]
        if any(n["t"] == "Span" and "figure-label" in n["c"][0][1] for n in iter_nodes(caption_blocks)):
            continue
        label = {"t": "Span", "c": [["", ["figure-label"], []], str_inlines(f"{word} {number}.")]}
        if caption_blocks and caption_blocks[0]["t"] in ("Plain", "Para"):
            caption_blocks[0]["c"][:0] = [label, {"t": "Space"}]
        else:
            caption_blocks.insert(0, {"t": "Plain", "c": [label]})
    return numbers


#: what goes between two note calls that follow each other (Chicago: superscript, comma-separated)
NOTE_CALL_SEPARATOR = {"t": "Span", "c": [["", ["note-call-sep"], []],
                                          [{"t": "Superscript", "c": [{"t": "Str", "c": ","}]}]]}


def _is_note_call(node: Any) -> bool:
    """A footnote, or a citation that the note style made into one."""
    if not isinstance(node, dict):
        return False
    if node.get("t") == "Note":
        return True
    return node.get("t") == "Cite" and any(isinstance(n, dict) and n.get("t") == "Note" for n in node["c"][1])


def separate_note_calls(ast: Any) -> int:
    """Put a comma between adjacent note calls, so that notes 4 and 5 do not read as note 45.

    pandoc moves a citation's note after the punctuation, so `[@a].[^b]` sets two calls side
    by side. Returns how many separators were added.
    """
    added = 0
    stack = [ast]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(v for v in item.values() if isinstance(v, (list, dict)))
        elif isinstance(item, list):
            previous_is_call = False
            index = 0
            while index < len(item):
                node = item[index]
                if isinstance(node, dict) and node.get("t") == "Str" and node.get("c") == "":
                    index += 1  # citeproc leaves empty strings between a citation and what follows
                    continue
                is_call = _is_note_call(node)
                if is_call and previous_is_call:
                    item.insert(index, json.loads(json.dumps(NOTE_CALL_SEPARATOR)))
                    added += 1
                    index += 1
                previous_is_call = is_call
                index += 1
            stack.extend(v for v in item if isinstance(v, (list, dict)))
    return added
