"""Gradescope autograder ``results.json`` for an audited submission.

Gradescope runs one container per student submission and reads
``/autograder/results/results.json``::

    {"score": 3.0, "execution_time": 4, "output": "...", "visibility": "visible",
     "stdout_visibility": "hidden",
     "tests": [{"name": "Gradient of W1", "score": 0.0, "max_score": 0.25,
                "status": "failed", "output": "...", "visibility": "visible"}, ...]}

The tests of one submission:

* ``Gradient of <tensor>``, one per parameter tensor the auditor checked. The
  spec's ``[points] gradient`` (default 1) is split **evenly** across the
  tensors (each is worth ``gradient / n``; shares are rounded to 4 decimals
  and the last tensor takes the remainder, so the shares add up to exactly
  ``gradient``). A tensor earns its share when its status is ``pass`` or
  ``kink`` (a valid subgradient); ``fail`` and ``inconclusive`` earn nothing.
  This is partial credit per tensor: a bug confined to the first layer still
  earns the output layer's share.
* ``Gradient check``: a single test worth ``[points] gradient`` when no tensor
  could be checked (the submission errored, timed out, had no recognisable
  network or a gradient of the wrong shape).
* ``Forward pass``, worth ``[points] forward`` (default 0: the test is left
  out), earned when the forward output matches the reference network.

A submission whose status is ``error`` or ``timeout`` scores 0 on every test,
with the error (and the tail of its output) as the test and top-level output.
The failing tests' outputs carry the diagnosis and the evidence (worst entry,
analytic vs numeric), so the student sees what to fix.

The top-level ``score`` is the sum of the test scores. An audit of more than
one submission (Gradescope's container holds one student's upload; several
``.py``/``.ipynb`` files in it are all audited) is rendered from the **first**
submission, and the top-level output says which file was graded and which were
ignored.
"""

from __future__ import annotations

import json
import math
from typing import Any

from gradcheck.naming import format_index
from gradcheck.report.audit import detail_lines
from gradcheck.report.text import MARK

#: Statuses of a tensor that earn its points.
EARNING = ("pass", "kink")
#: Digits the point shares are rounded to.
DIGITS = 4
#: Characters of the submission's own output shown for an error or timeout.
TAIL = 1500


def _points(spec, key: str, default: float) -> float:
    if spec is None:
        return default
    value = float(spec.get("points", key, default))
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"[points] {key} must be a finite number >= 0, got {value}")
    return value


def split_points(total: float, n: int) -> list[float]:
    """``total`` split evenly into ``n`` shares that add up to exactly ``total``.

    Examples
    --------
    >>> split_points(1.0, 3)
    [0.3333, 0.3333, 0.3334]
    """
    if n <= 0:
        return []
    share = round(total / n, DIGITS)
    shares = [share] * (n - 1)
    shares.append(round(total - sum(shares), DIGITS))
    return shares


def _test(name: str, score: float, max_score: float, passed: bool, output: str) -> dict[str, Any]:
    return {
        "name": name,
        "score": round(score, DIGITS),
        "max_score": round(max_score, DIGITS),
        "status": "passed" if passed else "failed",
        "output": output.strip() + "\n",
        "visibility": "visible",
    }


def _diagnosis_lines(s, tensor: str | None) -> list[str]:
    """Diagnoses about ``tensor`` (or about every tensor, ``tensor`` None), best first."""
    out = []
    for d in s.diagnoses:
        names = [t.strip() for t in d.tensor.split(",")] if d.tensor else []
        if tensor is None or not names or tensor in names:
            where = f" [{d.tensor}]" if d.tensor else ""
            out.append(f"Likely bug ({d.code}{where}): {d.message}")
    return out[:3]


def _tensor_output(s, t) -> str:
    shape = "x".join(map(str, t.shape)) or "scalar"
    if t.status in EARNING:
        extra = " (at a kink: your value is a valid subgradient)" if t.status == "kink" else ""
        return (
            f"d(loss)/d({t.name}) ({shape}) matches the numerical gradient{extra}: largest relative "
            f"error {t.max_rel_error:.2e}."
        )
    lines = []
    if t.status == "inconclusive":
        lines.append(
            f"d(loss)/d({t.name}) ({shape}) could not be confirmed: the numerical estimates disagree "
            "with each other here. Ask your instructor to review it."
        )
    else:
        lines.append(f"d(loss)/d({t.name}) ({shape}) does not match the numerical gradient.")
    lines.append(
        f"Worst entry {t.location}: your gradient {t.analytic:.8g}, numerical {t.numeric:.8g} "
        f"(relative error {t.max_rel_error:.2e})."
    )
    bad = [e for e in t.worst if e.status == "fail"][1:4]
    for e in bad:
        lines.append(f"Also {format_index(t.name, e.index)}: yours {e.analytic:.8g}, numerical {e.numeric:.8g}.")
    if t.checked and t.counts:
        wrong = t.counts.get("fail", 0)
        if wrong:
            lines.append(f"{wrong} of {t.checked} checked entries are wrong.")
    lines += _diagnosis_lines(s, t.name)
    return "\n".join(lines)


def _forward_output(s) -> tuple[bool, str]:
    f = s.forward
    if f is None:
        return False, "The forward pass could not be checked" + (f": {s.error}" if s.error else ".")
    if f.status == "match":
        return True, f"Your forward output matches the reference network {f.network}."
    if f.status == "unavailable":
        return False, f"No forward output was found, so it could not be checked ({f.note})."
    err = f"{f.max_abs_error:.3g}" if f.max_abs_error is not None else "?"
    lines = [f"Your forward output differs from the closest reference network ({f.network}) by up to {err}."]
    lines += [f"Likely bug ({d.code}): {d.message}" for d in s.diagnoses if d.code == "forward_mismatch"][:1]
    return False, "\n".join(lines)


def _error_output(s) -> str:
    what = "timed out" if s.status == "timeout" else "could not be graded"
    lines = [f"Your submission {what}: {s.error or s.status}"]
    tail = (s.output_tail or "").strip()
    if tail:
        lines += ["", "Last lines of its output:", tail[-TAIL:]]
    return "\n".join(lines)


def submission_tests(s, gradient: float, forward: float) -> list[dict[str, Any]]:
    """The Gradescope tests of one submission (see the module docstring)."""
    broken = s.status in ("error", "timeout")
    tests = []
    if s.tensors and not broken:
        for t, share in zip(s.tensors, split_points(gradient, len(s.tensors))):
            ok = t.status in EARNING
            tests.append(_test(f"Gradient of {t.name}", share if ok else 0.0, share, ok, _tensor_output(s, t)))
    else:
        if broken:
            out = _error_output(s)
        else:
            out = "\n".join(
                [
                    f"Your gradient could not be checked: {s.error or 'no parameter tensors were found'}",
                    *_diagnosis_lines(s, None),
                ]
            )
        tests.append(_test("Gradient check", 0.0, gradient, False, out))
    if forward > 0:
        ok, out = _forward_output(s)
        ok = ok and not broken
        if broken:
            out = _error_output(s)
        tests.append(_test("Forward pass", forward if ok else 0.0, forward, ok, out))
    return tests


def render_gradescope(report, spec=None) -> str:
    """Gradescope ``results.json`` for the (first) submission of ``report``.

    Parameters
    ----------
    report : AuditReport
        The audit; Gradescope grades one submission per container.
    spec : AuditSpec, optional
        For ``[points] gradient`` (default 1) and ``[points] forward`` (default 0).

    Returns
    -------
    str
        JSON text (stdlib ``json``; no NaN or infinity).
    """
    gradient, forward = _points(spec, "gradient", 1.0), _points(spec, "forward", 0.0)
    subs = list(report.submissions)
    elapsed = getattr(report, "elapsed", 0.0) or 0.0
    result: dict[str, Any] = {
        "score": 0.0,
        "execution_time": int(math.ceil(max(0.0, elapsed))),
        "visibility": "visible",
        "stdout_visibility": "hidden",
    }
    if not subs:
        result["output"] = "No submission was found: upload your network as a .py file or a Jupyter notebook."
        result["tests"] = [_test("Gradient check", 0.0, gradient, False, result["output"])]
        return _dump(result)
    s = subs[0]
    tests = submission_tests(s, gradient, forward)
    header = f"gradcheck verdict: {MARK.get(s.status, s.status)}"
    parts = [header, "", *detail_lines(s)]
    if len(subs) > 1:
        ignored = ", ".join(x.path for x in subs[1:])
        parts += [
            "",
            f"Note: {len(subs)} files were found; only {s.path} was graded (ignored: {ignored}). Submit a single file.",
        ]
    result["output"] = "\n".join(parts) + "\n"
    result["tests"] = tests
    result["score"] = round(sum(t["score"] for t in tests), DIGITS)
    return _dump(result)


def _dump(result: dict[str, Any]) -> str:
    return json.dumps(result, indent=2, allow_nan=False) + "\n"
