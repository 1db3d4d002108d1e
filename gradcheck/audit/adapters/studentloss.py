"""The values of the student's own loss on the checked batch, so the grader can tell which loss it is.

When the instructor declares no loss, the gradient is checked against the loss
the student wrote, wherever it is (see :mod:`gradcheck.audit.adapters.lossfind`
and :mod:`gradcheck.audit.adapters.inline`): the loss a CS231n ``loss(X, y)``
returns with its gradients (tier 0), the model's loss object or method (tier 1),
a module function, object or class (tier 2), an expression in a training loop
(tier 3). Every value found is reported with its source and tier, on a fresh
copy of the network after its forward pass on the batch (never on weights a
backward already updated); the grader matches them against the named losses.
"""

from __future__ import annotations

import ast
import functools
import inspect
from typing import Any

import numpy as np

from gradcheck.audit.adapters import inline, madeinside, penaltyattrs, steploss
from gradcheck.audit.adapters.calling import bind_args, call_student, plain_params
from gradcheck.audit.adapters.lossfind import Candidate, bindings, held_by, in_module, is_loss_name, loss_role, swapped
from gradcheck.audit.adapters.names import LOSS_DERIV_FUNC, PENALTY_NAME, PENALTY_VALUE, role_of
from gradcheck.audit.adapters.objects import methods, student_classes, student_functions
from gradcheck.audit.adapters.scalar import scalar as _scalar
from gradcheck.audit.adapters.sources import source_tree
from gradcheck.audit.adapters.step import Runner, Step1
from gradcheck.audit.adapters.target import Target
from gradcheck.audit.loader import AuditError, StudentCodeError

#: Loss candidates evaluated at most (each runs student code once per way to call it).
MAX_CANDIDATES = 12
#: The learning rate a step run again for the loss value it returns is given (a CS231n ``loss(X, y)`` has no
#: update; a step that also updates is read before it, and a small rate keeps it the step it was).
RETURNED_LR = 2.0**-10


def _derivatives(target: Target, root: Any, funcs: dict) -> list[tuple[str, Any]]:
    found = []
    if target.root_name == "self":
        for name in sorted(methods(type(root))):
            if LOSS_DERIV_FUNC.search(name) or name == "cost_derivative":
                found.append((f"{target.label}.{name}", getattr(root, name)))
    found += [(n, f) for n, f in sorted(funcs.items()) if LOSS_DERIV_FUNC.search(n) or n == "cost_derivative"]
    return found


def student_loss_grad(target: Target, s1: Step1, funcs: dict, Yc: Any) -> dict | None:
    """``{"source", "value"}``: the student's loss derivative (``mse_prime``, ``cost_derivative``) at the output."""
    if not isinstance(s1.out, np.ndarray):
        return None
    out = s1.out
    for source, fn in _derivatives(target, s1.root, funcs):
        ctx = {"out": lambda: out.copy(), "Y": lambda: np.array(Yc, copy=True)}
        try:
            a, k, _ = bind_args(fn, ctx, ["out", "Y"], source)
            value = np.asarray(call_student(source, fn, *a, **k), dtype=float)
        except (AuditError, StudentCodeError, TypeError, ValueError):
            continue
        if value.shape == out.shape and np.all(np.isfinite(value)):
            return {"source": f"the student's {source}()", "value": value}
    return None


def _returned(target: Target, s1: Step1) -> dict | None:
    ret = s1.ret
    if isinstance(ret, (tuple, list)) and ret and not isinstance(ret[0], bool) and _scalar(ret[0]) is not None:
        return {"source": f"the loss value {target.entry()} returns", "value": _scalar(ret[0]), "tier": 0}
    return None


def _forward_returned(target: Target, named: dict) -> list[tuple[str, dict]]:
    """The loss value the forward returns beside the output (``return probs, loss, cache``), by its name."""
    where = target.forward_path() or "the forward"
    return [
        (k, {"source": f"the loss value {where} returns ({k})", "value": _scalar(v), "tier": 0})
        for k, v in named.items()
        if is_loss_name(k) and not isinstance(v, bool) and _scalar(v) is not None
    ]


def _make(cls: type) -> Any:
    try:
        return call_student(f"{cls.__name__}()", cls)
    except StudentCodeError:
        return None


def _like_targets(out: Any, Y: Any) -> np.ndarray | None:
    """The forward output in the targets' shape when only the shape differs.

    A forward read through ``predict_proba`` may return ``(N,)`` where the targets are
    ``(N, 1)``: passed as they are, a loss ``mean(y * log(p))`` broadcasts them to an
    N x N matrix, a value no loss of the network has.
    """
    if not isinstance(out, np.ndarray):
        return None
    if isinstance(Y, np.ndarray) and out.shape != Y.shape and out.size == Y.size:
        return out.reshape(Y.shape)
    return out


class _Env:
    """The values a loss may be called with: prediction, targets, inputs, parameters, the model, exact names.

    ``root``: the network to run the forward of (default: a fresh one at the student's weights).
    """

    def __init__(self, runner: Runner, s1: Step1, root: Any = None):
        self.root, out, self.named = runner.forward_state(s1.columns, root)
        Xc, Yc = runner.batch(s1.columns)
        roles = {"out": _like_targets(out, Yc), "Y": Yc, "X": Xc}
        #: the forward turned the batch's rows into columns itself (its output was read back as rows)
        self.turned = "transposed" in runner.said
        roles["params"] = self.root if runner.t.root_name == "params" else None
        roles["self"] = self.root if runner.t.root_name == "self" else None
        roles["penalty"] = PENALTY_VALUE  # the value the backward was given (step.py), when it takes one
        roles[inline.SAMPLES] = _samples(Xc, Yc, runner.vector, s1.columns)
        self.roles = {k: v for k, v in roles.items() if v is not None}

    def value(self, role: str) -> Any:
        if role.startswith("="):
            return self.named[role[1:]]
        v = self.roles[role]
        return v.copy() if isinstance(v, np.ndarray) else v


def _samples(Xc: Any, Yc: Any, vector: bool, columns: bool) -> list[tuple[Any, Any]]:
    """The batch as the ``(x, y)`` pairs a loop over it sees, one per sample (one pair: a per-sample batch)."""
    if vector or not isinstance(Xc, np.ndarray) or Xc.ndim < 2:
        return [(Xc, Yc)]
    if columns:
        return list(zip(Xc.T[..., None], np.asarray(Yc).T[..., None] if np.ndim(Yc) == 2 else Yc))
    return list(zip(Xc, Yc))


def _on(fn: Any, root: Any) -> Any:
    """``fn`` bound to network ``root`` when it is a method of another network of root's class.

    The model's own ``loss(self, X, y)`` was found on the network the audit first built; at other
    weights it must run on the network that holds them, or its value would never change.
    """
    if isinstance(fn, functools.partial):  # a loss with its selector given (choiceargs)
        return functools.partial(_on(fn.func, root), *fn.args, **fn.keywords)
    held = getattr(fn, "__self__", None)
    if held is None or held is root or type(held) is not type(root) or not hasattr(fn, "__func__"):
        return fn
    return fn.__func__.__get__(root, type(root))


def _value(cand: Candidate, env: _Env, binding: list[tuple[str, str]]) -> float | None:
    turn = env.turned and _targets_turned_at_call(cand.fn)
    try:
        args = {n: _turned(env.value(r)) if turn and r in ("out", "Y") else env.value(r) for n, r in binding}
        v = call_student(cand.source, _on(cand.fn, env.root), **args)
    except (StudentCodeError, TypeError, KeyError):
        return None
    if isinstance(v, tuple) and len(v) == 2 and isinstance(v[1], np.ndarray):  # (loss, its gradient)
        v = v[0]
    if isinstance(v, np.ndarray) and v.ndim == 1 and v.size > 1 and _averages(cand.fn):
        return _scalar(np.mean(v))  # the sample losses its class's own calculate() takes the mean of
    return _scalar(v)


def _turned(v: Any) -> Any:
    return v.T.copy() if isinstance(v, np.ndarray) and v.ndim == 2 else v


def _targets_turned_at_call(fn: Any) -> bool:
    """The code's own call of the loss hands it the targets transposed (``self.compute_loss(y_pred, y.T)``).

    A forward that turns its batch's rows into columns itself (``A = X.T``) makes its output in columns; the audit
    reads that output back as rows. Such code's loop gives its loss the output as made and the targets turned to
    match, and a loss reading the sample count off them (``m = y_true.shape[1]``) counts the samples only so:
    the loss is then called the same way (both in columns), not with rows the code never hands it.
    """
    fn = getattr(fn, "func", fn)
    name, held = getattr(fn, "__name__", None), getattr(fn, "__self__", None)
    if name is None:
        return False
    return _calls_turned(type(held) if held is not None else None, getattr(fn, "__module__", None), name)


@functools.lru_cache(maxsize=64)
def _calls_turned(cls: type | None, module: str | None, name: str) -> bool:
    tree = source_tree(cls) if cls is not None else None
    if tree is None:
        return False
    for node in ast.walk(tree):
        called = isinstance(node, ast.Call) and (
            (isinstance(node.func, ast.Attribute) and node.func.attr == name)
            or (isinstance(node.func, ast.Name) and node.func.id == name)
        )
        if called and any(_targets_t(a) for a in node.args):
            return True
    return False


def _targets_t(arg: ast.expr) -> bool:
    """``y.T`` of a name that says targets."""
    return (
        isinstance(arg, ast.Attribute)
        and arg.attr == "T"
        and isinstance(arg.value, ast.Name)
        and role_of(arg.value.id) == "Y"
    )


def _averages(fn: Any) -> bool:
    """``fn`` is a loss object's method whose values another method of its class averages: Neural Networks
    from Scratch's ``Loss.calculate`` is ``np.mean(self.forward(output, y))`` (and keeps running sums that
    need a ``new_pass()`` first, so it cannot be called itself), its ``forward`` the per-sample losses."""
    name, held = getattr(fn, "__name__", None), getattr(fn, "__self__", None)
    return name is not None and held is not None and _class_averages(type(held), name)


@functools.lru_cache(maxsize=64)
def _class_averages(cls: type, name: str) -> bool:
    """:func:`_averages`, read once per class and method (the loss is evaluated at many points)."""
    for klass in cls.__mro__:
        tree = source_tree(klass) if klass.__module__ != "builtins" else None
        nodes = list(ast.walk(tree)) if tree is not None else []
        # names a call self.<name>(...) is kept in (sample_losses = self.forward(output, y))
        kept = {
            t.id
            for n in nodes
            if isinstance(n, ast.Assign) and _calls_self(n.value, name)
            for t in n.targets
            if isinstance(t, ast.Name)
        }
        for n in nodes:
            if isinstance(n, ast.Call) and getattr(n.func, "attr", None) == "mean":
                if _calls_self(n, name) or _mean_of(n, kept):
                    return True
    return False


def _calls_self(node: ast.AST, name: str) -> bool:
    """``node`` holds a call ``self.<name>(...)``."""
    return any(
        isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and n.func.attr == name
        and isinstance(n.func.value, ast.Name)
        and n.func.value.id == "self"
        for n in ast.walk(node)
    )


def _mean_of(node: ast.Call, names: set[str]) -> bool:
    """``np.mean(x)`` (or ``x.mean()``) of one of ``names``."""
    return any(isinstance(a, ast.Name) and a.id in names for a in [*node.args, node.func.value])


def _call(cand: Candidate, env: _Env, stateful: bool) -> list[tuple[float, bool, list]]:
    """The loss values of ``cand``, each with whether it comes from the swapped order of its arguments
    and the binding that gave it."""
    values, tried = [], []
    # a loss object's method: its x is what it judges (a loss with its selector given is a partial of it)
    judged = inspect.ismethod(getattr(cand.fn, "func", cand.fn)) and not stateful
    for binding in bindings(cand.fn, set(env.named), set(env.roles), stateful):
        binding = _prediction_for_input(binding, env) if judged else binding
        tried.append(binding)
        v = _value(cand, env, binding)
        if v is not None:
            values.append((v, False, binding))
    for binding in tried:
        other = swapped(binding)
        v = None if other is None or other in tried else _value(cand, env, other)
        if v is not None:
            values.append((v, True, other))
    return values


def _prediction_for_input(binding: list, env: _Env) -> list:
    """A loss object's ``forward(self, x, y)`` (a module-style ``CrossEntropyModule``) is given the network's
    output as ``x``: an object apart from the model cannot make a prediction of the inputs."""
    roles = {r for _, r in binding}
    if "X" not in roles or roles & {"out", "params"} or "out" not in env.roles:
        return binding
    return [(n, "out" if r == "X" else r) for n, r in binding]


def _env_at(runner: Runner, s1: Step1, root: Any) -> _Env | None:
    """The values a loss may be called with after the forward of network ``root`` (None: the forward raised)."""
    try:
        return _Env(runner, s1, root)
    except (StudentCodeError, AuditError):
        return None


def returned_evaluator(runner: Runner, s1: Step1, name: str | None = None) -> Any:
    """``at(root) -> float | None``: the loss value the entry returns (``name`` None) or the forward returns as
    ``name``, on network ``root``."""

    def at(root: Any) -> float | None:
        try:
            if name is not None:
                env = _env_at(runner, s1, root)
                return None if env is None else _scalar(env.named.get(name))
            ret = runner.step(RETURNED_LR, s1.columns, root=root).ret
        except (StudentCodeError, AuditError):
            return None
        return _scalar(ret[0]) if isinstance(ret, (tuple, list)) and ret else None

    return at


def evaluator(runner: Runner, s1: Step1, cand: Candidate, binding: list) -> Any:
    """``at(root) -> float | None``: the loss ``cand`` called as ``binding`` after the forward of network ``root``."""

    def at(root: Any) -> float | None:
        env = _env_at(runner, s1, root)
        return None if env is None else _value(cand, env, binding)

    return at


def _inline_value(code: Any, flipped: set, env: _Env, ns: dict, binding: list) -> float | None:
    """The inline loss ``code`` evaluated on the values ``env`` gives its names as ``binding`` says."""
    local = {n: env.value(r) for n, r in binding if r}
    local = {n: v.T if n in flipped and isinstance(v, np.ndarray) else v for n, v in local.items()}
    try:
        return _scalar(call_student("an inline loss", eval, code, ns, local))
    except StudentCodeError:
        return None


def _inline_values(loss: inline.InlineLoss, env: _Env, ns: dict, model: str | None) -> list[tuple[float, Any]]:
    """Each value of an inline loss, with ``at(env)``: the same expression, names bound the same way, on ``env``."""
    code = compile(ast.Expression(body=loss.expr), loss.filename, "eval")
    values = []
    flipped = inline.read_transposed(loss.expr)
    for binding in inline.name_bindings(loss, ns, set(env.named), set(env.roles), model):
        v = _inline_value(code, flipped, env, ns, binding)
        if v is not None:
            values.append((v, lambda other, b=binding: _inline_value(code, flipped, other, ns, b)))
    return values


def _inline_evaluator(runner: Runner, s1: Step1, again: Any) -> Any:
    """``at(root) -> float | None``: an inline loss (``again(env)``: :func:`_inline_values`) on network ``root``."""

    def at(root: Any) -> float | None:
        env = _env_at(runner, s1, root)
        return None if env is None else again(env)

    return at


def _inline_losses(loaded, funcs: dict, classes: list[type]) -> list[inline.InlineLoss]:
    """The inline losses of the entry file's code, its functions and its classes, each once."""
    path = str(loaded.path)
    found = list(inline.in_tree(ast.Module(body=list(loaded.stmts), type_ignores=[]), path))
    found += inline.of_functions(funcs)
    for cls in classes:
        node = loaded.class_nodes.get(cls.__name__)
        if node is not None:
            found += inline.in_tree(node, path)
    return list({(f.filename, f.line): f for f in found}.values())


def student_losses(runner: Runner, s1: Step1, funcs: dict, keep: dict | None = None) -> list[dict]:
    """Every value of the student's loss found: ``{"source", "value", "tier"}``, most telling tier first.

    ``keep``, when given, receives per source the function that gives its value again on another network
    (:func:`evaluator`, :func:`returned_evaluator`, an inline expression's names bound again): what the
    student's own loss is evaluated with at other weights.
    """
    t, found, keep = runner.t, [], {} if keep is None else keep
    local = steploss.step_loss(runner, s1)  # with the code's own dropout kept: the loss its training step computes
    if local is not None:
        found.append(local[0])
        keep.setdefault(local[0]["source"], local[1])
    ret = _returned(t, s1)
    if ret is not None:
        found.append(ret)
        keep.setdefault(ret["source"], returned_evaluator(runner, s1))
    try:
        env = _Env(runner, s1)
    except (StudentCodeError, AuditError):
        return found
    for name, entry in _forward_returned(t, env.named) if t.forward_name else []:
        found.append(entry)
        keep.setdefault(entry["source"], returned_evaluator(runner, s1, name))
    ns, loaded = t.namespace, runner.loaded
    classes = student_classes(ns, loaded)
    skip = {n for n in (t.backward_name, t.forward_name) if n}
    # a network the script assembles is the root itself: Net(loss, loss_prime) keeps the loss it trains with
    holder = env.root if t.root_name == "self" or t.shape == "assembled" else t.holder
    cands = held_by(holder, t.label, skip) if holder is not None else []
    cands += in_module(ns, funcs, classes, skip, _make)
    for cand in cands[:MAX_CANDIDATES]:
        stateful = cand.tier == 1 and "." not in cand.source[len(t.label) + 1 :]
        for v, alt, binding in _call(cand, env, stateful):
            entry = {"source": f"the student's {cand.source}()", "value": v, "tier": cand.tier}
            entry.update({"penalties": held} if (held := _attr_penalties(cand.fn, env.root)) else {})
            entry.update({"trained": True} if cand.trained else {})
            found.append({**entry, "swapped": True} if alt else entry)
            keep.setdefault(entry["source"], evaluator(runner, s1, cand, binding))
    model = t.label if t.root_name == "self" else None
    if t.root_name == "self":
        found += _trained_inline(runner, s1, env)
    for loss in _inline_losses(loaded, funcs, classes)[:MAX_CANDIDATES]:
        where = loaded.where(loss.filename, loss.line)
        for v, again in _inline_values(loss, env, ns, model):
            found.append({"source": f"the loss `{loss.text()}` ({where})", "value": v, "tier": 3})
            keep.setdefault(found[-1]["source"], _inline_evaluator(runner, s1, again))
    return found


def _attr_penalties(fn: Any, root: Any) -> dict[str, float]:
    """The penalty attributes a loss method reads (``self.l2_lambda = 0.01``) and their nonzero values, given with
    its value: the grader reads an L2 penalty of that strength in it (``lossfit``). Zero where the check switched
    them off (:mod:`.penaltyattrs`); the run again with them as the code sets them has them."""
    bare = inspect.unwrap(fn) if callable(fn) else fn
    owner = getattr(bare, "__self__", root)
    held = vars(owner) if hasattr(owner, "__dict__") and isinstance(vars(owner), dict) else {}
    reads = penaltyattrs.self_reads([bare])
    return {
        k: float(v)
        for k, v in held.items()
        if k in reads and PENALTY_NAME.match(k) and isinstance(v, (int, float)) and not isinstance(v, bool) and v
    }


def _trained_inline(runner: Runner, s1: Step1, env: _Env) -> list[dict]:
    """The loss the training method computes inline at the checked weights (:mod:`.madeinside`), as a value."""
    caught = madeinside.caught_loss(s1.root)
    if caught is not None:
        caught = (*caught, runner.t.entry())
    else:
        Xc, Yc = runner.batch(s1.columns)
        caught = madeinside.trainer_loss(env.root, Xc, Yc, RETURNED_LR)  # read before its first update
    if caught is None:
        return []
    return [{"source": f"the loss `{caught[0]}` as {caught[2]}() computes it", "value": caught[1], "tier": 3}]


def script_losses(
    loaded, stmts: list[ast.stmt], out: Any, X: Any, Y: Any, weights: dict | None = None, data: tuple = ()
) -> list[dict]:
    """The loss values a top-level script computes, at its capture point (its namespace as it stands).

    Module loss functions are called on the script's output and targets; loss
    expressions of the top-level code are evaluated as written, on the script's own
    variables (the tracer stopped before the first update: they belong to the
    captured weights). ``weights`` (the captured weights by name) and ``data`` (the names of the
    script's data): a loss of the model alone is called with them (:func:`_model_losses`).
    """
    ns = loaded.module.__dict__
    funcs = student_functions(ns, loaded)
    roles = {k: v for k, v in {"out": out, "X": X, "Y": Y}.items() if isinstance(v, np.ndarray)}
    found = []
    cands = in_module(ns, funcs, student_classes(ns, loaded), set(), _make)[:MAX_CANDIDATES]
    for cand in cands:
        for binding in bindings(cand.fn, set(), set(roles)):
            try:
                v = _scalar(call_student(cand.source, cand.fn, **{n: roles[r].copy() for n, r in binding}))
            except (StudentCodeError, TypeError):
                continue
            if v is not None:
                found.append({"source": f"the student's {cand.source}()", "value": v, "tier": 2})
    found += _model_losses(cands, _with_keys(weights or {}, stmts), data, ns)
    tree = ast.Module(body=list(stmts), type_ignores=[])
    for loss in list(inline.in_tree(tree, str(loaded.path)))[:MAX_CANDIDATES]:
        bound = _scalar(ns.get(loss.target)) if "." not in loss.target else None
        if bound is not None:  # the value the script computed before its update (its expression may read
            # arrays the backward edited in place since: dscores = probs; dscores[range(n), y] -= 1)
            where = f"{loss.target} as the script computed it ({loaded.locate(loss.line)})"
            found.append({"source": f"the loss {where}", "value": bound, "tier": 3})
        try:
            v = _scalar(
                call_student("an inline loss", eval, compile(ast.Expression(body=loss.expr), "<loss>", "eval"), ns)
            )
        except StudentCodeError:
            continue
        if v is not None and v != bound:
            found.append({"source": f"the loss `{loss.text()}` ({loaded.locate(loss.line)})", "value": v, "tier": 3})
    return found


def _with_keys(weights: dict, stmts: list[ast.stmt]) -> dict:
    """``weights`` under their own names and under each key the script files them by in a dict it builds
    (``model = {'w1': weight1, 'b1': bias1}``: ``calculate_loss(model)`` reads ``model['w1']``)."""
    out = dict(weights)
    for node in (n for s in stmts for n in ast.walk(s) if isinstance(n, ast.Dict)):
        for key, value in zip(node.keys, node.values):
            if isinstance(key, ast.Constant) and isinstance(key.value, str) and isinstance(value, ast.Name):
                if value.id in weights and key.value not in weights:
                    out[key.value] = weights[value.id]
    return out


def _model_losses(cands: list[Candidate], weights: dict, data: tuple, ns: dict | None = None) -> list[dict]:
    """A loss of the model alone, ``calculate_loss(model)`` reading the script's data as module globals (a
    tutorial's shape: ``W1, b1 = model["W1"], model["b1"]``; ``probs[range(num_examples), y]``), called with the
    captured weights in a dict under their own names; or of the model and the data, ``loss(model, X, y)``, given
    the script's data too (its variables in ``ns``, the module's namespace, as the script holds them).

    Only a function whose first argument names a model and whose code reads every one of the script's data
    variables (as globals, or as its arguments of those names or roles) is called so: its value is then the loss
    at the captured weights on the captured batch. The module's penalty strengths it reads (``reg_lambda``) are
    given with its value: the grader reads an L2 penalty of theirs in it (``lossfit``)."""
    named = [n for n in data if n]
    if not weights or len(named) < 2:
        return []
    found = []
    for cand in cands:
        required = [p.name for p in plain_params(cand.fn) if p.default is p.empty]
        code = getattr(cand.fn, "__code__", None)
        if not required or loss_role(required[0], set()) != "params" or code is None:
            continue
        given = _data_arguments(required[1:], data, ns or {})
        if given is None or not set(named) <= set(code.co_names) | {_data_variable(n, data) for n in given}:
            continue
        model = {n: np.array(w, copy=True) for n, w in weights.items()}
        try:
            v = _scalar(call_student(cand.source, cand.fn, model, **given))
        except (StudentCodeError, TypeError):
            continue
        if v is not None:
            glob = getattr(cand.fn, "__globals__", {})
            penalties = {
                n: float(glob[n])
                for n in code.co_names
                if PENALTY_NAME.match(n) and isinstance(glob.get(n), (int, float)) and not isinstance(glob[n], bool)
            }
            found.append(
                {
                    "source": f"the student's {cand.source}() of the weights" + (" and the batch" if given else ""),
                    "value": v,
                    "tier": 2,
                    "penalties": penalties,
                }
            )
    return found


def _data_arguments(names: list[str], data: tuple, ns: dict) -> dict | None:
    """``{argument: a copy of the script's X or Y}`` for a model loss's arguments after the model: each named as
    the script's data variable or by its role (``X``, ``Y``); None when one is neither or not an array."""
    out = {}
    for name in names:
        which = _data_variable(name, data)
        value = ns.get(which) if which else None
        if not isinstance(value, np.ndarray):
            return None
        out[name] = value.copy()
    return out


def _data_variable(name: str, data: tuple) -> str | None:
    """The script's data variable (``data``: the names of its X and Y) an argument called ``name`` stands for."""
    if name in data:
        return name
    at = {"X": 0, "Y": 1}.get(loss_role(name, set()))
    return None if at is None else data[at]
