"""A chapter's title as it is written: the level-1 heading it opens with, read before pandoc.

Chapter numbering needs each chapter's title and classes (`{.appendix}`, `-`) when the
book loads, before any chapter is converted; the S001 rule in bookkit/check compares
this reading with pandoc's AST, so the two cannot disagree silently.
"""

from __future__ import annotations

import re

#: an ATX level-1 heading; the title may be empty (`# {.dedication}`: an untitled page)
_HEADING = re.compile(r"^ {0,3}#(?:[ \t]+(?P<title>.*?))?[ \t]*(?:\{(?P<attrs>[^}]*)\})?[ \t]*#*[ \t]*$")
_SETEXT = re.compile(r"^(?P<title>.+?)\s*(?:\{(?P<attrs>[^}]*)\})?$")
_SETEXT_UNDERLINE = re.compile(r"^ {0,3}=+\s*$")


def first_heading(text: str) -> tuple[str | None, int | None, tuple[str, ...]]:
    """The title the chapter opens with, as pandoc reads it: an ATX `# Title` or a setext
    `Title` over a line of `=`, after any blank lines, HTML comments and a YAML metadata block.

    This runs before pandoc (chapter numbering needs the classes); the S001 rule in
    bookkit/check compares the answer with pandoc's AST, so the two cannot disagree silently.
    """
    lines = text.split("\n")
    number = 0
    while number < len(lines):
        line = lines[number]
        if not line.strip():
            number += 1
            continue
        if number == 0 and line.rstrip() == "---" and len(lines) > 1 and lines[1].strip():
            end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
            if end is None:
                return None, None, ()
            number = end + 1  # a YAML metadata block: pandoc reads it as metadata, not text
            continue
        if line.lstrip().startswith("<!--"):
            rest = "\n".join(lines[number:])
            end = rest.find("-->")
            if end < 0:
                return None, None, ()
            number += rest[:end].count("\n") + 1
            if rest[end + 3:].split("\n", 1)[0].strip():
                return None, None, ()
            continue
        break
    else:
        return None, None, ()
    line = lines[number]
    atx = _HEADING.match(line)
    if atx:
        return _title(atx.group("title"), atx.group("attrs"), number + 1)
    underline = lines[number + 1] if number + 1 < len(lines) else ""
    if _SETEXT_UNDERLINE.match(underline) and not line.startswith(("    ", "\t")):
        setext = _SETEXT.match(line.strip())
        if setext:  # always, for a line that is not blank
            return _title(setext.group("title"), setext.group("attrs"), number + 1)
    return None, None, ()


def _title(title: str | None, attrs: str | None, line: int) -> tuple[str, int, tuple[str, ...]]:
    tokens = (attrs or "").split()
    classes = tuple(tok[1:] for tok in tokens if tok.startswith("."))
    if "-" in tokens:
        classes += ("unnumbered",)
    return (title or "").strip(), line, classes
