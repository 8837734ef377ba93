"""The code's shape: dependencies run one way (CLI -> renderers -> pipeline -> book model and
diagnostics), no import cycle inside `bookkit`, one output package never imports another, and
modules stay small.

The import graph is read from the source with `ast`, so an import inside a function (a
late import) counts as much as one at the top of a file: both make the two modules
depend on each other.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "bookkit"

#: Lines a module may have; a module over it does more than one job.
MAX_LINES = 300

def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def import_graph() -> dict[str, set[str]]:
    """module -> the `bookkit` modules it imports, anywhere in its source.

    `from .x import name` depends on the module `x.name` when that is a module, else on `x`
    (a name defined in `x`, or in its `__init__` for a package).
    """
    found = modules()
    graph: dict[str, set[str]] = {}
    for name, path in found.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[:len(package.split(".")) - node.level + 1]
                    module = ".".join(base + ([node.module] if node.module else []))
                else:
                    module = node.module or ""
                for alias in node.names:
                    submodule = f"{module}.{alias.name}"
                    targets.add(submodule if submodule in found else module)
        graph[name] = {t for t in targets if t in found and t != name}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as [a, b, ..., a], or None."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                return path[path.index(target):] + [target]
            if target not in state:
                cycle = visit(target)
                if cycle:
                    return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def renderer_packages() -> list[str]:
    from bookkit.render import registry

    return sorted({type(r).__module__.rpartition(".")[0] for r in registry.RENDERERS})


def test_no_import_cycle():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_cycle_finder_finds_a_cycle_through_a_late_import():
    """The test above can fail: a late import closing a loop is a cycle."""
    graph = import_graph()
    graph["bookkit.pipeline"] = graph["bookkit.pipeline"] | {"bookkit.cli.dispatch"}
    cycle = find_cycle(graph)
    assert cycle is not None and cycle[0] == cycle[-1]
    assert "bookkit.pipeline" in cycle and "bookkit.cli.dispatch" in cycle
    # a late import is seen: render_pdf imports the layout in parts inside the function
    assert "bookkit.render.shared.printlayout.incremental" in import_graph()["bookkit.render.pdf.render"]


def test_only_the_cli_imports_the_cli():
    wrong = [(source, target) for source, targets in import_graph().items() for target in targets
             if within(target, "bookkit.cli") and not within(source, "bookkit.cli") and source != "bookkit.__main__"]
    assert wrong == [], wrong


def test_no_output_package_imports_another():
    packages = renderer_packages()
    assert {"bookkit.render.pdf", "bookkit.render.epub", "bookkit.render.cover", "bookkit.render.web"} <= set(packages)
    wrong = []
    for source, targets in import_graph().items():
        own = next((p for p in packages if within(source, p)), None)
        if own is None:  # the CLI and the registry use every output
            continue
        wrong += [(source, target) for target in targets for other in packages
                  if other != own and within(target, other)]
    assert wrong == [], wrong


def test_shared_render_code_imports_no_output_and_only_the_cli_reads_the_registry():
    packages = renderer_packages()
    wrong = []
    for source, targets in import_graph().items():
        for target in targets:
            if target == "bookkit.render.registry" and not within(source, "bookkit.cli"):
                wrong.append((source, target))
            elif (within(source, "bookkit.render") and source != "bookkit.render.registry"
                  and not any(within(source, p) for p in packages) and any(within(target, p) for p in packages)):
                wrong.append((source, target))
    assert wrong == [], wrong


def test_pipeline_and_book_model_import_no_renderer():
    wrong = [(source, target) for source, targets in import_graph().items() for target in targets
             if not within(source, "bookkit.cli") and not within(source, "bookkit.render")
             and source != "bookkit.__main__" and within(target, "bookkit.render")]
    assert wrong == [], wrong


def test_modules_stay_small():
    sizes = {path.relative_to(PACKAGE).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
             for path in PACKAGE.rglob("*.py")}
    over = {name: lines for name, lines in sizes.items() if lines > MAX_LINES}
    assert over == {}, f"modules over {MAX_LINES} lines (split them by job): {over}"


@pytest.mark.parametrize("layer", ["bookkit.render.shared.printlayout.incremental", "bookkit.render.shared.coverart",
                                   "bookkit.render.base", "bookkit.pipeline"])
def test_lower_layers_import_without_the_cli_or_the_outputs(layer):
    """Importing a lower layer loads neither the CLI nor an output package (run in a fresh interpreter)."""
    import subprocess
    import sys

    code = (f"import sys, importlib; importlib.import_module({layer!r}); "
            "print(sorted(m for m in sys.modules if m.startswith(('bookkit.cli', 'bookkit.render.pdf', "
            "'bookkit.render.epub', 'bookkit.render.cover', 'bookkit.render.web', 'bookkit.render.registry'))))")
    out = subprocess.run([sys.executable, "-c", code], cwd=PACKAGE.parent, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout
