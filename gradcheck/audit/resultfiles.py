"""A batch's result files: each submission's signed verdict, named apart, and what ``--resume`` reloads.

Every way of running a batch (threads in :mod:`gradcheck.audit.batch`, a dask cluster in
:mod:`gradcheck.audit.distributed`) plans it here (:func:`plan_batch`: the folder's key,
each submission's result name and content digest, the verdicts that verify) and writes
each verdict here (:func:`record`: atomically, signed with the folder's key). Only the
grader writes these files; a verdict whose signature, digest or spec does not verify is
audited again.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from gradcheck.audit import intake, signing
from gradcheck.audit.sandbox import Limits
from gradcheck.audit.spec import AuditSpec
from gradcheck.audit.submissionresult import SubmissionResult
from gradcheck.audit.submissions import result_names
from gradcheck.report.files import to_json, write_atomic

__all__ = ["NAME_BYTES", "BatchPlan", "from_dict", "plan_batch", "record", "submission_digest"]


def _digest(tree: str, spec: AuditSpec) -> str:
    h = hashlib.sha256(tree.encode("utf-8", "surrogateescape"))  # a file name's bytes need not be UTF-8
    h.update(json.dumps(spec.sections, sort_keys=True, default=str).encode())
    return h.hexdigest()[:16]


def submission_digest(path: Path, spec: AuditSpec, max_bytes: int, name: str = "") -> str:
    """What ``--resume`` compares: the safely copied content (or why it is refused), the file graded, the spec."""
    try:
        workdir = intake.copy_submission(path, max_bytes=max_bytes)
    except (intake.SubmissionRefused, OSError) as exc:
        return _digest(f"unreadable: {exc}", spec)
    try:
        return _digest(f"{name}\n{intake.tree_digest(workdir)}", spec)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@dataclass(frozen=True)
class BatchPlan:
    """What a batch has to do, shared by every way of running it (threads here, a cluster elsewhere).

    ``key`` signs the folder's results; ``names`` and ``digests`` name each submission's
    result file and what ``--resume`` compares; ``cached`` holds the verdicts ``--resume``
    reloaded; ``todo`` the submissions left to audit, in order.
    """

    folder: Path
    key: bytes
    names: dict[Path, str]
    digests: dict[Path, str]
    cached: dict[Path, SubmissionResult]
    todo: list[Path]

    def probe_seed(self, p: Path) -> int:
        """Seed of the grader's second point for ``p``: secret before the run, the same on ``--resume``."""
        return signing.derive_seed(self.key, f"probe {self.digests[p]} {p.name}")


def plan_batch(
    paths: list[Path], spec: AuditSpec, *, folder: Path, limits: Limits, resume: bool, siblings: bool
) -> BatchPlan:
    """The folder's key, the result names and digests, and (with ``resume``) the verdicts that verify."""
    key = signing.run_key(folder)
    names = result_names(paths)  # unique even when every student's file is called mlp.py
    (folder / "submissions").mkdir(parents=True, exist_ok=True)
    digests = {p: submission_digest(p.parent if siblings else p, spec, limits.disk_bytes, p.name) for p in paths}
    cached: dict[Path, SubmissionResult] = {}
    for p in paths if resume else ():
        r = _cached(folder, p, digests[p], key, names)
        if r is not None:
            cached[p] = r
    return BatchPlan(folder, key, names, digests, cached, [p for p in paths if p not in cached])


def record(plan: BatchPlan, p: Path, r: SubmissionResult) -> SubmissionResult:
    """Write ``p``'s verdict to its result file, atomically, signed with the folder's key: ``r``, or when
    the file cannot be written (a name too long for the file system) ``r`` with a note saying so, never an
    error that would stop the batch and cost every other student the report."""
    data = json.loads(to_json({"digest": plan.digests[p], **r.to_dict()}))
    try:
        write_atomic(_result_path(plan.folder, p, plan.names), to_json({**data, "hmac": signing.sign(plan.key, data)}))
    except OSError as exc:
        why = f"{type(exc).__name__}: {exc.strerror or exc}"
        return replace(
            r,
            notes=(
                *r.notes,
                f"its result file could not be written ({why}): the verdict is in the "
                "reports only, and --resume audits it again",
            ),
        )
    return r


#: Bytes of one part of a result file's name: with ``.json`` and the temporary name :func:`write_atomic` writes
#: first (``.NAME.json.XXXXXXXX.tmp``), it stays under the 255 bytes a file name may have (ext4, xfs, tmpfs).
NAME_BYTES = 200


def _result_path(folder: Path, p: Path, names: dict[Path, str] | None = None) -> Path:
    """``submissions/<name>.json``, one folder per folder of the name, no two results at one path.

    A result is a file ending in ``.json``; a folder of the name never ends so (:func:`_folder_part`):
    a student's folder called ``mlp.py.json`` next to the file ``mlp.py`` cannot make one result's file
    the other's folder, which would stop the batch for the whole class.
    """
    *folders, file = (names or {}).get(p, p.name).split("/")
    parts = [_bounded(_folder_part(f), "") for f in folders] + [_bounded(f"{file}.json", ".json")]
    return folder / "submissions" / "/".join(parts)


#: Appended to a folder's name that ends in ``.json`` or in this mark itself: one-to-one, and no folder's
#: name ends in ``.json``.
FOLDER_MARK = "~"


def _folder_part(name: str) -> str:
    return name + FOLDER_MARK if name.endswith((".json", FOLDER_MARK)) else name


def _bounded(part: str, suffix: str) -> str:
    """``part``, or when longer than :data:`NAME_BYTES` its start, a hash of the whole and ``suffix`` (a student's
    file may be called anything up to 255 bytes; its result file's name must not stop the batch)."""
    raw = part.encode("utf-8", "surrogateescape")
    if len(raw) <= NAME_BYTES:
        return part
    digest = hashlib.sha256(raw).hexdigest()[:16]
    return f"{raw[: NAME_BYTES - 40].decode('utf-8', 'ignore')}-{digest}{suffix or FOLDER_MARK}"


def _cached(folder: Path, p: Path, digest: str, key: bytes, names: dict[Path, str]) -> SubmissionResult | None:
    """The verdict on disk, if its signature verifies under this folder's key and its digest is ``digest``."""
    f = _result_path(folder, p, names)
    try:
        data = json.loads(f.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not signing.verify(key, data) or data.get("digest") != digest:
        return None
    return from_dict(data)


def _float(value: float | None) -> float:
    """A number of a tensor's JSON: null stands for NaN (nothing compared, as for a gradient of the wrong shape)."""
    return float("nan") if value is None else value


def from_dict(d: dict[str, Any]) -> SubmissionResult:
    """Rebuild a SubmissionResult from its JSON (for resume and re-rendering)."""
    from gradcheck.audit.grade import ForwardCheck
    from gradcheck.result import Diagnosis, EntryEvidence, TensorResult

    tensors = tuple(
        TensorResult(
            name=t["name"],
            shape=tuple(t["shape"]),
            status=t["status"],
            max_abs_error=_float(t["max_abs_error"]),
            max_rel_error=_float(t["max_rel_error"]),
            worst_index=tuple(t["worst_index"]),
            analytic=_float(t["analytic"]),
            numeric=_float(t["numeric"]),
            checked=t.get("checked", 0),
            size=t.get("size", 0),
            counts=t.get("counts", {}),
            evaluations=t.get("evaluations", 0),
            worst=tuple(EntryEvidence(**{**e, "index": tuple(e["index"])}) for e in t.get("worst", [])),
        )
        for t in d.get("tensors", [])
    )
    diags = tuple(
        Diagnosis(x["code"], x["tensor"], x["message"], x["confidence"], x.get("evidence", {}))
        for x in d.get("diagnoses", [])
    )
    fwd = ForwardCheck(**d["forward"]) if d.get("forward") else None
    keep = {
        k: d.get(k)
        for k in (
            "path",
            "status",
            "error",
            "error_source",
            "shape",
            "entry",
            "loss",
            "command",
            "output_tail",
            "network_isolated",
            "score",
            "max_score",
        )
    }
    keep["suggested_spec"] = d.get("suggested_spec") or ""
    return SubmissionResult(
        tensors=tensors,
        diagnoses=diags,
        forward=fwd,
        notes=tuple(d.get("notes", [])),
        rules=d.get("rules", {}),
        elapsed=d.get("elapsed", 0.0),
        isolation=tuple(d.get("isolation", [])),
        error_maps=d.get("error_maps") or {},
        **keep,
    )
