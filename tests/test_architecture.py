"""The shape of the code: one kernel, dependencies one way, no import cycles.

Layers, lowest first: organizations (the kernel) < rectification < evaluations < cadres; config
wires them all. A module may import its own app and the apps below it, never one above. Every
import statement counts, including those inside functions (a lazy import is still a dependency).
The graph is built by grimp (the library under import-linter) from the source, without importing it.
"""

from __future__ import annotations

import pytest

grimp = pytest.importorskip("grimp")

#: Lowest first. Changing the order is a design decision: say why in the README's design section.
LAYERS = ("organizations", "rectification", "evaluations", "cadres")
#: Folders the rules do not look at: tests may reach across apps, migrations are generated.
IGNORED_PARTS = (".tests", ".migrations")


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph(*LAYERS, "config", include_external_packages=False)


def _counts(module: str) -> bool:
    return not any(part in f"{module}." for part in (p + "." for p in IGNORED_PARTS))


def _edges(graph):
    for importer in graph.modules:
        if not _counts(importer):
            continue
        for imported in graph.find_modules_directly_imported_by(importer):
            if _counts(imported):
                yield importer, imported


def _app(module: str) -> str:
    return module.split(".")[0]


def test_no_app_imports_an_app_above_it(graph):
    rank = {app: index for index, app in enumerate(LAYERS)}
    wrong = sorted(
        f"{importer} imports {imported}"
        for importer, imported in _edges(graph)
        if _app(importer) in rank and _app(imported) in rank and rank[_app(imported)] > rank[_app(importer)]
    )
    assert not wrong, "imports against the layers " + " < ".join(LAYERS) + ":\n" + "\n".join(wrong)


def test_no_app_imports_config(graph):
    """Settings are read through django.conf.settings; config (urls, celery, schedules) sits above every app."""
    wrong = sorted(f"{i} imports {m}" for i, m in _edges(graph)
                   if _app(i) in LAYERS and _app(m) == "config" and not i.endswith(".tests"))
    assert not wrong, "\n".join(wrong)


def _cycles(graph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    successors: dict[str, set[str]] = {}
    for importer, imported in _edges(graph):
        if importer != imported and not imported.startswith(importer + "."):
            # A package importing its own submodule (its __init__ re-exporting names) is not a cycle.
            successors.setdefault(importer, set()).add(imported)
            successors.setdefault(imported, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components = []
    counter = 0
    for root in sorted(successors):
        if root in index:
            continue
        work = [(root, iter(sorted(successors[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(successors[child]))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))
    return components


def test_no_import_cycles(graph):
    cycles = _cycles(graph)
    assert not cycles, "modules that import each other (directly or round a loop):\n" + "\n".join(
        " ↔ ".join(component) for component in cycles)


def test_the_cycle_check_finds_a_cycle():
    """The checker itself: a two-module loop is reported (a check that cannot fail proves nothing)."""

    class Fake:
        modules = {"a.x", "a.y", "a.z"}

        @staticmethod
        def find_modules_directly_imported_by(module):
            return {"a.x": {"a.y"}, "a.y": {"a.x"}, "a.z": {"a.x"}}[module]

    assert _cycles(Fake()) == [["a.x", "a.y"]]


def _internal_imports():
    """(file, line, module) of every import of a project module, function-level ones included."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    for app in (*LAYERS, "config", "tests"):
        for path in sorted((root / app).rglob("*.py")):
            relative = path.relative_to(root).with_suffix("")
            parts = list(relative.parts)
            package = parts[:-1]  # the package a relative import starts from (also for an __init__)
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom):
                    if node.level:
                        base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                        module = ".".join([*base, *([node.module] if node.module else [])])
                    else:
                        module = node.module or ""
                    names = [alias.name for alias in node.names]
                    yield path.relative_to(root), node.lineno, module, names
                elif isinstance(node, ast.Import):
                    for alias in node.names:
                        yield path.relative_to(root), node.lineno, alias.name, []


def test_every_import_of_a_project_module_resolves():
    """A moved module leaves no stale import behind, not even inside a function that no test runs."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent

    def exists(module: str) -> bool:
        path = root.joinpath(*module.split("."))
        return path.with_suffix(".py").exists() or (path / "__init__.py").exists()

    broken = []
    for path, line, module, names in _internal_imports():
        if module.split(".")[0] not in (*LAYERS, "config", "tests"):
            continue
        if not exists(module):
            broken.append(f"{path}:{line} imports {module}")
            continue
        for name in names:
            if name != "*" and exists(f"{module}.{name}"):
                continue  # a submodule
            source = root.joinpath(*module.split("."))
            source = source.with_suffix(".py") if source.with_suffix(".py").exists() else source / "__init__.py"
            if name != "*" and name not in source.read_text(encoding="utf-8"):
                broken.append(f"{path}:{line} imports {name} from {module}, which does not define it")
    assert not broken, "\n".join(broken)
