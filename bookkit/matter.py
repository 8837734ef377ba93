"""Front- and back-matter roles: what a class on a chapter's title makes of the chapter.

`# Foreword {.foreword}` makes a foreword; `# {.dedication}` an untitled dedication.
One table says, for each role, where it belongs (front or back matter), its EPUB 3
structural semantics (`epub:type`) and DPUB-ARIA role, whether the EPUB's landmarks
list it, whether the contents list it, and whether it is a display page (set alone on
a recto, no running head, no folio). The book model (kind, numbering), the S001 rule,
the template, the EPUB package and the stylesheets all read this table.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    name: str  # the class on the heading
    label: str  # its name for a reader: the title of an untitled page in navigation
    matter: str  # "front" or "back"; "either" follows its place in the book
    epub_type: str | None  # EPUB 3 Structural Semantics Vocabulary term
    aria: str | None  # DPUB-ARIA role
    landmark: bool = False  # listed in the EPUB's landmarks
    display: bool = False  # a page of its own: recto, no running head, no folio, not in the contents
    untitled: bool = False  # may have no title (`# {.dedication}`)


ROLES: dict[str, Role] = {r.name: r for r in (
    Role("dedication", "Dedication", "front", "dedication", "doc-dedication", display=True, untitled=True),
    Role("epigraph", "Epigraph", "front", "epigraph", "doc-epigraph", display=True, untitled=True),
    Role("foreword", "Foreword", "front", "foreword", "doc-foreword", landmark=True),
    Role("preface", "Preface", "front", "preface", "doc-preface", landmark=True),
    Role("acknowledgements", "Acknowledgements", "either", "acknowledgments", "doc-acknowledgments", landmark=True),
    Role("afterword", "Afterword", "back", "afterword", "doc-afterword"),
    Role("glossary", "Glossary", "back", "glossary", "doc-glossary", landmark=True),
    # Neither vocabulary has a term for a note about the author: a back-matter section, named by its heading.
    Role("author-bio", "About the Author", "back", None, None),
    Role("colophon", "Colophon", "back", "colophon", "doc-colophon"),
)}

#: other spellings a writer may reach for, and the role they mean
ALIASES = {"acknowledgments": "acknowledgements", "about-the-author": "author-bio", "about-author": "author-bio"}


def role_of(classes: tuple[str, ...] | list[str]) -> Role | None:
    """The role a chapter's title classes give it, if any (the first that names one)."""
    for name in classes:
        role = ROLES.get(ALIASES.get(name, name))
        if role is not None:
            return role
    return None


def untitled_roles() -> list[str]:
    return [r.name for r in ROLES.values() if r.untitled]


#: the id pandoc gives a heading with no text (`# {.dedication}`); every untitled page would share it
_EMPTY_HEADING_ID = "section"


def name_untitled(chapter, ast: dict) -> None:
    """An untitled page's heading gets its chapter's slug as id (unless the writer gave one).

    Chapters are read one by one, so pandoc names each empty heading `section`: a
    dedication and an epigraph would have the same id in the joined book.
    """
    if not chapter.untitled:
        return
    blocks = ast.get("blocks", [])
    header = next((b for b in blocks if b["t"] == "Header"), None)
    if header is not None and header["c"][0] == 1 and header["c"][1][0] == _EMPTY_HEADING_ID \
            and "#section" not in chapter.text.split("\n")[(chapter.title_line or 1) - 1]:
        header["c"][1][0] = chapter.slug
