"""The output folder's lock and the fixed dates written into outputs.

Outputs are named from the title's slug by their renderers (`bookkit/render/registry.py`
lists them); their embedded dates come from
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
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    parts = [int(p) for p in (date or "2000").split("-")] + [1, 1]
    return dt.datetime(parts[0], parts[1], parts[2], tzinfo=dt.UTC)


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


#: The lock file earlier versions left in the output folder; removed under the lock.
LEGACY_LOCK = ".bookkit.lock"


@contextlib.contextmanager
def build_lock(out_dir: Path):
    """Hold an exclusive lock on the output folder for one build, leaving no file behind.

    A second build of the same book waits here instead of interleaving its writes
    with the first. The lock is a flock on the folder's own descriptor (Linux allows
    one on a directory), released when the descriptor closes, also when the process
    is killed. Under the lock, temporary files left by a build that was killed
    (outputs are written to `.<name>.*.tmp` and renamed) are removed.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(out_dir, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        for stale in out_dir.glob(".*.tmp"):
            stale.unlink(missing_ok=True)
        (out_dir / LEGACY_LOCK).unlink(missing_ok=True)
        yield
    finally:
        os.close(fd)
