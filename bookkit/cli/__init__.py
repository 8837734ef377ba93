"""The command line: the only place where problems become text and exit codes.

`parser.py` reads the arguments, `dispatch.py` runs the command (the outputs' commands
come from `bookkit/render/registry.py`), `building.py` is a build, `commands.py` the
commands that are not outputs, `console.py` the progress display; `watch.py` and
`background.py` serve the live preview and keep the PDF current behind it.
"""

from .dispatch import main

__all__ = ["main"]
