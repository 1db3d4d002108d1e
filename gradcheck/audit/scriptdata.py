"""What a script held at the capture: its data, its output, its own loss, and what its updates imply.

The tracer (:mod:`gradcheck.audit.tracer`) stops a script right before its first
update; these functions read the captured namespace: the inputs and targets
(named in the spec, or guessed from common names), the forward output (named,
guessed from common names, or the array the script subtracts from its targets,
``l2_error = y - l2``), the loss values the script computes, and, for updates
that compute the gradient inline (:mod:`gradcheck.audit.hoist`), their
learning rate or that none was found.
"""

from __future__ import annotations

import ast
from typing import Any

import numpy as np

from gradcheck.audit.scriptforward import bound_forward

#: A name the namespace does not bind.
MISSING = object()

DATA_X_NAMES = ["x_batch", "xb", "batch_x", "x_train", "train_x", "x", "inputs", "features", "data", "x_in", "xs"]
DATA_Y_NAMES = [
    "y_batch",
    "yb",
    "batch_y",
    "y_train",
    "train_y",
    "y",
    "targets",
    "labels",
    "target",
    "y_true",
    "ys",
    "t",
    "y_expected",
    "expected",
    "expected_output",
    "desired",
]
OUTPUT_NAMES = [
    "y_pred",
    "ypred",
    "y_hat",
    "yhat",
    "output",
    "out",
    "pred",
    "preds",
    "prediction",
    "predictions",
    "predicted",
    "y_predicted",
    "a_out",
    "final_output",
    "probs",
    "prob",
    "probabilities",
    "p",
    "y_out",
    "a3",
    "a2",
    "al",
]


def own_losses(sr: Any, cap: Any) -> list[dict]:
    """The loss values the script computes (see ``adapters.studentloss.script_losses``); none when it fails."""
    from gradcheck.audit.adapters.studentloss import script_losses

    try:
        Y = cap.labels if cap.labels is not None else cap.Y  # the targets as the script holds them
        return script_losses(sr.loaded, sr.stmts, cap.forward, cap.X, Y, cap.params, cap.data_names)
    except Exception:  # noqa: BLE001 - a loss we cannot evaluate is a loss not found
        return []


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def inline_update_info(inline: list[dict], ns: dict, notes: list[str]) -> dict:
    """The ``update`` of a result whose gradients an inline update implies: its learning rate, or none found."""
    rates = {u["lr"] for u in inline}
    shown = ", ".join(f"{u['param']} (line {u['line']})" for u in inline)
    values = {r: ns.get(r) if r in ns else _number(r) for r in rates if r is not None}
    if None not in rates and all(isinstance(v, (int, float)) for v in values.values()):
        lrs = sorted({float(v) for v in values.values()})
        notes.append(f"gradients read off the updates of {shown}: the increment without its learning rate")
        return {"linear": True, "lrs": lrs, "via": ", ".join(sorted(rates)), "note": "lr x increment, by the code"}
    notes.append(
        f"gradients read off the updates of {shown}, which have no learning rate: the gradient is the increment "
        "(its sign turned) up to a positive factor"
    )
    return {"linear": None, "lrs": [1.0], "via": None, "note": "no learning rate in the update"}


def _as_array(v: Any) -> np.ndarray | None:
    if v is MISSING or v is None:
        return None
    try:
        a = np.array(v, dtype=float)
    except (TypeError, ValueError):
        return None
    return a if a.ndim >= 1 and a.size else None


def _labels_of(v: Any, out: np.ndarray | None) -> bool:
    """``v`` is one integer class index per sample of the output ``out``, K > 1 classes: ``out`` (N, K), or (K, N)
    when the script keeps samples as columns (see :func:`_label_classes`)."""
    return _label_classes(v, out) is not None


def _label_classes(v: Any, out: np.ndarray | None) -> int | None:
    """The class axis of ``out`` (1 for rows (N, K), 0 for columns (K, N)) that ``v`` indexes, or None."""
    if out is None or out.ndim != 2 or not isinstance(v, np.ndarray) or v.ndim != 1 or not v.size:
        return None
    a = np.asarray(v, dtype=float)
    if not np.all(a == np.round(a)) or a.min() < 0:
        return None
    for axis in (1, 0):  # rows first: a square output is read as rows
        if v.shape[0] == out.shape[1 - axis] and out.shape[axis] > 1 and a.max() < out.shape[axis]:
            return axis
    return None


def _label_like(ns: dict) -> list[str]:
    """Names that read as targets without being a known one: ``y_labels``, ``Y_onehot``, ``train_targets``."""
    words = ("label", "target", "truth", "onehot", "one_hot", "actual")
    # y_<word> where the word says data, never a prediction (y_pred, y_hat, y_out)
    data_words = {"train", "true", "data", "batch", "all", "set", "real", "gt", "vals", "values", "lbl", "cls"}
    low = [k.lower() for k in ns if not k.startswith("_")]
    return [
        k
        for k in low
        if k not in DATA_Y_NAMES and (any(w in k for w in words) or (k.startswith("y_") and k[2:] in data_words))
    ]


def computed_from(stmts: list[ast.stmt], weights: set[str]) -> set[str]:
    """The names (lowercase) the script assigns from its weights, directly or through names so assigned."""
    assigns = [
        (
            [t.id for t in node.targets if isinstance(t, ast.Name)],
            {n.id for n in ast.walk(node.value) if isinstance(n, ast.Name)},
        )
        for node in ast.walk(ast.Module(body=list(stmts), type_ignores=[]))
        if isinstance(node, ast.Assign)
    ]
    made, grew = set(weights), True
    while grew:
        grew = False
        for targets, read in assigns:
            if read & made and not set(targets) <= made:
                made |= set(targets)
                grew = True
    return {k.lower() for k in made - weights}


def _pick(ns: dict, prefs: list[str], ok) -> str | None:
    by_low: dict[str, list[str]] = {}
    for k, v in ns.items():
        if not k.startswith("_") and isinstance(v, np.ndarray) and v.dtype.kind in "fiub":
            by_low.setdefault(k.lower(), []).append(k)
    for p in prefs:
        for k in by_low.get(p, []):
            if ok(ns[k]):
                return k
    return None


def _compared_with_targets(stmts: list[ast.stmt], ns: dict) -> list[str]:
    """Names a script subtracts from its targets or the targets from (``l2_error = y - l2``): its output."""
    ys = {n for n in DATA_Y_NAMES if n in {k.lower() for k in ns}}
    found = []
    for node in ast.walk(ast.Module(body=list(stmts), type_ignores=[])):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub):
            a, b = node.left, node.right
            if isinstance(a, ast.Name) and isinstance(b, ast.Name):
                if a.id.lower() in ys and b.id.lower() not in ys:
                    found.append(b.id)
                elif b.id.lower() in ys and a.id.lower() not in ys:
                    found.append(a.id)
    return [n.lower() for n in dict.fromkeys(found)]


#: Calls handed a weight that are not a layer's forward (``np.dot(A, W1)`` is read as a product above).
_NOT_LAYERS = frozenset({"print", "len", "range", "zip", "enumerate", "isinstance", "np", "float", "int"})


def _multiplying(stmts: list[ast.stmt], weight: str | None) -> list[str]:
    """Names a script multiplies with its first weight (``points @ W1``, ``np.dot(W1, x)``), or hands a layer
    helper just before it (``predict(feature, W1, b1)``): its inputs, whatever they are called."""
    found = []
    for node in ast.walk(ast.Module(body=list(stmts), type_ignores=[])) if weight else ():
        pair = []
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
            pair = [node.left, node.right]
        elif (
            isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("dot", "matmul")
        ):
            pair = [node.func.value, *node.args] if len(node.args) == 1 else list(node.args)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id not in _NOT_LAYERS:
            args = [a.id if isinstance(a, ast.Name) else None for a in node.args]  # predict(x, W1, b1): x, then W1
            if weight in args[1:] and args[args.index(weight) - 1] not in (None, weight):
                found.append(args[args.index(weight) - 1])
        names = [a.id for a in pair if isinstance(a, ast.Name)]
        if len(pair) == 2 and len(names) == 2 and weight in names and names[0] != names[1]:
            found.append(next(x for x in names if x != weight))
    return [x.lower() for x in dict.fromkeys(found) if x != "np"]


def _compared_with(stmts: list[ast.stmt], out: str | None) -> list[str]:
    """Names a script subtracts from its output or its output from (``d_out = p - inside``): its targets."""
    found = []
    for node in ast.walk(ast.Module(body=list(stmts), type_ignores=[])) if out else ():
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub):
            names = [a.id for a in (node.left, node.right) if isinstance(a, ast.Name)]
            if len(names) == 2 and out in names and names[0] != names[1]:
                found.append(next(x for x in names if x != out))
    return [x.lower() for x in dict.fromkeys(found)]


def _differences(stmts: list[ast.stmt], made: set[str]) -> list[tuple[str, str]]:
    """``(layer2, output_data)`` of ``layer2_error = output_data - layer2``: a name computed from the weights
    and one that is not, subtracted: the output and the targets (lowercase)."""
    found = []
    for node in ast.walk(ast.Module(body=list(stmts), type_ignores=[])):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub):
            a, b = node.left, node.right
            if isinstance(a, ast.Name) and isinstance(b, ast.Name):
                x, y = a.id.lower(), b.id.lower()
                if (x in made) != (y in made):
                    found.append((x, y) if x in made else (y, x))
    return list(dict.fromkeys(found))


def _zip_sibling(stmts: list[ast.stmt], x: str | None) -> list[str]:
    """``l`` in ``for img, l in zip(images, labels)`` when ``x`` is ``img``: the target beside the input."""
    found = []
    for node in ast.walk(ast.Module(body=list(stmts), type_ignores=[])) if x else ():
        if (
            isinstance(node, ast.For)
            and isinstance(node.target, ast.Tuple)
            and len(node.target.elts) == 2
            and all(isinstance(e, ast.Name) for e in node.target.elts)
            and isinstance(node.iter, ast.Call)
            and isinstance(node.iter.func, ast.Name)
            and node.iter.func.id == "zip"
        ):
            names = [e.id for e in node.target.elts]
            if names[0] == x:
                found.append(names[1])
    return [n.lower() for n in dict.fromkeys(found)]


def attach_data(cap: Any, refs: dict, ns: dict, fwd_name, xn, yn, notes: list[str], stmts=()) -> None:
    """Fill the capture's forward output and data: named in the spec, else guessed (and said in ``notes``)."""

    def get(name):
        return refs[name] if name in refs else ns.get(name, MISSING)

    if fwd_name:
        cap.forward = _as_array(get(fwd_name))
        if cap.forward is None:
            notes.append(f"[entry] forward_output {fwd_name!r} is not an array at the capture point")
    else:
        fwd_name = _pick(ns, OUTPUT_NAMES + _compared_with_targets(list(stmts), ns), lambda v: v.ndim >= 1)
        if fwd_name:
            cap.forward = _as_array(get(fwd_name))
            notes.append(f"forward output guessed: {fwd_name} (set [entry] forward_output to name it)")
    cap.forward_name = fwd_name if cap.forward is not None else None
    n = cap.forward.shape[0] if cap.forward is not None else None
    # the samples' axis: the output's first, or its last when the script keeps samples as columns
    ends = {cap.forward.shape[0], cap.forward.shape[-1]} if cap.forward is not None else set()
    guessed = []
    if not xn:
        fits_x = lambda v: n is None or v.shape[0] in ends or v.shape[-1] in ends  # noqa: E731
        first = next(iter(getattr(cap, "params", {}) or {}), None)
        xn = _pick(ns, DATA_X_NAMES, fits_x) or _pick(ns, _multiplying(list(stmts), first), fits_x)
        guessed.append(xn)
    if not yn:
        fits = lambda v: n is None or v.size == cap.forward.size or _labels_of(v, cap.forward)  # noqa: E731
        made = computed_from(list(stmts), set(getattr(cap, "params", {}) or {}))
        # targets are data: never a value the script computes from its weights (``y = x.dot(V)``, a hidden layer)
        ys = [k for k in _zip_sibling(list(stmts), xn) + DATA_Y_NAMES + _label_like(ns) if k not in made]
        yn = _pick(ns, ys, fits) or _pick(ns, [k for k in _compared_with(list(stmts), fwd_name) if k not in made], fits)
        if not yn and cap.forward is None:  # ``layer2_error = output_data - layer2``: the targets and the output
            for out_name, y_name in _differences(list(stmts), made):
                out_key = _pick(ns, [out_name], lambda v: v.ndim >= 1)
                size = np.size(ns[out_key]) if out_key else -1
                yn = _pick(ns, [y_name], lambda v, n=size: v.ndim >= 1 and v.size == n)
                if yn:
                    break
        guessed.append(yn)
        if cap.forward is None and yn:  # ``delta_o = o - l``: the output is what the script subtracts its targets from
            made_out = [k for k in _compared_with(list(stmts), yn) if k in made]
            fwd_name = _pick(ns, made_out, lambda v: v.ndim >= 1 and v.size == np.size(get(yn)))
            if fwd_name:
                cap.forward, cap.forward_name = _as_array(get(fwd_name)), fwd_name
                notes.append(f"forward output guessed: {fwd_name} (set [entry] forward_output to name it)")
    cap.X = _as_array(get(xn)) if xn else None
    cap.Y = _as_array(get(yn)) if yn else None
    if cap.forward is None and cap.X is not None:  # no variable holds it: the code's forward, called by name
        params = getattr(cap, "params", {}) or {}
        called = bound_forward(ns, {**refs, **params}, xn, list(params))
        if called is not None:
            cap.forward, cap.forward_name, note = called
            notes.append(note)
    axis = _label_classes(cap.Y, cap.forward) if cap.Y is not None else None
    if axis is not None:  # probs[range(N), y]: one class index per sample
        onehot = np.eye(cap.forward.shape[axis])[cap.Y.astype(int)]
        cap.labels = np.asarray(get(yn))
        cap.Y = onehot if axis == 1 else onehot.T
        notes.append(
            f"{yn} holds integer class labels: given to the grader as one-hot {'rows' if axis == 1 else 'columns'} "
            f"of {onehot.shape[1]} classes"
        )
    cap.data_names = (xn if cap.X is not None else None, yn if cap.Y is not None else None)
    if any(guessed) and cap.X is not None and cap.Y is not None:
        notes.append(f"data guessed: X = {xn}, Y = {yn} (set [entry] data_x and [entry] data_y to name them)")
