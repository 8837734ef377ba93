"""WeasyPrint's side of the resource gate (bookkit/resources.py).

Whatever a page or stylesheet asks WeasyPrint to load comes through here. Only files
inside the book folder (after resolving symlinks), the toolkit's own package, the
font packages and the build cache are served, by the same `is_inside` test the
loader applies; network URLs and everything else are refused without a connection
attempt and reported as diagnostics.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlparse

from weasyprint.urls import URLFetcher, URLFetcherResponse

from ...diagnostics import Diagnostic, diagnostic
from ...resources import is_inside

PACKAGE_ROOT = Path(__file__).resolve().parents[2]  # bookkit/


class SafeFetcher(URLFetcher):
    def __init__(self, book_root: Path, extra_roots: list[Path] | None = None):
        super().__init__(allowed_protocols={"file", "data"})
        self.roots = [book_root.resolve(), PACKAGE_ROOT, *(p.resolve() for p in extra_roots or [])]
        self.book_root = book_root.resolve()
        self.diagnostics: list[Diagnostic] = []

    def shown(self, url: str) -> str:
        """A file in the book by its book-relative path, anything else as the URL it is."""
        if urlparse(url).scheme.lower() == "file":
            path = Path(unquote(urlparse(url).path))
            if path.is_relative_to(self.book_root):
                return path.relative_to(self.book_root).as_posix()
        return url if len(url) < 120 else url[:117] + "..."

    def refuse(self, url: str, code: str, why: str) -> None:
        shown = self.shown(url)
        self.diagnostics.append(diagnostic("book", None, code, f"{why}: '{shown}' was not loaded"))
        raise ValueError(f"{why}: {shown}")

    def fetch(self, url, headers=None):
        scheme = urlparse(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file":
            self.refuse(url, "L010", "remote resource refused")
        path = Path(unquote(urlparse(url).path))
        if not any(is_inside(path, root) for root in self.roots):
            self.refuse(url, "L010", "resource outside the book folder refused")
        try:
            body = path.read_bytes()
        except (OSError, ValueError):
            self.refuse(url, "L009", "file not found")
        # WeasyPrint applies a linked stylesheet only when it is served as text/css
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), body=body, headers={"Content-Type": kind})
