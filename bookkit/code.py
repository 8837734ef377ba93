"""Code and tables in a technical book: listing and table captions, the highlighting theme.

pandoc highlights code blocks itself (its HTML and EPUB writers mark tokens with
classes such as `kw`, `co`); how those classes look comes from one theme file,
`data/greyscale.theme`, shipped with the toolkit. Its styles tell tokens apart by
weight and slant and keep every colour dark, so a greyscale print shows the same
distinctions. The EPUB writer is given the theme (`HIGHLIGHT_OPTION`); for print and
the preview, `highlight_css()` asks pandoc for the same theme's CSS.

Captions: a code block with `caption="…"` (pandoc-crossref) or `lst-cap="…"` (Quarto)
is a listing, set as `Listing C.N` above its code and numbered per chapter; a table with
a caption becomes `Table C.N`, its caption taken out of the table into a block
above it (`table-block`, the table labelled by it), so that the caption is set at the
text width instead of the table's, in every output. The label → number tables are kept on the part
(`Converted.listings`, `Converted.tables`) for cross-references.
"""

from __future__ import annotations

import re
import subprocess
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .transforms import iter_nodes, map_blocks, str_inlines

THEME = Path(str(resources.files("bookkit") / "data" / "greyscale.theme"))
#: what pandoc's writers are told, so the EPUB carries this theme's CSS
HIGHLIGHT_OPTION = f"--syntax-highlighting={THEME}"
#: the attributes a code block's caption is written in: pandoc-crossref's, then Quarto's
CAPTION_ATTRIBUTES = ("caption", "lst-cap")


def uses_code(parts) -> bool:
    """Whether any part sets code (inline or a block): the EPUB embeds the code face only then."""
    return any(node["t"] in ("Code", "CodeBlock") for part in parts
               for doc in (part.title_ast, part.body_ast) for node in iter_nodes(doc.get("blocks", [])))


def number_captions(part) -> None:
    """Listings and captioned tables of the part numbered `C.N` (N per chapter), in place;
    every code block named after the part."""
    listings: dict[str, str] = {}
    tables: dict[str, str] = {}
    part.body_ast["blocks"] = _listings(part.body_ast["blocks"], part.number, listings, part.slug)
    count = [0]

    def caption_table(block: dict):
        if block.get("t") != "Table" or not block["c"][1][1]:
            return None
        count[0] += 1
        number = _number(part.number, count[0])
        (ident, classes, attrs), caption_blocks = block["c"][0], block["c"][1][1]
        if ident:
            tables[ident] = number
        caption_id = f"{ident or f'table-{number}'}-caption"
        label = {"t": "Span", "c": [["", ["table-label"], []], str_inlines(f"Table {number}.")]}
        caption_blocks = [dict(b) for b in caption_blocks]
        if caption_blocks[0]["t"] in ("Plain", "Para"):
            caption_blocks[0] = {"t": "Plain", "c": [label, {"t": "Space"}, *caption_blocks[0]["c"]]}
        else:
            caption_blocks.insert(0, {"t": "Plain", "c": [label]})
        table = {"t": "Table", "c": [["", classes, [*attrs, ["aria-labelledby", caption_id]]],
                                     [None, []], *block["c"][2:]]}
        caption = {"t": "Div", "c": [[caption_id, ["table-caption"], []], caption_blocks]}
        return [{"t": "Div", "c": [[ident, ["table-block"], []], [caption, table]]}]

    part.body_ast["blocks"] = map_blocks(part.body_ast["blocks"], caption_table)
    part.listings, part.tables = listings, tables


def _number(chapter_number, n: int) -> str:
    return f"{chapter_number}.{n}" if chapter_number else str(n)


def _listings(blocks: list, chapter_number, listings: dict[str, str], slug: str) -> list:
    """`blocks` with each captioned code block wrapped in a `listing` div under its caption.

    Walks nested blocks (lists, block quotes, divs) in document order, so the numbers
    follow the reading order. Every code block gets an id of its own: pandoc names a
    block's line anchors after it (`cb1-1` when it has none), and those would repeat
    from chapter to chapter in a book laid out as one document.
    """
    counter = [0, 0]  # listings, code blocks

    def visit(items: list) -> list:
        out = []
        for block in items:
            if block.get("t") != "CodeBlock":
                out.append(_descend(block, visit))
                continue
            (ident, classes, attrs), text = block["c"]
            counter[1] += 1
            caption = next((v for k, v in attrs if k in CAPTION_ATTRIBUTES), None)
            code_id = f"{ident}-code" if ident and caption is not None else ident or f"{slug}-code-{counter[1]}"
            rest = [list(a) for a in attrs if a[0] not in CAPTION_ATTRIBUTES]
            code = {"t": "CodeBlock", "c": [[code_id, classes, rest], text]}
            if caption is None:
                out.append(code)
                continue
            counter[0] += 1
            number = _number(chapter_number, counter[0])
            if ident:
                listings[ident] = number
            label = {"t": "Span", "c": [["", ["listing-label"], []], str_inlines(f"Listing {number}.")]}
            head = {"t": "Div", "c": [["", ["listing-caption"], []],
                                      [{"t": "Plain", "c": [label, {"t": "Space"}, *str_inlines(caption)]}]]}
            out.append({"t": "Div", "c": [[ident, ["listing"], []], [head, code]]})
        return out

    return visit(blocks)


def _descend(block: dict, visit) -> dict:
    t, c = block.get("t"), block.get("c", [])
    if t in ("BlockQuote",):
        return {"t": t, "c": visit(c)}
    if t == "Div":
        return {"t": t, "c": [c[0], visit(c[1])]}
    if t == "BulletList":
        return {"t": t, "c": [visit(item) for item in c]}
    if t == "OrderedList":
        return {"t": t, "c": [c[0], [visit(item) for item in c[1]]]}
    return block


@lru_cache(maxsize=1)
def highlight_css() -> str:
    """The token rules (`code span.kw { … }`) pandoc writes for the theme, for print and preview."""
    from .convert import pandoc_binary

    template = resources.files("bookkit") / "data" / "highlighting-css.template"
    proc = subprocess.run([pandoc_binary(), "-f", "markdown", "-t", "html5", "-s", "--sandbox",
                           f"--template={template}", HIGHLIGHT_OPTION],
                          input=b"```python\npass\n```\n", capture_output=True, check=True, timeout=60)
    rules = [line for line in proc.stdout.decode("utf-8").splitlines() if re.match(r"code span\.\w+ \{", line)]
    return "/* syntax highlighting: bookkit/data/greyscale.theme */\n" + "\n".join(rules) + "\n"
