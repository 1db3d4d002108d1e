"""A training script written inside a function: ``def main():`` holding the weights as local variables.

``def train(X, y, epochs=1000): W1 = rng.normal(...); for epoch ...: ... W1 -= lr * dW1``
called once by the module (``train(X, y)`` under ``if __name__ == "__main__":``). No
caller can read or set the weights, but the function's body is a training script: the
audit runs it as one (:mod:`gradcheck.audit.tracer`), in place of the call, its
arguments bound to what the call passes or to their defaults, the module's definitions
and set-up first. Line numbers stay the file's own.
"""

from __future__ import annotations

import ast
import copy


def _calls(stmt: ast.stmt, name: str) -> bool:
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == name for n in ast.walk(stmt))


def _main_guard(stmt: ast.stmt) -> bool:
    """``if __name__ == "__main__":``."""
    test = stmt.test if isinstance(stmt, ast.If) else None
    return isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and test.left.id == "__name__"


def _flat(stmts: list[ast.stmt]) -> list[ast.stmt]:
    """The module's statements, the main guard's body in its place (the script runs as a module, not as main)."""
    out: list[ast.stmt] = []
    for s in stmts:
        out += s.body if _main_guard(s) else [s]
    return out


def _site(stmts: list[ast.stmt], name: str) -> ast.stmt | None:
    """The one statement calling ``name(...)`` at the top: ``name(...)`` or ``result = name(...)``."""
    found = [s for s in _flat(stmts) if not isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    found = [s for s in found if _calls(s, name)]
    if len(found) != 1:
        return None
    s = found[0]
    value = s.value if isinstance(s, (ast.Expr, ast.Assign)) else None
    ok = isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == name
    return s if ok and not any(isinstance(a, ast.Starred) for a in value.args) else None


def _bindings(fn: ast.FunctionDef, call: ast.Call) -> list[ast.stmt] | None:
    """``arg = <what the call passes, else the default>`` for each argument, or None when one is unbound."""
    if fn.args.vararg or fn.args.kwarg or any(k.arg is None for k in call.keywords):
        return None
    args = fn.args.posonlyargs + fn.args.args
    if len(call.args) > len(args):
        return None
    defaults = dict(zip([a.arg for a in args][len(args) - len(fn.args.defaults) :], fn.args.defaults))
    defaults |= {a.arg: d for a, d in zip(fn.args.kwonlyargs, fn.args.kw_defaults) if d is not None}
    given = {a.arg: v for a, v in zip(args, call.args)} | {k.arg: k.value for k in call.keywords}
    out = []
    for arg in [a.arg for a in args + fn.args.kwonlyargs]:
        value = given.get(arg, defaults.get(arg))
        if value is None:
            return None
        stmt = ast.Assign(targets=[ast.Name(arg, ast.Store())], value=copy.deepcopy(value))
        out.append(ast.fix_missing_locations(ast.copy_location(stmt, fn)))
    return out


def _body(fn: ast.FunctionDef, site: ast.stmt) -> list[ast.stmt] | None:
    """The body at module level: a last ``return v`` becomes what the call site does with ``v``; None when any
    other ``return``, ``yield``, ``global`` or ``nonlocal`` would change meaning there."""
    body = list(fn.body)
    if body and isinstance(body[-1], ast.Return):
        last = body.pop()
        if last.value is not None:
            value = last.value
            new = ast.Assign(targets=site.targets, value=value) if isinstance(site, ast.Assign) else ast.Expr(value)
            body.append(ast.fix_missing_locations(ast.copy_location(new, last)))
    for stmt in body:
        for n in ast.walk(stmt):
            if isinstance(n, (ast.Return, ast.Yield, ast.YieldFrom, ast.Global, ast.Nonlocal)):
                return None
    return body


def inline_entry(stmts: list[ast.stmt], infer) -> tuple[list[ast.stmt], str] | None:
    """(the module's statements with one training function's body in place of its call, its name), or None.

    ``infer`` reads a script's weights and gradients off statements (``shapes.script.infer_spec``):
    the function is the one module-level function, called once at the top, whose body trains.
    """
    found = []
    for fn in stmts:
        site = _site(stmts, fn.name) if isinstance(fn, ast.FunctionDef) else None
        if site is None:
            continue
        bound, body = _bindings(fn, site.value), _body(fn, site)
        if bound is None or body is None or not infer(body):
            continue
        found.append((fn, site, bound + body))
    if len(found) != 1:
        return None
    fn, site, body = found[0]
    out: list[ast.stmt] = []
    for s in _flat(stmts):
        out += body if s is site else [s]
    return out, fn.name


__all__ = ["inline_entry"]
