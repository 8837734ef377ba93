"""`python -m bookkit`: the same command line as the installed `bookkit` script."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
