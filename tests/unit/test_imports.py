"""The shape of the code: no import cycle among the project's modules, and each layer imports
only what it may (see docs/architecture.md).

Every module of queue_server, kiosk, display and printer is parsed, not imported: imports at
module level and inside functions count alike (a cycle hidden in a function is still a
cycle), relative imports are resolved, and `if TYPE_CHECKING:` blocks, which never run, are
left out.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("queue_server", "kiosk", "display", "printer")


@dataclass
class Graph:
    modules: set[str] = field(default_factory=set)
    # module -> every module it names (project and third-party alike), with the line
    imports: dict[str, dict[str, int]] = field(default_factory=dict)

    def project_edges(self, module: str) -> set[str]:
        found = {self.project_module(name) for name in self.imports.get(module, {})}
        return {name for name in found if name is not None and name != module}

    def project_module(self, name: str) -> str | None:
        """The project module an imported name means (`a.b.c` may be a name in `a.b`)."""
        while name:
            if name in self.modules:
                return name
            name = name.rpartition(".")[0]
        return None


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _import_nodes(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement, at any depth, but those under `if TYPE_CHECKING:`."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[:len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def build_graph(root: Path = ROOT, packages: tuple[str, ...] = PACKAGES) -> Graph:
    graph = Graph()
    files = {module_name(root, path): path for package in packages
             for path in sorted((root / package).rglob("*.py"))}
    graph.modules = set(files)
    for module, path in files.items():
        found: dict[str, int] = {}
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in _import_nodes(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    found.setdefault(alias.name, node.lineno)
                continue
            base = _resolve(module, path.name == "__init__.py", node)
            for alias in node.names:
                # `from pkg import sub` imports the module pkg.sub when there is one.
                name = f"{base}.{alias.name}"
                found.setdefault(name if name in graph.modules else base, node.lineno)
        graph.imports[module] = found
    return graph


def find_cycle(graph: Graph) -> list[str] | None:
    """One import cycle, as the modules along it (the first repeated at the end)."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        path.append(module)
        for target in sorted(graph.project_edges(module)):
            if state.get(target) == 1:
                return [*path[path.index(target):], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[module] = 2
        return None

    for module in sorted(graph.modules):
        if module not in state and (cycle := visit(module)):
            return cycle
    return None


def breaches(graph: Graph, importers: str, forbidden: tuple[str, ...],
             allowed_importers: tuple[str, ...] = ()) -> list[str]:
    """`module:line imports name` for each import of a forbidden name (or anything under
    it) by a module at or under `importers`."""
    found = []
    for module, names in sorted(graph.imports.items()):
        if not _under(module, (importers,)) or _under(module, allowed_importers):
            continue
        for name, line in sorted(names.items()):
            if _under(name, forbidden):
                found.append(f"{module}:{line} imports {name}")
    return found


def _under(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


@pytest.fixture(scope="module")
def graph() -> Graph:
    return build_graph()


def test_the_graph_sees_every_kind_of_import(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("from . import b\n")
    (package / "a.py").write_text("def f():\n    from pkg.sub import b\n")
    (package / "sub" / "b.py").write_text("from ..a import f\n")
    (package / "c.py").write_text("from typing import TYPE_CHECKING\n"
                                  "if TYPE_CHECKING:\n    import pkg.a\n")
    built = build_graph(tmp_path, ("pkg",))
    assert built.project_edges("pkg.a") == {"pkg.sub.b"}  # inside a function
    assert built.project_edges("pkg.sub") == {"pkg.sub.b"}  # relative, from a package
    assert built.project_edges("pkg.sub.b") == {"pkg.a"}  # two levels up
    assert built.project_edges("pkg.c") == set()  # never runs
    assert find_cycle(built) == ["pkg.a", "pkg.sub.b", "pkg.a"]


def test_no_import_cycle(graph: Graph) -> None:
    assert len(graph.modules) > 50  # the project, not an empty directory
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_printer_knows_nothing_of_the_server_or_the_pages(graph: Graph) -> None:
    assert breaches(graph, "printer", ("queue_server", "kiosk", "display", "flask")) == []


def test_the_engine_imports_no_framework_and_no_outer_layer(graph: Graph) -> None:
    assert breaches(graph, "queue_server.queue", (
        "flask", "flask_socketio", "flask_login", "socketio", "queue_server.hub",
        "queue_server.api", "queue_server.context", "queue_server.app",
        "queue_server.readmodels", "queue_server.runtime")) == []


def test_read_models_and_the_hub_stay_below_the_views(graph: Graph) -> None:
    assert breaches(graph, "queue_server.readmodels", (
        "flask", "flask_socketio", "queue_server.hub", "queue_server.api",
        "queue_server.context", "queue_server.app")) == []
    assert breaches(graph, "queue_server.hub", ("queue_server.api", "queue_server.app")) == []


def test_kiosk_and_display_never_touch_the_database(graph: Graph) -> None:
    for package in ("kiosk", "display"):
        assert breaches(graph, package, ("queue_server.models", "queue_server.db",
                                         "sqlalchemy")) == []


def test_only_entry_points_import_the_factory(graph: Graph) -> None:
    assert breaches(graph, "queue_server", ("queue_server.app",),
                    allowed_importers=("queue_server.cli",)) == []
