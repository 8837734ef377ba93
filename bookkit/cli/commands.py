"""The commands that are not outputs: new, check, watch, stats, clean.

The outputs' commands (and `all`) are one function, `building.build`, given the
renderers from the registry; `dispatch.py` maps each command name to its function.
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from ..cache import Cache
from ..diagnostics import BookError, UsageError
from ..render import registry
from .building import finish, output_folder, prepare_book, show_path
from .console import EXIT_BOOK, EXIT_OK, Console


def cmd_new(args) -> int:
    """A new book in DIR that builds at once."""
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


def cmd_check(args, book_root: Path, console: Console) -> int:
    """Every problem in the book, without building."""
    from ..check import check_book

    diags = check_book(book_root, strict=args.strict, cache=Cache(book_root, enabled=not args.no_cache))
    console.problems(diags)
    errors = [d for d in diags if d.is_error]
    warnings = [d for d in diags if not d.is_error]
    if not args.quiet:
        print(f"{len(errors)} error(s), {len(warnings)} warning(s)", file=sys.stderr)
    return EXIT_BOOK if errors or (args.strict and warnings) else EXIT_OK


def cmd_watch(args, book_root: Path, console: Console, run: Callable[[list[str]], int]) -> int:
    """Serve the preview; `run` is the command line's own `main`, which the background PDF build runs."""
    from .watch import serve

    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port} is not a port number (0-65535)")
    try:
        serve(book_root, output_folder(args, book_root), Cache(book_root, enabled=not args.no_cache), console,
              port=args.port, open_browser=args.open, pdf=not args.no_pdf, run=run)
    except OSError as exc:
        raise UsageError(f"cannot serve on 127.0.0.1:{args.port}: {exc.strerror or exc}") from None
    except KeyboardInterrupt:
        console.step("stopped")
    return EXIT_OK


def cmd_stats(args, book_root: Path, console: Console) -> int:
    """Words, reading time, notes, sources and pages per chapter."""
    from ..stats import book_stats, format_table

    prepared, _ = prepare_book(argparse.Namespace(**{**vars(args), "quiet": True}), book_root, Console(True, False))
    pdf = registry.get("pdf")
    pdf_name = pdf.outputs(prepared.book.slug, argparse.Namespace(**pdf.defaults()))[0]
    stats = book_stats(prepared, output_folder(args, book_root) / pdf_name)
    if args.json:
        print(json.dumps(stats, indent=2, ensure_ascii=False))
    else:
        print(format_table(stats))
    return finish(list(prepared.report.warnings), args, console)


def cmd_clean(args, book_root: Path, console: Console) -> int:
    """Remove the outputs (every file name the registry's outputs write), then the output folder
    once it is empty, and the cache."""
    from ..templates_env import vet_written_dirs

    refused = vet_written_dirs(book_root)  # never remove what a link out of the book points at
    if refused:
        raise BookError(refused)
    out = output_folder(args, book_root)
    if out.is_symlink():
        out.unlink()  # a link inside the book: remove the link, not its target
        console.step(f"removed {show_path(out, book_root)}")
    elif out.is_dir():
        _remove_outputs(out, book_root, console)
    cache = book_root / ".cache"
    if cache.is_symlink():
        cache.unlink()
        console.step(f"removed {show_path(cache, book_root)}")
    elif cache.is_dir():
        shutil.rmtree(cache)
        console.step(f"removed {show_path(cache, book_root)}")
    return EXIT_OK


def _remove_outputs(out: Path, book_root: Path, console: Console) -> None:
    """Every file in `out` named as an output names its files (for any title), and the temporary
    files and the lock file of earlier versions a killed build may have left; then `out` if empty."""
    from ..outputs import LEGACY_LOCK

    patterns = [pattern.format(slug="*") for pattern in registry.output_patterns()] + [".*.tmp", LEGACY_LOCK]
    for path in {path for pattern in patterns for path in out.glob(pattern)}:
        if path.is_file() or path.is_symlink():
            path.unlink()
    left = sorted(path.name for path in out.iterdir())
    if left:
        shown = ", ".join(left[:5]) + (", ..." if len(left) > 5 else "")
        console.step(f"kept {show_path(out, book_root)}: it holds files bookkit does not write ({shown})")
    else:
        out.rmdir()
        console.step(f"removed {show_path(out, book_root)}")
