"""The command line's arguments: the fixed commands, and one command per output in the registry.

`bookkit --help` lists the outputs' commands from `bookkit/render/registry.py`, with
the options each renderer declares; `all` builds those that say `in_all`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import __version__
from ..config import schema_markdown
from ..render import registry
from .console import EXIT_USAGE

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
    """Every command, the outputs' ones as the registry has them now."""
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

    for renderer in registry.commands():  # one command per output
        p = subs.add_parser(renderer.name, help=renderer.help, description=renderer.description)
        _common(p)
        if renderer.draft:
            _build_opts(p)
        renderer.add_arguments(p)

    built = registry.built_by_all()
    titles = [r.title for r in built]
    names = " and ".join(filter(None, [", ".join(titles[:-1]), titles[-1] if titles else ""]))
    p = subs.add_parser("all", help=f"build {names}", description=f"Build {names}.")
    _common(p)
    if any(r.draft for r in built):
        _build_opts(p)

    p = subs.add_parser("check", help="report every problem in the book without building",
                        description="Check the book: config, chapters, citations, notes, links; "
                                    "print every problem as file:line: severity[CODE]: message.")
    _common(p)
    p.add_argument("--list-codes", action="store_true",
                   help="print every diagnostic code with its severity, the runs that find it and its meaning")

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

    p = subs.add_parser("clean", help="remove the output folder and the build cache",
                        description="Remove the outputs from DIR/dist (or --out), then the folder (kept, and "
                                    "said so, if it holds files bookkit does not write), and DIR/.cache.")
    _common(p)
    return parser
