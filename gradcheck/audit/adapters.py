"""Find a student network's parameters, run its forward and backward, extract the claimed gradient.

Runs inside the sandboxed audit worker on an already loaded submission (see
:mod:`gradcheck.audit.loader`). It does not judge anything: it reports the
student's parameters, the gradient the student's code claims (returned, stored,
or implied by an in-place update) and the forward output, and says which rule
matched. Shapes handled, tried in this order:

1. ``spec`` keys (entry, forward, backward, params, grads, lr_arg, ...).
2. A class with a forward-ish and a backward-ish method (or a CS231n ``loss``
   method): gradients returned (dict / tuple / list / ``(loss, grads)``), stored
   on the object (``self.dW1``, ``self.grads[...]``, ``Parameter.grad``), or
   implied by an in-place update ``(before - after) / lr``.
3. Module functions ``forward(X, params)`` / ``backward(...)`` /
   ``compute_gradients(params, X, Y)`` with parameters from an initializer, a
   global dict or global arrays.

Layer stacks whose ``backward(dout)`` needs the loss gradient get it from the
student's own loss class/derivative function (or ``spec.loss``).
"""

from __future__ import annotations

import ast
import copy
import dataclasses
import inspect
import re
import traceback
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gradcheck.audit.loader import AuditError, LoadedSubmission, StudentCodeError

__all__ = ["audit", "Tensor", "parse_path", "resolve", "canon", "strip_grad"]

#: Relative agreement of the gradients inferred with the two learning rates (and of
#: a second step with a state-free first step) below which an update is "linear".
LINEAR_RTOL = 1e-6
EPS = np.finfo(np.float64).eps

FORWARD_NAMES = [
    "forward",
    "feedforward",
    "feed_forward",
    "forward_propagation",
    "forward_pass",
    "forward_prop",
    "predict",
    "__call__",
]
GRAD_METHODS = [
    "backward",
    "backprop",
    "backpropagation",
    "backward_propagation",
    "backward_pass",
    "back_propagation",
    "backpropagate",
    "compute_gradients",
    "compute_grads",
    "gradients",
    "get_gradients",
    "gradient",
    "loss_and_grad",
    "loss_and_gradients",
]
#: Methods that (usually) also update the weights; tried after the gradient ones and CS231n ``loss``.
TRAIN_METHODS = ["train_step", "fit_step", "step", "update", "train"]
BACKWARD_NAMES = GRAD_METHODS + TRAIN_METHODS
INIT_FUNC_NAMES = [
    "initialize_parameters",
    "init_params",
    "initialize_params",
    "init_parameters",
    "initialize_weights",
    "init_weights",
    "init_network",
    "initialize_network",
    "initialise_parameters",
    "initialise_weights",
    "create_params",
    "make_params",
    "init_model",
    "initialize",
    "init",
]
MODEL_HINT = re.compile(r"(net|network|model|mlp|nn|perceptron|classifier|regressor)", re.I)
LOSS_CLASS = re.compile(r"(loss|mse|bce|crossentropy|cross_entropy|cost)", re.I)
OPTIM_CLASS = re.compile(r"^(sgd|adam|rmsprop|momentum|optimi[sz]er|adagrad)", re.I)
LOSS_DERIV_FUNC = re.compile(
    r"((mse|bce|loss|cost|cross_?entropy|error).*(deriv|prime|grad|backward|diff))"
    r"|(^d_?(mse|loss|bce|cost|cross_?entropy)$)",
    re.I,
)

ROLES: dict[str, set[str]] = {
    "X": {
        "x",
        "inputs",
        "input",
        "input_data",
        "data",
        "features",
        "x_batch",
        "xb",
        "x_train",
        "a",
        "a0",
        "samples",
        "x_in",
        "inp",
        "input_x",
        "xs",
        "batch_x",
        "in_data",
    },
    "Y": {
        "y",
        "targets",
        "target",
        "labels",
        "label",
        "y_true",
        "ytrue",
        "t",
        "y_train",
        "yb",
        "y_batch",
        "expected",
        "desired",
        "actual",
        "ground_truth",
        "y_target",
        "ys",
        "batch_y",
        "true",
        "y_actual",
        "truth",
        "gt",
        "y_real",
    },
    "out": {
        "output",
        "out",
        "o",
        "y_hat",
        "yhat",
        "y_pred",
        "ypred",
        "pred",
        "preds",
        "prediction",
        "predictions",
        "predicted",
        "al",
        "outputs",
        "y_predicted",
        "a_out",
        "final_output",
        "output_data",
        "logits",
        "scores",
        "probs",
    },
    "lr": {
        "lr",
        "learning_rate",
        "eta",
        "alpha",
        "step_size",
        "learningrate",
        "lrate",
        "rate",
        "l_rate",
        "learn_rate",
        "stepsize",
    },
    "params": {"params", "parameters", "theta", "param", "network", "net", "model", "weights_dict"},
    "cache": {"cache", "caches", "forward_cache", "store", "memory", "cached", "intermediates"},
    "dout": {
        "grad",
        "dout",
        "dy",
        "grad_output",
        "grad_out",
        "delta",
        "dl_dy",
        "d_out",
        "upstream",
        "upstream_grad",
        "da",
        "dl",
        "dloss",
        "loss_grad",
        "output_gradient",
        "output_grad",
        "gradient",
        "grad_y",
        "dvalues",
        "dz",
        "d_output",
        "dldy",
        "grad_in",
        "error_grad",
    },
    "epochs": {
        "epochs",
        "epoch",
        "n_epochs",
        "num_epochs",
        "iterations",
        "iters",
        "n_iter",
        "num_iter",
        "num_iterations",
        "n_iterations",
        "max_iter",
        "n_steps",
        "num_steps",
        "num_iters",
        "n_iters",
        "max_iters",
        "n_epoch",
        "nepochs",
    },
    "batch_size": {"batch_size", "batchsize", "mini_batch_size"},
    "verbose": {"verbose", "print_cost", "print_loss", "plot", "show", "log", "debug"},
    "seed": {"seed", "random_state", "rng_seed"},
}
ROLE_OF = {name: role for role, names in ROLES.items() for name in names}
LR_NAMES = sorted(ROLES["lr"])


# =========================================================================== paths
Step = tuple  # ("attr", name) | ("item", key) | ("call", name)


def resolve(root: Any, steps: tuple) -> Any:
    """Follow ``steps`` from ``root`` (attribute, item or zero-argument call)."""
    obj = root
    for kind, key in steps:
        if kind == "attr":
            obj = getattr(obj, key)
        elif kind == "item":
            obj = obj[key]
        else:
            obj = getattr(obj, key)()
    return obj


def assign(root: Any, steps: tuple, value: np.ndarray) -> None:
    """Set the array at ``steps`` to ``value`` (in place when possible, keeping aliases)."""
    try:
        current = resolve(root, steps)
        if isinstance(current, np.ndarray) and current.shape == value.shape and current.flags.writeable:
            np.copyto(current, value, casting="unsafe")
            return
    except Exception:  # noqa: BLE001
        pass
    parent = resolve(root, steps[:-1])
    kind, key = steps[-1]
    if kind == "attr":
        setattr(parent, key, np.array(value, copy=True))
    else:
        parent[key] = np.array(value, copy=True)


def fmt_path(root_name: str, steps: tuple) -> str:
    """``("attr","W1")`` under ``self`` -> ``self.W1``; items as ``[0]`` / ``['W1']``."""
    out = root_name
    for kind, key in steps:
        if kind == "attr":
            out += ("." if out else "") + key
        elif kind == "item":
            if not out:  # a module global
                out = key if isinstance(key, str) else f"[{key!r}]"
            else:
                out += f"[{key!r}]"
        else:
            out += ("." if out else "") + f"{key}()"
    return out


def parse_path(text: str) -> tuple[str | None, tuple]:
    """Parse ``"self.layers[0].weight.data"`` -> (head, steps).

    ``head`` is ``"self"`` for a leading ``self.``, ``"ret"``/``"returned"``/``"result"``
    for paths into the backward's return value (``return[...]`` is accepted too), and
    None otherwise, in which case the leading name is the first step, as
    ``("name", x)`` (attribute of an object root or key of a dict root).
    """
    text = text.strip().replace("return[", "ret[").replace("return.", "ret.")
    try:
        node = ast.parse(text, mode="eval").body
    except SyntaxError:
        raise AuditError(
            f"spec path {text!r} is not a valid attribute/index expression", where="spec", type_="SpecError"
        ) from None
    steps: list[Step] = []
    while True:
        if isinstance(node, ast.Attribute):
            steps.append(("attr", node.attr))
            node = node.value
        elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            steps.append(("item", node.slice.value))
            node = node.value
        elif (
            isinstance(node, ast.Subscript)
            and isinstance(node.slice, ast.UnaryOp)
            and isinstance(node.slice.operand, ast.Constant)
        ):
            steps.append(("item", -node.slice.operand.value))
            node = node.value
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and not node.args:
            steps.append(("call", node.func.attr))
            node = node.func.value
        elif isinstance(node, ast.Name):
            steps.append(("name", node.id))
            break
        else:
            raise AuditError(
                f"spec path {text!r}: only names, .attributes, [constant] indexes and ()-calls are supported",
                where="spec",
                type_="SpecError",
            )
    steps.reverse()
    head = steps[0][1]
    if head in ("ret", "returned", "result", "self"):
        return head if head != "self" else "self", tuple(steps[1:])
    return None, (("name", head),) + tuple(steps[1:])


# =========================================================================== names
def _snake(name: str) -> str:
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()


def canon(name: str) -> str:
    """Canonical parameter name: ``weights_ih`` -> ``wih``, ``W1`` -> ``w1``, ``bias2`` -> ``b2``."""
    name = name.lstrip("_").lower()
    tokens = [t for t in re.split(r"[_\W]+", name) if t]
    out = []
    for t in tokens:
        m = re.match(r"^(weights?|bias(?:es)?|w|b)(\d*)$", t)
        if m:
            out.append(("w" if m.group(1).startswith("w") else "b") + m.group(2))
        else:
            out.append(t)
    return "".join(out)


_GRAD_PREFIX = re.compile(r"^(dl_?d_?|dloss_?d_?|grads?_?|gradients?_?|nablas?_?|d_?|g_)(?=[a-z])")
_GRAD_SUFFIX = re.compile(r"(_?grads?|_?gradients?|_?deriv(ative)?s?)$")


def strip_grad(name: str) -> str | None:
    """``dW1``/``grad_W1``/``W1_grad``/``nabla_w`` -> canonical param name; None if not grad-like."""
    low = name.lstrip("_").lower()
    for pat in (_GRAD_SUFFIX, _GRAD_PREFIX):
        stripped = pat.sub("", low, count=1)
        if stripped != low and stripped:
            return canon(stripped)
    return None


_PARAM_NAME = re.compile(
    r"^(w|b|weights?|bias(es)?|theta|syn|kernel|wih|who|whh|bih|bhh|bho|u|v)"
    r"($|[_\d]|[a-z]{1,3}$)"
)
_NOT_PARAM = re.compile(
    r"^(v|m|s|r|vel|velocity|velocities|mom|momentum|cache|prev|old|best|init|"
    r"initial|opt|adam|first|second|moment|sq|mean|var|running)(_|$|[A-Z0-9])"
)
_SKIP_CONTAINER = re.compile(
    r"^_*(d|grads?|gradients?|derivatives?|nablas?\w*|deltas?|cache|caches|activations?|"
    r"outputs?|inputs?|velocit(y|ies)|v|m|s|r|moments?|momentum|adam|history|hist|losses|"
    r"loss|errors?|prev\w*|old\w*|best\w*|init\w*|x|y|z|a|h|zs|as|optimi[sz]er|opt|"
    r"m_\w+|v_\w+|s_\w+|config|memory|store|data_?\w*|train\w*|test\w*|val\w*)$",
    re.I,
)


#: Sub-objects not searched for parameters (optimizers hold the same arrays plus state).
_SKIP_OBJECT = re.compile(
    r"^_*(optimi[sz]er|opt|adam|sgd|momentum|scheduler|history|loss\w*|"
    r"criterion|best\w*|prev\w*|old\w*|init\w*|grads?|gradients?)$",
    re.I,
)


def is_grad_name(name: str) -> bool:
    """``dW1``, ``grad_w``, ``W1_grad``, ``nabla_b``: a gradient, not a parameter."""
    low = name.lstrip("_").lower()
    if _GRAD_SUFFIX.search(low) and _GRAD_SUFFIX.sub("", low):
        return True
    stripped = _GRAD_PREFIX.sub("", low, count=1)
    return stripped != low and bool(_PARAM_NAME.match(stripped))


def is_param_name(name: str) -> bool:
    """Whether an array named ``name`` looks like a weight/bias (not a grad, cache or velocity)."""
    bare = name.lstrip("_")
    if is_grad_name(bare):
        return False
    if _NOT_PARAM.match(bare) and not re.match(r"^(syn|u|v)\d*$", bare.lower()):
        return False
    return bool(_PARAM_NAME.match(bare.lower()))


def layer_key(name: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", name))


def is_bias(name: str) -> bool:
    """Whether a parameter's display name (``b1``, ``layers[0].bias``) names a bias."""
    leaf = [p for p in re.split(r"[.\[\]'\"]+", name) if p and not p.isdigit()]
    last = leaf[-1] if leaf else name
    if last in ("data",) and len(leaf) > 1:
        last = leaf[-2]
    return canon(last).startswith("b")


def _is_float_array(v: Any) -> bool:
    return isinstance(v, np.ndarray) and v.dtype.kind == "f" and 1 <= v.ndim <= 2 and v.size > 0


def _is_param_object(v: Any) -> bool:
    return (
        not isinstance(v, np.ndarray)
        and hasattr(type(v), "__dict__")
        and _is_float_array(getattr(v, "data", None))
        and hasattr(v, "grad")
    )


def _is_user_object(v: Any) -> bool:
    if isinstance(
        v,
        (
            types.ModuleType,
            type,
            types.FunctionType,
            types.MethodType,
            types.BuiltinFunctionType,
            np.ndarray,
            np.generic,
            str,
            bytes,
        ),
    ):
        return False
    mod = getattr(type(v), "__module__", "") or ""
    return hasattr(v, "__dict__") and not mod.startswith(("numpy", "builtins", "scipy", "matplotlib"))


# =========================================================================== tensors
@dataclass
class Tensor:
    """A found parameter: display name, access steps from the root, shape and grad steps."""

    name: str
    steps: tuple
    shape: tuple
    param_obj: tuple | None = None  # steps of the Parameter-like object (grad at .grad)
    order: int = 0


def discover_params(root: Any, root_is_namespace: bool = False) -> list[Tensor]:
    """Find weight/bias arrays under ``root`` (object, dict, list or module namespace)."""
    found: list[Tensor] = []
    seen: set[int] = set()

    def add(name: str, steps: tuple, arr: np.ndarray, pobj: tuple | None = None) -> None:
        key = id(arr) if pobj is None else id(resolve(root, pobj))
        if key in seen:
            return
        seen.add(key)
        found.append(Tensor(name, steps, tuple(arr.shape), pobj, len(found)))

    def walk(obj: Any, steps: tuple, prefix: str, depth: int, container_is_params: bool) -> None:
        if depth > 4:
            return
        if isinstance(obj, dict):
            items = [(k, v) for k, v in obj.items() if isinstance(k, (str, int))]
        elif isinstance(obj, (list, tuple)):
            items = list(enumerate(obj))
        elif _is_user_object(obj):
            items = [(k, v) for k, v in vars(obj).items()]
        else:
            return
        for key, val in items:
            is_attr = not isinstance(obj, (dict, list, tuple))
            step = ("attr", key) if is_attr else ("item", key)
            if root_is_namespace and depth == 0:
                step = ("item", key)
            here = steps + (step,)
            if isinstance(key, int):
                name = f"{prefix}[{key}]"
                leaf = prefix.rsplit(".", 1)[-1].split("[")[0] or "w"
            else:
                name = f"{prefix}.{key}" if prefix and is_attr else (f"{prefix}[{key!r}]" if prefix else key)
                leaf = key
            if isinstance(key, str) and key.startswith("__"):
                continue
            if _is_float_array(val):
                if container_is_params or is_param_name(leaf):
                    add(name, here, val)
            elif _is_param_object(val):
                if not (isinstance(key, str) and _SKIP_OBJECT.match(key)):
                    add(name, here + (("attr", "data"),), val.data, here)
            elif isinstance(val, (dict, list, tuple)):
                if isinstance(key, str) and _SKIP_CONTAINER.match(key):
                    continue
                is_params = isinstance(key, str) and key.lower() in (
                    "params",
                    "parameters",
                    "param",
                    "model_params",
                    "weights_dict",
                )
                walk(val, here, name, depth + 1, is_params or (isinstance(key, int) and container_is_params))
            elif _is_user_object(val) and not (isinstance(key, str) and _SKIP_OBJECT.match(key)):
                if root_is_namespace:
                    continue  # module-level objects are not the network's parameters
                walk(val, here, name, depth + 1, False)

    walk(root, (), "", 0, False)
    return order_params(found)


def order_params(found: list[Tensor]) -> list[Tensor]:
    """Layer order: by the numbers in the names when every name has one, else as found."""
    if found and all(layer_key(t.name) for t in found):
        return sorted(found, key=lambda t: (layer_key(t.name), is_bias(t.name), t.order))
    return found


# =========================================================================== calling
def role_of(pname: str) -> str | None:
    low = pname.lower()
    if low in ROLE_OF:
        return ROLE_OF[low]
    snake = _snake(pname)
    return ROLE_OF.get(snake)


def _signature(fn: Callable) -> inspect.Signature | None:
    try:
        return inspect.signature(fn)
    except (TypeError, ValueError):
        return None


def accepts_role(fn: Callable, role: str, lr_arg: str | None = None) -> str | None:
    """Name of ``fn``'s parameter that plays ``role`` (``spec.lr_arg`` names the lr one)."""
    sig = _signature(fn)
    if sig is None:
        return None
    for p in sig.parameters.values():
        if role == "lr" and lr_arg:
            if p.name == lr_arg:
                return p.name
        elif role_of(p.name) == role:
            return p.name
    return None


def call_student(where: str, fn: Callable, *args: Any, **kwargs: Any) -> Any:
    """Call student code; any exception (SystemExit included) becomes StudentCodeError."""
    try:
        return fn(*args, **kwargs)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001 - student code
        frames = exc.__traceback__.tb_next if exc.__traceback__ is not None else None  # drop ours
        tb = "".join(traceback.format_exception(type(exc), exc, frames))
        raise StudentCodeError(where, exc, tb) from None


def bind_args(
    fn: Callable,
    ctx: dict[str, Callable[[], Any]],
    fallback: list[str],
    where: str,
    lr_arg: str | None = None,
    spec_hint: str = "spec.backward",
) -> tuple[list, dict, list]:
    """Bind ``fn``'s parameters to roles by name; unknown required ones positionally to ``fallback``.

    Parameters with a default and no known role keep their default. Returns
    (args, kwargs, roles used).
    """
    sig = _signature(fn)
    if sig is None:
        return [ctx[r]() for r in fallback if r in ctx], {}, list(fallback)
    plist = [p for p in sig.parameters.values() if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    roles = {p.name: ("lr" if lr_arg and p.name == lr_arg else role_of(p.name)) for p in plist}
    named = {r for r in roles.values() if r in ctx}
    spare = [r for r in fallback if r not in named]
    args: list = []
    kwargs: dict = {}
    used: list[str] = []
    keyword_mode = False
    for p in plist:
        role = roles[p.name]
        if role not in ctx:
            if p.default is not p.empty:
                keyword_mode = True
                continue
            if not spare or spare[0] not in ctx:
                raise AuditError(
                    f"cannot tell what to pass as argument {p.name!r} of {where}{sig}: set {spec_hint}",
                    where=where,
                    type_="BindingError",
                )
            role = spare.pop(0)
        used.append(role)
        value = ctx[role]()
        if keyword_mode or p.kind == p.KEYWORD_ONLY:
            kwargs[p.name] = value
        else:
            args.append(value)
    return args, kwargs, used


def backward_fallback(fn: Callable, ctx: dict) -> list[str]:
    """Positional guess for unrecognized backward arguments: ``(X, Y)``, or ``dout`` alone."""
    sig = _signature(fn)
    if sig is None or "dout" not in ctx:
        return ["X", "Y"]
    plist = [p for p in sig.parameters.values() if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    unknown = [p for p in plist if role_of(p.name) is None and p.default is p.empty]
    has_xy = any(role_of(p.name) in ("X", "Y") for p in plist)
    return ["dout"] if len(unknown) == 1 and not has_xy else ["X", "Y"]


# =========================================================================== targets
@dataclass
class Target:
    """What is called: how to get a fresh root, and its forward/backward callables."""

    label: str
    root_name: str  # "self" | "params" | "" (module globals)
    fresh: Callable[[], Any]
    forward_name: str | None
    backward_name: str
    get_forward: Callable[[Any], Callable | None]
    get_backward: Callable[[Any], Callable]
    namespace: dict
    lookup: Callable[[Any, str], Callable] | None = None  # root, name -> callable
    alternatives: list[str] = field(default_factory=list)  # other backward-ish names, in order
    root_is_namespace: bool = False
    forward_drops_y: bool = False  # CS231n loss(X) as forward
    params_root: Callable[[Any], Any] | None = None  # for function style with a params dict

    def entry(self) -> str:
        return f"{self.label}.{self.backward_name}" if self.root_name == "self" else self.backward_name

    def forward_path(self) -> str | None:
        if self.forward_name is None:
            return None
        return f"{self.label}.{self.forward_name}" if self.root_name == "self" else self.forward_name


def _methods(cls: type) -> set[str]:
    names: set[str] = set()
    for klass in cls.__mro__:
        if klass is object:
            continue
        names.update(k for k, v in vars(klass).items() if callable(v) or isinstance(v, (staticmethod, classmethod)))
    return names


def _student_classes(ns: dict, loaded: LoadedSubmission) -> list[type]:
    root = str(loaded.path.parent)
    out = []
    for name, val in list(ns.items()):
        if not isinstance(val, type) or name.startswith("__"):
            continue
        try:
            src = inspect.getsourcefile(val) or ""
        except (TypeError, OSError):
            src = ""
        if val.__module__ in ("__student__", "__main__") or (src and src.startswith(root)):
            out.append(val)
    return out


def _class_refs(cls: type, loaded: LoadedSubmission) -> set[str]:
    node = loaded.class_nodes.get(cls.__name__)
    if node is None:
        try:
            node = ast.parse(inspect.getsource(cls).lstrip())
        except (OSError, TypeError, SyntaxError):
            return set()
    names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    names |= {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)}
    return names - {cls.__name__}


def pick_class(classes: list[type], loaded: LoadedSubmission, spec: dict) -> tuple[type, str | None, str] | None:
    """The model class and its forward/backward method names, or None if no class fits."""
    fname, bname = spec.get("forward"), spec.get("backward")

    def methods_of(cls):
        ms = _methods(cls)
        f = fname if fname in ms else next((n for n in FORWARD_NAMES if n in ms), None)
        order = (
            ([bname] if bname in ms else [])
            + [n for n in GRAD_METHODS if n in ms]
            + (["loss"] if "loss" in ms else [])
            + [n for n in TRAIN_METHODS if n in ms]
        )
        b = order[0] if order else None
        if b is not None:
            alternatives[cls] = list(dict.fromkeys(order[1:]))
        return f, b

    alternatives: dict[type, list[str]] = {}

    cands = []
    for cls in classes:
        if LOSS_CLASS.search(cls.__name__) or OPTIM_CLASS.match(cls.__name__):
            continue
        f, b = methods_of(cls)
        if b is None or inspect.isabstract(cls):
            continue
        cands.append((cls, f, b))
    if not cands:
        return None
    pick_class.alternatives = []  # type: ignore[attr-defined]
    if len(cands) > 1:
        names = {c[0].__name__ for c in cands}
        refs = {c[0].__name__: _class_refs(c[0], loaded) for c in cands}
        referenced = {n for c in cands for n in refs[c[0].__name__] & names}
        bases = {b.__name__ for c in cands for b in c[0].__mro__[1:]}
        top = [c for c in cands if c[0].__name__ not in referenced and c[0].__name__ not in bases]
        if len(top) > 1:
            hinted = [c for c in top if MODEL_HINT.search(c[0].__name__)]
            top = hinted or top
        if len(top) != 1:
            listed = " and ".join(sorted(c[0].__name__ for c in (top or cands)))
            raise AuditError(
                f"found several candidate classes {listed}: set spec.entry",
                where="finding the model",
                type_="AmbiguousEntry",
            )
        cands = top
    cls, f, b = cands[0]
    pick_class.alternatives = alternatives.get(cls, [])  # type: ignore[attr-defined]
    return cls, f, b


SIZE_LIST_NAMES = {
    "layers",
    "sizes",
    "layer_sizes",
    "layer_dims",
    "layers_dims",
    "layer_dimensions",
    "architecture",
    "arch",
    "dims",
    "shape",
    "topology",
    "structure",
    "nodes",
    "neurons",
    "units",
    "layer_size",
    "layer_sizes_list",
    "layer_units",
    "net_size",
}


def _size_role(pname: str) -> str | None:
    low = _snake(pname)
    if low in SIZE_LIST_NAMES:
        return "sizes"
    toks = set(t for t in re.split(r"[_\d]+", low) if t)
    if toks & {"hidden", "hid", "h", "nh", "hiddens"} or low in ("n_h", "nh"):
        return "hidden"
    if toks & {
        "output",
        "outputs",
        "out",
        "y",
        "ny",
        "classes",
        "nclasses",
        "noutput",
        "noutputs",
        "outdim",
        "targets",
    }:
        return "n_out"
    if toks & {"input", "inputs", "in", "x", "nx", "inp", "ninput", "ninputs", "indim", "features", "feature", "din"}:
        return "n_in"
    return None


def infer_call_sizes(
    fn: Callable,
    label: str,
    n_in: int,
    n_out: int,
    X: np.ndarray,
    Y: np.ndarray,
    lr: float,
    spec_keys: str = "spec.init_args / spec.init_kwargs",
) -> tuple[list, dict, list[str]]:
    """Arguments for a constructor/initializer from sizes, defaults and common names."""
    sig = _signature(fn)
    if sig is None:
        return [], {}, []
    args, kwargs, notes = [], {}, []
    keyword = False
    for p in sig.parameters.values():
        if p.name == "self" or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        srole, role = _size_role(p.name), role_of(p.name)
        if n_in is None and (srole in ("n_in", "n_out", "sizes") or role in ("X", "Y")) and p.default is p.empty:
            raise AuditError(
                f"{label} needs {p.name!r} but no data was given: set the data sizes "
                f"(spec [data] n_in and n_out) or {spec_keys}",
                where=label,
                type_="ConstructorArguments",
            )
        if n_in is None and (srole in ("n_in", "n_out", "sizes") or role in ("X", "Y")):
            keyword = True  # no data: the constructor's own default sizes
            continue
        if role == "X" or p.name in ("X", "x"):
            value = X
        elif role == "Y":
            value = Y
        elif srole == "n_in":
            value = n_in
        elif srole == "n_out":
            value = n_out
        elif srole == "sizes":
            d = p.default
            if isinstance(d, (list, tuple)) and len(d) >= 2:
                value = [n_in, *list(d)[1:-1], n_out]
            else:
                raise AuditError(
                    f"cannot infer the layer sizes {p.name!r} of {label}: set "
                    f"{spec_keys} (e.g. [[{n_in}, 4, {n_out}]])",
                    where=f"{label}",
                    type_="ConstructorArguments",
                )
        elif p.default is not p.empty:
            keyword = True
            continue
        elif srole == "hidden":
            raise AuditError(
                f"cannot infer the hidden layer size {p.name!r} of {label}: set {spec_keys}",
                where=f"{label}",
                type_="ConstructorArguments",
            )
        elif role == "lr":
            value = lr
        elif role == "epochs":
            value = 1
        elif role == "seed":
            value = 0
        elif role == "verbose":
            value = False
        else:
            raise AuditError(
                f"cannot infer constructor argument {p.name!r} of {label}: set {spec_keys}",
                where=f"{label}",
                type_="ConstructorArguments",
            )
        if keyword or p.kind == p.KEYWORD_ONLY:
            kwargs[p.name] = value
        else:
            args.append(value)
    shown = [a if not isinstance(a, np.ndarray) else "X" if a is X else "Y" for a in args]
    notes.append(f"{label} called with inferred arguments {shown}" + (f" {kwargs}" if kwargs else ""))
    return args, kwargs, notes


def _deepcopy_or(base: Any, remake: Callable[[], Any], notes: list[str]) -> Callable[[], Any]:
    state = {"warned": False}

    def fresh():
        try:
            return copy.deepcopy(base)
        except Exception as exc:  # noqa: BLE001
            if not state["warned"]:
                notes.append(
                    f"the object cannot be deep-copied ({type(exc).__name__}); a new one is built (seed 0) for each run"
                )
                state["warned"] = True
            return remake()

    return fresh


def class_target(
    cls: type, fname: str | None, bname: str, ns: dict, spec: dict, X, Y, lr, notes: list[str], instance: Any = None
) -> Target:
    n_in, n_out = (None, None) if X is None else (X.shape[1], Y.shape[1])
    if instance is None:
        if "init_args" in spec or "init_kwargs" in spec:
            args, kwargs = list(spec.get("init_args") or []), dict(spec.get("init_kwargs") or {})
        else:
            args, kwargs, extra = infer_call_sizes(
                cls.__init__ if "__init__" in _methods(cls) else cls, cls.__name__, n_in, n_out, X, Y, lr
            )
            notes.extend(extra)

        def make():
            np.random.seed(0)
            return call_student(f"{cls.__name__}.__init__", cls, *args, **kwargs)

        base = make()
    else:
        base = instance

        def make():
            return copy.deepcopy(instance)

    fresh = _deepcopy_or(base, make, notes)
    drops_y = False
    if fname is None and bname == "loss":
        fname, drops_y = "loss", True
    return Target(
        label=cls.__name__,
        root_name="self",
        fresh=fresh,
        forward_name=fname,
        backward_name=bname,
        namespace=ns,
        get_forward=(lambda r: getattr(r, fname)) if fname else (lambda r: None),
        get_backward=lambda r: getattr(r, bname),
        forward_drops_y=drops_y,
        lookup=getattr,
        alternatives=[] if spec.get("backward") else list(getattr(pick_class, "alternatives", [])),
    )


def _student_functions(ns: dict, loaded: LoadedSubmission) -> dict[str, Callable]:
    root = str(loaded.path.parent)
    out = {}
    for name, val in ns.items():
        if isinstance(val, types.FunctionType):
            fn_file = val.__code__.co_filename
            if val.__module__ in ("__student__", "__main__") or fn_file.startswith(root):
                out[name] = val
    return out


def function_target(
    ns: dict, funcs: dict[str, Callable], loaded, spec: dict, X, Y, lr, notes: list[str], bname: str | None = None
) -> Target | None:
    if bname is None:
        bname = (
            spec.get("backward")
            if spec.get("backward") in funcs
            else next((n for n in BACKWARD_NAMES if n in funcs), None)
        )
    if bname is None:
        return None
    fname = (
        spec.get("forward") if spec.get("forward") in funcs else next((n for n in FORWARD_NAMES if n in funcs), None)
    )
    bfn = funcs[bname]
    wants_params = any(accepts_role(f, "params") for f in [bfn] + ([funcs[fname]] if fname else []))
    n_in, n_out = (None, None) if X is None else (X.shape[1], Y.shape[1])
    init = next((funcs[n] for n in INIT_FUNC_NAMES if n in funcs), None)
    if wants_params:
        if init is not None:
            if "init_args" in spec or "init_kwargs" in spec:
                args, kwargs = list(spec.get("init_args") or []), dict(spec.get("init_kwargs") or {})
            else:
                args, kwargs, extra = infer_call_sizes(init, init.__name__, n_in, n_out, X, Y, lr)
                notes.extend(extra)
            np.random.seed(0)
            base = call_student(init.__name__, init, *args, **kwargs)
            source = f"parameters from {init.__name__}()"
        else:
            gname = next(
                (
                    n
                    for n in ("params", "parameters", "weights", "theta", "model")
                    if isinstance(ns.get(n), (dict, list))
                ),
                None,
            )
            if gname is None:
                raise AuditError(
                    f"{bname} takes parameters but no initializer function or global "
                    "params dict was found: set spec.params / spec.init_args",
                    where="finding the parameters",
                    type_="ParamsNotFound",
                )
            base = ns[gname]
            source = f"parameters from the global {gname!r}"
        notes.append(source)
        frozen = copy.deepcopy(base)
        return Target(
            label="module",
            root_name="params",
            fresh=lambda: copy.deepcopy(frozen),
            forward_name=fname,
            backward_name=bname,
            namespace=ns,
            get_forward=(lambda r: funcs[fname]) if fname else (lambda r: None),
            get_backward=lambda r: funcs[bname],
        )
    # functions that use module globals: reset the global arrays before each run
    snapshot = {k: v.copy() for k, v in ns.items() if _is_float_array(v)}

    def fresh():
        for k, v in snapshot.items():
            ns[k] = v.copy()
        return ns

    notes.append("parameters are module globals (reset before each run)")
    return Target(
        label="module",
        root_name="",
        fresh=fresh,
        forward_name=fname,
        backward_name=bname,
        namespace=ns,
        root_is_namespace=True,
        get_forward=(lambda r: funcs[fname]) if fname else (lambda r: None),
        get_backward=lambda r: funcs[bname],
    )


def find_target(loaded: LoadedSubmission, spec: dict, X, Y, lr, notes: list[str]) -> Target:
    ns = loaded.module.__dict__
    classes = _student_classes(ns, loaded)
    funcs = _student_functions(ns, loaded)
    entry = spec.get("entry")
    if entry:
        head, _, meth = entry.partition(".")
        obj = ns.get(head)
        if obj is None:
            hint = (
                " (an object made by top-level code does not exist unless "
                "spec.run_toplevel = true; or name its class in spec.entry)"
            )
            raise AuditError(
                f"spec.entry {entry!r}: {head!r} is not defined by the submission{hint}; "
                f"classes: {sorted(c.__name__ for c in classes)}, functions: "
                f"{sorted(funcs)}",
                where="finding the model",
                type_="EntryNotFound",
            )
        if isinstance(obj, type) or _is_user_object(obj):
            cls = obj if isinstance(obj, type) else type(obj)
            picked = pick_class([cls], loaded, {**spec, "backward": meth or spec.get("backward")})
            if picked is None and not meth:
                raise AuditError(
                    f"spec.entry {entry!r} has no backward-ish method: set spec.backward",
                    where="finding the model",
                    type_="EntryNotFound",
                )
            f = picked[1] if picked else spec.get("forward")
            b = meth or picked[2]
            return class_target(cls, f, b, ns, spec, X, Y, lr, notes, instance=None if isinstance(obj, type) else obj)
        if callable(obj):
            t = function_target(ns, {**funcs, head: obj}, loaded, spec, X, Y, lr, notes, bname=head)
            if t is not None:
                return t
        raise AuditError(
            f"spec.entry {entry!r} is neither a class nor a function", where="finding the model", type_="EntryNotFound"
        )
    picked = pick_class(classes, loaded, spec)
    if picked is not None:
        return class_target(picked[0], picked[1], picked[2], ns, spec, X, Y, lr, notes)
    t = function_target(ns, funcs, loaded, spec, X, Y, lr, notes)
    if t is not None:
        return t
    raise AuditError(
        "no class with forward/backward methods and no backward function was found "
        f"(classes: {sorted(c.__name__ for c in classes)}, functions: {sorted(funcs)}): "
        "set spec.entry",
        where="finding the model",
        type_="EntryNotFound",
    )


# =========================================================================== loss (layer stacks)
def find_loss(ns: dict, loaded: LoadedSubmission, spec: dict) -> tuple[str, Callable[[Any, Any], Any]]:
    """The student's loss gradient dL/d(output) as a function of (yhat, y)."""
    name = spec.get("loss")
    classes = {c.__name__: c for c in _student_classes(ns, loaded)}
    funcs = _student_functions(ns, loaded)
    cands: list[str] = []
    if name:
        if name not in classes and name not in funcs:
            raise AuditError(
                f"spec.loss {name!r} is not defined by the submission", where="finding the loss", type_="LossNotFound"
            )
        cands = [name]
    else:
        cands = [
            n
            for n, c in classes.items()
            if LOSS_CLASS.search(n)
            and _methods(c) & {"backward", "derivative", "grad", "gradient", "prime", "backprop"}
        ]
        cands += [n for n in funcs if LOSS_DERIV_FUNC.search(n)]
    if not cands:
        raise AuditError(
            "backward needs the loss gradient dL/d(output) but no loss class or loss "
            "derivative function was found: set spec.loss",
            where="finding the loss",
            type_="LossNotFound",
        )
    if len(cands) > 1:
        raise AuditError(
            f"found several losses {' and '.join(sorted(cands))}: set spec.loss",
            where="finding the loss",
            type_="AmbiguousLoss",
        )
    name = cands[0]
    if name in funcs:
        fn = funcs[name]

        def grad_fn(yhat, y):
            a, k, _ = bind_args(fn, {"out": lambda: yhat, "Y": lambda: y}, ["out", "Y"], name, spec_hint="spec.loss")
            return call_student(name, fn, *a, **k)

        return name, grad_fn
    cls = classes[name]

    def grad_cls(yhat, y):
        inst = call_student(f"{name}()", cls)
        fwd = next((m for m in ("forward", "__call__", "loss", "compute") if m in _methods(cls)), None)
        ctx = {"out": lambda: yhat, "Y": lambda: y}
        if fwd is not None:
            f = getattr(inst, fwd)
            a, k, _ = bind_args(f, ctx, ["out", "Y"], f"{name}.{fwd}", spec_hint="spec.loss")
            call_student(f"{name}.{fwd}", f, *a, **k)
        bwd = next(m for m in ("backward", "derivative", "grad", "gradient", "prime", "backprop") if m in _methods(cls))
        b = getattr(inst, bwd)
        a, k, _ = bind_args(b, ctx, [], f"{name}.{bwd}", spec_hint="spec.loss")
        return call_student(f"{name}.{bwd}", b, *a, **k)

    return name, grad_cls


# =========================================================================== one step
@dataclass
class Step1:
    root: Any
    before: list[np.ndarray]
    after: list[np.ndarray]
    ret: Any
    out: Any
    lr_via: str | None
    columns: bool


def _first_array(v: Any) -> Any:
    if isinstance(v, tuple) and v and isinstance(v[0], np.ndarray):
        return v[0]
    return v


def _snapshot(root: Any, params: list[Tensor]) -> list[np.ndarray]:
    out = []
    for t in params:
        try:
            out.append(np.array(resolve(root, t.steps), dtype=float, copy=True))
        except Exception:  # noqa: BLE001 - the student may have deleted/renamed it
            out.append(np.full(t.shape, np.nan))
    return out


class Runner:
    """Runs forward+backward steps of a target and keeps what is needed to interpret them."""

    def __init__(
        self,
        target: Target,
        params: list[Tensor],
        loaded: LoadedSubmission,
        spec: dict,
        X: np.ndarray,
        Y: np.ndarray,
        notes: list[str],
    ):
        self.t, self.params, self.loaded, self.spec = target, params, loaded, spec
        self.X, self.Y, self.notes = X, Y, notes
        self.loss_name: str | None = None
        self._loss_fn = None

    def _dout(self, out: Any, y: Any) -> Any:
        if self._loss_fn is None:
            self.loss_name, self._loss_fn = find_loss(self.t.namespace, self.loaded, self.spec)
        return self._loss_fn(_first_array(out), y)

    def _student_dout(self, out: Any, y: Any) -> Any:
        """The loss gradient: found by the grader (its errors are ours), computed by the student's code."""
        if self._loss_fn is None:
            self.loss_name, self._loss_fn = find_loss(self.t.namespace, self.loaded, self.spec)
        return call_student("loss gradient", self._dout, out, y)

    def _set_lr(self, root: Any, bfn: Callable, lr: float) -> str | None:
        lr_arg = self.spec.get("lr_arg")
        pname = accepts_role(bfn, "lr", lr_arg)
        if pname:
            return f"argument {pname!r}"
        names = [lr_arg] if lr_arg else LR_NAMES
        if self.t.root_name == "self":
            for n in names:
                if isinstance(getattr(root, n, None), (int, float)) and not isinstance(getattr(root, n), bool):
                    setattr(root, n, lr)
                    return f"attribute self.{n}"
        g = getattr(bfn, "__globals__", self.t.namespace)
        for n in names:
            if isinstance(g.get(n), (int, float)) and not isinstance(g.get(n), bool):
                g[n] = lr
                return f"global {n}"
        return None

    def step(self, lr: float, columns: bool, root: Any = None) -> Step1:
        t = self.t
        root = t.fresh() if root is None else root
        Xc, Yc = (self.X.T.copy(), self.Y.T.copy()) if columns else (self.X.copy(), self.Y.copy())
        before = _snapshot(root, self.params)
        fwd = t.get_forward(root)
        bfn = t.get_backward(root)
        lr_via = self._set_lr(root, bfn, lr)
        state: dict[str, Any] = {}
        params_obj = root if t.root_name == "params" else None
        out = None
        if fwd is not None:
            ctx = {"X": lambda: Xc.copy(), "params": lambda: params_obj}
            if not t.forward_drops_y:
                ctx["Y"] = lambda: Yc.copy()
            if params_obj is None:
                ctx.pop("params")
            a, k, _ = bind_args(fwd, ctx, ["X"], t.forward_path() or "forward", spec_hint="spec.forward")
            out = call_student("forward", fwd, *a, **k)
            state["out"] = out
        ctx = {
            "X": lambda: Xc.copy(),
            "Y": lambda: Yc.copy(),
            "lr": lambda: lr,
            "epochs": lambda: 1,
            "batch_size": lambda: Xc.shape[1] if columns else Xc.shape[0],
            "verbose": lambda: False,
            "seed": lambda: 0,
        }
        if out is not None:
            ctx["out"] = lambda: _first_array(out)
            if isinstance(out, tuple) and len(out) >= 2:
                ctx["cache"] = lambda: out[1] if len(out) == 2 else out[1:]
            ctx["dout"] = lambda: self._student_dout(out, Yc)
        if params_obj is not None:
            ctx["params"] = lambda: params_obj
        fallback = backward_fallback(bfn, ctx)
        a, k, used = bind_args(bfn, ctx, fallback, t.entry(), lr_arg=self.spec.get("lr_arg"))
        if "lr" in used:
            lr_via = lr_via or "argument"
        ret = call_student("backward", bfn, *a, **k)
        after = _snapshot(root, self.params)
        return Step1(root, before, after, ret, out, lr_via, columns)


# =========================================================================== matching
@dataclass
class Grad:
    param: int
    path: str
    rule: str
    data: np.ndarray


def _flatten(value: Any, path: str, names: list[str], out: list[tuple[str, str, np.ndarray]]) -> None:
    """Arrays inside nested dict/list/tuple returns as (name, path, array)."""
    if isinstance(value, np.ndarray) and value.dtype.kind in "fiu":
        out.append((names[-1] if names else "", path, np.asarray(value, dtype=float)))
    elif _is_param_object(value):
        out.append((names[-1] if names else "", path + ".data", np.asarray(value.data, float)))
    elif isinstance(value, dict):
        for k, v in value.items():
            _flatten(v, f"{path}[{k!r}]", names + [str(k)], out)
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            _flatten(v, f"{path}[{i}]", names + ([f"{names[-1]}[{i}]"] if names else []), out)


def _name_match(entry_name: str, param: Tensor, allow_plain: bool) -> bool:
    """Does a grad entry named like ``dW1``/``nabla_w[0]``/``W1`` belong to ``param``?"""
    if not entry_name:
        return False
    pname = param.name
    p_idx, e_idx = re.findall(r"\[(\d+)\]", pname), re.findall(r"\[(\d+)\]", entry_name)
    p_leaf = _leaf(pname)
    e_leaf = _leaf(entry_name)
    if p_idx and e_idx and p_idx[-1:] != e_idx[-1:]:
        return False
    if bool(p_idx) != bool(e_idx):
        return False
    stripped = strip_grad(e_leaf)
    target = canon(p_leaf)
    if stripped is not None and stripped == target:
        return True
    return allow_plain and canon(e_leaf) == target


def _leaf(name: str) -> str:
    parts = [p for p in re.split(r"[.\[\]'\"]+", name) if p and not p.isdigit() and p != "data"]
    return parts[-1] if parts else name


def match_entries(
    entries: list[tuple[str, str, np.ndarray]], params: list[Tensor], named: bool
) -> tuple[list[Grad], str]:
    """Match flattened returned arrays to params: by name, else position, else unique shape."""
    grads: list[Grad] = []
    if named:
        used = set()
        for i, p in enumerate(params):
            for j, (n, path, arr) in enumerate(entries):
                if j not in used and _name_match(n, p, allow_plain=True):
                    grads.append(Grad(i, path, "name", arr))
                    used.add(j)
                    break
        if grads:
            return grads, "name"
    if len(entries) == len(params) and all(a.shape == p.shape for (_, _, a), p in zip(entries, params)):
        return [Grad(i, path, "position", a) for i, (_, path, a) in enumerate(entries)], "position"
    shapes = [p.shape for p in params]
    if len(set(shapes)) == len(shapes):
        eshapes = [a.shape for _, _, a in entries]
        if len(set(eshapes)) == len(eshapes) and set(eshapes) <= set(shapes):
            return [Grad(shapes.index(a.shape), path, "shape", a) for _, path, a in entries], "shape"
    if len(entries) == len(params):
        return [Grad(i, path, "position", a) for i, (_, path, a) in enumerate(entries)], "position"
    return [], ""


def is_array_loss_and_grads(ret: Any) -> bool:
    """``(loss, grads)`` in the CS231n form whose loss is a numeric array rather than a number."""
    return (
        isinstance(ret, (tuple, list))
        and len(ret) == 2
        and isinstance(ret[0], np.ndarray)
        and ret[0].dtype.kind in "fiu"
        and isinstance(ret[1], dict)
    )


def loss_value_info(ret: Any) -> dict[str, Any] | None:
    """What the grader needs to judge a returned loss: its shape and whether it is finite (None: no loss)."""
    if not isinstance(ret, (tuple, list)) or not ret:
        return None
    value = np.asarray(ret[0])
    if value.dtype.kind not in "fiu":
        return None
    return {"shape": list(value.shape), "finite": bool(np.all(np.isfinite(value)))}


def grads_from_return(ret: Any, params: list[Tensor]) -> tuple[list[Grad], str | None, list[str]]:
    """Gradients in a backward's return value; (grads, shape name, notes)."""
    notes: list[str] = []
    if ret is None or isinstance(ret, (int, float, np.generic)):
        return [], None, notes
    if isinstance(ret, np.ndarray):
        if len(params) == 1 and ret.shape == params[0].shape:
            return [Grad(0, "ret", "position", np.asarray(ret, float))], "grads-tuple", notes
        return [], None, notes
    shape = "grads-dict" if isinstance(ret, dict) else "grads-tuple"
    value = ret
    if (
        isinstance(ret, (tuple, list))
        and ret
        and isinstance(ret[0], (int, float, np.generic))
        and not isinstance(ret[0], bool)
    ):
        shape = "loss-and-grads"
        notes.append(f"backward returned a loss value ({float(ret[0]):.6g}) and gradients")
        value = ret[1] if len(ret) == 2 else tuple(ret[1:])
        if isinstance(value, np.ndarray):
            value = (value,)
    elif is_array_loss_and_grads(ret):  # CS231n (loss, grads) whose loss is an array, not a scalar
        shape = "loss-and-grads"
        notes.append(f"backward returned a loss of shape {np.shape(ret[0])} (not a scalar) and gradients")
        value = ret[1] if len(ret) == 2 else tuple(ret[1:])
        if isinstance(value, np.ndarray):
            value = (value,)
    entries: list[tuple[str, str, np.ndarray]] = []
    if isinstance(value, dict):
        _flatten(value, "ret" if shape != "loss-and-grads" else "ret[1]", [], entries)
    else:
        _flatten(value, "ret" if shape != "loss-and-grads" else "ret[1]", [], entries)
    if not entries:
        return [], None, notes
    named = isinstance(value, dict) or (isinstance(value, (list, tuple)) and any(isinstance(v, dict) for v in value))
    grads, rule = match_entries(entries, params, named)
    if grads and rule == "position" and any(g.data.shape != params[g.param].shape for g in grads):
        notes.append("returned gradients matched to the parameters by position although some shapes differ")
    return grads, shape, notes


def grads_stored(root: Any, params: list[Tensor], root_name: str) -> tuple[list[Grad], str | None]:
    """Gradients the backward left on the object: ``Parameter.grad``, ``dW1``, ``grads['W1']``."""
    grads: list[Grad] = []
    kind = None
    for i, p in enumerate(params):
        if p.param_obj is not None:
            g = getattr(resolve(root, p.param_obj), "grad", None)
            if isinstance(g, np.ndarray) and g.size and g.dtype.kind in "fiu":
                grads.append(
                    Grad(i, fmt_path(root_name, p.param_obj + (("attr", "grad"),)), "name", np.asarray(g, float))
                )
                kind = "parameter-objects"
                continue
        hit = _stored_by_name(root, p, root_name)
        if hit is not None:
            grads.append(Grad(i, hit[0], "name", hit[1]))
            kind = kind or "grads-attributes"
    return grads, kind


_GRAD_DICT = re.compile(r"^_*(grads?|gradients?|derivatives?|d|dparams|d_params|grad_dict|grads_dict)$", re.I)


def _stored_by_name(root: Any, p: Tensor, root_name: str) -> tuple[str, np.ndarray] | None:
    """Search the param's container, and grad dicts next to it, for its gradient by name."""
    steps = p.steps
    k = len(steps) - 1  # the step naming the param (list indexes are kept as a tail)
    while k > 0 and steps[k][0] == "item" and isinstance(steps[k][1], int):
        k -= 1
    idx_tail, holder_steps, leaf = steps[k + 1 :], steps[:k], str(steps[k][1])
    target = canon(leaf)
    places = [holder_steps]
    if k > 0 and steps[k][0] == "item":  # params['W1']: also look next to the params dict
        places.append(steps[: k - 1])
    for where in places:
        try:
            holder = resolve(root, where)
        except Exception:  # noqa: BLE001
            continue
        if _is_user_object(holder):
            items, kind = list(vars(holder).items()), "attr"
        elif isinstance(holder, dict):
            items, kind = list(holder.items()), "item"
        else:
            continue
        for name, val in items:
            if not isinstance(name, str) or name == leaf:
                continue
            if strip_grad(name) == target:
                try:
                    arr = resolve(val, idx_tail)
                except Exception:  # noqa: BLE001
                    continue
                if isinstance(arr, np.ndarray) and arr.dtype.kind in "fiu":
                    return (fmt_path(root_name, where + ((kind, name),) + idx_tail), np.asarray(arr, float))
            if isinstance(val, dict) and _GRAD_DICT.match(name):
                for key, arr in val.items():
                    if (
                        isinstance(key, str)
                        and isinstance(arr, np.ndarray)
                        and (canon(key) == target or strip_grad(key) == target)
                    ):
                        return (fmt_path(root_name, where + ((kind, name), ("item", key))), np.asarray(arr, float))
    return None


def grads_from_spec(spec_grads: list[str], step: Step1, params: list[Tensor], root_name: str) -> list[Grad]:
    grads = []
    for i, text in enumerate(spec_grads[: len(params)]):
        head, steps = parse_path(text)
        base = step.ret if head in ("ret", "returned", "result") else step.root
        try:
            steps, arr = resolve_spec(base, steps)
        except Exception as exc:  # noqa: BLE001
            raise AuditError(
                f"spec.grads[{i}] {text!r} not found after backward ({type(exc).__name__}: {exc})",
                where="reading gradients",
                type_="SpecError",
            ) from None
        if _is_param_object(arr):
            arr = arr.grad
        try:
            values = np.asarray(arr, float)
        except (TypeError, ValueError):
            raise AuditError(
                f"spec.grads[{i}] {text!r} is a {type(arr).__name__}, not an array of numbers",
                where="reading gradients",
                type_="SpecError",
            ) from None
        grads.append(Grad(i, text, "spec", values))
    return grads


def _name_steps(steps: tuple, base: Any) -> tuple:
    """Turn a leading ("name", x) step into attr or item access depending on ``base``."""
    if steps and steps[0][0] == "name":
        kind = "item" if isinstance(base, dict) else "attr"
        return ((kind, steps[0][1]),) + steps[1:]
    return steps


def resolve_spec(base: Any, steps: tuple) -> tuple[tuple, Any]:
    """Resolve a spec path; a leading name that is not on ``base`` (``params['W1']`` when the
    root is the params dict itself) is dropped and the rest tried."""
    full = _name_steps(steps, base)
    try:
        return full, resolve(base, full)
    except Exception:  # noqa: BLE001
        if len(steps) > 1 and steps[0][0] == "name":
            rest = steps[1:]
            return rest, resolve(base, rest)
        raise


def params_from_spec(spec_params: list[str], root: Any, root_name: str) -> list[Tensor]:
    out = []
    for i, text in enumerate(spec_params):
        head, steps = parse_path(text)
        try:
            steps, val = resolve_spec(root, steps)
        except Exception as exc:  # noqa: BLE001
            raise AuditError(
                f"spec.params[{i}] {text!r} not found ({type(exc).__name__}: {exc})",
                where="finding the parameters",
                type_="SpecError",
            ) from None
        pobj = None
        if _is_param_object(val):
            pobj, steps, val = steps, steps + (("attr", "data"),), val.data
        if not isinstance(val, np.ndarray):
            raise AuditError(
                f"spec.params[{i}] {text!r} is a {type(val).__name__}, not an array",
                where="finding the parameters",
                type_="SpecError",
            )
        out.append(Tensor(text.removeprefix("self."), steps, tuple(val.shape), pobj, i))
    return out


# =========================================================================== update
def _rel_diff(a: list[np.ndarray], b: list[np.ndarray]) -> float:
    num = max((float(np.max(np.abs(x - y))) if x.size else 0.0) for x, y in zip(a, b))
    den = max((float(np.max(np.abs(x))) if x.size else 0.0) for x in a + b)
    return num / den if den > 0 else 0.0


def _update_tol(step: Step1, lrs: list[float]) -> float:
    """Rounding floor for (before - after)/lr: a few ulps of |W| divided by the learning rate."""
    wmax = max((float(np.max(np.abs(w))) for w in step.before if w.size), default=1.0)
    return 100 * EPS * wmax / min(lrs)


def inferred(step: Step1, lr: float) -> list[np.ndarray]:
    return [(b - a) / lr for b, a in zip(step.before, step.after)]


# =========================================================================== audit
def _choose_layout(
    runner: Runner, lr: float, spec: dict, params: list[Tensor], N: int, n_out: int, notes: list[str]
) -> Step1:
    if spec.get("samples_as_columns") is not None:
        return runner.step(lr, bool(spec["samples_as_columns"]))
    col_hint = any(len(p.shape) == 2 and p.shape[1] == 1 and p.shape[0] > 1 and is_bias(p.name) for p in params)
    order = [True, False] if col_hint else [False, True]
    first_err: BaseException | None = None
    fallback: Step1 | None = None
    for cols in order:
        try:
            s = runner.step(lr, cols)
        except (StudentCodeError, AuditError) as exc:
            first_err = first_err or exc
            continue
        out = _first_array(s.out)
        if s.out is None or not isinstance(out, np.ndarray) or out.ndim == 0:
            return s
        axis_ok = (out.shape[-1] == N) if cols and out.ndim == 2 else (out.shape[0] == N)
        if axis_ok:
            if cols != order[0]:
                notes.append("the first layout tried failed; samples are " + ("columns" if cols else "rows"))
            return s
        fallback = fallback or s
    if fallback is not None:
        notes.append("forward output shape does not show the sample axis; layout guessed")
        return fallback
    assert first_err is not None
    raise first_err


def audit(
    loaded: LoadedSubmission,
    X: np.ndarray | None,
    Y: np.ndarray | None,
    lrs: list[float],
    spec: dict,
    partial: dict,
    data: dict | None = None,
) -> dict:
    """Run the submission's forward/backward on (X, Y) and extract the claimed gradient.

    Parameters
    ----------
    loaded
        The loaded submission.
    X, Y
        Samples as rows: (N, n_in) and (N, n_out). None: sizes are read off the
        student's weights and a seeded batch is made (see :func:`make_batch`); the
        batch used is put in ``partial["X"]``/``partial["Y"]``.
    lrs
        Two small learning rates, used when the backward updates weights in place.
    spec
        Optional keys: entry, init_args, init_kwargs, forward, backward, params, grads,
        samples_as_columns, lr_arg, loss.
    data
        ``n`` and ``seed`` of the batch made when X is None (default 16, 0).
    partial
        Filled in as the audit proceeds (entry, params, forward, ...) so a caller can
        still report what was found when a later stage raises.

    Returns
    -------
    dict
        The result fields: shape, entry, notes, params, grads, forward, forward_path,
        samples_as_columns, update.
    """
    notes: list[str] = partial.setdefault("notes", [])
    target = find_target(loaded, spec, X, Y, lrs[0], notes)
    partial["entry"] = target.entry()
    partial["forward_path"] = target.forward_path()
    probe = target.fresh()
    if spec.get("params"):
        params = params_from_spec(list(spec["params"]), probe, target.root_name)
    else:
        params = discover_params(probe, target.root_is_namespace)
    if not params:
        raise AuditError(
            f"no weight/bias arrays were found on {target.label} (looked for W1/b1, "
            "weights[i], params['W1'], layer .weight/.data): set spec.params",
            where="finding the parameters",
            type_="ParamsNotFound",
        )
    partial["params"] = _params_out(params, _snapshot(probe, params), target.root_name)
    while True:
        try:
            return _extract(target, params, loaded, X, Y, lrs, spec, partial, data, notes)
        except AuditError as exc:
            if exc.type != "GradsNotFound" or not target.alternatives:
                raise
            nxt = target.alternatives.pop(0)
            notes.append(f"{target.entry()} gave no gradients; trying {target.label}.{nxt}")
            target = _retarget(target, nxt)
            partial["entry"] = target.entry()
            partial["forward_path"] = target.forward_path()


def _retarget(target: Target, name: str) -> Target:
    lookup = target.lookup or getattr
    t = dataclasses.replace(target, backward_name=name, get_backward=lambda r: lookup(r, name))
    if name == "loss" and target.forward_name is None:
        t = dataclasses.replace(t, forward_name="loss", forward_drops_y=True, get_forward=lambda r: lookup(r, "loss"))
    return t


def _extract(target: Target, params: list[Tensor], loaded, X, Y, lrs, spec, partial, data, notes) -> dict:
    """Run the target's step(s) on the batch and read the gradient by the first rule that applies."""
    if X is None:
        X, Y, runner, s1 = _invent_data(target, params, loaded, spec, lrs, notes, data)
    else:
        runner = Runner(target, params, loaded, spec, X, Y, notes)
        s1 = _choose_layout(runner, lrs[0], spec, params, X.shape[0], Y.shape[1], notes)
    partial["X"], partial["Y"] = X, Y
    partial["samples_as_columns"] = s1.columns
    partial["params"] = _params_out(params, s1.before, target.root_name)
    partial["forward"] = _first_array(s1.out) if s1.out is not None else None
    if runner.loss_name:
        notes.append(f"backward was given dL/d(output) from the student's {runner.loss_name}")
    changed = any(not np.array_equal(b, a, equal_nan=True) for b, a in zip(s1.before, s1.after))
    result: dict[str, Any] = {"update": None}
    if spec.get("grads"):
        grads = grads_from_spec(list(spec["grads"]), s1, params, target.root_name)
        shape = "spec"
        if changed:
            notes.append("backward also changed the weights; gradients read from spec.grads")
    else:
        grads, shape, rnotes = grads_from_return(s1.ret, params)
        notes.extend(rnotes)
        if shape == "loss-and-grads":  # the grader judges the returned loss too (a scalar?)
            result["loss_value"] = loss_value_info(s1.ret)
        if (
            grads
            and shape == "grads-dict"
            and s1.lr_via
            and s1.lr_via.startswith("argument")
            and all(g.rule == "name" and canon(_leaf(g.path)) == canon(_leaf(params[g.param].name)) for g in grads)
        ):
            grads, shape, result["update"] = _returned_params(runner, s1, grads, params, lrs, notes)
        elif grads:
            if changed:
                notes.append("backward also changed the weights; the returned gradients are used")
        else:
            stored, kind = grads_stored(s1.root, params, target.root_name)
            if stored and not changed:
                grads, shape = stored, kind
            elif changed:
                grads, shape, result["update"] = _update_grads(runner, s1, params, lrs, notes)
            elif stored:
                grads, shape = stored, kind
            else:
                raise AuditError(
                    f"{target.entry()} returned no gradients, changed no weights and "
                    "no stored gradients (dW1, grads[...], .grad) were found: set "
                    "spec.grads",
                    where="reading gradients",
                    type_="GradsNotFound",
                )
    missing = [params[i].name for i in range(len(params)) if i not in {g.param for g in grads}]
    if missing:
        notes.append(f"no gradient found for {', '.join(missing)}")
    grads = sorted(grads, key=lambda g: g.param)
    result.update(shape=shape, grads=[_grad_out(g, params) for g in grads])
    return result


def _params_out(params: list[Tensor], values: list[np.ndarray], root_name: str) -> list[dict]:
    return [
        {"name": p.name, "path": fmt_path(root_name, p.steps), "shape": list(v.shape), "data": v}
        for p, v in zip(params, values)
    ]


def _grad_out(g: Grad, params: list[Tensor]) -> dict:
    return {"param": params[g.param].name, "path": g.path, "rule": g.rule, "shape": list(g.data.shape), "data": g.data}


def _update_grads(
    runner: Runner, s1: Step1, params: list[Tensor], lrs: list[float], notes: list[str]
) -> tuple[list[Grad], str, dict]:
    lr1, lr2 = lrs[0], lrs[1] if len(lrs) > 1 else lrs[0] * 2
    upd: dict[str, Any] = {"lrs": [lr1, lr2], "via": s1.lr_via}
    if s1.lr_via is None:
        notes.append(
            "the weights changed in place but no learning rate argument, attribute or "
            "global was found: the raw update (before - after) is reported as if lr = 1 "
            "(set spec.lr_arg)"
        )
        g = [b - a for b, a in zip(s1.before, s1.after)]
        upd.update(lrs=[1.0], linear=None, max_nonlinearity=None, note="learning rate unknown; lr = 1 assumed")
        return _upd_list(g, params, runner.t.root_name), "inplace-update", upd
    g1 = inferred(s1, lr1)
    tol = _update_tol(s1, [lr1, lr2])
    gmax = max((float(np.max(np.abs(x))) for x in g1 if x.size), default=0.0)
    # state check (before the lr2 run, which may reset shared module globals): a second step
    # continuing from s1 vs one step of a fresh object put at the same weights. Plain SGD
    # agrees; momentum/Adam carry hidden state between steps and do not.
    stateful = None
    try:
        cont = runner.step(lr1, s1.columns, root=s1.root)
        reset = runner.t.fresh()
        for p, w in zip(params, s1.after):
            assign(reset, p.steps, w)
        again = runner.step(lr1, s1.columns, root=reset)
        state_diff = _rel_diff(inferred(cont, lr1), inferred(again, lr1))
        stateful = not (state_diff * max(gmax, 1e-300) <= LINEAR_RTOL * gmax + tol)
        upd["max_state_effect"] = state_diff
    except (StudentCodeError, AuditError) as exc:
        notes.append(f"second update step for the state check failed ({exc}); skipped")
    s2 = runner.step(lr2, s1.columns)
    g2 = inferred(s2, lr2)
    nonlin = _rel_diff(g1, g2)
    lin_lr = nonlin * max(gmax, 1e-300) <= LINEAR_RTOL * gmax + tol
    upd.update(
        linear=bool(lin_lr and not stateful), linear_in_lr=bool(lin_lr), stateful=stateful, max_nonlinearity=nonlin
    )
    msgs = []
    if not lin_lr:
        msgs.append("update is not linear in the learning rate (momentum, Adam, clipping?)")
    if stateful:
        msgs.append("update depends on optimizer state kept between steps (momentum, Adam?)")
    upd["note"] = "; ".join(msgs) if msgs else "gradient inferred from (before - after) / lr"
    notes.extend(msgs)
    return _upd_list(g1, params, runner.t.root_name), "inplace-update", upd


def _upd_list(g: list[np.ndarray], params: list[Tensor], root_name: str) -> list[Grad]:
    return [
        Grad(i, f"({fmt_path(root_name, p.steps)} before - after) / lr", "update", x)
        for i, (p, x) in enumerate(zip(params, g))
    ]


def _returned_params(
    runner: Runner, s1: Step1, grads: list[Grad], params: list[Tensor], lrs: list[float], notes: list[str]
) -> tuple[list[Grad], str, dict | None]:
    """A dict keyed like the params and dependent on lr is the updated params, not gradients."""
    lr1, lr2 = lrs[0], lrs[1] if len(lrs) > 1 else lrs[0] * 2
    s2 = runner.step(lr2, s1.columns)
    g2, _, _ = grads_from_return(s2.ret, params)
    by = {g.param: g for g in g2}
    if not all(g.param in by and np.array_equal(g.data, by[g.param].data) for g in grads):
        upd1 = [
            Grad(g.param, f"({params[g.param].name} - {g.path}) / lr", "update", (s1.before[g.param] - g.data) / lr1)
            for g in grads
        ]
        upd2 = {g.param: (s2.before[g.param] - by[g.param].data) / lr2 for g in grads if g.param in by}
        nonlin = _rel_diff([g.data for g in upd1], [upd2[g.param] for g in upd1 if g.param in upd2])
        linear = nonlin <= LINEAR_RTOL + _update_tol(s1, [lr1, lr2])
        notes.append("backward returned updated parameters; gradient inferred from (before - returned) / lr")
        upd = {
            "lrs": [lr1, lr2],
            "via": s1.lr_via,
            "linear": bool(linear),
            "max_nonlinearity": nonlin,
            "note": "returned updated parameters" + ("" if linear else "; update is not linear in the learning rate"),
        }
        return upd1, "returns-updated-params", upd
    return grads, "grads-dict", None


# =========================================================================== data from the weights
def make_batch(n_in: int, n_out: int, n: int = 16, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The grader's default batch: X standard normal (n, n_in), Y in {0, 1} (n, n_out)."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, n_in)), (rng.random((n, n_out)) > 0.5).astype(float)


def size_candidates(params: list[Tensor]) -> list[tuple[int, int]]:
    """(n_in, n_out) read off the weight matrices, in x out chain first unless out x in fits better."""
    ws = [p.shape for p in params if len(p.shape) == 2 and not is_bias(p.name)] or [
        p.shape for p in params if len(p.shape) == 2
    ]
    if not ws:
        return []
    in_out = (ws[0][0], ws[-1][1])
    out_in = (ws[0][1], ws[-1][0])
    io_chain = all(a[1] == b[0] for a, b in zip(ws, ws[1:]))
    oi_chain = all(a[0] == b[1] for a, b in zip(ws, ws[1:]))
    order = [out_in, in_out] if oi_chain and not io_chain else [in_out, out_in]
    return list(dict.fromkeys(order))


def _invent_data(
    target: Target, params: list[Tensor], loaded, spec: dict, lrs: list[float], notes: list[str], data: dict | None
):
    n, seed = int((data or {}).get("n", 16)), int((data or {}).get("seed", 0))
    cands = size_candidates(params)
    if not cands:
        raise AuditError(
            "no data was given and the input/output sizes cannot be read off the "
            "weights: set the data sizes (spec [data] n_in and n_out)",
            where="making data",
            type_="DataSizes",
        )
    first: BaseException | None = None
    for n_in, n_out in cands:
        X, Y = make_batch(n_in, n_out, n, seed)
        runner = Runner(target, params, loaded, spec, X, Y, notes)
        try:
            s1 = _choose_layout(runner, lrs[0], spec, params, n, n_out, notes)
        except (StudentCodeError, AuditError) as exc:
            first = first or exc
            continue
        notes.append(
            f"no data given: n_in = {n_in}, n_out = {n_out} read off the weights; {n} samples made with seed {seed}"
        )
        return X, Y, runner, s1
    assert first is not None
    raise first
