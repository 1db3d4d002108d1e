"""Tensor names from a submission made safe to print, as soon as the worker's answer arrives.

A tensor's name is whatever key or attribute the student's code chose: a dict key can hold a
newline followed by a forged verdict line for another student, terminal escapes, or markup.
Every report prints names in places meant for one line (table cells, ``name: fail, worst
name[1, 0]`` lines, junit attributes). The grader therefore takes each name as one line with
control characters shown as escapes (:func:`gradcheck.printable.one_line`) before any verdict is
built from it, so every format, and every message that quotes a name, shows the same safe text.
Two names that only become equal once escaped get their position appended, so no tensor is lost.
"""

from __future__ import annotations

from typing import Any

from gradcheck.printable import one_line

__all__ = ["shown_names"]


def shown_names(result: dict | None) -> dict | None:
    """The worker's ``result`` with each ``params[i]["name"]``, and each ``grads[j]["param"]`` naming one
    of them, as one printable line (a new dict)."""
    if not isinstance(result, dict) or not isinstance(result.get("params"), list):
        return result
    shown: dict[str, str] = {}
    for i, p in enumerate(result["params"]):
        if isinstance(p, dict) and isinstance(p.get("name"), str):
            name = one_line(p["name"])
            shown[p["name"]] = name if name not in shown.values() else f"{name}#{i}"
    return {
        **result,
        "params": [_renamed(p, "name", shown) for p in result["params"]],
        "grads": [_renamed(g, "param", shown) for g in result.get("grads") or []],
    }


def _renamed(item: Any, key: str, shown: dict[str, str]) -> Any:
    if isinstance(item, dict) and isinstance(item.get(key), str) and item[key] in shown:
        return {**item, key: shown[item[key]]}
    return item
