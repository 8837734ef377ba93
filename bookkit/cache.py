"""A content-addressed cache under `<book>/.cache/`.

Keys are hashes of every input that matters, so an entry is either right or
never looked up; writes go to a temporary file and are renamed into place, so a
killed build never leaves an entry that a later build would trust.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

CACHE_DIR = ".cache"


def digest(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; an output is as readable as any file
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class Cache:
    def __init__(self, book_root: Path, enabled: bool = True):
        self.root = book_root / CACHE_DIR
        self.enabled = enabled

    def path(self, namespace: str, key: str, suffix: str = "") -> Path:
        return self.root / namespace / key[:2] / (key + suffix)

    def get(self, namespace: str, key: str) -> bytes | None:
        if not self.enabled:
            return None
        try:
            return self.path(namespace, key).read_bytes()
        except OSError:
            return None

    def put(self, namespace: str, key: str, data: bytes) -> None:
        if self.enabled:
            atomic_write(self.path(namespace, key), data)

    def clear(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
