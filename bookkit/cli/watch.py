"""`watch`: a live HTML preview of the book on 127.0.0.1, rebuilt on every saved edit.

The preview goes through the same pipeline as the outputs (`prepare` → `book_html`),
with notes set e-book style at the end of each chapter. Unchanged chapters cost
nothing on a rebuild because conversion is cached by content. The page asks the
server for its state and reloads itself when a newer build is ready; a broken edit
keeps the last good preview and shows its errors in a banner. Each change also
starts the print PDF build (background.py: the same command as `build.py pdf`, in
a process forked from a warm server) alongside the preview, so `dist/` stays
current; a newer change stops it and starts another, a broken edit stops it.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlparse

from ..cache import Cache
from ..diagnostics import BookError, Diagnostic
from ..render import registry
from ..render.base import RenderContext
from ..render.web.renderer import PreviewResult
from ..resources import is_inside
from ..stylesheets import PACKAGE_STYLES
from ..templates_env import PACKAGE_TEMPLATES
from .background import BackgroundPdf

HOST = "127.0.0.1"
#: What a change can touch: besides these folders, book.yaml and the .bib files at the top.
WATCHED_DIRS = ("chapters", "styles", "templates", "data", "images")
POLL_SECONDS = 0.2
#: Files the server hands out from the book folder (figures, images, stylesheets).
SERVED_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
                ".svg": "image/svg+xml", ".webp": "image/webp", ".css": "text/css", ".otf": "font/otf",
                ".ttf": "font/ttf"}


def watched_files(root: Path, out_dir: Path) -> dict[str, float]:
    """Path → modification time of everything a rebuild depends on."""
    found: dict[str, float] = {}
    candidates = [root / "book.yaml", *root.glob("*.bib")]
    for name in WATCHED_DIRS:
        folder = root / name
        if folder.is_dir():
            candidates += [p for p in folder.rglob("*") if p.is_file()]
    for path in candidates:
        if out_dir in path.parents:
            continue
        try:
            found[path.relative_to(root).as_posix()] = path.stat().st_mtime_ns
        except FileNotFoundError:
            continue
    return found


def changed_paths(before: dict[str, float], after: dict[str, float]) -> list[str]:
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


@dataclass
class State:
    """What the server shows: the last good page and the problems of the latest build."""

    generation: int = 0
    html: str = ""
    errors: list[str] = field(default_factory=list)
    pdf: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def snapshot(self) -> dict:
        with self.lock:
            return {"generation": self.generation, "errors": list(self.errors), "pdf": self.pdf}


WAITING_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>bookkit preview</title>
<meta name="bookkit-generation" content="0"><link rel="stylesheet" href="/_bookkit/preview.css">
<script src="/_bookkit/reload.js" defer></script></head>
<body class="variant-preview"><p>The book has not built yet.</p></body></html>"""


def make_handler(root: Path, state: State) -> type[BaseHTTPRequestHandler]:
    from ..fonts import font_face_css, text_faces

    faces = text_faces()
    urls = {face.path: f"/_bookkit/font/{i}{face.path.suffix}" for i, face in enumerate(faces)}
    font_files = {url: path for path, url in urls.items()}
    fonts_css = font_face_css(faces, lambda path: urls[path])
    assets: dict[str, tuple[str, Callable[[], bytes]]] = {
        "/_bookkit/fonts.css": ("text/css", lambda: fonts_css.encode()),
        "/_bookkit/epub.css": ("text/css", lambda: Path(str(PACKAGE_STYLES / "epub.css")).read_bytes()),
        "/_bookkit/preview.css": ("text/css", lambda: Path(str(PACKAGE_STYLES / "preview.css")).read_bytes()),
        "/_bookkit/reload.js": ("text/javascript",
                                lambda: Path(str(PACKAGE_TEMPLATES / "preview-reload.js")).read_bytes()),
    }
    for url, path in font_files.items():
        assets[url] = ("font/otf", path.read_bytes)  # a bound method: each its own path

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's naming)
            path = unquote(urlparse(self.path).path)
            if path in ("/", "/index.html"):
                with state.lock:
                    page = state.html or WAITING_PAGE
                return self.send(200, "text/html; charset=utf-8", page.encode("utf-8"))
            if path == "/_bookkit/status":
                return self.send(200, "application/json", json.dumps(state.snapshot()).encode())
            if path in assets:
                kind, read = assets[path]
                return self.send(200, kind, read())
            target = root / path.lstrip("/")
            served = SERVED_TYPES.get(target.suffix.lower())
            if served and is_inside(target, root) and target.is_file():
                return self.send(200, served, target.read_bytes())
            return self.send(404, "text/plain", b"not found")

        def send(self, status: int, kind: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the browser reloaded mid-answer

        def log_message(self, format, *args):  # requests are not news to an editor
            pass

    return Handler


class Watcher:
    """Polls the book's files, rebuilds the preview, and keeps a PDF build going behind it."""

    def __init__(self, root: Path, out_dir: Path, cache: Cache, console, run: Callable[[list[str]], int],
                 pdf: bool = True):
        self.root, self.out_dir, self.cache, self.console = root, out_dir, cache, console
        self.state = State()
        self.pdf = BackgroundPdf(root, out_dir, run) if pdf else None
        self.pdf_started = 0.0

    def rebuild(self, why: str) -> None:
        """The preview, with the PDF build started first so that it runs alongside on the other core."""
        started = time.monotonic()
        if self.pdf is not None:
            self.pdf.start()
            self.pdf_started = started
            with self.state.lock:
                self.state.pdf = "PDF building"
        try:
            html = self.preview(self.state.generation + 1)
        except BookError as exc:
            self._failed(exc.diagnostics)
            return
        except Exception as exc:  # a bug in bookkit: say so, keep serving the last good page
            self._failed([], f"internal error: {type(exc).__name__}: {exc}")
            return
        with self.state.lock:
            self.state.generation += 1
            self.state.html = html
            self.state.errors = []
        self.console.step(f"preview updated in {time.monotonic() - started:.2f}s ({why})")

    def preview(self, generation: int) -> str:
        """The page, from the web renderer: the book loaded and prepared as it asks (no HTML per part)."""
        from ..book import load_book
        from ..pipeline import prepare

        web = registry.get("web")
        prepared = prepare(load_book(self.root), self.cache, html=web.needs_html)
        context = RenderContext(self.out_dir, self.cache, argparse.Namespace(generation=generation))
        result = web.render(prepared, context)
        assert isinstance(result, PreviewResult)
        return result.html

    def _failed(self, diags: list[Diagnostic], extra: str = "") -> None:
        lines = [d.format() for d in diags if d.is_error] + ([extra] if extra else [])
        if self.pdf is not None:  # the PDF would fail the same way; wait for a good build
            self.pdf.stop()
        with self.state.lock:
            self.state.errors = lines
            self.state.pdf = ""
        self.console.problems([d for d in diags if d.is_error])
        if extra:
            print(f"bookkit: {extra}", file=sys.stderr, flush=True)
        kept = "the last good preview stays" if self.state.generation else "no preview yet"
        print(f"bookkit: the edit did not build; {kept} until it is fixed", file=sys.stderr, flush=True)

    def tick_pdf(self) -> None:
        """Report the PDF build that finished, if one did."""
        result = self.pdf.poll() if self.pdf is not None else None
        if result is None:
            return
        code, err = result
        message = "PDF updated" if code == 0 else "PDF build failed"
        with self.state.lock:
            self.state.pdf = message
        took = time.monotonic() - self.pdf_started
        self.console.step(f"{message} in {self.out_dir.name}/ {took:.2f}s after the change")
        for line in err.splitlines():
            if line.strip():
                print(line, file=sys.stderr, flush=True)

    def run(self, server: ThreadingHTTPServer) -> None:
        """Poll until Ctrl-C; the server runs in its own thread."""
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
        thread.start()
        try:
            if self.pdf is not None:
                self.pdf.warm_up()
            seen = watched_files(self.root, self.out_dir)
            self.rebuild("first build")
            while True:
                time.sleep(POLL_SECONDS)
                now = watched_files(self.root, self.out_dir)
                changed = changed_paths(seen, now)
                if changed:
                    time.sleep(0.05)  # let an editor finish writing (some save in two steps)
                    now = watched_files(self.root, self.out_dir)
                    changed = changed_paths(seen, now) or changed
                    seen = now
                    self.rebuild(", ".join(changed[:3]) + (" …" if len(changed) > 3 else ""))
                self.tick_pdf()
        finally:
            server.shutdown()
            server.server_close()
            if self.pdf is not None:
                self.pdf.stop()


def serve(root: Path, out_dir: Path, cache: Cache, console, port: int, open_browser: bool, pdf: bool,
          run: Callable[[list[str]], int]) -> None:
    """Bind 127.0.0.1:port (0 picks a free port), say where, and watch until interrupted."""
    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)  # `kill` stops as cleanly as Ctrl-C
    # Ctrl-C stops watch even when it was started with SIGINT ignored (a background job of a
    # non-interactive shell), which Python would otherwise leave as it found it
    signal.signal(signal.SIGINT, signal.default_int_handler)
    watcher = Watcher(root, out_dir, cache, console, run, pdf=pdf)
    server = ThreadingHTTPServer((HOST, port), make_handler(root, watcher.state))
    server.daemon_threads = True
    url = f"http://{HOST}:{server.server_address[1]}/"
    print(f"Serving the preview on {url} (Ctrl-C stops)", flush=True)
    if open_browser:
        import webbrowser

        webbrowser.open(url)
    watcher.run(server)
