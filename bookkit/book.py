"""The book model and loading a book directory into it.

`load_book` reads everything the renderers need exactly once: config, chapter
sources and bibliography. Renderers never go back to the directory for inputs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .bibliography import Bibliography, load_bibliography
from .config import CONFIG_FILE, Config, load_config
from .diagnostics import BookError, Diagnostic, diagnostic
from .matter import Role, role_of, untitled_roles
from .resources import book_relative, vet_path
from .templates_env import vet_book_files, vet_written_dirs
from .titles import first_heading

CHAPTER_DIR = "chapters"
#: Chapters larger than this are refused before pandoc sees them. A long chapter is
#: ~100 KB; at 2 MB pandoc and the checks already take ~20 s and ~0.5 GB, so anything
#: bigger is almost certainly a mistake (a pasted dump) and must be split to build.
MAX_CHAPTER_BYTES = 2 * 1024 * 1024

@dataclass
class Chapter:
    """One Markdown source file; `kind` is front, body or back matter."""

    path: str  # relative to the book directory, with forward slashes
    text: str
    index: int  # position in reading order, from 0
    title: str = ""
    title_line: int | None = None
    classes: tuple[str, ...] = ()
    number: int | str | None = None  # 3 for a numbered body chapter, "A" for an appendix

    untitled: bool = False  # `# {.dedication}`: the page has no title; `title` is the role's name

    @property
    def role(self) -> Role | None:
        """The front- or back-matter role its title's class gives it (bookkit/matter.py)."""
        return role_of(self.classes)

    @property
    def kind(self) -> str:
        role = self.role
        if role is not None and role.matter != "either":
            return role.matter
        if "appendix" in self.classes:
            return "back"
        if role is not None:
            return "back" if self._after_body else "front"
        if "unnumbered" in self.classes or "frontmatter" in self.classes:
            return "front" if self.number is None and not self._after_body else "back"
        return "body"

    _after_body: bool = field(default=False, repr=False)

    @property
    def slug(self) -> str:
        stem = Path(self.path).stem
        return "ch-" + re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")


@dataclass
class Book:
    root: Path
    config: Config
    chapters: list[Chapter]
    bibliography: Bibliography
    warnings: list[Diagnostic] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return slugify(self.config.title)

    def rel(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return str(path)


def slugify(text: str) -> str:
    """File-name slug of a title; keeps ASCII letters and digits only."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:80] or "book"


def load_book(root: Path, strict: bool = False, keep_going: bool = False) -> Book:
    """Load and validate a book directory; raise BookError with every problem found.

    With `keep_going` (for `check`), errors in chapters or the bibliography do not stop
    loading: the book comes back with them in `warnings`, so later rules still run.
    Only a book.yaml that cannot be read at all still raises.
    """
    root = root.resolve()
    written = vet_written_dirs(root)
    if written:
        raise BookError(written)  # even for `check`, which would fill the cache
    config, diags = load_config(root, strict=strict)
    chapters: list[Chapter] = []
    bib = None
    if config is not None:
        paths, chapter_diags = _chapter_paths(root, config)
        diags.extend(chapter_diags)
        for index, rel in enumerate(paths):
            chapter, chapter_diags = _read_chapter(root, rel, index)
            diags.extend(chapter_diags)
            if chapter is not None:
                chapters.append(chapter)
        _number_chapters(chapters)
        diags.extend(matter_order(chapters))
        diags.extend(vet_book_files(root))
        # the default bibliography.bib is needed only once something is cited (convert.py says so)
        bib = load_bibliography(root, config.bibliography, required="bibliography" in config.lines)
        diags.extend(bib.diagnostics)
    errors = [d for d in diags if d.is_error]
    if keep_going and config is not None and bib is not None:
        return Book(root, config, chapters, bib, warnings=diags)
    if errors or config is None or bib is None:
        raise BookError(diags if keep_going or not errors else errors)
    return Book(root, config, chapters, bib, warnings=[d for d in diags if not d.is_error])


def _chapter_paths(root: Path, config: Config) -> tuple[list[str], list[Diagnostic]]:
    """Chapter files in reading order, each through the resource gate.

    Listed chapters are relative to the book folder and refused at their line in
    book.yaml; found chapters that are symlinks out of the book are refused at their
    own path.
    """
    paths: list[str] = []
    diags: list[Diagnostic] = []
    if config.chapters:
        for number, listed in enumerate(config.chapters):
            line = config.lines.get(f"chapters.{number}", config.lines.get("chapters"))
            refused = vet_path(root, listed, "", "chapter", "S003")
            if refused and refused[0] == "S003":
                refused = ("S003", f"chapter '{book_relative(listed, '')}' listed in book.yaml does not exist")
            if refused:
                diags.append(diagnostic(CONFIG_FILE, line, *refused))
            else:
                paths.append(book_relative(listed, ""))
        return paths, diags
    folder = root / CHAPTER_DIR
    found = sorted(p for p in folder.glob("*.md") if p.is_file()) if folder.is_dir() else []
    for path in found:
        rel = f"{CHAPTER_DIR}/{path.name}"
        refused = vet_path(root, rel, "", "chapter", "S005")
        if refused:
            diags.append(diagnostic(rel, None, *refused))
        else:
            paths.append(rel)
    if not found:
        diags.append(diagnostic(CHAPTER_DIR, None, "S005", "no chapter files found"))
    return paths, diags


def _read_chapter(root: Path, rel: str, index: int) -> tuple[Chapter | None, list[Diagnostic]]:
    path = root / rel
    size = path.stat().st_size
    if size > MAX_CHAPTER_BYTES:
        return None, [diagnostic(rel, None, "S008", f"chapter is {size / 1024 / 1024:.1f} MB; the limit is "
                                                     f"{MAX_CHAPTER_BYTES // 1024 // 1024} MB: "
                                                     "split it into several chapters")]
    raw = path.read_bytes()
    if b"\x00" in raw[:8192]:
        return None, [diagnostic(rel, None, "S006", "file looks binary, not Markdown text")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line: int | None = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [diagnostic(rel, line, "S006", f"invalid UTF-8 byte 0x{raw[exc.start]:02x}", column)]
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    chapter = Chapter(path=rel, text=text, index=index)
    diags: list[Diagnostic] = []
    if not text.strip():
        diags.append(diagnostic(rel, 1, "S004", "chapter is empty"))
        return chapter, diags
    title, line, classes = first_heading(text)
    role = role_of(classes)
    if title is None:
        diags.append(diagnostic(rel, 1, "S001", "chapter does not open with a level-1 title ('# Title')"))
    elif title:
        chapter.title, chapter.title_line, chapter.classes = title, line, classes
    elif role is not None and role.untitled:
        chapter.title, chapter.title_line, chapter.classes = role.label, line, classes
        chapter.untitled = True
    else:
        allowed = " or ".join(f"'# {{.{name}}}'" for name in untitled_roles())
        diags.append(diagnostic(rel, line, "S001", f"the level-1 title is empty: only an untitled page ({allowed}) "
                                              "may have no title"))
    return chapter, diags


def _number_chapters(chapters: list[Chapter]) -> None:
    """Numbers for the body chapters (1, 2, …) and letters for the appendices (A, B, …);
    a chapter with a role or `.unnumbered` has none."""
    number = 0
    appendices = 0
    seen_body = False
    for chapter in chapters:
        if "appendix" in chapter.classes:
            chapter._after_body = True
            if "unnumbered" not in chapter.classes:
                appendices += 1
                chapter.number = appendix_letter(appendices)
            continue
        if chapter.role is not None or "unnumbered" in chapter.classes or "frontmatter" in chapter.classes:
            chapter._after_body = seen_body
            continue
        seen_body = True
        number += 1
        chapter.number = number


def appendix_letter(position: int) -> str:
    """A, B, …, Z, then AA, AB, … for the appendix at `position` (from 1)."""
    letters = ""
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def matter_order(chapters: list[Chapter]) -> list[Diagnostic]:
    """P001: a front-matter role after the first numbered chapter, or a back-matter role before it.

    The print edition lays the front matter out before the body with roman folios, so
    a dedication read after chapter 1 would land on a page it cannot have.
    """
    first = next((c for c in chapters if isinstance(c.number, int)), None)
    if first is None:
        return []
    out = []
    for chapter in chapters:
        role = chapter.role
        if role is None or role.matter == "either":
            continue
        before = chapter.index < first.index
        if (role.matter == "front") != before:
            where = "before" if role.matter == "front" else "after"
            out.append(diagnostic(chapter.path, chapter.title_line, "P001",
                             f"a {role.label.lower()} is {role.matter} matter: it belongs {where} the first "
                             f"numbered chapter ({first.path}); change the order of the chapters"))
    return out
