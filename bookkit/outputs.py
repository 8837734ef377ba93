"""Where outputs go and the fixed dates written into them.

Outputs are named from the title's slug; their embedded dates come from
SOURCE_DATE_EPOCH or book.yaml's `date`, never the clock, so two builds of the
same sources give the same bytes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
from pathlib import Path


def build_datetime(date: str) -> dt.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
    parts = [int(p) for p in (date or "2000").split("-")] + [1, 1]
    return dt.datetime(parts[0], parts[1], parts[2], tzinfo=dt.timezone.utc)


def build_timestamp(date: str) -> str:
    """ISO 8601 form of the fixed build time, e.g. 2024-05-01T00:00:00+00:00."""
    return build_datetime(date).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def pin_source_date(date: str) -> None:
    """Export SOURCE_DATE_EPOCH (from book.yaml's `date` unless already set) for this process.

    The tools under the renderers read it instead of the clock: fontTools for the
    `head` timestamps of every font subset it writes into the PDF, pandoc for the EPUB's
    dcterms:modified and its zip entries' dates, so a build on another day matches.
    """
    if not os.environ.get("SOURCE_DATE_EPOCH", "").strip().isdigit():
        os.environ["SOURCE_DATE_EPOCH"] = str(int(build_datetime(date).timestamp()))


def output_path(out_dir: Path, slug: str, kind: str) -> Path:
    names = {"pdf": f"{slug}.pdf", "screen": f"{slug}-screen.pdf", "epub": f"{slug}.epub",
             "cover": f"{slug}-cover.pdf", "cover-image": f"{slug}-cover.jpg"}
    return out_dir / names[kind]


LOCK_NAME = ".bookkit.lock"


@contextlib.contextmanager
def build_lock(out_dir: Path):
    """Hold an exclusive lock on the output folder for one build.

    A second build of the same book waits here instead of interleaving its writes
    with the first. Under the lock, temporary files left by a build that was killed
    (outputs are written to `.<name>.*.tmp` and renamed) are removed.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / LOCK_NAME, "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            for stale in out_dir.glob(".*.tmp"):
                stale.unlink(missing_ok=True)
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
