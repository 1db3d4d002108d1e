"""Dependencies point one way: no import cycle between gradcheck's modules, and no module imports
a layer above its own (``reference_nets`` <- core <- diagnose/audit/report <- command line)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("gradcheck", "reference_nets")


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _target(name: str) -> str | None:
    """The module of ours an imported name lives in (a package's ``__init__`` when no module matches)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def imports(module: str) -> set[str]:
    """Every module of ours that ``module`` imports, at the top or inside a function."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{a.name}" for a in node.names] + [node.module]
        else:
            continue
        for name in names:
            hit = _target(name)
            if hit and hit != module and not module.startswith(hit + "."):
                out.add(hit)
    return out


GRAPH = {m: imports(m) for m in MODULES}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in graph:
        if v not in index:
            visit(v)
    return out


def test_the_scanner_sees_function_level_imports():
    assert "gradcheck.report.text" in GRAPH["gradcheck.result"]  # summary() imports it lazily
    assert "gradcheck.audit.cli" in GRAPH["gradcheck.cli"]


def test_no_import_cycles():
    assert _cycles(GRAPH) == []


@pytest.mark.parametrize(
    ("a", "b"),
    [("gradcheck.cli", "gradcheck.audit.cli"), ("gradcheck.result", "gradcheck.report.text")],
)
def test_the_named_circles_are_gone(a, b):
    assert not (b in GRAPH[a] and a in GRAPH[b])
    assert a not in GRAPH[b]


#: Layers, lowest first; a module may import its own layer or lower ones only.
LAYERS = [
    ("reference_nets",),
    ("gradcheck.naming", "gradcheck.flags", "gradcheck.printable", "gradcheck.ecnoise"),
    ("gradcheck.report.text", "gradcheck.report.files", "gradcheck.report.markdown"),
    (
        "gradcheck.result",
        "gradcheck.problem",
        "gradcheck.compare",
        "gradcheck.kinks",
        "gradcheck.numeric",
        "gradcheck.vectorised",
        "gradcheck.noise",
        "gradcheck.probe",
        "gradcheck.floors",
        "gradcheck.references",
        "gradcheck.kinknotes",
        "gradcheck.secondopinion",
        "gradcheck.opinions",
        "gradcheck.epsilon",
        "gradcheck.conditioning",
        "gradcheck.along",
        "gradcheck.directional",
        "gradcheck.search",
        "gradcheck.longer",
        "gradcheck.widescreen",
        "gradcheck.entries",
        "gradcheck.entryscreens",
        "gradcheck.excess",
        "gradcheck.convention",
        "gradcheck.throughcast",
        "gradcheck.castscreen",
        "gradcheck.castsafety",
        "gradcheck.screened",
        "gradcheck.screens",
        "gradcheck.reach",
        "gradcheck.longentries",
        "gradcheck.reportnotes",
        "gradcheck.analyticity",
        "gradcheck.dataprecision",
        "gradcheck.unrounded",
        "gradcheck.check",
        "gradcheck.errormap",
        "gradcheck.diagnose",  # check_gradients names the bugs it finds
    ),
    ("gradcheck.suite", "gradcheck.testing", "gradcheck.zoo_runner"),
    ("gradcheck.audit", "gradcheck.report", "gradcheck.pytest_plugin"),
    ("gradcheck.audit.cli",),
    ("gradcheck.cli", "gradcheck.__main__", "gradcheck"),
]
#: Known upward imports, each being removed where it lives (allowed, not required).
KNOWN = {("gradcheck.diagnose", "gradcheck.audit.layout")}


def _layer(module: str) -> int:
    best = (-1, -1)
    for i, prefixes in enumerate(LAYERS):
        for p in prefixes:
            if module == p or module.startswith(p + "."):
                best = max(best, (len(p), i))
    assert best[1] >= 0, f"{module} is in no layer: add it to LAYERS"
    return best[1]


def test_no_module_imports_a_layer_above_its_own():
    upward = sorted(
        (m, t)
        for m, targets in GRAPH.items()
        for t in targets
        if _layer(t) > _layer(m) and (m, t) not in KNOWN and t != "gradcheck"
    )
    assert upward == []


def test_reference_nets_never_imports_gradcheck():
    assert not [(m, t) for m, ts in GRAPH.items() if m.startswith("reference_nets") for t in ts if "gradcheck" in t]
