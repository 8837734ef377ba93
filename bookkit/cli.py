"""The command line: the only place where problems become text and exit codes.

Exit status: 0 success, 1 the book has an error (or a warning under --strict),
2 bad usage, 3 an internal error in the toolkit itself (a bug: please report it).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

from . import __version__
from .cache import Cache
from .config import schema_markdown
from .diagnostics import BookError, Diagnostic, UsageError

EXIT_OK, EXIT_BOOK, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3

DESCRIPTION = """\
Build a book from Markdown chapters and a BibTeX bibliography.

A book directory holds book.yaml, chapters/*.md and bibliography.bib, and may add
styles/, templates/ and data/ to override the packaged defaults. Outputs go to
DIR/dist/ unless --out says otherwise, named from the title: <slug>.pdf, <slug>.epub.
"""

EPILOG = """\
exit status: 0 success; 1 the book has an error (or a warning with --strict);
2 bad usage; 3 internal error in bookkit.

book.yaml keys:
""" + schema_markdown()


class Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse's own usage errors: one line, exit 2
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _common(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--book", metavar="DIR", default=None,
                     help="book directory (default: the folder holding build.py, or the current folder)")
    sub.add_argument("--out", metavar="DIR", default=None, help="output folder (default: DIR/dist)")
    sub.add_argument("--strict", action="store_true", help="treat warnings as errors (exit 1)")
    sub.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    sub.add_argument("-v", "--verbose", action="store_true", help="show each step and its timing")
    sub.add_argument("--no-cache", action="store_true", help="ignore and do not write <book>/.cache")


def _build_opts(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--draft", action="store_true",
                     help="continue past unknown citation keys (reported as warnings)")


def build_parser(default_book: Path | None = None) -> argparse.ArgumentParser:
    parser = Parser(prog="bookkit", description=DESCRIPTION, epilog=EPILOG,
                    formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"bookkit {__version__}")
    parser.set_defaults(default_book=default_book)
    subs = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    subs.required = True

    p = subs.add_parser("pdf", help="build the print PDF (or the screen edition with --variant screen)",
                        description="Build the PDF: <slug>.pdf for print (PDF/X-4, bleed, trim boxes) "
                                    "or <slug>-screen.pdf with --variant screen.")
    _common(p)
    _build_opts(p)
    p.add_argument("--variant", choices=("print", "screen"), default="print", help="print (default) or screen")
    p.add_argument("--marks", action="store_true", help="add crop marks outside the bleed")

    p = subs.add_parser("epub", help="build the EPUB 3", description="Build <slug>.epub, an EPUB 3 e-book.")
    _common(p)
    _build_opts(p)

    p = subs.add_parser("all", help="build the print PDF and the EPUB", description="Build the PDF and the EPUB.")
    _common(p)
    _build_opts(p)

    p = subs.add_parser("check", help="report every problem in the book without building",
                        description="Check the book: config, chapters, citations, notes, links; "
                                    "print every problem as file:line: severity[CODE]: message.")
    _common(p)

    p = subs.add_parser("clean", help="remove the output folder and the build cache",
                        description="Remove DIR/dist (or --out) and DIR/.cache.")
    _common(p)
    return parser


class Console:
    """Progress and problems; problems to stderr, progress to stdout."""

    def __init__(self, quiet: bool, verbose: bool, book_root: Path | None = None):
        self.quiet, self.verbose = quiet, verbose
        self.started = time.monotonic()

    def step(self, message: str) -> None:
        if not self.quiet:
            print(message, flush=True)

    def detail(self, message: str) -> None:
        if self.verbose:
            print(f"  [{time.monotonic() - self.started:6.2f}s] {message}", flush=True)

    def problems(self, diags: list[Diagnostic]) -> None:
        for d in sorted(set(diags), key=lambda d: (d.path, d.line or 0, d.column or 0, d.code)):
            print(d.format(), file=sys.stderr)


def resolve_book(args) -> Path:
    book = Path(args.book) if args.book else (args.default_book or Path.cwd())
    if not book.is_dir():
        raise UsageError(f"book directory '{book}' does not exist")
    return book.resolve()


def main(argv: list[str] | None = None, default_book: Path | None = None) -> int:
    parser = build_parser(default_book)
    args = parser.parse_args(argv)
    try:
        book_root = resolve_book(args)
        console = Console(args.quiet, args.verbose)
        return COMMANDS[args.command](args, book_root, console)
    except UsageError as exc:
        print(f"bookkit: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BookError as exc:
        Console(False, False).problems(exc.diagnostics)
        count = len([d for d in exc.diagnostics if d.is_error])
        print(f"bookkit: {count} error{'s' if count != 1 else ''}; nothing was written", file=sys.stderr)
        return EXIT_BOOK
    except KeyboardInterrupt:
        print("bookkit: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug in bookkit, not in the book
        if os.environ.get("BOOKKIT_DEBUG") or getattr(args, "verbose", False):
            raise
        print(f"bookkit: internal error: {type(exc).__name__}: {exc} (run with -v for details)", file=sys.stderr)
        return EXIT_INTERNAL


def _out_dir(args, book_root: Path) -> Path:
    return Path(args.out).resolve() if args.out else book_root / "dist"


def _load(args, book_root: Path, console: Console):
    from .book import load_book

    console.detail("loading book")
    book = load_book(book_root, strict=args.strict)
    return book


def _finish(diags: list[Diagnostic], args, console: Console) -> int:
    console.problems(diags)
    if args.strict and diags:
        print(f"bookkit: {len(diags)} warning(s) with --strict", file=sys.stderr)
        return EXIT_BOOK
    return EXIT_OK


def cmd_check(args, book_root: Path, console: Console) -> int:
    from .check import check_book

    diags = check_book(book_root, strict=args.strict, cache=Cache(book_root, enabled=not args.no_cache))
    console.problems(diags)
    errors = [d for d in diags if d.is_error]
    warnings = [d for d in diags if not d.is_error]
    if not args.quiet:
        print(f"{len(errors)} error(s), {len(warnings)} warning(s)", file=sys.stderr)
    return EXIT_BOOK if errors or (args.strict and warnings) else EXIT_OK


def _prepare(args, book_root: Path, console: Console):
    from .pipeline import prepare

    book = _load(args, book_root, console)
    cache = Cache(book_root, enabled=not args.no_cache)
    console.step(f"Converting {len(book.chapters)} chapters of '{book.config.title}'")
    prepared = prepare(book, cache, draft=getattr(args, "draft", False))
    console.detail("chapters converted")
    return prepared, cache


def _build(args, book_root: Path, console: Console, kinds: list[str]) -> int:
    from .outputs import output_path

    prepared, cache = _prepare(args, book_root, console)
    out_dir = _out_dir(args, book_root)
    diags = list(prepared.report.warnings)
    book = prepared.book
    for kind in kinds:
        if kind == "pdf":
            from .render.pdf import render_pdf

            variant = getattr(args, "variant", "print")
            target = output_path(out_dir, book.slug, "pdf" if variant == "print" else "screen")
            console.step(f"Laying out the {variant} PDF")
            result = render_pdf(prepared, target, cache, variant=variant, marks=getattr(args, "marks", False))
            diags += result.diagnostics
            console.step(_preflight(result, book_root))
        elif kind == "epub":
            from .render.epub import render_epub

            target = output_path(out_dir, book.slug, "epub")
            console.step("Writing the EPUB")
            result = render_epub(prepared, target, cache)
            diags += result.diagnostics
            console.step(f"wrote {_show(target, book_root)}")
    return _finish(diags, args, console)


def _show(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _preflight(result, book_root: Path) -> str:
    width, height = result.trim
    lines = [
        f"wrote {_show(result.path, book_root)}",
        f"  preflight: trim {width:g}x{height:g} in, bleed {result.bleed:g} in, {result.pages} pages, "
        f"gutter {result.gutter:g} in, spine {result.spine:.3f} in, "
        f"{'PDF/X-4 with output intent' if result.variant == 'print' else 'screen: RGB, tagged (PDF/UA-1)'}",
        f"  fonts embedded and subset: {', '.join(result.fonts)}",
    ]
    return "\n".join(lines)


def cmd_pdf(args, book_root, console):
    return _build(args, book_root, console, ["pdf"])


def cmd_epub(args, book_root, console):
    return _build(args, book_root, console, ["epub"])


def cmd_all(args, book_root, console):
    args.variant = "print"
    return _build(args, book_root, console, ["pdf", "epub"])


def cmd_clean(args, book_root: Path, console: Console) -> int:
    out = _out_dir(args, book_root)
    for target in (out, book_root / ".cache"):
        if target.is_dir():
            shutil.rmtree(target)
            console.step(f"removed {_show(target, book_root)}")
    return EXIT_OK


COMMANDS = {"pdf": cmd_pdf, "epub": cmd_epub, "all": cmd_all, "check": cmd_check, "clean": cmd_clean}
