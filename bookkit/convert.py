"""pandoc, chapter by chapter: Markdown + citeproc → pandoc AST → HTML fragments.

Each chapter is converted on its own so that note labels stay local to their file
and the first citation of a source in every chapter is in full form. Results are
cached by the hash of everything that affects them.
"""

from __future__ import annotations

import json
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pypandoc

from . import __version__
from .bibliography import csl_path
from .book import Book, Chapter
from .cache import Cache, digest
from .diagnostics import BookError, Diagnostic, diagnostic
from .sanitize import sanitize, without_repaired_div_warnings
from .transforms import cited_keys

FILTERS = resources.files("bookkit") / "filters"
#: pandoc's reader: its Markdown, minus features that would let a chapter pull in files.
READER = "markdown-raw_tex"
# Reading and HTML writing run with --sandbox: pandoc may read only the files named on
# its command line (bibliography, CSL; Lua filters are ours and exempt), so nothing in
# a chapter can make it open another file or the network. The EPUB writer cannot be
# sandboxed (it must read the stylesheet and the images); it only ever gets an AST that
# sanitize.py and resources.py have already cleaned.


@dataclass
class Converted:
    """A chapter after pandoc: its AST (for the EPUB) and HTML (for print and preview)."""

    chapter: Chapter | None  # None for generated back matter (the bibliography)
    slug: str
    title: str
    title_html: str
    classes: tuple[str, ...]
    number: int | str | None  # a chapter's number, an appendix's letter
    kind: str  # front, body or back
    ast: dict
    title_ast: dict = field(default_factory=dict)  # the title as a one-paragraph document
    body_ast: dict = field(default_factory=dict)  # everything after the title
    body_html: str = ""
    cited: list[str] = field(default_factory=list)
    notes: int = 0
    # label → number of the part's labelled equations, listings and captioned tables (mathtex.py, code.py)
    equations: dict[str, str] = field(default_factory=dict)
    figures: dict[str, str] = field(default_factory=dict)  # label → number of the part's figures (transforms.py)
    listings: dict[str, str] = field(default_factory=dict)
    tables: dict[str, str] = field(default_factory=dict)


@lru_cache(maxsize=1)
def pandoc_binary() -> str:
    return pypandoc.get_pandoc_path()


@lru_cache(maxsize=1)
def pandoc_version() -> str:
    return pypandoc.get_pandoc_version()


def filter_path(name: str) -> str:
    return str(FILTERS / name)


def run_pandoc(args: list[str], data: bytes, source: str, cwd: Path | None = None) -> tuple[bytes, list[Diagnostic]]:
    """Run pandoc; its warnings come back as diagnostics against `source`."""
    try:
        proc = subprocess.run([pandoc_binary(), *args], input=data, capture_output=True, cwd=cwd, timeout=600)
    except subprocess.TimeoutExpired:
        raise BookError([diagnostic(source, None, "R007", "pandoc took longer than 10 minutes")]) from None
    messages = [line.strip() for line in proc.stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    if proc.returncode != 0:
        text = "; ".join(messages[:3]) or f"pandoc failed with status {proc.returncode}"
        raise BookError([diagnostic(source, None, "R007", text)])
    diags = [diagnostic(source, None, "R003", m.removeprefix("[WARNING] "))
             for m in messages if m.startswith("[WARNING]")]
    return proc.stdout, diags


def run_pandoc_stderr(args: list[str], data: bytes) -> str:
    """Run pandoc for what it says, not what it writes: its whole stderr, multi-line warnings intact."""
    proc = subprocess.run([pandoc_binary(), *args, "-o", "-"], input=data, capture_output=True, timeout=600)
    return proc.stderr.decode("utf-8", "replace")


def chapter_ast(book: Book, chapter: Chapter, cache: Cache) -> tuple[dict, list[Diagnostic]]:
    """Markdown → pandoc JSON AST with citations resolved into notes."""
    csl = csl_path(book.config.csl, book.root)
    cjk = Path(filter_path("cjk.lua"))
    xref = Path(filter_path("crossref.lua"))
    key = digest("ast-2", __version__, pandoc_version(), chapter.text, book.bibliography.text,
                 csl.read_text(encoding="utf-8"), cjk.read_text(encoding="utf-8"),
                 xref.read_text(encoding="utf-8"), book.config.lang)
    cached = cache.get("ast", key)
    if cached is not None:
        stored = json.loads(cached)
        diags = [Diagnostic.from_json(d) for d in stored["diags"]]
        return stored["ast"], diags + book.bibliography.needed(cited_keys(stored["ast"]))
    # Filters and --citeproc run in command-line order: cross-references (`@fig:x`, which
    # pandoc reads as citations) are taken out before citeproc would look them up.
    args = [
        "-f", READER, "-t", "json", "--sandbox", f"--lua-filter={xref}",
        "--citeproc", *book.bibliography.pandoc_args(book.root), f"--csl={csl}",
        "-M", "suppress-bibliography=true", "-M", f"lang={book.config.lang}",
        f"--lua-filter={cjk}",
    ]
    out, diags = run_pandoc(args, chapter.text.encode("utf-8"), chapter.path)
    ast = _bounded_ast(out, chapter.path)
    diags = without_repaired_div_warnings(diags, ast, chapter.text)
    cache.put("ast", key, json.dumps({"ast": ast, "diags": [d.to_json() for d in diags]}).encode())
    return ast, diags + book.bibliography.needed(cited_keys(ast))


#: Deepest JSON nesting accepted from pandoc: about 40 levels of lists or block quotes.
#: Every later pass (copying, HTML, WeasyPrint's layout) recurses over the tree, so a
#: deeper chapter is refused here instead of overflowing the stack somewhere later.
MAX_AST_DEPTH = 120


def _bounded_ast(out: bytes, source: str) -> dict:
    too_deep = BookError([diagnostic(source, None, "S008", "lists or block quotes are nested more than "
                                                      f"{MAX_AST_DEPTH // 3} levels deep")])
    try:
        ast = json.loads(out)
    except RecursionError:
        raise too_deep from None
    stack = [(ast.get("blocks", []), 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_AST_DEPTH:
            raise too_deep
        if isinstance(node, dict):
            stack.extend((value, depth + 1) for value in node.values())
        elif isinstance(node, list):
            stack.extend((value, depth + 1) for value in node)
    return ast


def bibliography_ast(book: Book, keys: list[str], cache: Cache) -> dict:
    """The closing bibliography of every cited work, as a pandoc AST."""
    csl = csl_path(book.config.csl, book.root)
    source = (
        "---\nnocite: |\n  " + ", ".join("@" + k for k in keys) + "\n---\n\n"
        "# Bibliography {#bibliography .unnumbered}\n\n::: {#refs}\n:::\n"
    )
    key = digest("bib-clean", __version__, pandoc_version(), source, book.bibliography.text,
                 csl.read_text(encoding="utf-8"))
    cached = cache.get("ast", key)
    if cached is not None:
        return json.loads(cached)
    args = ["-f", READER, "-t", "json", "--sandbox", "--citeproc",
            f"--bibliography={book.root / book.config.bibliography}", f"--csl={csl}",
            "-M", f"lang={book.config.lang}", f"--lua-filter={filter_path('cjk.lua')}"]
    out, _ = run_pandoc(args, source.encode("utf-8"), book.config.bibliography)
    ast = json.loads(out)
    sanitize(ast, Chapter(book.config.bibliography, book.bibliography.text, -1))  # load_bibliography reported it
    cache.put("ast", key, json.dumps(ast).encode())
    return ast


def ast_to_html(ast: dict, source: str, cache: Cache, notes_inline: bool = True) -> str:
    """pandoc AST → HTML5 fragment; notes become inline spans for paged media."""
    data = json.dumps(ast, sort_keys=True).encode("utf-8")
    filters = [filter_path("notes-inline.lua")] if notes_inline else []
    key = digest("html", __version__, pandoc_version(), data, *(Path(f).read_text() for f in filters))
    cached = cache.get("html", key)
    if cached is not None:
        return cached.decode("utf-8")
    args = ["-f", "json", "-t", "html5", "--wrap=none", "--section-divs", "--sandbox"]
    args += [f"--lua-filter={f}" for f in filters]
    out, _ = run_pandoc(args, data, source)
    cache.put("html", key, out)
    return out.decode("utf-8")


#: what separates a part's title from its body in `title_and_body_html`'s one pandoc run
_TITLE_END = "bookkit-title-end"


def title_and_body_html(title_ast: dict, body_ast: dict, source: str, cache: Cache,
                        notes_inline: bool = True) -> tuple[str, str]:
    """A part's title and body as HTML, from one pandoc run when the title has no notes.

    pandoc's start-up is most of the time of a short conversion, so one run per part
    instead of two; a title with a note of its own is converted apart, so that the
    body's notes keep their numbers.
    """
    title_blocks = title_ast.get("blocks", [])
    if '"Note"' not in json.dumps(title_blocks):
        marker = {"t": "Div", "c": [[_TITLE_END, [], []], []]}
        html = ast_to_html({**body_ast, "blocks": title_blocks + [marker] + body_ast["blocks"]},
                           source, cache, notes_inline)
        title, sep, body = html.partition(f'<div id="{_TITLE_END}">\n\n</div>\n')
        if sep:
            return title.strip(), body
    return (ast_to_html(title_ast, source, cache, notes_inline).strip(),
            ast_to_html(body_ast, source, cache, notes_inline))


def convert_all(book: Book, cache: Cache, jobs: int = 2) -> tuple[list[Chapter], list[dict], list[Diagnostic]]:
    """Convert every chapter (in parallel threads; pandoc runs as a subprocess)."""
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        results = list(pool.map(lambda ch: chapter_ast(book, ch, cache), book.chapters))
    asts = [r[0] for r in results]
    diags = [d for r in results for d in r[1]]
    return book.chapters, asts, diags
