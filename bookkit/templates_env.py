"""The Jinja2 environment: a book's own `templates/` first, then the packaged ones.

A book received from someone else must not be able to run code through its
templates, so every template (the book's and ours) renders in Jinja2's
`ImmutableSandboxedEnvironment`: no access to attributes starting with `_`
(`cycler.__init__.__globals__` and the like), no mutation of the values passed in.
The book's template files and stylesheets pass the resource gate
(bookkit/resources.py) like every other file: a symlink out of the book is refused.

Whatever goes wrong inside a book's template comes back as a diagnostic at the
template's file and line, never as a traceback:

- T001: the template tried to reach Python internals (a sandbox violation);
- T002: the template does not parse;
- T003: the template fails while rendering (an unknown variable, a missing include,
  an operation on the wrong kind of value).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from types import TracebackType

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from .diagnostics import BookError, Diagnostic, diagnostic
from .resources import (
    book_relative,
    is_inside,
    vet_path,
    vet_stylesheet,
)
from .stylesheets import STYLE_DIR

PACKAGE_TEMPLATES = resources.files("bookkit") / "templates"
TEMPLATE_DIR = "templates"
#: Files in a book's templates/ that are Jinja2 templates (parsed when the book loads).
TEMPLATE_SUFFIXES = (".html", ".xhtml", ".xml", ".j2")
#: Folders of the book the build writes to: the cache and the default output folder.
WRITTEN_DIRS = (".cache", "dist")


class _Refused(jinja2.TemplateError):
    """A template name the resource gate refuses (a symlink out, an absolute path, …)."""

    def __init__(self, code: str, message: str, rel: str):
        super().__init__(message)
        self.code, self.rel = code, rel


class _BookLoader(jinja2.BaseLoader):
    """The book's `templates/` through the resource gate; names it lacks fall through."""

    def __init__(self, root: Path):
        self.root = root

    def get_source(self, environment, template):
        refused = vet_path(self.root, template, TEMPLATE_DIR, "template", "missing")
        rel = book_relative(template, TEMPLATE_DIR)
        if refused and refused[0] == "missing":
            raise jinja2.TemplateNotFound(template)
        if refused:
            raise _Refused(*refused, rel if not rel.startswith(("..", "/")) else TEMPLATE_DIR)
        path = self.root / rel
        mtime = path.stat().st_mtime
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise _Refused("T002", "template is not valid UTF-8 text", rel) from None

        def uptodate() -> bool:
            try:
                return path.stat().st_mtime == mtime
            except OSError:
                return False

        return text, str(path), uptodate


class _Template(jinja2.Template):
    """A template whose failures in a book's own file are diagnostics, not exceptions."""

    environment: _Environment  # the environment() below makes every template of ours

    def render(self, *args, **kwargs) -> str:
        try:
            return super().render(*args, **kwargs)
        except BookError:
            raise
        except Exception as exc:  # anything a book's template can make Jinja2 or Python raise
            found = _book_failure(self.environment, exc, sys.exc_info()[2])
            if found is None:
                raise  # a failure in our own templates is a bug
            raise BookError([found]) from None


class _Environment(ImmutableSandboxedEnvironment):
    template_class = _Template

    def __init__(self, root: Path, **options):
        super().__init__(**options)
        self.book_root = root

    def get_template(self, name, parent=None, globals=None):  # noqa: A002 (Jinja2's signature)
        """Our code asks without `parent`; an include, import or extends in a template asks
        with one, and its failure is reported at that template's line by `_Template.render`."""
        if parent is not None:
            return super().get_template(name, parent, globals)
        try:
            return super().get_template(name, parent, globals)
        except _Refused as exc:
            raise BookError([diagnostic(exc.rel, None, exc.code, str(exc))]) from None
        except jinja2.TemplateSyntaxError as exc:
            found = _book_failure(self, exc, exc.__traceback__)
            if found is None:
                raise
            raise BookError([found]) from None


def environment(book_root: Path) -> jinja2.Environment:
    root = book_root.resolve()
    return _Environment(
        root,
        loader=jinja2.ChoiceLoader([_BookLoader(root), jinja2.FileSystemLoader(str(PACKAGE_TEMPLATES))]),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "xhtml", "xml", "svg", "j2"), default=True),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def _book_failure(env: _Environment, exc: BaseException, tb: TracebackType | None) -> Diagnostic | None:
    """The diagnostic for `exc` when it arose in one of the book's templates, else None."""
    folder = env.book_root / TEMPLATE_DIR
    where: tuple[str, int | None] | None = None
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
        where = (exc.filename, exc.lineno)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if Path(filename).parent == folder or folder in Path(filename).parents:
            where = (filename, tb.tb_lineno)
        tb = tb.tb_next
    if where is None or not (Path(where[0]) == folder or folder in Path(where[0]).parents):
        return None
    rel = Path(where[0]).relative_to(env.book_root).as_posix()
    line = where[1]
    if isinstance(exc, SecurityError):
        return diagnostic(rel, line, "T001",
                          f"template tried to reach Python internals, which templates may not: {exc}")
    if isinstance(exc, _Refused):
        return diagnostic(rel, line, exc.code, str(exc))
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return diagnostic(rel, line, "T002", f"template syntax error: {exc.message}")
    if isinstance(exc, jinja2.TemplateNotFound):
        return diagnostic(rel, line, "T003", f"template '{exc.name}' not found in templates/ or the packaged ones")
    return diagnostic(rel, line, "T003", f"template failed: {exc}")


def vet_book_files(book_root: Path) -> list[Diagnostic]:
    """The gate over the book's `styles/` (the files and what they load) and `templates/`
    (the files, and a parse of each).

    Run when the book is loaded, so `check` and every build refuse the same files.
    """
    root = book_root.resolve()
    diags: list[Diagnostic] = []
    env = None
    for folder, what in ((STYLE_DIR, "stylesheet"), (TEMPLATE_DIR, "template")):
        base = root / folder
        if base.is_symlink() or base.exists() and not base.is_dir():
            refused = vet_path(root, folder, "", what + " folder", "missing")
            if refused and refused[0] != "missing":
                diags.append(diagnostic(folder, None, *refused))
            continue
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            rel = path.relative_to(root).as_posix()
            if path.is_dir() and not path.is_symlink():
                continue
            refused = vet_path(root, rel, "", what, "missing")
            if refused and refused[0] != "missing":
                diags.append(diagnostic(rel, None, *refused))
            elif refused is None and folder == STYLE_DIR and path.suffix.lower() == ".css":
                raw = path.read_bytes()
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError as exc:  # the renderers read stylesheets as UTF-8 text
                    line = raw[:exc.start].count(b"\n") + 1
                    column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
                    diags.append(diagnostic(rel, line, "L008", f"stylesheet is not UTF-8 text (byte "
                                                               f"0x{raw[exc.start]:02x}); save it as UTF-8", column))
                    continue
                for line, column, code, message in vet_stylesheet(root, text, path.parent.relative_to(root).as_posix()):
                    missing = "L009" if code == "L001" else code  # a missing file is skipped, as a browser does
                    diags.append(diagnostic(rel, line, missing, message, column))
            elif refused is None and folder == TEMPLATE_DIR and path.suffix.lower() in TEMPLATE_SUFFIXES:
                env = env or environment(root)
                try:
                    template = env.get_template(path.relative_to(base).as_posix())
                except BookError as exc:
                    diags.extend(exc.diagnostics)
                    continue
                diags.extend(template_rules(env, rel, template.filename))
    return diags


def template_rules(env: jinja2.Environment, rel: str, filename: str | None) -> list[Diagnostic]:
    """What rendering a book's template would fail on, found by reading it, so `check` says what the
    build would: T001 for an attribute or key the sandbox refuses as Python internals (`x.__init__`,
    `x["__globals__"]`, `x.mro`); the gate's refusal or T003 for an include, import or extends of a
    name that is refused or missing; T003 for `config.<key>` that no book.yaml key has. (A name
    computed while rendering is still stopped there, by the sandbox and StrictUndefined.)"""
    import dataclasses

    from jinja2 import nodes
    from jinja2.sandbox import UNSAFE_FUNCTION_ATTRIBUTES, UNSAFE_GENERATOR_ATTRIBUTES, UNSAFE_METHOD_ATTRIBUTES

    from .config import Config
    from .diagnostics import did_you_mean

    unsafe = UNSAFE_FUNCTION_ATTRIBUTES | UNSAFE_METHOD_ATTRIBUTES | UNSAFE_GENERATOR_ATTRIBUTES | {"mro"}
    config_names = {f.name for f in dataclasses.fields(Config)} | {
        name for name, value in vars(Config).items() if isinstance(value, property)}
    source = Path(filename).read_text(encoding="utf-8") if filename else ""
    found = []
    tree = env.parse(source)
    lookups: Iterator[nodes.Getattr | nodes.Getitem] = tree.find_all((nodes.Getattr, nodes.Getitem))
    for node in lookups:
        name = node.attr if isinstance(node, nodes.Getattr) else getattr(node.arg, "value", None)
        if isinstance(name, str) and (name.startswith("_") or name in unsafe):
            found.append(diagnostic(rel, node.lineno, "T001", f"template tried to reach Python internals, which "
                                                         f"templates may not: '{name}'"))
        elif (isinstance(name, str) and isinstance(node.node, nodes.Name) and node.node.name == "config"
              and name not in config_names):
            found.append(diagnostic(rel, node.lineno, "T003", f"template failed: 'config' has no key '{name}'"
                                                         f"{did_you_mean(name, config_names)}"))
    loads: Iterator[nodes.Include | nodes.Import | nodes.FromImport | nodes.Extends] = tree.find_all(
        (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends))
    for load in loads:
        name = getattr(load.template, "value", None)
        if not isinstance(name, str):
            continue
        try:
            env.get_template(name)
        except BookError as exc:
            found += [dataclasses.replace(d, path=rel, line=load.lineno, column=None) for d in exc.diagnostics]
        except jinja2.TemplateNotFound:
            found.append(diagnostic(rel, load.lineno, "T003",
                                    f"template '{name}' not found in templates/ or the packaged ones"))
    return found


def vet_written_dirs(book_root: Path) -> list[Diagnostic]:
    """`.cache/` and `dist/` must not be links out of the book: the build writes there
    (and WeasyPrint may read figures back from the cache)."""
    root = book_root.resolve()
    return [diagnostic(folder, None, "L004", f"'{folder}' is a link to a folder outside the book folder; "
                                        "the build writes only inside the book: remove the link")
            for folder in WRITTEN_DIRS if (root / folder).is_symlink() and not is_inside(root / folder, root)]
