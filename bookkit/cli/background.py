"""The print PDF that `watch` keeps current, built in processes forked from a warm server.

Starting a fresh Python for every rebuild costs close to a second before any work
(importing WeasyPrint alone takes half of it). A forkserver imports bookkit,
WeasyPrint and pikepdf once, when `watch` starts; each build is a fork of it that
runs the same `main(["pdf", ...])` as `build.py pdf` and sends back its exit code
and what it printed. A newer edit stops the running build and starts another.
"""

from __future__ import annotations

import contextlib
import io
import multiprocessing
import signal
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

#: imported once by the forkserver, so that a build starts with them loaded
PRELOAD = ["bookkit.cli", "bookkit.render.pdf.render", "bookkit.render.shared.printlayout.incremental",
           "bookkit.render.shared.printlayout.weasyfix",
           "weasyprint", "pikepdf"]


def _build(run: Callable[[list[str]], int], argv: list[str], conn) -> None:
    """In the forked process: one `pdf` build (`run(argv)`), its output captured and sent back."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for `watch`, which stops this build itself
    out, err = io.StringIO(), io.StringIO()
    code = 1
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = run(argv)
    finally:
        with contextlib.suppress(OSError):
            conn.send((code, err.getvalue()))
            conn.close()


class BackgroundPdf:
    """One PDF build at a time: `start` (stopping any running one), `poll`, `stop`."""

    def __init__(self, root: Path, out_dir: Path, run: Callable[[list[str]], int]):
        """`run` is the command line's `main`, handed in rather than imported (the CLI imports this
        module): the forkserver pickles it by name and each build calls it."""
        self.run = run
        self.argv = ["pdf", "--book", str(root), "--out", str(out_dir), "-q"]
        self.context = multiprocessing.get_context("forkserver")
        self.context.set_forkserver_preload(PRELOAD)
        self.process: BaseProcess | None = None
        self.conn: Connection | None = None  # the build's end of it sends (exit code, stderr)

    def warm_up(self) -> None:
        """Start the forkserver now, so that its imports overlap the first preview."""
        from multiprocessing import forkserver

        forkserver.ensure_running()

    @property
    def running(self) -> bool:
        return self.process is not None

    def start(self) -> None:
        self.stop()
        receive, send = self.context.Pipe(duplex=False)
        # not daemonic: a daemonic process may not start the layout workers
        self.process = self.context.Process(target=_build, args=(self.run, self.argv, send))
        self.process.start()
        send.close()
        self.conn = receive

    def poll(self) -> tuple[int, str] | None:
        """(exit code, what it printed to stderr) once the build has ended, else None."""
        if self.process is None or self.conn is None:  # (both are set and cleared together)
            return None
        died = (1, "bookkit: the PDF build stopped before it finished\n")
        result = None
        try:
            if self.conn.poll():
                result = self.conn.recv()
        except (EOFError, OSError):  # it died without a word (killed from outside)
            result = died
        if result is None and not self.process.is_alive():  # it may have written just before ending
            result = self.conn.recv() if self.conn.poll() else died
        if result is not None:
            self.process.join()
            self._forget()
        return result

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(10)
            if self.process.is_alive():
                self.process.kill()
                self.process.join()
        self._forget()

    def _forget(self) -> None:
        if self.conn is not None:
            self.conn.close()
        self.process = self.conn = None
