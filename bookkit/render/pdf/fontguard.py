"""What fonts the PDF really carries, read from the PDF: for the preflight and the fallback guard.

WeasyPrint asks fontconfig for a face when none of the @font-face faces has a glyph,
and fontconfig answers with whatever the machine has (DejaVu on Debian), so the PDF
would change from machine to machine without a word. After layout the build reads
every font of every page (forms included) with pikepdf; a font whose family is not
one bookkit gave WeasyPrint fails the build (R006), naming the characters it was used
for and their page, found with pdfium's per-character font information.
"""

from __future__ import annotations

import ctypes
import io
from dataclasses import dataclass

from ...diagnostics import Diagnostic, diagnostic


@dataclass(frozen=True)
class EmbeddedFont:
    name: str  # without the subset tag
    subset: bool  # the name carries a subset tag (ABCDEF+)
    embedded: bool  # the font program is in the file

    @property
    def synthetic(self) -> bool:
        """A roman face WeasyPrint slanted by hand (pango names it `-Oblique`; a real italic is `-Italic`)."""
        return self.name.endswith("-Oblique")

    def __str__(self) -> str:
        return (self.name + ("" if self.embedded else " (not embedded)")
                + ("" if self.subset or not self.embedded else " (not subset)")
                + (" (slanted by hand, R008)" if self.synthetic else ""))


def _base(name: str) -> tuple[str, bool]:
    name = name.lstrip("/")
    tag, plus, rest = name.partition("+")
    if plus and len(tag) == 6 and tag.isupper():
        return rest, True
    return name, False


def embedded_fonts(pdf_bytes: bytes) -> list[EmbeddedFont]:
    """Every font used on any page of the PDF, by name, in name order."""
    import pikepdf

    found: dict[str, EmbeddedFont] = {}
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        seen: set = set()
        for page in pdf.pages:
            for font in _fonts(page.obj.get("/Resources"), seen):
                descriptor = font
                if font.get("/Subtype") == "/Type0":
                    descriptor = font["/DescendantFonts"][0]
                descriptor = descriptor.get("/FontDescriptor")
                raw = str((descriptor or {}).get("/FontName", font.get("/BaseFont", "")))
                name, subset = _base(raw)
                embedded = font.get("/Subtype") == "/Type3" or (  # Type 3 glyphs are the PDF's own drawings
                    descriptor is not None and any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")))
                found[name] = EmbeddedFont(name, subset, embedded)
    return [found[k] for k in sorted(found)]


def _fonts(resources, seen: set):
    if resources is None:
        return
    yield from (resources.get("/Font") or {}).values()
    for xobject in (resources.get("/XObject") or {}).values():
        if xobject.objgen in seen or xobject.get("/Subtype") != "/Form":
            continue
        seen.add(xobject.objgen)
        yield from _fonts(xobject.get("/Resources"), seen)


def book_families(root) -> set[str]:
    """Families the book declares itself with @font-face in its styles/ folder: its own, not the machine's."""
    import re

    families = set()
    for sheet in sorted((root / "styles").glob("*.css")) if (root / "styles").is_dir() else []:
        for rule in re.findall(r"@font-face\s*\{[^}]*\}", sheet.read_text(encoding="utf-8", errors="replace")):
            match = re.search(r"font-family\s*:\s*[\"']?([^;\"'}]+)", rule)
            if match:
                families.add(match.group(1).strip())
    return families


def is_ours(name: str, families: set[str]) -> bool:
    """WeasyPrint names an embedded font after its family and style, spaces as dashes."""
    return any(name == f.replace(" ", "-") or name.startswith(f.replace(" ", "-") + "-") for f in families)


def foreign_fonts(pdf_bytes: bytes, families: set[str]) -> list[Diagnostic]:
    """R006 for every font in the PDF that is not one of `families` (the faces bookkit ships)."""
    foreign = [f.name for f in embedded_fonts(pdf_bytes) if not is_ours(f.name, families)]
    if not foreign:
        return []
    uses = _characters_set_in(pdf_bytes, set(foreign))
    problems = []
    for name in foreign:
        chars, pages = uses.get(name, ({}, set()))
        shown = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in sorted(chars)[:8]) or "some characters"
        where = f" on PDF page {', '.join(str(p) for p in sorted(pages)[:5])}" if pages else ""
        problems.append(diagnostic("book", None, "R006",
                              f"the machine's font {name} was used for {shown}{where}: no font bookkit ships "
                              "has those characters; replace them, or give a face that has them "
                              "with @font-face in styles/book.css"))
    return problems


def synthetic_faces(pdf_bytes: bytes) -> list[Diagnostic]:
    """R008 for every face WeasyPrint slanted by hand: italic text with characters the italic lacks."""
    slanted = {f.name for f in embedded_fonts(pdf_bytes) if f.synthetic}
    if not slanted:
        return []
    uses = _characters_set_in(pdf_bytes, slanted)
    problems = []
    for name in sorted(slanted):
        chars, pages = uses.get(name, (set(), set()))
        shown = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in sorted(chars)[:8]) or "some characters"
        where = f" on PDF page {', '.join(str(p) for p in sorted(pages)[:5])}" if pages else ""
        problems.append(diagnostic("book", None, "R008",
                                   f"italic {shown}{where}: the packaged italic has no such character, so the "
                                   f"roman face was slanted by hand ({name}); set them upright"))
    return problems


def _characters_set_in(pdf_bytes: bytes, names: set[str]) -> dict[str, tuple[set[str], set[int]]]:
    """For each font name in `names`: the characters set in it and the pages (1-based) they are on."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    uses: dict[str, tuple[set[str], set[int]]] = {}
    pdf = pdfium.PdfDocument(pdf_bytes)
    try:
        buffer = ctypes.create_string_buffer(256)
        flags = ctypes.c_int()
        for number, page in enumerate(pdf, start=1):
            text = page.get_textpage()
            for index in range(text.count_chars()):
                size = raw.FPDFText_GetFontInfo(text.raw, index, buffer, len(buffer), ctypes.byref(flags))
                if not size:
                    continue
                name, _ = _base(buffer.value.decode("utf-8", "replace"))
                if name in names:
                    char = chr(raw.FPDFText_GetUnicode(text.raw, index))
                    entry = uses.setdefault(name, (set(), set()))
                    entry[0].add(char)
                    entry[1].add(number)
    finally:
        pdf.close()
    return uses
