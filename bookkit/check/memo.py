"""The checks' result remembered for a book whose files have not changed.

Every build runs every rule `check` runs (one validation path), and on a long book
that costs seconds a rebuild after no edit, or after an edit to the stylesheet
alone, should not pay. The rules read only the book's own files (the resource gate
refuses anything outside the folder), bookkit's own code and the packages it runs,
so a key made of those three is enough: any change to any of them is a miss, and a
miss only means the rules run again.

The book's files are fingerprinted by path, size and modification time, as make
and most build caches do, plus the change time, which no copy can set back; not by
content, so an unchanged book costs a directory walk. The folders bookkit writes
(`.cache/` and `dist/`) and `.git/` are left out, or every build would miss.
"""

from __future__ import annotations

import functools
import importlib.metadata
import json
import os
from pathlib import Path

from ..cache import Cache, digest
from ..diagnostics import Diagnostic

NAMESPACE = "checks"
_SKIPPED_DIRS = {".cache", ".git", "dist"}


def checks_key(root: Path, pandoc_diags: list[Diagnostic]) -> str:
    """A key that changes whenever anything the rules read may have changed."""
    return digest(_code_fingerprint(), _book_fingerprint(root),
                  json.dumps([d.to_json() for d in pandoc_diags]))


def recall(cache: Cache, key: str) -> list[Diagnostic] | None:
    data = cache.get(NAMESPACE, key)
    if data is None:
        return None
    try:
        return [Diagnostic.from_json(fields) for fields in json.loads(data)]
    except (ValueError, TypeError, KeyError):  # written by another version of Diagnostic: run the rules again
        return None


def remember(cache: Cache, key: str, diags: list[Diagnostic]) -> None:
    cache.put(NAMESPACE, key, json.dumps([d.to_json() for d in diags]).encode("utf-8"))


def _book_fingerprint(root: Path) -> str:
    entries = []
    for folder, dirs, files in os.walk(root):
        if Path(folder) == root:
            dirs[:] = [d for d in dirs if d not in _SKIPPED_DIRS]
        dirs.sort()
        for name in sorted(files) + [d for d in dirs if os.path.islink(os.path.join(folder, d))]:
            path = os.path.join(folder, name)
            try:
                stat = os.lstat(path)
                target = os.readlink(path) if os.path.islink(path) else ""
            except OSError:
                continue
            times = f"{stat.st_mtime_ns}\0{stat.st_ctime_ns}"
            entries.append(f"{os.path.relpath(path, root)}\0{stat.st_size}\0{times}\0{target}")
    return "\n".join(entries)


@functools.lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    """bookkit's own files and the version of every installed package (pandoc, WeasyPrint, fonts…)."""
    package = Path(__file__).resolve().parent.parent
    parts = [f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions()]
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            parts.append(f"{path.relative_to(package)}\0{digest(path.read_bytes())}")
    return "\n".join(sorted(parts))
