"""A book's own stylesheet (`styles/book.css`, or a `styles/epub.css` that replaces the packaged
one) as the EPUB can carry it.

The PDF and the cover load the files a stylesheet names through the safe fetcher,
which refuses remote and outside files. The EPUB copies the stylesheet into the
package as it is, and pandoc packs none of the files it names: a relative url()
(relative to the stylesheet's folder, `styles/`) points at a file the package does
not hold, and epubcheck fails on it. So the EPUB's copy leaves out each
declaration (and each `@import` or `@font-face`) that names a file, and says so
(L007) at its place in the book's stylesheet. `data:` URLs stay. A remote or outside
file never gets this far: the resource gate refuses the book when it loads.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from urllib.parse import unquote

import tinycss2

from ...diagnostics import Diagnostic, diagnostic
from ...resources import book_relative, vet_path

#: at-rules whose block holds rules (kept, with their rules filtered in turn)
_NESTING = {"media", "supports", "layer", "container"}


def epub_stylesheet(path: Path, book_root: Path) -> tuple[str, list[Diagnostic]]:
    """The stylesheet's text without the rules that name files, and a warning for each one left out."""
    rel = path.relative_to(book_root).as_posix()
    base_dir = posixpath.dirname(rel)  # a url() is relative to the stylesheet's own folder
    diags: list[Diagnostic] = []

    def refused(node) -> bool:
        """Warn about every file URL in `node`; True if there was one."""
        found = False
        for line, column, url in _urls(node):
            found = True
            diags.append(diagnostic(rel, line, *_why(url, base_dir, book_root), column=column))
        return found

    def rules(nodes) -> str:
        out = []
        for node in nodes:
            if node.type == "at-rule" and node.lower_at_keyword in _NESTING and node.content is not None:
                inner = tinycss2.parse_rule_list(node.content)
                out.append("@" + node.at_keyword + tinycss2.serialize(node.prelude) + "{" + rules(inner) + "}")
            elif node.type == "qualified-rule":
                kept = [d for d in tinycss2.parse_blocks_contents(node.content)
                        if d.type in ("declaration", "at-rule", "qualified-rule") and not refused(d)]
                body = "".join(_serialize_item(d) for d in kept)
                out.append(tinycss2.serialize(node.prelude) + "{" + body + "}")
            elif node.type == "at-rule":
                if not refused(node):
                    out.append(node.serialize())
            elif node.type in ("comment", "whitespace"):
                out.append(node.serialize())
        return "".join(out)

    text = path.read_text(encoding="utf-8")
    return rules(tinycss2.parse_stylesheet(text, skip_comments=False, skip_whitespace=False)), diags


def _serialize_item(item) -> str:
    return item.serialize() + (";" if item.type == "declaration" else "")


def _urls(node):
    """(line, column, url) of every non-`data:` URL inside a parsed CSS node."""
    stack = [node]
    while stack:
        item = stack.pop()
        url = None
        if item.type == "url":
            url = item.value
        elif item.type == "function" and item.lower_name in ("url", "src") and item.arguments:
            first = next((a for a in item.arguments if a.type not in ("whitespace", "comment")), None)
            url = first.value if first is not None and first.type == "string" else None
        elif item.type == "at-rule" and item.lower_at_keyword == "import":
            first = next((a for a in item.prelude if a.type not in ("whitespace", "comment")), None)
            url = first.value if first is not None and first.type == "string" else None
        if url is not None and not url.strip().lower().startswith("data:"):
            yield item.source_line, item.source_column, url
        for attr in ("prelude", "content", "value", "arguments"):
            children = getattr(item, attr, None)
            if isinstance(children, list):
                stack.extend(reversed(children))


def _why(url: str, base_dir: str, book_root: Path) -> tuple[str, str]:
    """Why the rule naming `url` is left out: the gate's refusal if it has one (the book fails to
    load for those, so this is for completeness), else L007 with the file the url names, which is
    relative to the stylesheet's own folder `base_dir`."""
    shown = url if len(url) < 120 else url[:117] + "..."
    path = unquote(url.split("#")[0].split("?")[0])
    refused = vet_path(book_root, path, base_dir, "stylesheet resource", "missing")
    if refused and refused[0] != "missing":
        return "L010", f"{refused[1]}; it is left out of the EPUB"
    return "L007", (f"'{shown}' ({book_relative(path, base_dir)}) is not carried into the EPUB, which packs "
                    "no file a stylesheet names; the EPUB leaves that rule out")
