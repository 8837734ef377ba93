"""Where outputs go and the fixed dates written into them.

Outputs are named from the title's slug; their embedded dates come from
SOURCE_DATE_EPOCH or book.yaml's `date`, never the clock, so two builds of the
same sources give the same bytes.
"""

from __future__ import annotations

import datetime as dt
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


def output_path(out_dir: Path, slug: str, kind: str) -> Path:
    names = {"pdf": f"{slug}.pdf", "screen": f"{slug}-screen.pdf", "epub": f"{slug}.epub",
             "cover": f"{slug}-cover.pdf", "cover-image": f"{slug}-cover.jpg"}
    return out_dir / names[kind]
