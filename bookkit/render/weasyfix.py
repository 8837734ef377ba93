"""One change to WeasyPrint's line layout: never move earlier notes to fit a paragraph.

When a paragraph reaches the page foot with fewer lines than `orphans` allows to
leave there, WeasyPrint 70 first defers the page's last footnotes to the next
page to make room for one more line (`_linebox_layout`, the `report` branch). The
notes then print a page after their calls, or never. Without that branch the
paragraph simply starts on the next page, as `orphans` asks, and every note stays
with its call: what notecheck.py's paragraph push otherwise needs up to four more
layouts of the part to reach. The push loop stays as the fallback for whatever
this does not cover (and for a WeasyPrint whose source no longer matches).

The change is made by editing that one line of the function's source, so the rest
of the function stays WeasyPrint's own.
"""

from __future__ import annotations

import inspect

_REPORT_LINE = "report = not context.in_column and can_break_now and not could_break_before"
_versions: dict[str, object] = {}  # "original" and, if the source matched, "patched"


def keep_notes_with_calls(on: bool = True) -> bool:
    """Put the changed (or, with on=False, the original) line layout in place.

    Returns True when the changed one is in place. Cheap after the first call.
    """
    from weasyprint.layout import block

    if not _versions:
        _versions["original"] = block._linebox_layout
        try:
            source = inspect.getsource(block._linebox_layout)
        except (OSError, TypeError):
            source = ""
        if source.count(_REPORT_LINE) == 1:
            namespace = dict(block.__dict__)
            exec(compile(source.replace(_REPORT_LINE, "report = False"), block.__file__, "exec"), namespace)
            _versions["patched"] = namespace["_linebox_layout"]
    chosen = _versions.get("patched") if on else None
    block._linebox_layout = chosen or _versions["original"]
    return chosen is not None
