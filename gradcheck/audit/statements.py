"""Which top-level statements of a submission are run while loading it, and running them.

Definitions only, by default: imports, ``def``/``class``, assignments of constants,
small literals and arithmetic over numpy/math calls, seeds, and the data preparation
those definitions need (:mod:`gradcheck.audit.dataslice`); an ``if __name__ ==
"__main__":`` block's setup is lifted (:mod:`gradcheck.audit.mainblock`). A statement
that raises is skipped with a note; the skipped line ranges are reported.
"""

from __future__ import annotations

import ast
import traceback
from pathlib import Path

from gradcheck.audit import dataslice, frameworks, mainblock, toplevelreads
from gradcheck.audit.auditerrors import AuditError, LoadFailure

#: Literal containers longer than this are not "small literals" (skipped).
MAX_LITERAL_ELEMENTS = 100_000


#: Call targets allowed on the right-hand side of a kept top-level assignment.
SAFE_CALL_ROOTS = {"np", "numpy", "math", "random"}


SAFE_BUILTINS = {
    "float",
    "int",
    "bool",
    "str",
    "range",
    "list",
    "tuple",
    "dict",
    "set",
    "len",
    "abs",
    "min",
    "max",
    "sum",
    "round",
    "zip",
    "enumerate",
    "sorted",
    "pow",
}


def parse_python(source: str, path: Path) -> list[ast.stmt]:
    """The statements of a .py submission; a syntax error becomes an AuditError with its line."""
    try:
        return ast.parse(source, str(path)).body
    except SyntaxError as exc:
        err = AuditError(
            f"syntax error at line {exc.lineno}: {exc.msg}"
            + (f": {exc.text.strip()}" if exc.text else "")
            + frameworks.python2_hint(exc.msg or "")
            + frameworks.newer_python_hint(exc.text),
            where=f"loading (line {exc.lineno})",
            type_="SyntaxError",
        )
        err.traceback = "".join(traceback.format_exception_only(type(exc), exc))
        raise err from None


def _is_safe_call_func(func: ast.expr, rngs: frozenset[str] = frozenset()) -> bool:
    if isinstance(func, ast.Name):
        return func.id in SAFE_BUILTINS
    while isinstance(func, ast.Attribute):
        func = func.value
        if isinstance(func, ast.Call):  # a method of a safe call's result: rng.normal(size=3).astype(np.float32)
            return _is_safe_expr(func, rngs=rngs)
    return isinstance(func, ast.Name) and (func.id in SAFE_CALL_ROOTS or func.id in rngs)


#: numpy's random generators: ``rng = np.random.default_rng(0)`` then ``W = rng.normal(...)`` makes weights.
_GENERATORS = ("default_rng", "RandomState", "Generator")


def generator_names(stmts: list[ast.stmt]) -> frozenset[str]:
    """Names a module binds to a numpy random generator at top level (their methods only draw numbers)."""
    names = set()
    for stmt in stmts:
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
            continue
        v = stmt.value
        if isinstance(v, ast.Call) and isinstance(v.func, ast.Attribute) and v.func.attr in _GENERATORS:
            if _is_safe_expr(v):
                names.add(stmt.targets[0].id)
    return frozenset(names)


def _is_safe_expr(node: ast.expr, depth: int = 0, rngs: frozenset[str] = frozenset()) -> bool:
    """Cheap, side-effect free expressions: literals, names, arithmetic, numpy calls (``rngs``: generators)."""
    if depth > 40:
        return False
    rec = lambda n: _is_safe_expr(n, depth + 1, rngs)  # noqa: E731
    if isinstance(node, (ast.Constant, ast.Name, ast.Lambda)):
        return True
    if isinstance(node, ast.Attribute):
        return rec(node.value)
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return len(node.elts) <= MAX_LITERAL_ELEMENTS and all(rec(e) for e in node.elts)
    if isinstance(node, ast.Dict):
        return len(node.keys) <= MAX_LITERAL_ELEMENTS and all(
            (k is None or rec(k)) and rec(v) for k, v in zip(node.keys, node.values)
        )
    if isinstance(node, ast.BinOp):
        return rec(node.left) and rec(node.right)
    if isinstance(node, ast.UnaryOp):
        return rec(node.operand)
    if isinstance(node, ast.Compare):
        return rec(node.left) and all(rec(c) for c in node.comparators)
    if isinstance(node, ast.BoolOp):
        return all(rec(v) for v in node.values)
    if isinstance(node, ast.Subscript):
        return rec(node.value) and rec(node.slice)
    if isinstance(node, ast.Slice):
        return all(p is None or rec(p) for p in (node.lower, node.upper, node.step))
    if isinstance(node, ast.Starred):
        return rec(node.value)
    if isinstance(node, (ast.ListComp, ast.GeneratorExp)):  # weights = [np.random.randn(a, b) for a, b in zip(...)]
        return rec(node.elt) and all(_safe_generator(g, rec) for g in node.generators)
    if isinstance(node, ast.Call):
        return (
            _is_safe_call_func(node.func, rngs)
            and all(rec(a) for a in node.args)
            and all(rec(k.value) for k in node.keywords)
        )
    return False


def _safe_generator(g: ast.comprehension, rec) -> bool:
    """``for a, b in zip(sizes[:-1], sizes[1:]) if a``: names bound, over a safe iterable, safe filters."""
    return not g.is_async and _is_simple_target(g.target) and rec(g.iter) and all(rec(c) for c in g.ifs)


def _is_simple_target(t: ast.expr) -> bool:
    if isinstance(t, ast.Name):
        return True
    if isinstance(t, (ast.Tuple, ast.List)):
        return all(_is_simple_target(e) for e in t.elts)
    return False


def is_definition(stmt: ast.stmt, rngs: frozenset[str] = frozenset()) -> bool:
    """Whether a top-level statement is kept when only definitions are loaded (``rngs``: generator names)."""
    if isinstance(stmt, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Pass)):
        return True
    if isinstance(stmt, ast.Assign):
        return all(_is_simple_target(t) for t in stmt.targets) and _is_safe_expr(stmt.value, rngs=rngs)
    if isinstance(stmt, ast.AnnAssign):
        return isinstance(stmt.target, ast.Name) and (stmt.value is None or _is_safe_expr(stmt.value, rngs=rngs))
    if isinstance(stmt, ast.Expr):
        v = stmt.value
        if isinstance(v, ast.Constant):
            return True  # docstring
        return (
            isinstance(v, ast.Call) and isinstance(v.func, ast.Attribute) and v.func.attr == "seed" and _is_safe_expr(v)
        )
    if isinstance(stmt, ast.Try):  # try: import x / except ImportError: ...
        body = stmt.body + [s for h in stmt.handlers for s in h.body] + stmt.orelse
        return all(is_definition(s, rngs) for s in body)
    return False


# --------------------------------------------------------------------------- execution
def _range_text(ranges: list[tuple[int, int]], locate) -> str:
    parts = []
    for a, b in ranges:
        la, lb = locate(a), locate(b)
        if a == b:
            parts.append(la)
        elif la.startswith("cell") and lb.startswith("cell") and la.split(",")[0] == lb.split(",")[0]:
            parts.append(f"{la.split(',')[0]} (lines {la.split('line ')[1]}-{lb.split('line ')[1]})")
        elif la.startswith("line"):
            parts.append(f"lines {a}-{b}")
        else:
            parts.append(f"{la} to {lb}")
    return ", ".join(parts)


def exec_statements(
    stmts: list[ast.stmt], namespace: dict, filename: str, run_toplevel: bool, locate, notes: list[str]
) -> None:
    """Execute the kept statements one at a time; record skipped and failing ones.

    A definition that fails for a name only the skipped code binds (weights sized from
    the data) gets that code's data preparation run first (:mod:`gradcheck.audit.dataslice`).
    """
    rngs = generator_names(stmts + mainblock.guarded(stmts))
    if not run_toplevel:
        stmts, lifted = mainblock.unguard(stmts, lambda s: is_definition(s, rngs))
        if lifted:
            notes.append(f"{mainblock.NOTE}: {_range_text(lifted, locate)}")
    skipped = [s for s in stmts if not run_toplevel and not is_definition(s, rngs)]
    read = toplevelreads.read_by_definitions(stmts, skipped)
    if read:
        ran = _range_text(_ranges(stmts, read), locate)
        notes.append(f"top-level assignments the code reads as globals were run: {ran}")
        skipped = [s for s in skipped if s not in read]
    failures = {}
    for stmt in stmts:
        if stmt not in skipped:
            failures.update(_run_one(stmt, namespace, filename, locate))
    pulled = dataslice.backward_slice(stmts, skipped, [s for s, (e, _) in failures.items() if isinstance(e, NameError)])
    if pulled:
        notes.append("data preparation the definitions need was run: " + _range_text(_ranges(stmts, pulled), locate))
        for stmt in sorted(
            pulled + [s for s in failures if isinstance(failures[s][0], NameError)], key=lambda s: s.lineno
        ):
            failures.pop(stmt, None)
            failures.update(_run_one(stmt, namespace, filename, locate))
        skipped = [s for s in skipped if s not in pulled]
    notes.extend(note for _, (_, note) in sorted(failures.items(), key=lambda kv: kv[0].lineno))
    if skipped:
        notes.append(
            "top-level code was not run: "
            + _range_text(_ranges(stmts, skipped), locate)
            + " (set [entry] run_toplevel = true to run it)"
        )


def compile_statement(stmt: ast.stmt, filename: str):
    """One statement of the student's code compiled on its own, to run as a module statement.

    Raises
    ------
    SyntaxError
        ``stmt`` is no module statement (``return``, ``yield`` or ``nonlocal`` taken from a function body).
    """
    return compile(ast.Module(body=[stmt], type_ignores=[]), filename, "exec")


def run_statement(stmt: ast.stmt, namespace: dict, filename: str) -> BaseException | None:
    """Run one statement of the student's code in ``namespace``: what it raised (SystemExit included), or None.

    A statement that does not compile raises ``SyntaxError`` here (see :func:`compile_statement`).
    """
    code = compile_statement(stmt, filename)
    try:
        exec(code, namespace)
    except BaseException as exc:  # noqa: BLE001 - student code, SystemExit included
        if isinstance(exc, KeyboardInterrupt):
            raise
        return exc
    return None


def _run_one(stmt: ast.stmt, namespace: dict, filename: str, locate) -> dict:
    """Run one statement; ``{stmt: (exception, note)}`` if it raised, else ``{}``."""
    exc = run_statement(stmt, namespace, filename)
    if exc is None:
        return {}
    note = LoadFailure.of(locate(stmt.lineno), exc)
    if isinstance(exc, ModuleNotFoundError) and isinstance(stmt, ast.ImportFrom):  # what is undefined because of it
        names = ", ".join(a.asname or a.name for a in stmt.names if a.name != "*")
        note = LoadFailure(note.where, note.error, f"{note.message} ({frameworks.IMPORTS_NAMES} {names})")
    return {stmt: (exc, note)}


def _ranges(stmts: list[ast.stmt], chosen: list[ast.stmt]) -> list[tuple[int, int]]:
    """Line ranges of ``chosen`` statements, merged when no other statement lies between them."""
    out: list[tuple[int, int]] = []
    prev_chosen = False
    for stmt in stmts:
        if stmt not in chosen:
            prev_chosen = False
            continue
        end = getattr(stmt, "end_lineno", stmt.lineno) or stmt.lineno
        if prev_chosen:
            out[-1] = (out[-1][0], end)
        else:
            out.append((stmt.lineno, end))
        prev_chosen = True
    return out
