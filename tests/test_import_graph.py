"""The import graph of the two packages: no import cycles at module level, and a fake that
never depends on the plugin.

Why the stdlib ``ast`` rather than grimp: grimp (the graph behind import-linter) counts an
import inside a function like one at the top of the module, while a deferred import is
exactly how a module breaks a cycle on purpose (and how the plugin defers its heavy
imports); the rule here is about module level. So this walks each module's top-level
statements (into ``if``/``try``/``with``/class bodies, not into functions), skipping
``if TYPE_CHECKING:`` blocks. Importing ``a.b.c`` also runs ``a/__init__`` and
``a/b/__init__``, so an import adds an edge to each package on the way that the importer
is not itself inside.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
Graph = dict[str, set[str]]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def top_level_imports(body: list[ast.stmt]) -> Iterator[ast.Import | ast.ImportFrom]:
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If):
            if not is_type_checking(node.test):
                yield from top_level_imports(node.body)
            yield from top_level_imports(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody):
                yield from top_level_imports(block)
            for handler in node.handlers:
                yield from top_level_imports(handler.body)
        elif isinstance(node, ast.With | ast.ClassDef):
            yield from top_level_imports(node.body)


def imported_names(module: str, is_package: bool, node: ast.Import | ast.ImportFrom) -> list[str]:
    """Absolute dotted names an import statement may load (modules or attributes)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        package = module if is_package else module.rpartition(".")[0]
        for _ in range(node.level - 1):
            package = package.rpartition(".")[0]
        base = f"{package}.{base}" if base else package
    return [base] + [f"{base}.{alias.name}" for alias in node.names]


def every_import(body: list[ast.stmt]) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement, deferred and type-checking ones included."""
    for statement in body:
        for node in ast.walk(statement):
            if isinstance(node, ast.Import | ast.ImportFrom):
                yield node


def runtime_imports(body: list[ast.stmt]) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import that can run, deferred ones (inside functions) included, type-checking
    ones not."""
    for statement in body:
        if isinstance(statement, ast.If) and is_type_checking(statement.test):
            yield from runtime_imports(statement.orelse)
            continue
        if isinstance(statement, ast.Import | ast.ImportFrom):
            yield statement
            continue
        for child in ast.iter_child_nodes(statement):
            if isinstance(child, ast.stmt):
                yield from runtime_imports([child])
            else:
                for node in ast.walk(child):  # expressions hold no statements but lambdas'
                    if isinstance(node, ast.Import | ast.ImportFrom):
                        yield node


def build(packages: tuple[str, ...], *, deferred: bool = False, typing: bool = True) -> Graph:
    """The module-level graph inside ``packages``. With ``deferred``: imports inside
    functions too, and with ``typing`` also the type-checking ones (every dependency between
    modules whatever the timing)."""
    paths = {module_name(p): p for pkg in packages for p in (ROOT / pkg).rglob("*.py")}
    graph: Graph = {name: set() for name in paths}
    for name, path in paths.items():
        tree = ast.parse(path.read_text(), str(path))
        is_package = path.name == "__init__.py"
        if not deferred:
            statements = top_level_imports(tree.body)
        else:
            statements = every_import(tree.body) if typing else runtime_imports(tree.body)
        for node in statements:
            for target in imported_names(name, is_package, node):
                if target.split(".")[0] not in packages:
                    continue
                parts = target.split(".")
                for depth in range(1, len(parts) + 1):
                    step = ".".join(parts[:depth])
                    inside = name == step or name.startswith(step + ".")
                    if step in paths and step != name and not inside:
                        graph[name].add(step)
    return graph


def cycles(graph: Graph) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def test_the_graph_sees_module_level_imports_only() -> None:
    tree = ast.parse(
        "import os\n"
        "from typing import TYPE_CHECKING\n"
        "from . import sibling\n"
        "if TYPE_CHECKING:\n"
        "    from pkg.typing_only import T\n"
        "try:\n"
        "    import pkg.optional\n"
        "except ImportError:\n"
        "    pass\n"
        "def f():\n"
        "    import pkg.deferred\n"
    )
    names = [
        target
        for node in top_level_imports(tree.body)
        for target in imported_names("pkg.mod", False, node)
    ]
    assert names == ["os", "typing", "typing.TYPE_CHECKING", "pkg", "pkg.sibling", "pkg.optional"]
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]


@pytest.mark.parametrize("package", ["pytest_orgo", "fake_server"])
def test_no_import_cycle_at_module_level(package: str) -> None:
    graph = build((package,))
    assert cycles(graph) == []


def test_fake_server_has_no_cycle_even_counting_deferred_imports() -> None:
    """Not even through a deferred or type-only import: the surfaces (routes, WebSockets,
    VM API, agent, serving) depend on :class:`fake_server.backend.Backend`, the facade
    (``server.py``) on them, and helpers see their caller through a protocol
    (``render.Desktop``, ``shell.engine.Interpreter``), never by importing it back."""
    graph = build(("fake_server",), deferred=True)
    assert cycles(graph) == []


def test_the_plugin_has_no_cycle_counting_deferred_imports() -> None:
    """Deferred imports (the plugin defers its heavy ones) must not hide a cycle either;
    type-checking imports aside (the client's endpoint descriptors name the client classes
    they return, and a mismatch names the screenshot it carries)."""
    graph = build(("pytest_orgo",), deferred=True, typing=False)
    assert cycles(graph) == []


def test_runtime_imports_skip_type_checking_blocks_only() -> None:
    tree = ast.parse(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    import pkg.typing_only\n"
        "else:\n"
        "    import pkg.at_runtime\n"
        "def f():\n"
        "    import pkg.deferred\n"
        "    if TYPE_CHECKING:\n"
        "        import pkg.typing_in_function\n"
        "class C:\n"
        "    def m(self):\n"
        "        from pkg import method_level\n"
    )
    names = [
        target
        for node in runtime_imports(tree.body)
        for target in imported_names("pkg.mod", False, node)
    ]
    assert names == [
        "typing",
        "typing.TYPE_CHECKING",
        "pkg.at_runtime",
        "pkg.deferred",
        "pkg",
        "pkg.method_level",
    ]


def test_fake_server_never_imports_the_plugin_or_pytest() -> None:
    """Anywhere, deferred imports included: the fake must run without the plugin."""
    offenders = []
    for path in sorted((ROOT / "fake_server").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import | ast.ImportFrom):
                for target in imported_names(module_name(path), False, node):
                    if target.split(".")[0] in ("pytest", "_pytest", "pytest_orgo"):
                        offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {target}")
    assert offenders == []
