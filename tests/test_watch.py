"""`watch`: the preview server on loopback, rebuilt on edits, reloaded in a real browser.

The browser test drives Debian's headless Chromium through the DevTools protocol over
a pipe (`--remote-debugging-pipe`), so it needs no Python package and no open port
besides the preview's own. Every wait is a bounded loop.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--remote-debugging-pipe"]


class WatchProcess:
    """`build.py watch --port 0` in the background, with its output read line by line."""

    def __init__(self, book: Path, *extra: str):
        self.proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "watch", "--book", str(book),
                                      "--port", "0", *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        self.err: list[str] = []
        threading.Thread(target=self._pump, args=(self.proc.stdout, self.lines.put), daemon=True).start()
        threading.Thread(target=self._pump, args=(self.proc.stderr, self.err.append), daemon=True).start()
        self.url = self.wait_line("Serving the preview on").split(" on ")[1].split()[0]
        assert self.url.startswith("http://127.0.0.1:")

    @staticmethod
    def _pump(stream, put):
        for line in stream:
            put(line.rstrip("\n"))

    def wait_line(self, text: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                assert self.proc.poll() is None, "watch exited: " + "\n".join(self.err)
                continue
            if text in line:
                return line
        raise AssertionError(f"no line with {text!r} within {timeout}s; stderr: {self.err}")

    def get(self, path: str) -> bytes:
        with urllib.request.urlopen(self.url.rstrip("/") + path, timeout=10) as response:
            return response.read()

    def status(self) -> dict:
        return json.loads(self.get("/_bookkit/status"))

    def wait_status(self, test, timeout: float = 30) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = self.status()
            if test(state):
                return state
            time.sleep(0.1)
        raise AssertionError(f"status never matched; last {state}; stderr {self.err}")

    def interrupt(self) -> int:
        self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(timeout=20)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def watching(book_copy):
    started: list[WatchProcess] = []

    def start(name: str, *extra: str) -> tuple[Path, WatchProcess]:
        book = book_copy(name)
        started.append(WatchProcess(book, *extra))
        return book, started[-1]

    yield start
    for process in started:
        process.close()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_preview_follows_edits_keeps_last_good_page_and_stops_cleanly(watching):
    book, watch = watching("tiny", "--no-pdf")
    watch.wait_line("preview updated")
    page = watch.get("/").decode()
    assert "The Second Chapter" in page and 'class="footnotes' in page  # notes set e-book style
    # each chapter numbers its notes from 1; the preview keeps the two sets apart
    assert 'href="#the-first-chapter-fn1"' in page and 'id="the-second-chapter-fn1"' in page
    chapter = book / "chapters" / "01-first.md"
    edit(chapter, "opening sentence", "freshly edited sentence")
    state = watch.wait_status(lambda s: s["generation"] >= 2)
    assert state["errors"] == []
    assert "freshly edited sentence" in watch.get("/").decode()

    edit(chapter, "[@lei2021]", "[@lei2012]")
    state = watch.wait_status(lambda s: s["errors"])
    assert state["errors"] == ["chapters/01-first.md:9:21: error[C001]: unknown citation key 'lei2012' "
                               "(did you mean 'lei2021'?)"]
    assert "freshly edited sentence" in watch.get("/").decode()  # the last good preview stays
    assert any("error[C001]" in line for line in watch.err)

    edit(chapter, "[@lei2012]", "[@lei2021]")
    state = watch.wait_status(lambda s: s["generation"] >= 3 and not s["errors"])
    assert watch.interrupt() == 0
    assert "Traceback" not in "\n".join(watch.err)


def test_server_answers_only_on_loopback_and_serves_no_sources(watching):
    book, watch = watching("tiny", "--no-pdf")
    watch.wait_line("preview updated")
    for path in ("/book.yaml", "/chapters/01-first.md", "/../../etc/passwd", "/bibliography.bib"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            watch.get(path)
        assert refused.value.code == 404
    port = int(watch.url.rsplit(":", 1)[1].strip("/"))
    assert listening_addresses(watch.proc.pid, port) == ["127.0.0.1"]  # one socket, on loopback only
    assert watch.interrupt() == 0


def listening_addresses(pid: int, port: int) -> list[str]:
    """Local addresses of the TCP sockets process `pid` listens on at `port`, from the kernel's own tables.

    /proc/net/tcp and tcp6 list every socket of the network namespace with its inode;
    /proc/PID/fd links name the inodes the process holds. No `ss` or `netstat` needed.
    """
    if not Path("/proc/net/tcp").is_file() or not Path(f"/proc/{pid}/fd").is_dir():
        pytest.skip("no /proc/net/tcp (not Linux): cannot see which address the server listens on")
    held = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            held.add(os.readlink(fd))
        except OSError:  # closed meanwhile
            continue
    found = []
    for table, family in (("/proc/net/tcp", socket.AF_INET), ("/proc/net/tcp6", socket.AF_INET6)):
        if not Path(table).is_file():
            continue
        for row in Path(table).read_text().splitlines()[1:]:
            fields = row.split()
            address, hex_port = fields[1].rsplit(":", 1)
            if fields[3] == "0A" and int(hex_port, 16) == port and f"socket:[{fields[9]}]" in held:  # 0A: LISTEN
                raw = bytes.fromhex(address)  # printed as 32-bit words in host byte order
                if sys.byteorder == "little":
                    raw = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
                found.append(socket.inet_ntop(family, raw))
    return found


def test_background_pdf_follows_a_good_build(watching):
    book, watch = watching("tiny")
    watch.wait_line("preview updated")
    watch.wait_line("PDF updated", timeout=120)
    pdf = book / "dist" / "a-tiny-book.pdf"
    assert pdf.is_file()
    from conftest import pdf_page_texts

    assert any("The First Chapter" in text for text in pdf_page_texts(pdf))
    assert watch.interrupt() == 0


class Browser:
    """Headless Chromium driven through the DevTools protocol on fds 3 and 4."""

    def __init__(self, profile: Path):
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()

        def wire():  # runs in the child: put the pipe ends where Chromium expects them
            reading, writing = os.dup(to_chrome_r), os.dup(from_chrome_w)  # in case they are 3 or 4
            os.dup2(reading, 3, inheritable=True)
            os.dup2(writing, 4, inheritable=True)

        self.proc = subprocess.Popen([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"],
                                     preexec_fn=wire, pass_fds=(3, 4, to_chrome_r, from_chrome_w),
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buffer = b""
        self._next = 0
        self.session = None

    def call(self, method: str, params: dict | None = None, timeout: float = 30) -> dict:
        self._next += 1
        message = {"id": self._next, "method": method, "params": params or {}}
        if self.session:
            message["sessionId"] = self.session
        os.write(self._to_chrome, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                reply = json.loads(raw)
                if reply.get("id") == self._next:
                    if "error" in reply:
                        raise AssertionError(f"{method}: {reply['error']}")
                    return reply["result"]
            import select

            ready, _, _ = select.select([self._from_chrome], [], [], 0.5)
            if ready:
                chunk = os.read(self._from_chrome, 1 << 16)
                if not chunk:
                    raise AssertionError("Chromium closed the DevTools pipe")
                self._buffer += chunk
        raise AssertionError(f"{method}: no answer within {timeout}s")

    def open(self, url: str) -> None:
        target = self.call("Target.createTarget", {"url": url})["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]

    def evaluate(self, expression: str):
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 30):
        deadline = time.monotonic() + timeout
        value = None
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.2)
        raise AssertionError(f"{expression!r} stayed falsy for {timeout}s (last {value!r})")

    def close(self):
        self.session = None
        try:
            self.call("Browser.close", timeout=5)
        except (AssertionError, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_chrome)
        os.close(self._from_chrome)


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian: apt-get install chromium); "
                                             ".ci/run installs it so CI runs this test")
def test_edit_appears_in_the_browser_without_a_manual_reload(watching, tmp_path):
    book, watch = watching("tiny", "--no-pdf")
    watch.wait_line("preview updated")
    browser = Browser(tmp_path / "chromium-profile")
    try:
        browser.open(watch.url)
        browser.wait_for("document.body && document.body.innerText.includes('The opening sentence')")
        chapter = book / "chapters" / "01-first.md"
        edit(chapter, "The opening sentence", "A sentence typed in the editor")
        browser.wait_for("document.body && document.body.innerText.includes('A sentence typed in the editor')")

        edit(chapter, "[@lei2021]", "[@lei2012]")
        banner = browser.wait_for("(function(){var b=document.getElementById('bookkit-banner');"
                                  "return b && !b.hidden && b.innerText;})()")
        assert "error[C001]: unknown citation key 'lei2012'" in banner
        assert browser.evaluate("document.body.innerText.includes('A sentence typed in the editor')")

        edit(chapter, "[@lei2012]", "[@lei2021]")
        browser.wait_for("(function(){var b=document.getElementById('bookkit-banner');return b && b.hidden;})()")
        font = browser.wait_for("document.fonts.check('16px \"Source Serif Pro\"') && "
                                "getComputedStyle(document.body).fontFamily")
        assert "Source Serif Pro" in font
    finally:
        browser.close()
    assert watch.interrupt() == 0
