"""Dispatch: a command name to the function that runs it, and the one place problems become exit codes.

The outputs' commands and `all` come from `bookkit/render/registry.py`, read when a
command runs, so an output registered at run time has its command at once.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from pathlib import Path

from ..config import CONFIG_FILE
from ..diagnostics import BookError, UsageError, codes_listing
from ..render import registry
from .building import build
from .commands import cmd_check, cmd_clean, cmd_new, cmd_stats, cmd_watch
from .console import EXIT_BOOK, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, Console
from .parser import build_parser

Handler = Callable[..., int]


class Commands(Mapping[str, Handler]):
    """Every command but `new` (which needs no book) and the function it runs: (args, book, console) -> exit code."""

    def _table(self) -> dict[str, Handler]:
        table: dict[str, Handler] = {r.name: partial(build, renderers=[r]) for r in registry.commands()}
        table["all"] = partial(build, renderers=registry.built_by_all())
        table.update(check=cmd_check, watch=partial(cmd_watch, run=main), stats=cmd_stats, clean=cmd_clean)
        return table

    def __getitem__(self, name: str) -> Handler:
        return self._table()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._table())

    def __len__(self) -> int:
        return len(self._table())


COMMANDS = Commands()


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
    """Run one command; its exit status (see `console.py`)."""
    parser = build_parser(default_book)
    args = parser.parse_args(argv)
    try:
        if args.command == "new":
            return cmd_new(args)
        if getattr(args, "list_codes", False):  # the table needs no book
            print(codes_listing())
            return EXIT_OK
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
