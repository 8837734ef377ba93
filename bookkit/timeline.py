"""Chronology figures: a YAML list of dated events drawn as an SVG timeline.

A chapter asks for one with a fenced div::

    ::: {.timeline src="../data/timeline.yaml" alt="What the figure shows"}
    Caption text.
    :::

`src` is relative to the chapter file, like an image's path, and goes through the
resource gate (bookkit/resources.py) before it is read.

The SVG comes from a Jinja2 template, so a book may restyle it by shipping its own
`templates/timeline.svg.j2`.
"""

from __future__ import annotations

import posixpath
import textwrap
from dataclasses import dataclass
from pathlib import Path

import yaml

from .diagnostics import BookError, Diagnostic, diagnostic
from .resources import book_relative, vet_path


@dataclass(frozen=True)
class Event:
    year: int
    label: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Timeline:
    title: str
    events: tuple[Event, ...]


def load_timeline(root: Path, src: str, chapter_path: str, line: int | None) -> Timeline:
    """Read and validate the timeline data file `src` as the chapter `chapter_path` names it.

    A refused or missing file is reported at the chapter's line; problems inside the
    data point at the data file.
    """
    refused = vet_path(root, src, posixpath.dirname(chapter_path), "timeline data file", "D001")
    if refused:
        raise BookError([diagnostic(chapter_path, line, *refused)])
    rel = book_relative(src, posixpath.dirname(chapter_path))
    path = root / rel
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        raise BookError([diagnostic(rel, mark.line + 1 if mark else None, "D001",
                                    f"invalid timeline data: {getattr(exc, 'problem', exc)}")]) from None
    problems: list[Diagnostic] = []
    if not isinstance(data, dict) or not isinstance(data.get("events"), list) or not data["events"]:
        raise BookError([diagnostic(rel, 1, "D001", "timeline data needs an 'events' list")])
    events = []
    for number, item in enumerate(data["events"], start=1):
        if (not isinstance(item, dict) or not isinstance(item.get("year"), int)
                or not str(item.get("label", "")).strip()):
            problems.append(diagnostic(rel, None, "D001", f"event {number}: needs an integer 'year' and a 'label'"))
            continue
        sources = item.get("source", ())
        sources = (sources,) if isinstance(sources, str) else tuple(sources or ())
        events.append(Event(item["year"], str(item["label"]).strip(), sources))
    if problems:
        raise BookError(problems)
    events.sort(key=lambda e: e.year)
    return Timeline(str(data.get("title", "")).strip(), tuple(events))


def render_svg(timeline: Timeline, alt: str, env) -> str:
    """Lay the events out top to bottom; same-year events share one year mark."""
    width, axis, line_height, top, gap = 440, 58, 14, 38, 7
    rows, y, last_year = [], top, None
    for event in timeline.events:
        lines = textwrap.wrap(event.label, 54) or [""]
        rows.append({"year": event.year, "show_year": event.year != last_year, "y": y, "lines": lines})
        y += gap + line_height * len(lines)
        last_year = event.year
    height = y + 4
    template = env.get_template("timeline.svg.j2")
    return template.render(width=width, height=height, axis=axis, top=top, rows=rows,
                           line_height=line_height, title=timeline.title, alt=alt)
