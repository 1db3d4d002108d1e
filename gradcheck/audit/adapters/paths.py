"""Access paths into student objects: ``self.layers[0].weight.data`` as steps, and back.

A path is a tuple of steps ``("attr", name)``, ``("item", key)`` or ``("call", name)``
(a zero-argument method call). Spec keys (``[network] params`` / ``grads``) are
parsed into paths; found parameters are reported with them.
"""

from __future__ import annotations

import ast
from typing import Any

import numpy as np

from gradcheck.audit.loader import AuditError

Step = tuple  # ("attr", name) | ("item", key) | ("call", name) | ("name", name)


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
    held = getattr(parent, key, None) if kind == "attr" else None
    if (type(held) in (float, int) or isinstance(held, np.floating)) and np.ndim(value) == 0:
        setattr(parent, key, float(value))  # a scalar bias held as a number stays a Python number
    elif kind == "attr":
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


def _spec_error(text: str, why: str) -> AuditError:
    return AuditError(f"spec path {text!r}: {why}", where="spec", type_="SpecError")


def _index(node: ast.AST) -> tuple[bool, Any]:
    """(True, key) for a constant index ``0``, ``-1`` or ``'W1'``; (False, None) otherwise."""
    if isinstance(node, ast.Constant):
        return True, node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
        return True, -node.operand.value
    return False, None


def _step_of(node: ast.AST, text: str) -> tuple[tuple, ast.AST | None]:
    """One step of a path expression and the node it applies to (None at the root name)."""
    if isinstance(node, ast.Attribute):
        return ("attr", node.attr), node.value
    if isinstance(node, ast.Subscript) and _index(node.slice)[0]:
        return ("item", _index(node.slice)[1]), node.value
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and not node.args:
        return ("call", node.func.attr), node.func.value
    if isinstance(node, ast.Name):
        return ("name", node.id), None
    if isinstance(node, ast.List) and len(node.elts) == 1 and _index(node.elts[0])[0]:
        # ``[0].weights``, as fmt_path writes a path whose root is a list itself (an initializer's layers)
        return ("item", _index(node.elts[0])[1]), None
    raise _spec_error(text, "only names, .attributes, [constant] indexes and ()-calls are supported")


def parse_path(text: str) -> tuple[str | None, tuple]:
    """Parse ``"self.layers[0].weight.data"`` -> (head, steps).

    ``head`` is ``"self"`` for a leading ``self.``, ``"ret"``/``"returned"``/``"result"``
    for paths into the backward's return value (``return[...]`` is accepted too), and
    None otherwise, in which case the leading name is the first step, as
    ``("name", x)`` (attribute of an object root or key of a dict root).
    """
    text = text.strip().replace("return[", "ret[").replace("return.", "ret.")
    try:
        node: ast.AST | None = ast.parse(text, mode="eval").body
    except SyntaxError:
        raise AuditError(
            f"spec path {text!r} is not a valid attribute/index expression", where="spec", type_="SpecError"
        ) from None
    steps: list[Step] = []
    while node is not None:
        step, node = _step_of(node, text)
        steps.append(step)
    steps.reverse()
    if steps[0][0] == "item":  # the root is the list itself (what fmt_path writes for it)
        return None, tuple(steps)
    head = steps[0][1]
    if head in ("ret", "returned", "result", "self"):
        return head, tuple(steps[1:])
    return None, (("name", head),) + tuple(steps[1:])


def name_steps(steps: tuple, base: Any) -> tuple:
    """Turn a leading ("name", x) step into attr or item access depending on ``base``."""
    if steps and steps[0][0] == "name":
        kind = "item" if isinstance(base, dict) else "attr"
        return ((kind, steps[0][1]),) + steps[1:]
    return steps


def resolve_spec(base: Any, steps: tuple) -> tuple[tuple, Any]:
    """Resolve a spec path; a leading name that is not on ``base`` (``params['W1']`` when the
    root is the params dict itself) is dropped and the rest tried."""
    full = name_steps(steps, base)
    try:
        return full, resolve(base, full)
    except Exception as exc:  # noqa: BLE001
        if len(steps) > 1 and steps[0][0] == "name":
            rest = steps[1:]
            try:
                return rest, resolve(base, rest)
            except Exception:  # noqa: BLE001 - the full path's own failure says where it stops
                raise exc from None
        raise
