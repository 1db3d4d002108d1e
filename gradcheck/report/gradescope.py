"""Gradescope autograder ``results.json`` for one student's upload.

Gradescope runs one container per student submission and reads
``/autograder/results/results.json``::

    {"score": 3.0, "execution_time": 4, "output": "...", "visibility": "visible",
     "stdout_visibility": "hidden", "extra_data": {...},
     "tests": [{"name": "Gradient of W1", "score": 0.0, "max_score": 0.25,
                "status": "failed", "output": "...", "visibility": "visible"}, ...]}

(Gradescope's autograder specification: a top-level ``score`` overrides the
sum of the tests' scores; ``stdout_visibility: hidden`` keeps the
autograder's own output, where ``run_autograder`` prints the full report, for
instructors only; ``extra_data`` is stored, not shown.)

The tests of one graded file:

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

A submission whose status is ``error`` or ``timeout`` scores 0 on every test.

**Every uploaded file is judged.** The spec's ``[entry] file`` names the one
file graded; without it every ``.py``/``.ipynb`` file of the upload is graded
on its own (with a copy of its folder, so modules importing each other
work), its tests named ``<file>: ...``, and the score is the **lowest** of
the files' scores: a file with a bug is never hidden by a correct one. Files
in which no network is found at all (helper modules) are reported and left
out of that minimum (as are library modules no network can be run from alone), unless no
file has a network. The rule is stated in the
output and in a ``Score rule`` test worth no points.

**Students see a student-facing message set**: their own file names (never
a path of the grader), the verdicts, the evidence and the diagnoses, the
error of their own code, and no spec vocabulary (``set spec.run_toplevel``,
``[loss] name``, ``--spec``). The grader's notes, the command that
reproduces the audit and the full results go to instructors: in
``extra_data`` and in the autograder output ``run_autograder`` prints.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from gradcheck.report.student import for_students, other_wrong_entries, paths_only, student_lines
from gradcheck.report.text import MARK

#: Statuses of a tensor that earn its points.
EARNING = ("pass", "kink")
#: Digits the point shares are rounded to.
DIGITS = 4
#: Characters of the submission's own output shown for an error or timeout.
TAIL = 1500
#: Worker errors that mean no network could be run from the file by itself (a helper module, a
#: library of layers, a class whose sizes only a script knows): left out of the minimum when
#: another file of the upload was graded, since they say nothing of the student's gradient.
NO_NETWORK = ("EntryNotFound", "ParamsNotFound", "ConstructorArguments", "AmbiguousEntry")
#: Said to a student when a grader message had nothing left for them.
ASK = "the autograder could not read your network; your instructor can see the details"


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


class _Say:
    """Grader text for one student: their file names only, no grader vocabulary."""

    def __init__(self, names=()):
        self.names = list(names)

    def __call__(self, text: str | None) -> str:
        return for_students(text, self.names)


def _diagnosis_lines(s, tensor: str | None, say) -> list[str]:
    """Diagnoses about ``tensor`` (or about every tensor, ``tensor`` None), best first."""
    out = []
    for d in s.diagnoses:
        names = [t.strip() for t in d.tensor.split(",")] if d.tensor else []
        message = say(d.message)
        if message and (tensor is None or not names or tensor in names):
            where = f" [{d.tensor}]" if d.tensor else ""
            out.append(f"Likely bug ({d.code}{where}): {message}")
    return out[:3]


def _tensor_output(s, t, say) -> str:
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
    lines += other_wrong_entries(t)
    wrong = (t.counts or {}).get("fail", 0) if t.checked else 0
    if wrong:
        lines.append(f"{wrong} of {t.checked} checked entries are wrong.")
    lines += _diagnosis_lines(s, t.name, say)
    return "\n".join(lines)


def _forward_output(s, say) -> tuple[bool, str]:
    f = s.forward
    if f is None:
        error = say(s.error)
        return False, "The forward pass could not be checked" + (f": {error}" if error else ".")
    if f.status == "match":
        return True, f"Your forward output matches the reference network {f.network}."
    if f.status == "unavailable":
        return False, "No forward output was found, so it could not be checked."
    err = f"{f.max_abs_error:.3g}" if f.max_abs_error is not None else "?"
    lines = [f"Your forward output differs from the closest reference network ({f.network}) by up to {err}."]
    lines += [f"Likely bug ({d.code}): {say(d.message)}" for d in s.diagnoses if d.code == "forward_mismatch"][:1]
    return False, "\n".join(lines)


def _error_output(s, say) -> str:
    what = "timed out" if s.status == "timeout" else "could not be graded"
    lines = [f"Your submission {what}: {say(s.error) or ASK}"]
    tail = paths_only((s.output_tail or "").strip(), say.names)
    if tail:
        lines += ["", "Last lines of its output:", tail[-TAIL:]]
    return "\n".join(lines)


def _loss_open(s, say) -> str:
    """Why a gradient right for one loss earns nothing: the loss of the assignment is not known ("" otherwise)."""
    if s.status != "inconclusive":
        return ""
    d = next((d for d in s.diagnoses if d.code == "loss_undetermined"), None)
    return (f"Not graded: {say(d.message) or ASK} Ask your instructor which loss is meant.") if d else ""


def submission_tests(s, gradient: float, forward: float, say=None) -> list[dict[str, Any]]:
    """The Gradescope tests of one submission (see the module docstring), in words for the student."""
    say = say or _Say([Path(s.path).name])
    broken = s.status in ("error", "timeout")
    tests = []
    if s.tensors and not broken:
        open_loss = _loss_open(s, say)  # right for some loss, but the assignment's is not known: no points
        for t, share in zip(s.tensors, split_points(gradient, len(s.tensors))):
            ok = t.status in EARNING and not open_loss
            out = _tensor_output(s, t, say) + (f"\n{open_loss}" if open_loss else "")
            tests.append(_test(f"Gradient of {t.name}", share if ok else 0.0, share, ok, out))
    else:
        if broken:
            out = _error_output(s, say)
        else:
            why = say(s.error) or "no parameter tensors were found"
            out = "\n".join([f"Your gradient could not be checked: {why}", *_diagnosis_lines(s, None, say)])
        tests.append(_test("Gradient check", 0.0, gradient, False, out))
    if forward > 0:
        ok, out = _forward_output(s, say)
        ok = ok and not broken
        if broken:
            out = _error_output(s, say)
        tests.append(_test("Forward pass", forward if ok else 0.0, forward, ok, out))
    return tests


def _has_no_network(s) -> bool:
    """The audit's own finding that no network can run from the file alone; never the submission's exception,
    whatever the submission named its class (an ``EntryNotFound`` of its own would otherwise remove a buggy
    file from the lowest score)."""
    no_network = s.status == "error" and not s.tensors and (s.error or "").startswith(NO_NETWORK)
    return no_network and s.error_source == "audit"


def _graded(subs) -> tuple[list, list]:
    """The files whose scores count, and the helper files left out (no network in them).

    When no file has a network the autograder can run, every file counts (and scores 0).
    """
    helpers = [s for s in subs if _has_no_network(s)]
    counted = [s for s in subs if not _has_no_network(s)]
    return (counted, helpers) if counted else (list(subs), [])


def _none_runnable(subs) -> bool:
    return all(_has_no_network(s) for s in subs)


def _rule(names: dict, counted, helpers, scores: dict, total: float) -> str:
    listing = ", ".join(f"{names[id(s)]} {_pts(scores[id(s)])}/{_pts(total)}" for s in counted)
    if len(counted) == 1:
        text = f"The one file of your upload with a network in it was graded ({listing})."
    else:
        text = (
            f"Each of the {len(counted)} files of your upload with a network in it was graded on its own "
            f"({listing}). Your score is the lowest of these, so that a file with a bug is never hidden by a "
            "correct one: upload only the files of your solution."
        )
    if helpers:
        text += (
            f" Not graded on their own (no network the autograder could run from them alone): "
            f"{', '.join(names[id(s)] for s in helpers)}."
        )
    return text


def _pts(x: float) -> str:
    return f"{round(x, 2):g}"


def _student_view(upload, subs) -> tuple[dict, _Say]:
    """The name of each submission as the student knows it, and the translator for their messages."""
    names = {id(s): (upload.name(s.path) if upload is not None else Path(s.path).name) for s in subs}
    known = list(names.values())
    if upload is not None:
        known += [n for n, _ in upload.not_graded]
    return names, _Say(known)


def _instructor(report, upload, rule: str | None) -> dict[str, Any]:
    """Everything, for the instructor (``extra_data``: stored by Gradescope, not shown to the student)."""
    data: dict[str, Any] = {"submissions": [s.to_dict() for s in report.submissions]}
    if upload is not None:
        data["upload"] = str(upload.root)
        data["not_graded"] = [{"file": n, "why": w} for n, w in upload.not_graded]
        data["entry_file"] = upload.entry
    if rule:
        data["score_rule"] = rule
    return {"gradcheck": data}


def _missing(upload, gradient: float, forward: float) -> tuple[str, list]:
    found = ", ".join(n for n, _ in upload.not_graded) if upload is not None else ""
    found = found or "none"
    if upload is not None and upload.entry:
        text = (
            f"Your upload has no file named {upload.entry}, the file this assignment grades "
            f"(files found: {found}). Name your solution {upload.entry} and submit again."
        )
    else:
        text = (
            f"No .py or .ipynb file was found in your upload (files found: {found}). Upload your network "
            "as a .py file or a Jupyter notebook."
        )
    return text, [_test("Gradient check", 0.0, gradient + forward, False, text)]


def render_gradescope(report, spec=None, upload=None) -> str:
    """Gradescope ``results.json`` for one student's upload.

    Parameters
    ----------
    report : AuditReport
        The audit of the upload's graded files (see :func:`gradcheck.audit.gradescope.plan_upload`).
    spec : AuditSpec, optional
        For ``[points] gradient`` (default 1) and ``[points] forward`` (default 0).
    upload : gradcheck.audit.gradescope.Upload, optional
        What was uploaded: the names the student knows, the files not graded and why.

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
        result["output"], result["tests"] = _missing(upload, gradient, forward)
        result["extra_data"] = _instructor(report, upload, None)
        return _dump(result)
    names, say = _student_view(upload, subs)
    counted, helpers = _graded(subs)
    per_file = {id(s): submission_tests(s, gradient, forward, say) for s in subs}
    scores = {k: round(sum(t["score"] for t in v), DIGITS) for k, v in per_file.items()}
    rule = _rule(names, counted, helpers, scores, gradient + forward) if len(subs) > 1 else None
    if rule and _none_runnable(subs):
        rule = (
            f"No network could be run from any of the {len(subs)} files of your upload on its own, so none "
            "could be graded (the reason for each file is below). Your instructor can see the details, and "
            "can name the file of the assignment that is graded."
        )
    tests = per_file[id(subs[0])] if len(subs) == 1 else _file_tests(subs, names, per_file, rule)
    parts = []
    for s in subs:
        parts += [*student_lines(s, names[id(s)], say.names), ""]
    if rule:
        parts.append(rule)
    if upload is not None and upload.not_graded:
        parts.append("Not graded: " + "; ".join(f"{n} ({w})" for n, w in upload.not_graded) + ".")
    worst = min(counted, key=lambda s: scores[id(s)])
    result["output"] = (
        f"gradcheck verdict: {MARK.get(worst.status, worst.status)}\n\n" + "\n".join(parts).strip() + "\n"
    )
    result["tests"] = tests
    result["score"] = scores[id(worst)]
    result["extra_data"] = _instructor(report, upload, rule)
    return _dump(result)


def _file_tests(subs, names, per_file, rule) -> list[dict[str, Any]]:
    tests = [_test("Score rule", 0.0, 0.0, True, rule)]
    for s in subs:
        for t in per_file[id(s)]:
            tests.append({**t, "name": f"{names[id(s)]}: {t['name']}"})
    return tests


def _dump(result: dict[str, Any]) -> str:
    from gradcheck.report.files import json_safe

    return json.dumps(json_safe(result), indent=2, allow_nan=False) + "\n"
