"""The shape of the code: small modules, no import cycle, imports one way down the layers, a core
that needs only the standard library.

Imports inside functions and under ``TYPE_CHECKING`` count everywhere here, as they do for
import-linter (whose layers contract, in pyproject.toml, ``lint-imports`` checks).
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "srfacts"
MAX_LINES = 400


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_no_module_is_over_400_lines() -> None:
    lines = {path.relative_to(PACKAGE.parent).as_posix(): len(path.read_bytes().splitlines()) for path in _modules()}
    over = {name: count for name, count in lines.items() if count > MAX_LINES}
    assert not over, f"modules over {MAX_LINES} lines: {over}"


def _cycles(imports: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(imports):
        if start in index:
            continue
        work = [(start, iter(sorted(imports[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, targets = work[-1]
            for target in targets:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(imports.get(target, ())))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
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
    return found


def test_the_cycle_finder_finds_cycles() -> None:
    imports = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e", "d"}}
    assert _cycles(imports) == [["a", "b", "c"]]


def test_no_import_cycle() -> None:
    grimp = pytest.importorskip("grimp", reason="the import graph is built with grimp (pip install '.[test]')")
    graph = grimp.build_graph("srfacts", cache_dir=None)  # no cache: nothing written to the working folder
    imports = {module: set(graph.find_modules_directly_imported_by(module)) - {module} for module in graph.modules}
    cycles = _cycles(imports)
    details = []
    for cycle in cycles:
        members = set(cycle)
        details.append(
            "\n".join(f"  {m} -> {', '.join(sorted(imports[m] & members))}" for m in cycle),
        )
    assert not cycles, "import cycles (imports inside functions count):\n" + "\n\n".join(details)


@pytest.mark.slow
def test_imports_follow_the_layers() -> None:
    """The layers contract of pyproject.toml ([tool.importlinter]), as CI checks it."""
    command = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    if command is None:
        pytest.skip("lint-imports is not installed (pip install '.[test]')")
    done = subprocess.run(
        [command, "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _imported(path: Path) -> list[tuple[int, str]]:
    """Every module a file imports (line and absolute name), inside functions and TYPE_CHECKING too."""
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    names = []
    for node in ast.walk(ast.parse(path.read_bytes(), str(path))):
        if isinstance(node, ast.Import):
            names += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from the file's package, one level up per extra dot
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                if node.module:
                    names.append((node.lineno, f"{base}.{node.module}"))
                else:  # from . import a, b: the modules a and b
                    names += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
            else:
                names.append((node.lineno, node.module or ""))
    return names


def test_core_needs_only_the_standard_library() -> None:
    core = PACKAGE / "core"
    assert core.is_dir()
    foreign = []
    for path in sorted(core.rglob("*.py")):
        for line, name in _imported(path):
            top = name.partition(".")[0]
            if name == "srfacts.core" or name.startswith("srfacts.core."):
                continue
            if top in sys.stdlib_module_names and top != "srfacts":
                continue
            foreign.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {name}")
    assert not foreign, "core imports beyond the standard library and srfacts.core:\n" + "\n".join(foreign)
