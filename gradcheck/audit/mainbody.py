"""A training script written inside a function: ``def main():`` holding the weights as local variables.

``def main(): W1 = np.random.randn(...); for epoch ...: ... W1 -= lr * dW1`` called from
``if __name__ == "__main__":``. No caller can read or set the weights, but the function's
body is a training script: the audit runs it as one (:mod:`gradcheck.audit.tracer`), the
module's definitions and set-up first, then the body in place of the call, its arguments
bound to their defaults. Line numbers stay the file's own.
"""

from __future__ import annotations

import ast
import copy


def _called_at_top(stmts: list[ast.stmt], name: str) -> bool:
    """The module calls ``name()`` at its top level or under ``if __name__ == "__main__":``."""
    for stmt in stmts:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for n in ast.walk(stmt):
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == name:
                return True
    return False


def _calls(stmt: ast.stmt, name: str) -> bool:
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == name for n in ast.walk(stmt))


def _defaults(fn: ast.FunctionDef) -> list[ast.stmt] | None:
    """``arg = default`` for each argument, or None when one has no default (nothing to call it with)."""
    args = fn.args.posonlyargs + fn.args.args
    if fn.args.vararg or fn.args.kwarg or len(fn.args.defaults) != len(args):
        return None
    if any(d is None for d in fn.args.kw_defaults):
        return None
    pairs = list(zip(args, fn.args.defaults)) + list(zip(fn.args.kwonlyargs, fn.args.kw_defaults))
    out = []
    for arg, default in pairs:
        stmt = ast.Assign(targets=[ast.Name(arg.arg, ast.Store())], value=copy.deepcopy(default))
        out.append(ast.fix_missing_locations(ast.copy_location(stmt, fn)))
    return out


def _body(fn: ast.FunctionDef) -> list[ast.stmt] | None:
    """The body at module level: a last ``return`` dropped (its value kept as an expression); None when any
    other ``return``, ``yield``, ``global`` or ``nonlocal`` would change meaning there."""
    body = list(fn.body)
    if body and isinstance(body[-1], ast.Return):
        last = body.pop()
        if last.value is not None:
            body.append(ast.fix_missing_locations(ast.copy_location(ast.Expr(last.value), last)))
    for stmt in body:
        for n in ast.walk(stmt):
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                continue
            if isinstance(n, (ast.Return, ast.Yield, ast.YieldFrom, ast.Global, ast.Nonlocal)):
                return None
    return body


def inline_entry(stmts: list[ast.stmt], infer) -> tuple[list[ast.stmt], str] | None:
    """(the module's statements with one training function's body in place of its call, its name), or None.

    ``infer`` reads a script's weights and gradients off statements (``shapes.script.infer_spec``):
    the function is the one module-level function, called at the top, whose body trains.
    """
    found = []
    for fn in stmts:
        if not isinstance(fn, ast.FunctionDef) or not _called_at_top(stmts, fn.name):
            continue
        defaults, body = _defaults(fn), _body(fn)
        if defaults is None or body is None or not infer(body):
            continue
        found.append((fn, defaults + body))
    if len(found) != 1:
        return None
    fn, body = found[0]
    kept: list[ast.stmt] = []
    for s in stmts:
        if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) or not _calls(s, fn.name):
            kept.append(s)
        elif _main_guard(s):  # its other statements (np.random.seed(0)) still run, before the body
            kept += [b for b in s.body if not _calls(b, fn.name)]
    return kept + body, fn.name


def _main_guard(stmt: ast.stmt) -> bool:
    """``if __name__ == "__main__":``."""
    test = stmt.test if isinstance(stmt, ast.If) else None
    return isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and test.left.id == "__name__"


__all__ = ["inline_entry"]
