"""The floors are one-way: each module imports only its own floor and those below it."""

from __future__ import annotations

import ast
from pathlib import Path

import orbops

PACKAGE = Path(orbops.__file__).parent

# Floor of each top-level module or subpackage (docs/architecture.md). Same number = same floor.
FLOORS = {
    "errors": 0, "constants": 0, "timescales": 0, "data": 0, "version": 0, "_system": 0,
    "elements": 1,
    "propagation": 2,
    "frames": 3, "geometry": 3.5,
    "ops": 4, "history": 4.5, "rescue": 4.5,
    "sim": 5,
    "scenarios": 6, "campaigns": 6.5,
    "outputs": 7,
    "cli": 8,
    "__init__": 7.5,  # the public API re-exports every floor but the CLI
    "__main__": 9,
}
# Third-party packages only some floors may import.
ONLY = {"simpy": {"sim"}, "matplotlib": {"outputs", "cli", "geometry_plots"}, "click": {"cli"},
        "rich": {"cli", "campaigns", "outputs"}}


def unit_of(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0].removesuffix(".py")


def imports_of(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(), str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level == 0:
                found.append((node.module or "", node.lineno))
            else:
                parts = path.relative_to(PACKAGE).parts[:-1]
                base = parts[: len(parts) - (node.level - 1)] if node.level > 1 else parts
                target = ".".join(("orbops", *base, *([node.module] if node.module else [])))
                found.append((target, node.lineno))
        elif isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno) for alias in node.names)
    return found


def test_every_module_is_on_a_known_floor():
    for path in PACKAGE.rglob("*.py"):
        assert unit_of(path) in FLOORS, f"{path}: add it to FLOORS in tests/test_layers.py"


def test_imports_go_down_only():
    problems = []
    for path in PACKAGE.rglob("*.py"):
        unit = unit_of(path)
        for module, line in imports_of(path):
            top = module.split(".")[0]
            if top == "orbops":
                parts = module.split(".")
                target = parts[1] if len(parts) > 1 else "__init__"
                if FLOORS[target] > FLOORS[unit]:
                    problems.append(f"{path.relative_to(PACKAGE)}:{line} ({unit}) imports {module}")
            elif top in ONLY and unit not in ONLY[top]:
                problems.append(f"{path.relative_to(PACKAGE)}:{line} ({unit}) imports {top}")
    assert problems == []


def test_import_the_library_without_cli_or_simpy():
    import subprocess
    import sys
    code = ("import sys, orbops.elements; bad = [m for m in ('simpy', 'matplotlib', 'click', 'orbops.cli')"
            " if m in sys.modules]; print(bad); sys.exit(1 if bad else 0)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_version_matches_pyproject():
    import tomllib
    meta = tomllib.loads((PACKAGE.parents[1] / "pyproject.toml").read_text())
    assert meta["project"]["version"] == orbops.__version__
