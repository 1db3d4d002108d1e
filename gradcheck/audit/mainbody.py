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
import re

from gradcheck.audit.adapters.names import is_grad_name
from gradcheck.audit.astnames import names_in, read_names

#: A function whose name says it returns gradients (``compute_grads``, ``backward_pass``, ``backprop``).
_GRADIENT_CALL = re.compile(r"grad|backward|back_?prop|deriv", re.I)


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
    defaults = _defaults(fn)
    given = {a.arg: v for a, v in zip(args, call.args)} | {k.arg: k.value for k in call.keywords}
    out = []
    for arg in [a.arg for a in args + fn.args.kwonlyargs]:
        value = given.get(arg, defaults.get(arg))
        if value is None:
            return None
        stmt = ast.Assign(targets=[ast.Name(arg, ast.Store())], value=copy.deepcopy(value))
        out.append(ast.fix_missing_locations(ast.copy_location(stmt, fn)))
    return out


def _defaults(fn: ast.FunctionDef) -> dict[str, ast.expr]:
    """Each argument's default expression, by name (positional and keyword-only)."""
    args = fn.args.posonlyargs + fn.args.args
    defaults = dict(zip([a.arg for a in args][len(args) - len(fn.args.defaults) :], fn.args.defaults))
    return defaults | {a.arg: d for a, d in zip(fn.args.kwonlyargs, fn.args.kw_defaults) if d is not None}


def _body(fn: ast.FunctionDef, site: ast.stmt) -> list[ast.stmt] | None:
    """The body at module level: a last ``return v`` becomes what the call site does with ``v``; None when any
    other ``return``, ``yield``, ``global`` or ``nonlocal`` would change meaning there.

    The function's own ``global weights1, bias1`` is dropped where the body computes the gradients it updates
    them with (``wgrad4 = error5 @ layer4.T``): at module level its assignments bind the module's names already,
    as the declaration made them do. A body updating its globals with what a function returns (``dW1, ... =
    compute_grads(X, y)``) stays a call: that function is the backward, audited as such.
    """
    declared = {n for s in fn.body if isinstance(s, ast.Global) for n in s.names}
    if declared and _updated_from_calls(fn.body, declared):
        return None
    body = [s for s in fn.body if not isinstance(s, ast.Global)]
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


def _updated_from_calls(body: list[ast.stmt], declared: set[str]) -> bool:
    """Whether an update of one of the ``declared`` globals reads what a gradient function returns
    (``dW1, db1 = compute_grads(X, y)`` then ``W1 = W1 - lr * dW1``): a call of a plain function named like a
    gradient or a backward, or one binding gradient-named variables. An activation's result (``l1 = nonlin(...)``
    read by ``syn1 += l1.T.dot(delta)``) is not one: that update computes its gradient inline."""
    nodes = [n for s in body for n in ast.walk(s)]
    returned = _gradient_results(nodes)
    for n in nodes:
        target = n.target if isinstance(n, ast.AugAssign) else (n.targets[0] if isinstance(n, ast.Assign) else None)
        if isinstance(target, ast.Name) and target.id in declared and read_names(n.value) & returned:
            return True
    return False


def inline_entry(stmts: list[ast.stmt], infer, nested: bool = True) -> tuple[list[ast.stmt], str, str] | None:
    """(the module's statements with one training function's body in place of its call, its name, a note on
    arguments the grader chose: "" when none), or None.

    ``infer`` reads a script's weights and gradients off statements (``shapes.script.infer_spec``):
    the function is the one module-level function, called once at the top, whose body trains; else the one
    training function no single top-level call pins (:func:`_unpinned_entry`); else (``nested``) the one
    reached through a function called once that calls it (:func:`_through_caller`).
    """
    found, callers = [], []
    for fn in stmts:
        site = _site(stmts, fn.name) if isinstance(fn, ast.FunctionDef) else None
        if site is None:
            continue
        bound, body = _bindings(fn, site.value), _body(fn, site)
        if bound is None or body is None:
            continue
        read = infer(body)
        if not read:
            callers.append((fn, site, bound + body))
        elif not _applies_given(fn, read):  # an updater given its gradients is neither
            found.append((fn, site, bound + body))
    if not found:
        return (
            _unpinned_entry(stmts, infer)
            or (_through_caller(stmts, callers, infer) if nested else None)
            or (_uncalled_entry(stmts, infer) if nested else None)
        )
    if len(found) != 1:
        return None
    fn, site, body = found[0]
    return _spliced(stmts, site, body), fn.name, ""


def _trains(fn: ast.FunctionDef, body: list[ast.stmt], infer) -> bool:
    """Does ``body`` (``fn``'s, made module-level) update weights with gradients it computes itself?"""
    found = infer(body)
    return bool(found) and not _applies_given(fn, found)


#: Nodes of an expression that only picks a value out of another (``grads["dW1"]``, ``grads.dW1``, ``grads[0]``).
_PICKS = (ast.Name, ast.Subscript, ast.Attribute, ast.Constant, ast.Tuple, ast.List, ast.Slice, ast.Load)


def _applies_given(fn: ast.FunctionDef, found: dict) -> bool:
    """Is ``fn`` an updater, not a trainer: does each gradient its updates apply (``found["grads"]``, read off its
    body) come from its own arguments, unchanged or picked out of one (``dlw1 = grads["dlw1"]``)?

    ``update_parameters(parameters, grads, learning_rate)`` called once at the top of a notebook, after a demo
    call ``grads = backward_propagation(...)``: run as the script, its gradients are that one call's values,
    computed at the module's starting weights and never from the weights the grader sets. The backward that
    returns them is the network, audited as such. A gradient the body computes (from a call, arithmetic, or an
    argument it rebinds in a loop) makes it a trainer."""
    if not isinstance(found, dict):  # an inference that only says whether the body trains: as before, a trainer
        return False
    grads = [g for g in found.get("grads", []) if isinstance(g, str)]
    if not grads:
        return False
    stmts = [n for s in fn.body for n in ast.walk(s)]
    bound = {n.id for n in stmts if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    args = fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs
    given = {a.arg for a in args} - bound  # an argument the body rebinds (grads = backward(...)) is its own
    for g in grads:
        if g in given:
            continue
        sources = [n for n in stmts if isinstance(n, ast.Assign) and any(g in names_in(t) for t in n.targets)]
        picked = [
            all(isinstance(x, _PICKS) for x in ast.walk(n.value)) and read_names(n.value) <= given for n in sources
        ]
        if not picked or not all(picked):
            return False
    return True


def _spliced(stmts: list[ast.stmt], site: ast.stmt, body: list[ast.stmt]) -> list[ast.stmt]:
    """The module's statements (the main guard's body in its place) with ``body`` in place of ``site``."""
    return [b for s in _flat(stmts) for b in (body if s is site else [s])]


def _through_caller(stmts: list[ast.stmt], callers: list, infer) -> tuple[list[ast.stmt], str, str] | None:
    """The training function reached through the one function the module calls once: ``main()`` under the main
    guard, whose body calls ``model = build_model(nn_hdim, epochs, ...)``. The caller's body runs in place of its
    call, then the training function's in place of its call there (one level, as :func:`inline_entry`)."""
    reached = []
    for fn, site, body in callers:
        inner = inline_entry(_spliced(stmts, site, body), infer, nested=False)
        if inner is not None:
            reached.append((fn, inner))
    if len(reached) != 1:
        return None
    fn, (out, name, note) = reached[0]
    said = f"{fn.name}()'s body was run in place of its call, and {name}()'s in place of its call there"
    return out, name, f"{said}; {note}" if note else said


#: The hidden width given to a training function's size argument that nothing in the module fixes
#: (``build_model(nn_hdim)`` called in a loop over widths, or never): small and unlike the usual 2 or 3
#: inputs and outputs, so the layers stay told apart; the gradient check does not depend on it.
INVENTED_HIDDEN = 4


def _unpinned_entry(stmts: list[ast.stmt], infer) -> tuple[list[ast.stmt], str, str] | None:
    """A training function no single top-level statement calls as :func:`_site` wants: called in a loop over
    hidden widths (``for i, nn_hdim in enumerate(dims): model = build_model(nn_hdim)``), or in several statements.

    Its body runs in place of the first top-level statement calling it (so the loop never trains every width).
    A function the module never calls is left alone: the functions it calls may be the network (one derivative
    function per parameter), audited as such. Each argument is bound to what that call passes when it is a
    constant, else to its default, else to the module's own variable of that name; a hidden size to
    :data:`INVENTED_HIDDEN`.
    Anything else left unbound, or more than one such function: None."""
    flat = _flat(stmts)
    assigned = _assigned(flat)
    found = []
    for fn in (s for s in stmts if isinstance(s, ast.FunctionDef)):
        sites = [s for s in flat if not isinstance(s, (ast.FunctionDef, ast.ClassDef)) and _calls(s, fn.name)]
        if not sites:  # never called: its functions may be the network (derivative_w1(...)), not its body
            continue
        call = next((n for s in sites[:1] for n in ast.walk(s) if isinstance(n, ast.Call) and _named(n, fn.name)), None)
        bound, chosen = _chosen_bindings(fn, call, assigned)
        body = _body(fn, ast.Expr(ast.Constant(None)))
        if bound is not None and body is not None and _trains(fn, body, infer):
            found.append((fn, sites[0], bound + body, chosen))
    if len(found) != 1:
        return None
    fn, site, body, chosen = found[0]
    out = _spliced(stmts, site, body)
    chose = f", with {', '.join(chosen)} chosen by the grader (the gradient check does not depend on sizes)"
    note = (
        f"{fn.name}() is called by no single statement of the module: its body was run once, in place of the "
        f"first statement calling it (a loop over its arguments){chose if chosen else ''}"
    )
    return out, fn.name, note


def _uncalled_entry(stmts: list[ast.stmt], infer) -> tuple[list[ast.stmt], str, str] | None:
    """The one training function nothing in the module calls (``def train_xor(hidden=4, lr=0.5, epochs=2000):``
    making its data and weights, training them inline and returning them, run by a notebook or an app
    elsewhere): its body runs once after the module's statements, its arguments at their defaults.

    A function taking its gradients from one of the module's functions (``dW2 = derivative_w2(...)``, ``grads =
    backward(...)``) is left alone: those functions may be the network, audited as such. An activation's
    derivative inside an expression (``d1 = d2 @ W2.T * tanh_deriv(z1)``) is not one."""
    own = {s.name for s in stmts if isinstance(s, ast.FunctionDef)}
    called = {n.func.id for s in stmts for n in ast.walk(s) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    flat = _flat(stmts)
    assigned = _assigned(flat)
    found = []
    for fn in (s for s in stmts if isinstance(s, ast.FunctionDef) and s.name not in called):
        if _gradient_results(list(ast.walk(fn)), own):
            continue
        bound, chosen = _chosen_bindings(fn, None, assigned)
        body = _body(fn, ast.Expr(ast.Constant(None)))
        if bound is not None and body is not None and _trains(fn, body, infer):
            found.append((fn, bound + body, chosen))
    if len(found) != 1:
        return None
    fn, body, chosen = found[0]
    args = f", with {', '.join(chosen)} chosen by the grader (the gradient check does not depend on sizes)"
    note = (
        f"{fn.name}() is called nowhere in the module: its body was run once, after the module's own statements, "
        f"its arguments at their defaults{args if chosen else ''}"
    )
    return flat + body, fn.name, note


def _gradient_results(nodes: list[ast.AST], own: set[str] | None = None) -> set[str]:
    """The variables bound to what a gradient function returns: a plain call (of one of ``own``, when given)
    named like a gradient or a backward, or one binding gradient-named variables (``dW1, db1 = f(X, y)``)."""
    returned = set()
    for n in nodes:
        if not (isinstance(n, ast.Assign) and isinstance(n.value, ast.Call) and isinstance(n.value.func, ast.Name)):
            continue
        if own is not None and n.value.func.id not in own:
            continue
        bound = {t for target in n.targets for t in names_in(target)}
        if _GRADIENT_CALL.search(n.value.func.id) or any(is_grad_name(t) for t in bound):
            returned |= bound
    return returned


def _assigned(flat: list[ast.stmt]) -> set[str]:
    """The names the module's top-level statements assign (``X, y = make_blobs(...)`` binds both)."""
    return {n for s in flat if isinstance(s, ast.Assign) for t in s.targets for n in names_in(t)}


def _named(call: ast.Call, name: str) -> bool:
    return isinstance(call.func, ast.Name) and call.func.id == name


def _chosen_bindings(
    fn: ast.FunctionDef, call: ast.Call | None, assigned: set[str]
) -> tuple[list[ast.stmt] | None, list[str]]:
    """(``arg = value`` statements, the arguments the grader chose), or (None, []) when one cannot be bound."""
    from gradcheck.audit.adapters.names import size_role

    if fn.args.vararg or fn.args.kwarg:
        return None, []
    args = fn.args.posonlyargs + fn.args.args
    defaults = _defaults(fn)
    given: dict[str, ast.expr] = {}
    if call is not None:
        given = {a.arg: v for a, v in zip(args, call.args)} | {k.arg: k.value for k in call.keywords if k.arg}
    out, chosen = [], []
    for arg in [a.arg for a in args + fn.args.kwonlyargs]:
        value = given.get(arg)
        value = value if isinstance(value, ast.Constant) else defaults.get(arg)
        if value is None and arg in assigned:
            continue  # the module's own variable of that name: read as the function would not, but the same value
        if value is None and size_role(arg) == "hidden":
            value = ast.Constant(INVENTED_HIDDEN)
            chosen.append(f"{arg} = {INVENTED_HIDDEN}")
        if value is None:
            return None, []
        stmt = ast.Assign(targets=[ast.Name(arg, ast.Store())], value=copy.deepcopy(value))
        out.append(ast.fix_missing_locations(ast.copy_location(stmt, fn)))
    return out, chosen


__all__ = ["INVENTED_HIDDEN", "inline_entry"]
