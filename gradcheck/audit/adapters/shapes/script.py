"""Top-level scripts: no function to call, the training loop is module-level code.

Found from the update statements of the script itself (``W1 -= learning_rate *
dW1`` or ``W1 = W1 - lr * dW1`` at module level, loops included): each names a
weight and its gradient variable. The script is then run under the tracer
(:mod:`gradcheck.audit.tracer`), which stops it right before its first update.
"""

from __future__ import annotations

import ast
import dataclasses
import re

from gradcheck.audit import hoist, mainbody
from gradcheck.audit.adapters.names import (
    GRAD_METHODS,
    PARAM_CONTAINERS,
    canon,
    is_grad_name,
    is_param_name,
    layer_key,
    role_of,
    strip_grad,
)
from gradcheck.audit.adapters.shapes import flatpair, flatunpack
from gradcheck.audit.astnames import names_in, updated_from_itself
from gradcheck.audit.helperupdates import inline_update_helpers


def _top_level(stmts: list[ast.stmt]):
    """Module-level nodes, loops and ifs included, function and class bodies not."""
    stack = list(stmts)
    while stack:
        node = stack.pop(0)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        yield node
        stack.extend(ast.iter_child_nodes(node))


def _grad_in(expr: ast.AST, param: str) -> str | None:
    """The gradient variable of ``param`` used in an update expression (``lr * dW1``)."""
    names = [n.id for n in ast.walk(expr) if isinstance(n, ast.Name) and n.id != param]
    named = [n for n in names if strip_grad(n) == canon(param)]
    if named:
        return named[0]
    # ``weights_ho -= lr * grad_ho``: the one gradient-named variable an update that only scales it uses is its
    # gradient (``b2 += d_out.sum(axis=0) * 0.5`` is not: its gradient is what the call makes of d_out)
    if not _only_scales(expr):
        return None
    grads = {n for n in names if role_of(n) != "lr" and strip_grad(n) is not None}
    others = {n for n in names if role_of(n) != "lr"} - grads
    return grads.pop() if len(grads) == 1 and not others else None


def _only_scales(expr: ast.AST) -> bool:
    """Is ``expr`` names and numbers multiplied, divided or negated (``lr * g``, ``g / m * eta``), nothing else?"""
    allowed = (ast.Name, ast.Constant, ast.Load, ast.Mult, ast.Div, ast.USub)
    return all(
        isinstance(n, allowed)
        or (isinstance(n, ast.BinOp) and isinstance(n.op, (ast.Mult, ast.Div)))
        or isinstance(n, ast.UnaryOp)
        and isinstance(n.op, ast.USub)
        for n in ast.walk(expr)
    )


def _is_param(p: str, g: str) -> bool:
    """``W1``, ``bias2``: named as a parameter; or any name whose gradient is named after it (``c3`` beside ``gc3``)."""
    return is_param_name(p) or strip_grad(g) == canon(p)


def _update_pair(node: ast.AST) -> tuple[str, str] | None:
    if (
        isinstance(node, ast.AugAssign)
        and isinstance(node.target, ast.Name)
        and isinstance(node.op, (ast.Sub, ast.Add))
    ):
        p = node.target.id
        g = _grad_in(node.value, p)
        return (p, g) if g and _is_param(p, g) else None
    if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
        p, v = node.targets[0].id, node.value
        if (
            isinstance(v, ast.BinOp)
            and isinstance(v.op, (ast.Sub, ast.Add))
            and isinstance(v.left, ast.Name)
            and v.left.id == p
        ):
            g = _grad_in(v.right, p)
            return (p, g) if g and _is_param(p, g) else None
    return None


#: Words naming where a layer starts (a weight's first such word) or ends (a bias's only one).
_ROLE_WORDS = ("input", "hidden", "output")


def _by_role_words(params: list[str]) -> list[str] | None:
    """``weights_input_hidden, bias_hidden, weights_hidden_output, bias_output`` in layer order, or None.

    A weight named with two of input/hidden/output goes from the first to the second, one named
    with one of them (``hidden_weight``) and a bias so named belong to the layer ending there. Only a one-hidden-layer
    net named this way throughout is ordered (every weight and every bias placed once).
    """
    words = {p: [w for w in re.findall(r"[a-z]+", p.lower()) if w in _ROLE_WORDS] for p in params}
    layer = {}
    for p, found in words.items():
        bias = canon(p).startswith("b") or "bias" in p.lower()
        if bias and len(found) == 1 and found[0] != "input":
            layer[p] = (_ROLE_WORDS.index(found[0]) - 1, 1)
        elif not bias and len(found) == 2:
            layer[p] = (_ROLE_WORDS.index(found[0]), 0)
        elif not bias and len(found) == 1 and found[0] != "input":  # hidden_weight: the layer into hidden
            layer[p] = (_ROLE_WORDS.index(found[0]) - 1, 0)
    if len(layer) != len(params) or len(set(layer.values())) != len(params):
        return None
    return sorted(params, key=lambda p: layer[p])


def _forward_reads(stmts: list[ast.stmt], params: list[str]):
    """Each statement that assigns no parameter (no update), with the names its value reads (``ast.Name`` nodes)."""
    wanted = set(params)
    for node in ast.walk(ast.Module(body=list(stmts), type_ignores=[])):
        if isinstance(node, (ast.Assign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if not any(isinstance(t, ast.Name) and t.id in wanted for t in targets):
                yield [n for n in ast.walk(node.value) if isinstance(n, ast.Name)]


def _never_updated(stmts: list[ast.stmt], params: list[str]) -> list[str]:
    """Names like a weight or bias that a statement reads together with a trained weight (``hinp = np.dot(X, wh) +
    bh``) while nothing updates them: arrays the forward uses and the script never trains."""
    trained, found = set(params), []
    for read in _forward_reads(stmts, params):
        ids = [n.id for n in read]
        if trained & set(ids):
            found += [n for n in ids if n not in trained and is_param_name(n) and not is_grad_name(n)]
    found = list(dict.fromkeys(found))
    # (updated from itself by a statement the reader does not take as a gradient step, ``W = W - lr * dW - lmda *
    # lr * W``: trained, though not read off its update)
    selves = {updated_from_itself(n, set(found)) for s in stmts for n in ast.walk(s) if isinstance(n, ast.stmt)}
    return [n for n in found if n not in selves]


def _updates_elsewhere(stmts: list[ast.stmt], params: list[str]) -> dict[str, str]:
    """``{w_out: "line 44 assigns w_out's update to w_out_new, which nothing reads"}``: an untrained weight-like
    name whose update (a statement reading it and more) goes into another weight-like variable no statement reads,
    while the weight itself is read elsewhere (by the forward)."""
    nodes = [n for s in stmts for n in ast.walk(s)]
    loads: dict[str, int] = {}
    for n in nodes:
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load):
            loads[n.id] = loads.get(n.id, 0) + 1
    out: dict[str, str] = {}
    for n in nodes:
        if not (isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name)):
            continue
        target, read = n.targets[0].id, names_in(n.value)
        if target in loads or not is_param_name(target) or len(read) < 2:
            continue
        for name in sorted(read):
            if name not in params and name != target and is_param_name(name) and not is_grad_name(name):
                if loads.get(name, 0) > 1 and name not in out:  # read by this update and by the forward
                    out[name] = f"line {n.lineno} assigns {name}'s update to {target}, which nothing reads"
    return out


def _by_first_read(stmts: list[ast.stmt], params: list[str]) -> list[str] | None:
    """``params`` in the order the forward reads them (``y = x.dot(V)`` before ``z = y.dot(W)``, whatever the order
    of the updates), each bias after a weight read at the same place; None when one is never read outside its update.

    The place is the first read in the source (line, then column: ``sigmoid(sigmoid(x @ W1) @ W2)`` reads W1 first)
    by a statement that assigns no parameter, so that the forward comes before the backward reading them again."""
    first: dict[str, tuple[int, int]] = {}
    wanted = set(params)
    for read in _forward_reads(stmts, params):
        for n in read:
            if n.id in wanted:
                place = (n.lineno, n.col_offset)
                first[n.id] = min(first.get(n.id, place), place)
    if set(first) != wanted:
        return None
    return sorted(params, key=lambda p: (first[p][0], canon(p).startswith("b"), first[p][1]))


def _named_gradients(assigned: set[str]) -> dict[str, str]:
    """Weights paired with the gradient variables named after them, for a script that updates nothing.

    ``dL_dW1 = x.T @ dL_dz1`` printed at the end of a one-pass script: each weight
    (``W1``) with exactly one variable whose name is a gradient of it (``dL_dW1``,
    ``dW1``, ``grad_W1``). Weights with none are left out; any weight with two
    gradient names makes the pairing unsure, and nothing is paired.
    """
    pairs: dict[str, str] = {}
    for p in sorted(n for n in assigned if is_param_name(n)):
        named = [g for g in assigned if g != p and canon(g) != canon(p) and strip_grad(g) == canon(p)]
        if len(named) > 1:
            return {}
        if named:
            pairs[p] = named[0]
    return pairs


def infer_spec(stmts: list[ast.stmt]) -> dict:
    """``{"params": [...], "grads": [...]}`` read off the script's own updates, or {}."""
    pairs: dict[str, str] = {}
    assigned = set()
    for node in _top_level(stmts):
        pair = _update_pair(node)
        if pair and pair[0] not in pairs:
            pairs[pair[0]] = pair[1]
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            assigned.add(node.id)
    pairs = {p: g for p, g in pairs.items() if g in assigned}
    inline = [u for u in hoist.updates(stmts) if u.param not in pairs and u.param.split("[")[0] in assigned]
    pairs.update({u.param: u.grad for u in inline})
    named = not pairs
    if named:
        pairs = _named_gradients(assigned)
    if not pairs:
        return {}
    params = (
        sorted(pairs, key=lambda p: (layer_key(p), canon(p).startswith("b")))
        if all(layer_key(p) for p in pairs)
        else _by_role_words(list(pairs)) or _by_first_read(stmts, list(pairs)) or list(pairs)
    )
    found = {"params": params, "grads": [pairs[p] for p in params]}
    if named:
        found["named_only"] = True
    if inline:
        found["inline_updates"] = [dataclasses.asdict(u) for u in inline]
    return found


def _drives_a_backward(stmts: list[ast.stmt], trainer: str) -> bool:
    """Is the module function ``trainer`` a loop around the module's backward: given the weights by its caller
    (``optimize(w, b, X, Y, ...)``) and calling a function named like a backward (``propagate``,
    ``backward_propagation``) for the gradients it applies? A trainer making its own weights is the script."""
    defined = {s.name: s for s in stmts if isinstance(s, ast.FunctionDef)}
    fn = defined.get(trainer)
    if fn is None or not any(is_param_name(a.arg) or a.arg in PARAM_CONTAINERS for a in fn.args.args):
        return False
    backward = {n.lower() for n in GRAD_METHODS}
    return any(
        isinstance(n, ast.Call)
        and isinstance(n.func, ast.Name)
        and n.func.id in defined
        and n.func.id != trainer
        and n.func.id.lower() in backward
        for n in ast.walk(fn)
    )


def script_spec(path, spec: dict, notes: list[str]) -> dict:
    """``spec`` with the script's weights and gradients when ``path`` is a plain training script.

    Unchanged when the spec already names an entry or gradients, when the
    submission is a folder, or when it has a model class or backward function.
    """
    from pathlib import Path

    from gradcheck.audit import tracer

    if spec.get("grads") or spec.get("entry") or spec.get("backward") or not Path(path).is_file():
        return spec
    try:
        sr = tracer.prepare(path, [])
    except Exception:  # noqa: BLE001 - a file the loader will report on
        return spec
    if flatunpack.has_flat_cost(sr.stmts) or flatpair.has_flat_pair(sr.stmts):  # the cost over the flat vector is
        # the entry, not its loop
        return spec
    # (w, b) = backward(x, d, w, b) or w -= step(x, d): the updates a helper makes, written out at its calls
    stmts, helpers = inline_update_helpers(sr.stmts)
    found = infer_spec(stmts) if helpers else {}
    if found:
        sr.stmts, found["update_helpers"] = stmts, helpers
    else:
        found = infer_spec(sr.stmts)
    inlined = mainbody.inline_entry(sr.stmts, infer_spec) if not found else None
    if inlined is not None and _drives_a_backward(sr.stmts, inlined[1]):  # optimize(w, b, X, Y) driving
        # propagate(w, b, X, Y) -> (grads, cost): the backward function is audited, not the loop around it
        return spec
    if inlined is not None:  # def main(): W1 = ...; ... W1 -= lr * dW1: the body is the script
        sr.stmts = inlined[0]
        found = {**infer_spec(sr.stmts), "inline_function": inlined[1]}
    named = found.pop("named_only", False)
    if not found or not tracer.looks_like_script(sr, {**spec, **found}):
        return spec
    want = [str(p) for p in spec.get("params") or []]
    if want and set(want) <= set(found["params"]):  # [network] params gives the layer order
        by = dict(zip(found["params"], found["grads"]))
        found["params"], found["grads"] = want, [by[p] for p in want]
    pairs = ", ".join(
        f"{p} <- {g if not g.startswith(hoist.PREFIX) else 'its update'}"
        for p, g in zip(found["params"], found["grads"])
    )
    how = "paired by their names (the script updates no weight)" if named else "read off its updates"
    notes.append(f"a script without a model class or backward function: weights and gradients {how} ({pairs})")
    untrained = [] if named else _never_updated(sr.stmts, found["params"])
    dead = {} if named else _updates_elsewhere(sr.stmts, found["params"])
    untrained += [n for n in dead if n not in untrained]
    if untrained:
        elsewhere = f" ({'; '.join(dead.values())})" if dead else ""
        notes.append(
            f"{', '.join(untrained)}: read beside the weights by the forward, never updated{elsewhere}: the script "
            "never trains "
            "them (no gradient is computed for them), and no reference network holds a bias it does not train"
        )
    if found.get("update_helpers"):
        notes.append(
            f"the script updates its weights through {', '.join(h + '()' for h in helpers)}: written out at each "
            "call as the update it makes"
        )
    if inlined is not None:
        notes.append(
            f"{inlined[1]}() trains the weights inside its body (as local variables, or module globals it declares "
            "global): its body was run as the script "
            "(the module's definitions and set-up first, its arguments bound to what its call passes, else to their "
            "defaults)"
        )
        if inlined[2]:
            notes.append(inlined[2])
    return {**spec, **found}
