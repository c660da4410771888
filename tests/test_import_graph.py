"""No demo in the production path: `tandem serve`'s app factory imports nothing of the demo company."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import tandem

DEMO_PREFIXES = ("tandem.demo", "tandem.backend.demo", "tandem.backend.seed")

SCRIPT = f"""
PREFIXES = {DEMO_PREFIXES!r}
import json, sys
from pathlib import Path
from tandem.cli.serve import build_app
from tandem.core.settings import load_settings

settings = load_settings(None, env=sys.argv[2], secret_key="k" * 48, data_dir=Path(sys.argv[1]),
                         intent_model=False, demo=sys.argv[3] == "demo", metrics_token="m" * 40,
                         public_url="https://support.example.com")
app, services = build_app(settings, demo=settings.demo)
assert app.routes and services.settings.demo == (sys.argv[3] == "demo")
print(json.dumps(sorted(m for m in sys.modules if m.startswith(PREFIXES))))
"""


def demo_modules_loaded(tmp_path: Path, env: str, mode: str) -> list[str]:
    # a fresh interpreter: this test process has long imported the demo for other tests
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path), env, mode], capture_output=True,
                          text=True, timeout=240, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    result: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.slow
def test_production_serve_imports_nothing_of_the_demo(tmp_path: Path) -> None:
    assert demo_modules_loaded(tmp_path / "prod", "production", "production") == []


@pytest.mark.slow
def test_the_demo_does_load_them_so_the_check_can_fail(tmp_path: Path) -> None:
    loaded = demo_modules_loaded(tmp_path / "demo", "development", "demo")
    assert "tandem.demo.help_center" in loaded and "tandem.backend.demo" in loaded


def _imports(source: str, prefix: str = "tandem") -> set[str]:
    """Every module starting with `prefix` (any, with "") a file imports at run time, at the top or inside a
    function; not under TYPE_CHECKING. `from m import n` gives both m and m.n (n may be a submodule)."""
    tree = ast.parse(source)
    typing_only = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
                   and "TYPE_CHECKING" in ast.unparse(node.test) for n in ast.walk(node)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith(prefix):
            found |= {f"{node.module}.{alias.name}" for alias in node.names} | {str(node.module)}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith(prefix)}
    return found


def import_graph(root: Path) -> dict[str, set[str]]:
    """module -> the tandem modules it imports (a name imported from a package counts as its submodule if any)."""
    modules: dict[str, Path] = {}
    for path in root.rglob("*.py"):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = {t for t in _imports(path.read_text(encoding="utf-8")) if t in modules}
        # `from pkg import sub` names the submodule; `from pkg import thing` only the package
        graph[name] = {t for t in targets if t != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
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


def test_no_import_cycles_even_behind_function_level_imports() -> None:
    assert cycles(import_graph(Path(tandem.__file__).parent)) == []


def test_the_cycle_finder_finds_a_cycle_hidden_in_a_function(tmp_path: Path) -> None:
    package = tmp_path / "tandem"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from tandem.b import thing\n")
    (package / "b.py").write_text("def thing():\n    from tandem.a import x\n")
    (package / "c.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from tandem.a import x\n")
    (package / "d.py").write_text("from tandem import c\n")
    graph = import_graph(package)
    assert cycles(graph) == [["tandem.a", "tandem.b"]]
    assert graph["tandem.c"] == set() and graph["tandem.d"] == {"tandem", "tandem.c"}


# what each layer may not import (docs/architecture.md: imports point down)
FORBIDDEN = {
    "tandem.core": ("tandem.domain", "tandem.engines", "tandem.backend", "tandem.storage", "tandem.bus",
                    "tandem.services", "tandem.api", "tandem.cli"),
    "tandem.domain": ("tandem.engines", "tandem.backend", "tandem.storage", "tandem.bus", "tandem.services",
                      "tandem.api", "tandem.cli"),
    "tandem.engines": ("tandem.storage", "tandem.bus", "tandem.services", "tandem.api", "tandem.cli", "tandem.web"),
    "tandem.storage": ("tandem.engines", "tandem.services", "tandem.api", "tandem.cli"),
    "tandem.services": ("tandem.api", "tandem.cli"),
    "tandem.api": ("tandem.cli",),
    "tandem.adapters": ("tandem.storage", "tandem.bus", "tandem.services", "tandem.api", "tandem.cli"),
}
NETWORK = ("httpx", "requests", "aiohttp", "socket", "urllib.request", "http.client", "redis", "psycopg")


def layering_violations(graph: dict[str, set[str]]) -> list[str]:
    def within(module: str, package: str) -> bool:
        return module == package or module.startswith(package + ".")

    return sorted(f"{source} -> {target}" for source, targets in graph.items() for target in targets
                  for layer, banned in FORBIDDEN.items() if within(source, layer)
                  and any(within(target, b) for b in banned))


def network_imports(source: str) -> list[str]:
    """The network libraries a file imports at run time."""
    return sorted(n for n in _imports(source, prefix="") if n.split(".")[0] in NETWORK or n in NETWORK)


def test_engines_make_no_network_calls() -> None:
    """Engines are pure: a provider that talks HTTP is an adapter (tandem.adapters, tandem.backend)."""
    engines = Path(tandem.__file__).parent / "engines"
    found = {str(path.relative_to(engines)): network_imports(path.read_text(encoding="utf-8"))
             for path in engines.rglob("*.py")}
    assert {k: v for k, v in found.items() if v} == {}
    assert network_imports("def fetch():\n    import httpx\n") == ["httpx"]
    assert "urllib.request" in network_imports("from urllib.request import urlopen\n")


def test_imports_point_down() -> None:
    assert layering_violations(import_graph(Path(tandem.__file__).parent)) == []
    assert layering_violations({"tandem.engines.sim.runner": {"tandem.services.dispatch"}}) == [
        "tandem.engines.sim.runner -> tandem.services.dispatch"]
