"""A build, from the command's arguments to written outputs: load, prepare (with a progress bar),
then each renderer the command names, under the output folder's lock.

The renderers come from `bookkit/render/registry.py`; nothing here knows one output
from another.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from pathlib import Path

from ..cache import Cache
from ..diagnostics import BookError, Diagnostic
from ..render.base import RenderContext, Renderer
from .console import EXIT_BOOK, EXIT_OK, Console


def output_folder(args, book_root: Path) -> Path:
    """--out, else dist/ in the book folder."""
    return Path(args.out).resolve() if args.out else book_root / "dist"


def load_or_check(args, book_root: Path, console: Console):
    """The loaded book; if it does not load, BookError with everything `check` would report."""
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


def finish(diags: list[Diagnostic], args, console: Console) -> int:
    """Print the warnings a build gave; the exit code (1 for any of them under --strict)."""
    console.problems(diags)
    if args.strict and diags:
        print(f"bookkit: {len(diags)} warning(s) with --strict", file=sys.stderr)
        return EXIT_BOOK
    return EXIT_OK


def prepare_book(args, book_root: Path, console: Console, html: bool = True):
    """The book loaded, converted and checked (`pipeline.prepare`), with progress; and its cache."""
    from ..pipeline import prepare

    book = load_or_check(args, book_root, console)
    cache = Cache(book_root, enabled=not args.no_cache)
    console.step(f"Converting {len(book.chapters)} chapters of '{book.config.title}'")
    if cache.enabled:
        _convert_with_progress(book, cache, console)
    started = time.monotonic()
    prepared = prepare(book, cache, draft=getattr(args, "draft", False), html=html)
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


def build(args, book_root: Path, console: Console, renderers: list[Renderer]) -> int:
    """Prepare the book once and render each of `renderers` in turn, under the output folder's lock.

    The options a renderer gets are the command's, over its own defaults: `bookkit pdf
    --variant screen` gives the PDF its variant, `bookkit all` builds it at its defaults.
    """
    from ..outputs import build_lock, pin_source_date

    prepared, cache = prepare_book(args, book_root, console, html=any(r.needs_html for r in renderers))
    pin_source_date(prepared.book.config.date)  # no clock in the bytes
    out_dir = output_folder(args, book_root)
    diags = list(prepared.report.warnings)
    with contextlib.ExitStack() as locked:
        for index, renderer in enumerate(renderers):
            options = argparse.Namespace(**{**renderer.defaults(), **vars(args)})
            console.step(renderer.announce(prepared, options))
            if index == 0:  # said what it builds, it waits here while another build holds the folder
                locked.enter_context(build_lock(out_dir))  # (a book that does not validate never creates it)
            context = RenderContext(out_dir, cache, options, step=console.step, detail=console.detail,
                                    show=lambda path: show_path(path, book_root))
            result = renderer.render(prepared, context)
            diags += result.diagnostics
            console.step(result.summary)
    return finish(diags, args, console)


def show_path(path: Path, root: Path) -> str:
    """A path relative to the book folder when it is inside it."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
