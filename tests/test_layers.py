"""The package's layers: data flows one way, so imports only ever point down.

Ranks, from the ground up: ``core`` (settings, IRI scheme, generations), ``store`` (the store
interface and its backends), ``artefacts`` (what a generation publishes beside its store),
then ``build`` and ``serve`` side by side (neither imports the other), ``web``, ``cli``.
A module may import its own layer and any layer below; never one above, and never a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "publisher"
RANKS = {"core": 0, "store": 1, "artefacts": 2, "build": 3, "serve": 3, "web": 4, "cli": 5}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every publisher module a file imports, at any depth of the file (lazy imports too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "publisher":
                found.update(f"publisher.{alias.name}" for alias in node.names)
            elif node.module.startswith("publisher."):
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("publisher."))
    return found


def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    edges: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = set()
        for imported in imports_of(path):
            # "from publisher.web import i18n" names a module; "from publisher.web.x import f" too
            while imported not in modules and "." in imported:
                imported = imported.rsplit(".", 1)[0]
            if imported in modules and imported != name:
                targets.add(imported)
        edges[name] = targets
    return edges


def layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "publisher"


def test_every_module_sits_in_a_layer():
    outside = [m for m in graph() if m != "publisher" and layer(m) not in RANKS]
    assert outside == [], f"modules outside the layers {sorted(RANKS)}: {outside}"


def test_no_import_points_up_or_across():
    wrong = []
    for module, targets in graph().items():
        if module == "publisher":
            continue
        for target in targets:
            if target == "publisher":
                continue
            here, there = layer(module), layer(target)
            if here == there:
                continue
            if RANKS[there] >= RANKS[here]:
                wrong.append(f"{module} ({here}) imports {target} ({there})")
    assert wrong == [], "imports against the layers:\n" + "\n".join(sorted(wrong))


def test_no_import_cycle():
    edges = graph()
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for target in sorted(edges.get(node, ())):
            if state.get(target) == 1:
                cycles.append(stack[stack.index(target):] + [target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)
    assert cycles == [], "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


@pytest.mark.parametrize(
    ("module", "source", "message"),
    [
        ("publisher.core.x", "from publisher.web.site import site\n", "imports against"),
        ("publisher.build.x", "from publisher.serve import describe\n", "imports against"),
    ],
)
def test_the_check_catches_a_wrong_import(tmp_path, monkeypatch, module, source, message):
    """The rules above fail on an upward or sideways import (the check itself can fail)."""
    fake = tmp_path / "publisher"
    for path in PACKAGE.rglob("*.py"):
        target = fake / path.relative_to(PACKAGE)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (fake / Path(*module.split(".")[1:]).with_suffix(".py")).write_text(source, encoding="utf-8")
    monkeypatch.setitem(globals(), "PACKAGE", fake)
    with pytest.raises(AssertionError, match=message):
        test_no_import_points_up_or_across()


def test_the_check_catches_a_cycle(tmp_path, monkeypatch):
    fake = tmp_path / "publisher"
    (fake / "core").mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    (fake / "core" / "__init__.py").write_text("")
    (fake / "core" / "a.py").write_text("from publisher.core.b import x\n")
    (fake / "core" / "b.py").write_text("from publisher.core.a import y\n")
    monkeypatch.setitem(globals(), "PACKAGE", fake)
    with pytest.raises(AssertionError, match="import cycles"):
        test_no_import_cycle()
