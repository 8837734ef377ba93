"""The value parsers of `book.yaml`: YAML value in, typed value out, or `ValueError`.

Each parser takes what PyYAML made of one key's value and returns the value the
`Config` field holds; a bad value raises `ValueError` with the words an author needs
(the loader adds the key and its line). The schema (`schema.py`) names one parser per
key; the command line's `new` runs its options through the same ones.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..diagnostics import CODES, ERROR, UNUSED_IGNORE, Ignore, Lint, did_you_mean

#: Trim sizes a printer accepts, as (width, height) in inches.
TRIM_SIZES: dict[str, tuple[float, float]] = {
    "5x8in": (5.0, 8.0),
    "5.25x8in": (5.25, 8.0),
    "5.5x8.5in": (5.5, 8.5),
    "6x9in": (6.0, 9.0),
    "6.14x9.21in": (6.14, 9.21),
    "7x10in": (7.0, 10.0),
    "8.5x11in": (8.5, 11.0),
    "a5": (148 / 25.4, 210 / 25.4),
    "royal": (156 / 25.4, 234 / 25.4),
}

#: Paper stock → caliper (inches per page), from KDP's published figures.
PAPERS: dict[str, float] = {"white": 0.002252, "cream": 0.0025}

#: what `lists:` may name, in the order the pages follow the contents
LISTS = ("figures", "tables")

#: The words of numbered cross-references (bookkit/crossref.py), singular and plural, and the
#: words of the print page form and of lists; each can be replaced in book.yaml's `crossref`.
CROSSREF_WORDS: dict[str, str] = {
    "figure": "Figure", "figures": "Figures", "table": "Table", "tables": "Tables",
    "equation": "Equation", "equations": "Equations", "listing": "Listing", "listings": "Listings",
    "section": "Section", "sections": "Sections", "chapter": "Chapter", "chapters": "Chapters",
    "appendix": "Appendix", "appendices": "Appendices",
    "page": "on page", "and": "and",
}


@dataclass(frozen=True)
class Isbn:
    """ISBNs of the editions; either may be empty."""

    print: str = ""
    ebook: str = ""


def text(value: Any) -> str:
    """A scalar as text (YAML reads `2` or `1.5` as numbers; a title may be either)."""
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value).strip()
    raise ValueError("expected text")


def nonempty_text(value: Any) -> str:
    result = text(value)
    if not result:
        raise ValueError("must not be empty")
    return result


def names(value: Any) -> tuple[str, ...]:
    """`author`: one name, or a list of names."""
    if isinstance(value, str) and value.strip():
        return (value.strip(),)
    if isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value):
        return tuple(v.strip() for v in value)
    raise ValueError("expected a name or a list of names")


_LANG = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")


def language_tag(value: Any) -> str:
    result = nonempty_text(value)
    if not _LANG.match(result):
        raise ValueError(f"'{result}' is not a BCP 47 language tag such as 'en' or 'en-US'")
    return result


def date(value: Any) -> str:
    """YYYY, YYYY-MM or YYYY-MM-DD; YAML's own dates (an unquoted 2024-05-01) are accepted as such."""
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.strftime("%Y-%m-%d")
    result = nonempty_text(value)
    if not re.match(r"^\d{4}(-\d{2}(-\d{2})?)?$", result):
        raise ValueError(f"'{result}' is not a date like 2024, 2024-05 or 2024-05-01")
    return result


def isbn_is_valid(isbn: str) -> bool:
    digits = isbn.replace("-", "").replace(" ", "").upper()
    if re.fullmatch(r"\d{13}", digits):
        total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits[:12]))
        return (10 - total % 10) % 10 == int(digits[12])
    if re.fullmatch(r"\d{9}[\dX]", digits):
        total = sum((10 - i) * (10 if d == "X" else int(d)) for i, d in enumerate(digits))
        return total % 11 == 0
    return False


def _isbn_one(value: Any) -> str:
    result = text(value)
    if result and not isbn_is_valid(result):
        raise ValueError(f"'{result}' is not a valid ISBN-10 or ISBN-13 (check digit or length)")
    return result


def isbn(value: Any) -> Isbn:
    """One ISBN for both editions, or `{print: ..., ebook: ...}`."""
    if isinstance(value, (str, int)):
        one = _isbn_one(value)
        return Isbn(print=one, ebook=one)
    if isinstance(value, dict):
        unknown = set(value) - {"print", "ebook"}
        if unknown:
            raise ValueError(f"unknown ISBN kind {sorted(map(str, unknown))[0]!r}; allowed: print, ebook")
        return Isbn(print=_isbn_one(value.get("print", "")), ebook=_isbn_one(value.get("ebook", "")))
    raise ValueError("expected an ISBN or a mapping with 'print' and 'ebook'")


def csl_style(value: Any) -> str:
    """A packaged style's name, or a `.csl` file (gated with the other paths when the book loads)."""
    from ..bibliography import is_csl_file, package_style  # late: loads the styles package only when used

    name = nonempty_text(value)
    if not is_csl_file(name):
        package_style(name)  # raises ValueError listing close matches
    return name


def choice(choices: dict[str, Any]) -> Callable[[Any], str]:
    """A parser accepting one of `choices`' keys, in any case."""

    def parse(value: Any) -> str:
        result = nonempty_text(value).lower()
        if result not in choices:
            raise ValueError(f"unknown value '{result}'; allowed: {', '.join(choices)}")
        return result

    return parse


def length_in(value: Any) -> float:
    """A length in inches, 0 to 0.5: a number, or text like '0.125in', '3mm' or '9pt'."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number, unit = float(value), "in"
    else:
        match = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*(in|mm|pt)?\s*", text(value))
        if not match:
            raise ValueError(f"'{value}' is not a length such as 0.125in or 3mm")
        number, unit = float(match.group(1)), match.group(2) or "in"
    inches = number / {"in": 1.0, "mm": 25.4, "pt": 72.0}[unit]
    if not 0 <= inches <= 0.5:
        raise ValueError("must be between 0 and 0.5 in")
    return inches


def chapter_list(value: Any) -> tuple[str, ...]:
    if isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value):
        return tuple(v.strip() for v in value)
    raise ValueError("expected a list of chapter file paths")


def caption_lists(value: Any) -> tuple[str, ...]:
    """`lists: [figures, tables]`: which lists of captions follow the contents, in LISTS' order."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
        raise ValueError("expected a list such as [figures, tables]")
    chosen = {v.strip().lower() for v in items}
    unknown = sorted(chosen - set(LISTS))
    if unknown:
        raise ValueError(f"unknown list '{unknown[0]}'{did_you_mean(unknown[0], LISTS)}; allowed: {', '.join(LISTS)}")
    return tuple(name for name in LISTS if name in chosen)


def boolean(value: Any) -> bool:
    """true or false only: YAML's `yes`/`no` are booleans too, but a quoted "no" is text and refused."""
    if isinstance(value, bool):
        return value
    raise ValueError("expected true or false")


def crossref_words(value: Any) -> dict[str, str]:
    """Words replacing some of CROSSREF_WORDS; the rest keep their English default."""
    if not isinstance(value, dict):
        raise ValueError("expected a mapping such as {figure: Fig., figures: Figs.}")
    words = dict(CROSSREF_WORDS)
    for key, word in value.items():
        if str(key) not in CROSSREF_WORDS:
            raise ValueError(f"unknown word '{key}'{did_you_mean(str(key), CROSSREF_WORDS)}; "
                             f"allowed: {', '.join(CROSSREF_WORDS)}")
        words[str(key)] = nonempty_text(word)
    return words


# ---- lint: the book's own severities of warning codes ----------------------------------------

_LINT_KEYS = ("ignore", "error")


def lint_settings(value: Any) -> Lint:
    """`lint: {ignore: [C002, "L002: chapters/intro.md"], error: [S002]}`: warning codes this book
    silences (everywhere, or in one file or folder of the book) and warning codes it makes errors.

    Only warnings: an error code means the outputs would be wrong, so it is fixed where it is
    reported, never silenced; and an unused ignore (Y007) is fixed by removing the entry.
    """
    if not isinstance(value, dict):
        raise ValueError("expected a mapping such as {ignore: [C002], error: [L002]}")
    for key in value:
        if key not in _LINT_KEYS:
            raise ValueError(f"unknown key '{key}'{did_you_mean(str(key), _LINT_KEYS)}; allowed: ignore, error")
    ignore = tuple(_ignore_entry(item) for item in _lint_list(value.get("ignore"), "ignore"))
    escalate = frozenset(_warning_code(item, "error") for item in _lint_list(value.get("error"), "error"))
    both = sorted({entry.code for entry in ignore if not entry.path} & escalate)
    if both:
        raise ValueError(f"{both[0]} is both in lint.ignore and in lint.error; keep one")
    return Lint(ignore, escalate)


def _lint_list(value: Any, key: str) -> list:
    if value is None:
        return []
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        raise ValueError(f"lint.{key}: expected a list of codes such as [L002, C002]")
    return items


def _ignore_entry(item: Any) -> Ignore:
    """`C002`, `"L002: chapters/intro.md"` or the mapping YAML reads from `- L002: chapters/intro.md`."""
    if isinstance(item, dict) and len(item) == 1:
        code, path = next(iter(item.items()))
    elif isinstance(item, str):
        code, _, path = item.partition(":")
    else:
        raise ValueError(f"lint.ignore: expected a code or 'CODE: path', not {item!r}")
    if not isinstance(path, str):
        raise ValueError(f"lint.ignore: {code}: expected one file or folder of the book, not {path!r}")
    return Ignore(_warning_code(code, "ignore"), _book_path(path.strip()))


def _warning_code(value: Any, key: str) -> str:
    code = text(value).upper()
    if code not in CODES:
        raise ValueError(f"lint.{key}: unknown code '{value}'{did_you_mean(code, CODES)}")
    what = CODES[code].description.split(" (")[0]
    if CODES[code].severity == ERROR:
        if key == "error":
            raise ValueError(f"lint.error: {code} ({what}) is an error already")
        raise ValueError(f"lint.ignore: {code} ({what}) is an error, and an error cannot be ignored: the outputs "
                         "would be wrong; fix it where it is reported")
    if code == UNUSED_IGNORE and key == "ignore":
        raise ValueError(f"lint.ignore: {code} cannot be ignored; remove the unused entries it reports")
    return code


def _book_path(text: str) -> str:
    """A file or folder inside the book, relative to the book folder ('' for the whole book)."""
    parts = [p for p in text.replace("\\", "/").split("/") if p not in ("", ".")]
    if text.startswith(("/", "\\")) or ".." in parts or re.match(r"^[A-Za-z]:", text):
        raise ValueError(f"lint.ignore: '{text}' must be a file or folder inside the book, relative to the book folder")
    return "/".join(parts)
