"""The command line: the only place where problems become text and exit codes.

Exit status: 0 success, 1 the book has an error (or a warning under --strict),
2 bad usage, 3 an internal error in the toolkit itself (a bug: please report it).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import sys
import time
from pathlib import Path

from .. import __version__
from ..cache import Cache
from ..config import CONFIG_FILE, schema_markdown
from ..diagnostics import BookError, Diagnostic, UsageError

EXIT_OK, EXIT_BOOK, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3

DESCRIPTION = """\
Build a book from Markdown chapters and a BibTeX bibliography.

A book directory holds book.yaml, chapters/*.md and bibliography.bib, and may add
styles/, templates/ and data/ to override the packaged defaults. Outputs go to
DIR/dist/ unless --out says otherwise, named from the title: <slug>.pdf, <slug>.epub.

Start a book with `bookkit new DIR`; run bookkit inside the book folder to build
that book, or name the folder with --book DIR.
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
                     help="book directory (default: the current folder when it holds a book.yaml; "
                          "for build.py, else the folder holding build.py)")
    sub.add_argument("--out", metavar="DIR", default=None, help="output folder (default: DIR/dist)")
    sub.add_argument("--strict", action="store_true", help="treat warnings as errors (exit 1)")
    sub.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    sub.add_argument("-v", "--verbose", action="store_true", help="show each step and its timing")
    sub.add_argument("--no-cache", action="store_true", help="ignore and do not write <book>/.cache")


def _build_opts(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--draft", action="store_true",
                     help="continue past unknown citation keys and cross-reference labels (reported as warnings)")


def build_parser(default_book: Path | None = None) -> argparse.ArgumentParser:
    parser = Parser(prog="bookkit", description=DESCRIPTION, epilog=EPILOG,
                    formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"bookkit {__version__}")
    parser.set_defaults(default_book=default_book)
    subs = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    subs.required = True

    p = subs.add_parser("new", help="start a new book in DIR that builds at once",
                        description="Write a new book into DIR (which must not exist, or be empty): book.yaml "
                                    "listing every key with its default, two sample chapters showing a citation, "
                                    "a note, a figure and a link between chapters, bibliography.bib, "
                                    "styles/book.css and a .gitignore for dist/ and .cache/.")
    p.add_argument("dir", metavar="DIR", help="folder for the new book")
    p.add_argument("--title", help="title of the book (default: from the folder name)")
    p.add_argument("--author", action="append", metavar="NAME",
                   help="author name; repeat for several (default: 'Your Name')")
    p.add_argument("--lang", metavar="TAG", help="main language as a BCP 47 tag such as en-US or fr (default: en-US)")

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

    p = subs.add_parser("watch", help="serve a live HTML preview that follows your edits",
                        description="Serve the book as one HTML page on http://127.0.0.1:PORT/ (loopback only), "
                                    "rebuild it on every saved change to chapters, bibliography, book.yaml, styles, "
                                    "templates or data, reload the browser by itself, and rebuild the print PDF "
                                    "in the background. Ctrl-C stops.")
    _common(p)
    p.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default 8000; 0 picks a free one)")
    p.add_argument("--open", action="store_true", help="open the preview in the default browser")
    p.add_argument("--no-pdf", action="store_true", help="do not rebuild the PDF in the background")

    p = subs.add_parser("stats", help="words, reading time, notes, sources and pages per chapter",
                        description="Per chapter and in total: words, reading time, paragraphs, citations, "
                                    "distinct sources, notes, figures, and print pages when the PDF exists "
                                    "in the output folder.")
    _common(p)
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")

    p = subs.add_parser("cover", help="build the full-wrap print cover and the e-book cover image",
                        description="Build <slug>-cover.pdf (back, spine and front with bleed; the spine width "
                                    "follows the interior page count and the paper caliper) and "
                                    "<slug>-cover.jpg (the front, 1600x2560 px).")
    _common(p)

    p = subs.add_parser("clean", help="remove the output folder and the build cache",
                        description="Remove DIR/dist (or --out) and DIR/.cache.")
    _common(p)
    return parser


class Console:
    """Progress and problems; problems to stderr, progress to stdout.

    On a terminal, per-item progress is one bar redrawn in place; elsewhere (a pipe, CI)
    it is plain lines, and `--quiet` drops it altogether.
    """

    BAR = 24

    def __init__(self, quiet: bool, verbose: bool, book_root: Path | None = None, tty: bool | None = None):
        self.quiet, self.verbose = quiet, verbose
        self.tty = sys.stdout.isatty() if tty is None else tty
        self.started = time.monotonic()
        self._bar_open = False

    def step(self, message: str) -> None:
        if not self.quiet:
            self._end_bar()
            print(message, flush=True)

    def progress(self, stage: str, done: int, total: int, item: str = "") -> None:
        """`done` of `total` items of a stage finished, the latest being `item`."""
        if self.quiet or total <= 0:
            return
        if not self.tty:
            print(f"  {stage} {done}/{total}{': ' + item if item else ''}", flush=True)
            return
        filled = round(self.BAR * done / total)
        bar = "#" * filled + "-" * (self.BAR - filled)
        line = f"  {stage} [{bar}] {done}/{total} {item}"
        width = shutil.get_terminal_size((80, 20)).columns - 1
        sys.stdout.write("\r" + line[:width].ljust(width))
        sys.stdout.flush()
        self._bar_open = done < total
        if done >= total:
            sys.stdout.write("\n")
            sys.stdout.flush()

    def _end_bar(self) -> None:
        if self._bar_open:
            sys.stdout.write("\n")
            self._bar_open = False

    def detail(self, message: str) -> None:
        if self.verbose:
            self._end_bar()
            print(f"  [{time.monotonic() - self.started:6.2f}s] {message}", flush=True)

    def problems(self, diags: list[Diagnostic]) -> None:
        self._end_bar()
        for d in sorted(set(diags), key=lambda d: (d.path, d.line or 0, d.column or 0, d.code)):
            print(d.format(), file=sys.stderr)


def resolve_book(args) -> Path:
    """--book; else the current folder when it holds a book.yaml; else build.py's own folder."""
    if args.book:
        book = Path(args.book)
        if not book.is_dir():
            raise UsageError(f"book directory '{book}' does not exist")
        return book.resolve()
    if (Path.cwd() / CONFIG_FILE).is_file():
        return Path.cwd().resolve()
    if args.default_book is not None:
        return Path(args.default_book).resolve()
    raise UsageError(f"no {CONFIG_FILE} in the current folder; run bookkit inside a book folder, "
                     f"give --book DIR, or start a book with 'bookkit new DIR'")


def main(argv: list[str] | None = None, default_book: Path | None = None) -> int:
    parser = build_parser(default_book)
    args = parser.parse_args(argv)
    try:
        if args.command == "new":
            return cmd_new(args)
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
    from ..book import load_book

    console.detail("loading book")
    try:
        return load_book(book_root, strict=args.strict)
    except BookError as exc:
        from ..check import check_book

        # what `check` would say, in full: the rules over the chapters as well as the loading problems
        everything = check_book(book_root, strict=args.strict, cache=Cache(book_root, enabled=not args.no_cache))
        if not any(d.is_error for d in everything):
            raise
        raise BookError(everything) from exc


def _finish(diags: list[Diagnostic], args, console: Console) -> int:
    console.problems(diags)
    if args.strict and diags:
        print(f"bookkit: {len(diags)} warning(s) with --strict", file=sys.stderr)
        return EXIT_BOOK
    return EXIT_OK


def cmd_check(args, book_root: Path, console: Console) -> int:
    from ..check import check_book

    diags = check_book(book_root, strict=args.strict, cache=Cache(book_root, enabled=not args.no_cache))
    console.problems(diags)
    errors = [d for d in diags if d.is_error]
    warnings = [d for d in diags if not d.is_error]
    if not args.quiet:
        print(f"{len(errors)} error(s), {len(warnings)} warning(s)", file=sys.stderr)
    return EXIT_BOOK if errors or (args.strict and warnings) else EXIT_OK


def _prepare(args, book_root: Path, console: Console):
    from ..pipeline import prepare

    book = _load(args, book_root, console)
    cache = Cache(book_root, enabled=not args.no_cache)
    console.step(f"Converting {len(book.chapters)} chapters of '{book.config.title}'")
    if cache.enabled:
        _convert_with_progress(book, cache, console)
    started = time.monotonic()
    prepared = prepare(book, cache, draft=getattr(args, "draft", False))
    console.detail(f"checks, figures and HTML fragments (pandoc) in {time.monotonic() - started:.2f}s")
    return prepared, cache


def _convert_with_progress(book, cache: Cache, console: Console) -> None:
    """Convert chapters into the cache one by one, so the bar moves; `prepare` then reads them back."""
    from concurrent.futures import ThreadPoolExecutor, as_completed

    from ..convert import chapter_ast

    def convert(chapter):
        started = time.monotonic()
        try:
            chapter_ast(book, chapter, cache)
        except BookError:
            pass  # prepare() reports it with everything else
        return chapter, time.monotonic() - started

    total = len(book.chapters)
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(convert, chapter) for chapter in book.chapters]
        for done, future in enumerate(as_completed(futures), start=1):
            chapter, seconds = future.result()
            console.detail(f"pandoc + citeproc: {chapter.path} in {seconds:.2f}s")
            console.progress("converting", done, total, chapter.path)


def _build(args, book_root: Path, console: Console, kinds: list[str]) -> int:
    from ..outputs import build_lock, pin_source_date

    prepared, cache = _prepare(args, book_root, console)
    pin_source_date(prepared.book.config.date)
    out_dir = _out_dir(args, book_root)
    with build_lock(out_dir):  # a book that does not validate never creates the folder
        return _render(args, book_root, console, kinds, prepared, cache, out_dir)


def _render(args, book_root: Path, console: Console, kinds: list[str], prepared, cache: Cache, out_dir: Path) -> int:
    from ..outputs import output_path

    diags = list(prepared.report.warnings)
    book = prepared.book
    for kind in kinds:
        if kind == "pdf":
            from ..render.pdf.render import render_pdf

            variant = getattr(args, "variant", "print")
            target = output_path(out_dir, book.slug, "pdf" if variant == "print" else "screen")
            console.step(f"Laying out the {variant} PDF")
            started = time.monotonic()
            result = render_pdf(prepared, target, cache, variant=variant, marks=getattr(args, "marks", False))
            console.detail(f"WeasyPrint layout and PDF writing in {time.monotonic() - started:.2f}s")
            diags += result.diagnostics
            if result.laid_out or result.reused:
                console.detail(f"parts laid out: {', '.join(result.laid_out) or 'none'}; "
                               f"reused from the cache: {len(result.reused)}")
            console.step(_preflight(result, book_root))
        elif kind == "epub":
            from ..render.epub.render import render_epub

            target = output_path(out_dir, book.slug, "epub")
            page_list = book.config.page_list
            console.step("Writing the EPUB" + (" (its page-list follows the print layout)" if page_list else ""))
            started = time.monotonic()
            result = render_epub(prepared, target, cache, page_list=page_list)
            console.detail(f"print layout for the page-list, pandoc EPUB writer and packaging in "
                           f"{time.monotonic() - started:.2f}s")
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


def cmd_new(args) -> int:
    from ..scaffold import create_book

    folder = Path(args.dir)
    try:
        written = create_book(folder, title=args.title, authors=args.author, lang=args.lang)
    except OSError as exc:
        raise UsageError(f"cannot write the new book to '{folder}': {exc.strerror or exc}") from None
    print(f"wrote a new book to {folder}/: {', '.join(written)}")
    where = "" if folder.resolve() == Path.cwd().resolve() else f"cd {shlex.quote(str(folder))} && "
    print(f"next: {where}bookkit check, then bookkit watch --open for a live preview, bookkit pdf and bookkit epub")
    return EXIT_OK


def cmd_pdf(args, book_root, console):
    return _build(args, book_root, console, ["pdf"])


def cmd_epub(args, book_root, console):
    return _build(args, book_root, console, ["epub"])


def cmd_all(args, book_root, console):
    args.variant = "print"
    return _build(args, book_root, console, ["pdf", "epub"])


def cmd_cover(args, book_root: Path, console: Console) -> int:
    from ..outputs import build_lock, output_path, pin_source_date
    from ..render.cover.render import render_cover, render_cover_image

    prepared, cache = _prepare(args, book_root, console)
    pin_source_date(prepared.book.config.date)  # as _build does: no clock in the bytes
    out_dir = _out_dir(args, book_root)
    slug = prepared.book.slug
    console.step("Drawing the cover")
    with build_lock(out_dir):  # the interior's parts and the cover files are written under the book's lock
        result = render_cover(prepared, output_path(out_dir, slug, "cover"), cache)
        image = render_cover_image(prepared, output_path(out_dir, slug, "cover-image"), cache)
    console.step(f"wrote {_show(result.path, book_root)}: {result.width:.3f} x {result.height:.3f} in, "
                 f"spine {result.spine:.3f} in for {result.pages} pages"
                 f"{'' if result.spine_text else ' (too thin for spine text)'}")
    console.step(f"wrote {_show(image, book_root)}")
    return _finish(list(prepared.report.warnings), args, console)


def cmd_clean(args, book_root: Path, console: Console) -> int:
    from ..templates_env import vet_written_dirs

    refused = vet_written_dirs(book_root)  # never remove what a link out of the book points at
    if refused:
        raise BookError(refused)
    out = _out_dir(args, book_root)
    for target in (out, book_root / ".cache"):
        if target.is_symlink():
            target.unlink()  # a link inside the book: remove the link, not its target
            console.step(f"removed {_show(target, book_root)}")
        elif target.is_dir():
            shutil.rmtree(target)
            console.step(f"removed {_show(target, book_root)}")
    return EXIT_OK


def cmd_watch(args, book_root: Path, console: Console) -> int:
    from .watch import serve

    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port} is not a port number (0-65535)")
    try:
        serve(book_root, _out_dir(args, book_root), Cache(book_root, enabled=not args.no_cache), console,
              port=args.port, open_browser=args.open, pdf=not args.no_pdf)
    except OSError as exc:
        raise UsageError(f"cannot serve on 127.0.0.1:{args.port}: {exc.strerror or exc}") from None
    except KeyboardInterrupt:
        console.step("stopped")
    return EXIT_OK


def cmd_stats(args, book_root: Path, console: Console) -> int:
    from ..stats import book_stats, format_table

    prepared, _ = _prepare(argparse.Namespace(**{**vars(args), "quiet": True}), book_root, Console(True, False))
    stats = book_stats(prepared, _out_dir(args, book_root))
    if args.json:
        print(json.dumps(stats, indent=2, ensure_ascii=False))
    else:
        print(format_table(stats))
    return _finish(list(prepared.report.warnings), args, console)


COMMANDS = {"pdf": cmd_pdf, "epub": cmd_epub, "all": cmd_all, "check": cmd_check, "watch": cmd_watch,
            "stats": cmd_stats, "cover": cmd_cover, "clean": cmd_clean}
