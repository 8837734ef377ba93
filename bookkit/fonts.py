"""Fonts from PyPI packages: the text face, a monospace face and a CJK face, found via importlib.

No system font is ever used. The CJK face is cut out of the Noto Sans CJK collection
and subset to the characters the book prints, so both the PDF and the EPUB carry a
few kilobytes of Chinese glyphs instead of 19 MB.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .cache import Cache, atomic_write, digest

TEXT_FAMILY = "Source Serif Pro"
MONO_FAMILY = "Source Code Pro"
CJK_FAMILY = "Noto Sans CJK SC"
#: face index of Simplified Chinese inside NotoSansCJK-Regular.ttc
_CJK_INDEX = 2


@dataclass(frozen=True)
class Face:
    family: str
    weight: int
    style: str  # normal or italic
    path: Path
    unicode_range: str = ""

    @property
    def format(self) -> str:
        return "opentype" if self.path.suffix == ".otf" else "truetype"


def _package_file(package: str, *parts: str) -> Path:
    return Path(str(resources.files(package).joinpath(*parts)))


def text_faces() -> list[Face]:
    """Regular, italic, semibold, bold and bold italic, each its own real file."""
    def f(name: str) -> Path:
        return _package_file("font_source_serif_pro", "files", f"SourceSerifPro-{name}.otf")

    return [
        Face(TEXT_FAMILY, 400, "normal", f("Regular")),
        Face(TEXT_FAMILY, 400, "italic", f("It")),
        Face(TEXT_FAMILY, 600, "normal", f("Semibold")),
        Face(TEXT_FAMILY, 600, "italic", f("SemiboldIt")),
        Face(TEXT_FAMILY, 700, "normal", f("Bold")),
        Face(TEXT_FAMILY, 700, "italic", f("BoldIt")),
    ]


#: the monospace faces code is set in: (weight, style, variable font file of fontpkg-source-code-pro)
_MONO = ((400, "normal", "SourceCodePro[wght].ttf"), (400, "italic", "SourceCodePro-Italic[wght].ttf"),
         (700, "normal", "SourceCodePro[wght].ttf"), (700, "italic", "SourceCodePro-Italic[wght].ttf"))


def mono_faces(cache: Cache) -> list[Face]:
    """Source Code Pro regular, italic, bold and bold italic, for code.

    The package ships variable fonts (a weight axis); WeasyPrint and many reading
    systems do not choose a weight on an axis, so each weight is cut out as a static
    instance with fontTools once and kept in the book's cache.
    """
    faces = []
    for weight, style, name in _MONO:
        source = _package_file("fontpkg_source_code_pro", "files", name)
        key = digest("mono-1", name, str(source.stat().st_size), str(weight))
        path = cache.path("fonts", key, ".ttf")
        if not path.exists():
            atomic_write(path, _instance(source, weight))
        faces.append(Face(MONO_FAMILY, weight, style, path))
    return faces


def _instance(source: Path, weight: int) -> bytes:
    import io

    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    font = TTFont(str(source))
    font.recalcTimestamp = False
    static = instancer.instantiateVariableFont(font, {"wght": weight}, updateFontNames=True)
    out = io.BytesIO()
    static.save(out)
    return out.getvalue()


def postscript_name(path: Path, index: int = 0) -> str:
    """The PostScript name a PDF gives an embedded font made from this file (name ID 6)."""
    from fontTools.ttLib import TTCollection, TTFont

    font = TTCollection(str(path)).fonts[index] if path.suffix in (".ttc", ".otc") else TTFont(str(path), lazy=True)
    return str(font["name"].getDebugName(6) or "")


def print_faces(chars: set[str], cache: Cache, code: bool = False) -> list[Face]:
    """What WeasyPrint loads: the text faces, the monospace faces when the book sets `code`,
    plus the CJK subset when `chars` hold Chinese."""
    faces = text_faces() + (mono_faces(cache) if code else [])
    cjk = cjk_face(chars, cache)
    if cjk:
        faces.append(cjk)
    return faces


def cjk_collection() -> Path:
    return _package_file("noto_cjk_sans_otc", "NotoSansCJK-Regular.ttc")


def is_cjk(ch: str) -> bool:
    cp = ord(ch)
    return (0x3400 <= cp <= 0x4DBF or 0x4E00 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF
            or 0x3000 <= cp <= 0x303F or 0xFF00 <= cp <= 0xFFEF or 0x20000 <= cp <= 0x2FA1F)


def cjk_face(chars: set[str], cache: Cache) -> Face | None:
    """A subset of Noto Sans CJK SC holding exactly the CJK characters used; None if none are."""
    wanted = "".join(sorted(c for c in chars if is_cjk(c)))
    if not wanted:
        return None
    key = digest("cjk-2", wanted, str(cjk_collection().stat().st_size))
    path = cache.path("fonts", key, ".otf")
    if not path.exists():
        atomic_write(path, subset_font(cjk_collection(), wanted, index=_CJK_INDEX))
    return Face(CJK_FAMILY, 400, "normal", path)


#: Always kept in a text-face subset, whatever the book prints: ASCII, Latin-1 and general
#: punctuation, so that a reading system's own labels and an editor's next typo still render.
_ALWAYS = "".join(map(chr, range(0x20, 0x7F))) + "".join(map(chr, range(0xA0, 0x100))) \
    + "".join(map(chr, range(0x2010, 0x2050)))


def text_face_subset(face: Face, chars: set[str], cache: Cache) -> Face:
    """`face` cut down to the non-CJK characters the book prints (plus `_ALWAYS`), cached."""
    wanted = "".join(sorted(set(_ALWAYS) | {c for c in chars if not is_cjk(c) and c.isprintable()}))
    key = digest("text-subset-1", face.path.name, str(face.path.stat().st_size), wanted)
    path = cache.path("fonts", key, face.path.suffix)
    if not path.exists():
        atomic_write(path, subset_font(face.path, wanted))
    return Face(face.family, face.weight, face.style, path)


def subset_font(source: Path, text: str, index: int = 0) -> bytes:
    """Bytes of `source` (face `index` of a collection) cut down to the glyphs for `text`."""
    import io

    from fontTools import subset
    from fontTools.ttLib import TTCollection, TTFont

    font = TTCollection(str(source)).fonts[index] if source.suffix in (".ttc", ".otc") else TTFont(str(source))
    font.recalcTimestamp = False  # keep the source's head.modified: the same text gives the same bytes
    options = subset.Options()
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.layout_features = ["*"]
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def font_face_css(faces: list[Face], url_for) -> str:
    """@font-face rules; `url_for(path)` gives the URL the renderer should load."""
    rules = []
    for face in faces:
        rng = f"\n  unicode-range: {face.unicode_range};" if face.unicode_range else ""
        rules.append(
            "@font-face {\n"
            f'  font-family: "{face.family}";\n'
            f"  src: url(\"{url_for(face.path)}\") format(\"{face.format}\");\n"
            f"  font-weight: {face.weight};\n  font-style: {face.style};{rng}\n}}"
        )
    return "\n".join(rules) + "\n"
