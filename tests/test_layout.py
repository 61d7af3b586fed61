"""The package layout carries the architecture: rooms import one way, no circle, small modules.

docs/architecture.md draws the same table; change both together.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "procore_nb"

#: The shared modules every room reaches: plain facts about Procore, the resource registry
#: (read from procore_nb/data/resources.toml) and the error tree.
SHARED = frozenset({"_constants", "_exceptions", "_registry"})

#: What the sandbox may share with the client: plain facts and the resource registry.
SANDBOX_SHARES = frozenset({"procore_nb._constants", "procore_nb._registry"})

#: Facade modules: the public API (with its lazy names) and `python -m procore_nb`. No other
#: top-level module: every module has one name, in its room (no module re-exporting another).
FACADES = frozenset({"__init__", "__main__"})

#: Each room and the rooms it may import (besides itself and the shared modules).
ALLOWED: dict[str, frozenset[str]] = {
    "frames": frozenset(),
    "api": frozenset({"frames"}),
    "signin": frozenset({"api", "frames"}),
    "plotting": frozenset({"frames"}),
    "maps": frozenset({"plotting", "frames"}),
    "explorer": frozenset({"api", "frames"}),
    "reports": frozenset({"plotting", "frames"}),
    "sandbox": frozenset(),
    "store": frozenset({"api", "frames"}),
    "cli": frozenset(
        {"api", "frames", "signin", "plotting", "maps", "reports", "sandbox", "explorer", "store"}
    ),
}

#: The longest a module may grow (the style guide's ~400 lines, with a little slack).
MAX_LINES = 420


def _modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        yield ".".join(("procore_nb", *parts)), path


def _imports(name: str, path: Path) -> set[str]:
    """Every procore_nb module ``path`` imports: at the top, in functions, or for typing."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("procore_nb"))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            if base.startswith("procore_nb"):
                # `from procore_nb.maps import _mapdraw` imports a module, not a name.
                found.update(f"{base}.{a.name}" for a in node.names if a.name.startswith("_"))
                found.add(base)
    return found


def _room(module: str) -> str:
    """The room of a module: its folder, "shared", "facade", or the package itself."""
    parts = module.split(".")
    if len(parts) == 1:
        return "facade"
    if len(parts) == 2:
        leaf = parts[1]
        if leaf in SHARED:
            return "shared"
        if leaf in FACADES:
            return "facade"
        return leaf  # a room's package (procore_nb.api) belongs to that room
    return parts[1]


MODULES = dict(_modules())


def test_every_folder_is_a_room_with_a_rule() -> None:
    """Each subpackage is a room of ALLOWED and each top-level module is shared or a facade."""
    for module in MODULES:
        room = _room(module)
        assert room in ALLOWED or room in {"shared", "facade"}, f"{module}: no room for it"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_one_way(module: str) -> None:
    """A module imports only its own room, the rooms below it, and the shared modules."""
    room = _room(module)
    if room == "facade":
        return
    allowed = {"shared", room, *ALLOWED.get(room, ())}
    for target in _imports(module, MODULES[module]):
        target_room = _room(target)
        if room == "shared":
            assert target_room == "shared", f"{module} (shared) imports {target}"
            continue
        if room == "sandbox":
            assert target in SANDBOX_SHARES or target_room == "sandbox", (
                f"{module}: the sandbox shares only plain facts with the client, not {target}"
            )
            continue
        assert target_room in allowed, f"{module} ({room}) may not import {target} ({target_room})"


def test_no_import_circle() -> None:
    """No module reaches itself through imports, lazy or for typing ones included."""
    graph = {
        module: {t for t in _imports(module, path) if t in MODULES and t != module}
        for module, path in MODULES.items()
    }
    # A package's own __init__ running first is how Python imports a submodule: not a circle.
    for module, targets in graph.items():
        targets -= {p for p in targets if module.startswith(p + ".")}
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                circle = [*path[path.index(nxt) :], nxt]
                raise AssertionError("import circle: " + " -> ".join(circle))
            if nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)


def test_the_checker_sees_a_lazy_import() -> None:
    """The import scan finds imports inside functions and relative ones (it can fail)."""
    source = PACKAGE / "signin" / "_login.py"
    found = _imports("procore_nb.signin._login", source)
    assert "procore_nb.signin._widget" in found  # imported inside sign_in()
    assert "procore_nb.api._client" in found


@pytest.mark.parametrize("module", sorted(MODULES))
def test_modules_stay_small(module: str) -> None:
    """No module grows past about 400 lines: split it along its seams instead."""
    lines = MODULES[module].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{module} has {lines} lines (at most {MAX_LINES})"


def test_rooms_say_what_they_hold_and_import() -> None:
    """Every room's __init__ docstring names what it may import."""
    for room in ALLOWED:
        init = PACKAGE / room / "__init__.py"
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        assert "import" in doc.lower(), f"{room}/__init__.py does not say what it may import"
