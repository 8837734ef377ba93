#!/usr/bin/env python3
"""Build the book in this folder: `python build.py pdf` (see `python build.py --help`)."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from bookkit.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(default_book=ROOT))
