"""Sizes a network is built with: read off its weights, taken from the data, or invented.

A gradient check does not depend on the layer sizes, so where the assignment's
sizes are unknown (no data declared, a constructor needing ``hidden_size``) small
consistent ones are invented and said in a note. The invented widths differ from
each other and from the input and output sizes, so that every weight has its own
shape and the layer order can be read off the shapes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from gradcheck.audit.adapters import argparsed, argroles, depth, knobs, layerpairs, namedchoices
from gradcheck.audit.adapters.calling import signature
from gradcheck.audit.adapters.names import PENALTY_NAME, role_of, size_role, snake
from gradcheck.audit.adapters.params import is_bias_tensor
from gradcheck.audit.loader import AuditError

#: Inputs of an invented batch, and the output sizes tried: one output (regression,
#: binary), then three (classes: a softmax needs at least two to have a gradient).
INVENTED_N_IN = 3
INVENTED_N_OUT = (1, 3)
#: Samples in an invented batch (spec [data] n overrides).
INVENTED_N = 16
#: One-letter names that elsewhere mean data (``a`` activations, ``t`` targets, ``m`` samples)
#: but, in a constructor whose body makes arrays of that shape, are sizes (``NN(a, b, c)``).
SHORT_NAMES = {"a", "a0", "t", "m"}
CONSTRUCTOR_KEYS = "[entry] init_args / [entry] init_kwargs"


@dataclass(frozen=True)
class Sizes:
    """Input and output sizes of the batch, and whether they were invented."""

    n_in: int
    n_out: int
    invented: bool = False

    def hidden(self, count: int = 1) -> list[int]:
        """``count`` small hidden widths, distinct from each other and from n_in and n_out."""
        out, w = [], 4
        while len(out) < count:
            if w not in (self.n_in, self.n_out):
                out.append(w)
            w += 1
        return out


def invented_sizes(hints: tuple[int, ...] = ()) -> list[Sizes]:
    """The sizes tried, in order, when neither data nor weights give them.

    ``hints``: output sizes the code itself suggests (``one_hot(Y, n_classes=10)``).
    """
    outs = list(dict.fromkeys([*INVENTED_N_OUT, *hints]))
    return [Sizes(INVENTED_N_IN, n, invented=True) for n in outs]


def output_size_hints(funcs: list[Callable]) -> tuple[int, ...]:
    """Integer defaults of output-size arguments (``n_classes=10``, ``num_labels=3``) in the student's functions."""
    found = []
    for fn in funcs:
        sig = signature(fn)
        for p in sig.parameters.values() if sig else ():
            if size_role(p.name) == "n_out" and isinstance(p.default, int) and 1 < p.default <= 100:
                found.append(p.default)
    return tuple(dict.fromkeys(found))


def make_batch(n_in: int, n_out: int, n: int = INVENTED_N, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The grader's default batch: X standard normal (n, n_in); Y in {0, 1}: one column, or one-hot rows.

    Several outputs get one-hot rows (one class per sample, every class present when
    n allows): right for MSE and BCE alike, and the only targets for which a
    softmax cross-entropy gradient written as ``probs - y`` is right.
    """
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, n_in))
    if n_out == 1:
        return X, (rng.random((n, 1)) > 0.5).astype(float)
    classes = rng.permutation(np.arange(n) % n_out)
    return X, np.eye(n_out)[classes]


def size_candidates(params: list) -> list[tuple[int, int]]:
    """(n_in, n_out) read off the weight matrices, in x out chain first unless out x in fits better."""
    ws = [p.shape for p in params if len(p.shape) == 2 and not is_bias_tensor(p)] or [
        p.shape for p in params if len(p.shape) == 2
    ]
    if not ws:
        return []
    in_out = (ws[0][0], ws[-1][1])
    out_in = (ws[0][1], ws[-1][0])
    io_chain = all(a[1] == b[0] for a, b in zip(ws, ws[1:]))
    oi_chain = all(a[0] == b[1] for a, b in zip(ws, ws[1:]))
    order = [out_in, in_out] if oi_chain and not io_chain else [in_out, out_in]
    # biases folded into the weights (a column of ones prepended): theta1 (n_in + 1, h), theta2 (h + 1, n_out)
    folded = [(ws[0][0] - 1, ws[-1][1]), (ws[0][1] - 1, ws[-1][0])]
    if len(ws) > 1 and all(a[1] + 1 == b[0] for a, b in zip(ws, ws[1:])) and not io_chain:
        order = [folded[0], *order]
    elif len(ws) > 1 and all(a[0] + 1 == b[1] for a, b in zip(ws, ws[1:])) and not oi_chain:
        order = [folded[1], *order]
    return [c for c in dict.fromkeys(_vector_output(params, ws) + order) if min(c) > 0]


def _vector_output(params: list, ws: list[tuple]) -> list[tuple[int, int]]:
    """One output when the last weight is a vector fed by the last matrix (``w2`` of shape (n_hid,))."""
    weights = [p.shape for p in params if not is_bias_tensor(p)]
    if len(weights) < 2 or len(weights[-1]) != 1 or len(weights[-2]) != 2:
        return []
    (n_hid,), (rows, cols) = weights[-1], weights[-2]
    if rows == n_hid:  # out x in: w1 (n_hid, n_in)
        return [(ws[0][1], 1)]
    return [(ws[0][0], 1)] if cols == n_hid else []


#: The note :func:`_invented` writes for a list of hidden widths (``hidden_sizes``), one layer of them: the depth
#: itself is then the audit's choice, and the code's own construction of the class, where there is one, is preferred.
_ONE_HIDDEN_INVENTED = re.compile(r": \w+ = \[\d+\] invented \(")


def depth_invented(notes: list[str]) -> bool:
    """Did the audit choose the network's depth (a list of hidden widths invented at one layer)?"""
    return any(_ONE_HIDDEN_INVENTED.search(n) for n in notes)


def _invented(sizes: Sizes, p, srole: str, label: str, notes: list[str], layers: int | None = None):
    """An invented value for a hidden width, a tuple of hidden widths or a full size list.

    ``layers``: how many layers the student's own code says a full size list describes.
    """
    if srole == "hidden":  # each hidden argument its own width: hidden_size1 = 4, hidden_size2 = 5
        k = sum(n.startswith(f"{label}: ") and "] invented" not in n for n in notes)
        value = sizes.hidden(k + 1)[k]
    elif srole == "hidden_sizes":
        value = sizes.hidden(1)
    else:
        value = [sizes.n_in, *sizes.hidden((layers or 2) - 1), sizes.n_out]
    notes.append(f"{label}: {p.name} = {value} invented (the gradient check does not depend on sizes)")
    return value


def _size_value(p, srole: str, sizes: Sizes, label: str, notes: list[str], layers: int | None = None):
    """The value of a size-like argument, or None to keep its default."""
    if srole == "n_in":
        return sizes.n_in
    if srole == "n_out":
        return sizes.n_out
    if srole == "sizes" and isinstance(p.default, (list, tuple)) and len(p.default) >= 2:
        return [sizes.n_in, *list(p.default)[1:-1], sizes.n_out]
    if not _no_size(p):
        return None
    return _invented(sizes, p, srole, label, notes, layers)


def _no_size(p) -> bool:
    """A size argument with no default, or a default of 0 (``hidden_size=0``), which makes empty weights:
    a placeholder for the caller's size, invented like a missing one."""
    d = p.default
    return d is p.empty or (type(d) is int and d == 0)


def _other_value(p, role: str | None, data: dict, label: str, fn: Callable, notes: list[str]):
    """The value of a non-size argument: the data, the learning rate, 1 epoch, seed 0, a number..."""
    if p.name in ("X", "x"):
        return data["X"]
    if role in ("X", "Y", "lr", "epochs", "seed", "verbose"):
        return data[role]
    if role is None and argroles.used_as_number(fn, p.name):
        value = 0.0 if argroles.ZERO_NAMES.search(p.name) else data["lr"]
        why = (
            "a penalty or probability, kept out of the loss"
            if value == 0.0
            else "a rate: an update is verified linear in it"
        )
        notes.append(f"{label}: {p.name} = {value:g} given ({why})")
        return value
    if HANDED_MODEL.match(p.name):
        raise AuditError(
            f"{label} takes a {p.name!r} built outside it: a model it trains (then {label} is a trainer, not the "
            "model) or the architecture it builds one from (layer sizes or specs the audit cannot make up), and no "
            "model class with a forward and a backward (or a training step of a known name) was found beside it: "
            'for a trainer set [entry] class = "<the model class>" and [entry] backward = "<its step method>" (a '
            "method that computes the gradients, or updates the weights, on one batch); for an architecture set "
            f"{CONSTRUCTOR_KEYS}",
            where=label,
            type_="EntryNotFound",
        )
    raise AuditError(
        f"cannot infer constructor argument {p.name!r} of {label}: set {CONSTRUCTOR_KEYS} (numbers, strings, "
        "lists; a constructor taking objects the caller builds, such as layers, is a network assembled "
        "outside the class, which the audit cannot build)",
        where=label,
        type_="ConstructorArguments",
    )


#: A constructor argument that hands the class a model (``Trainer(model, X, y)``): the class trains it, it is no model.
HANDED_MODEL = re.compile(r"^(model|net|network|nn|mlp|classifier|estimator|the_?model|neural_?net)$", re.I)

#: Penalties and dropout whose default would change the loss: given their neutral value instead.
DROPOUT_DEFAULT = re.compile(
    r"^(dropout|dropout_?rate|dropout_?prob|drop_?rate|drop_?prob|p_?drop|keep_?prob|keep)$", re.I
)


def _neutral_default(p, label: str, notes: list[str]):
    """0 for a penalty (``regularization=0.01``), no dropout for a dropout rate; None keeps any other default."""
    d = p.default
    if not isinstance(d, (int, float)) or isinstance(d, bool) or knobs.kept():
        return None
    if PENALTY_NAME.match(p.name) and d != 0:
        value, why = 0.0, "a penalty: the data loss's gradient is checked first, then the penalty's with it on"
    elif DROPOUT_DEFAULT.match(p.name) and d not in (0, 1):
        value, why = (1.0 if "keep" in p.name.lower() else 0.0), "dropout off first, then checked with it on"
    else:
        return None
    notes.append(f"{label}: {p.name} = {value:g} given instead of its default {d:g} ({why})")
    knobs.turned_off(p.name, float(d))
    return value


def _size_roles(fn: Callable, plist: list) -> dict[str, str | None]:
    """The size role of every argument: from its name, else (no default) from the body using it as a shape."""
    known: dict[str, str | None] = {}
    for p in plist:
        role = role_of(p.name)
        given_words = isinstance(p.default, str)  # ``output_activation='softmax'``: a choice, never a size
        known[p.name] = None if role in ("X", "Y", "lr") or p.name in ("X", "x") or given_words else size_role(p.name)
    unknown = [
        p.name
        for p in plist
        if known[p.name] is None
        and p.default is p.empty
        and (
            ((role_of(p.name) is None or p.name.lower() in SHORT_NAMES) and argroles.used_as_size(fn, p.name))
            # initialize_weights(input, hidden, output): named like data, used only as counts
            or (role_of(p.name) in ("X", "Y", "out") and argroles.a_count(fn, p.name))
        )
    ]
    known.update(argroles.order_sizes(known, unknown, [p.name for p in plist]))
    for p in plist:
        # a name that reads as one width (number_of_neurons_by_layer) but is taken apart as a list: every size, or
        # the hidden widths alone where other arguments give the inputs and outputs (MLP(n_inputs, n_hidden, n_classes))
        if known.get(p.name) in ("hidden", "n_in", "n_out") and argroles.used_as_list(fn, p.name):
            others = {known.get(q.name) for q in plist if q is not p}
            # (a list named hidden beside the outputs' count, NN(hidden_dims=(512, 256), n_classes=10): the hidden
            # widths alone, the inputs being the data's, read where the weights are made)
            ends = {"n_in", "n_out"} <= others or ("n_out" in others and _HIDDEN_WORD.search(snake(p.name)) is not None)
            known[p.name] = "hidden_sizes" if ends and known[p.name] == "hidden" else "sizes"
    return known


#: A name saying "hidden" outright (``hidden_dims``, ``n_hidden``), not merely ``neurons``/``units``.
_HIDDEN_WORD = re.compile(r"(^|_)(hidden|hid|hiddens)(_|$|\d)", re.I)


def infer_call_sizes(
    fn: Callable,
    label: str,
    sizes: Sizes | None,
    X: np.ndarray | None,
    Y: np.ndarray | None,
    lr: float,
) -> tuple[list, dict, list[str]]:
    """Arguments for a constructor/initializer from sizes, defaults and common names.

    ``sizes`` None (no data yet): the constructor keeps its own default sizes, and an
    argument without a default that needs sizes or data raises ``ConstructorArguments``
    (the caller then invents sizes and calls again). Hidden widths without a default
    are invented, with a note.
    """
    sig = signature(fn)
    if sig is None:
        return [], {}, []
    args, kwargs, notes = [], {}, []
    data = {"X": X, "Y": Y, "lr": lr, "epochs": 1, "seed": 0, "verbose": False}
    keyword = False
    plist = [p for p in sig.parameters.values() if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    sroles = _size_roles(fn, plist)
    for p in plist:
        srole = sroles[p.name]
        role = None if srole and p.name.lower() in SHORT_NAMES else role_of(p.name)
        if sizes is None and (srole in ("n_in", "n_out", "sizes") or role in ("X", "Y")):
            if p.default is p.empty or (srole is not None and _no_size(p)):
                raise AuditError(f"{label} needs {p.name!r} but no data was given", where=label, type_="NeedsSizes")
            keyword = True
            continue
        options = argparsed.namespace(fn, p.name, label, notes) if p.default is p.empty else None
        if options is not None:  # (read only by attribute, and the module's parser declares each: no size, no data)
            value = options
        elif srole is not None and sizes is not None:
            layers = depth.layer_count(fn, plist.index(p), p.name) if srole == "sizes" else None
            value = _size_value(p, srole, sizes, label, notes, layers)
            if srole == "sizes" and isinstance(value, list) and layerpairs.is_pairs_annotation(p.annotation):
                value = layerpairs.pairs(value, fn, p.name, label, notes) or value
        elif srole in ("hidden", "hidden_sizes") and _no_size(p):
            value = _invented(Sizes(INVENTED_N_IN, INVENTED_N_OUT[0], True), p, srole, label, notes)
        elif p.default is not p.empty:
            value = _neutral_default(p, label, notes)
        else:  # a list of names (activations) the code compares with string literals, else a number or data
            named = namedchoices.argument(fn, p.name, args, label, notes) if role is None else None
            value = named if named is not None else _other_value(p, role, data, label, fn, notes)
        if value is None:
            keyword = True
            continue
        if keyword or p.kind == p.KEYWORD_ONLY:
            kwargs[p.name] = value
        else:
            args.append(value)
    shown = [a if not isinstance(a, np.ndarray) else "X" if a is X else "Y" for a in args]
    notes.append(f"{label} called with inferred arguments {shown}" + (f" {kwargs}" if kwargs else ""))
    return args, kwargs, notes
