"""The audit's cost per submission, before and after a change, side by side in one run.

    nice python benchmarks/audit_cost.py [--base REF] [--out DIR]

Runs ``python -m gradcheck audit FOLDER --format json --jobs 1`` on each folder below, first
with the code of ``--base`` (``git archive`` of that commit into a temporary folder, run with
it first on ``PYTHONPATH``), then with this checkout, and compares every submission's verdict
(status, diagnosis codes, the error's first words) and its time (``elapsed``: the sandboxed
run and the grading). The default base is the commit before the directional screen of
candidate networks (gradcheck/audit/fitscreen.py) came in.

Folders:

* ``examples/submissions`` as the base commit had them (most have a forward output, so little
  should change; examples added since may need what the base lacks);
* ``benchmarks/costcases``: submissions whose forward exists only inside a training method,
  where the grader must find the network among the candidates (hidden activation x output
  layer x loss convention): the slow path this benchmark is about.

Writes reports/audit_cost.json and reports/audit_cost.md; the machine's load average before
and after is recorded (the machine is shared: compare the ratio, not the seconds).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: (folder, whose copy): the examples as the base commit had them (files added since may need what the base
#: lacks), and the cost cases as this checkout has them.
FOLDERS = (("examples/submissions", "base"), ("benchmarks/costcases", "head"))


def default_base() -> str:
    """The parent of the commit that added the directional screen."""
    added = subprocess.run(
        ["git", "log", "--diff-filter=A", "--format=%H", "--", "gradcheck/audit/fitscreen.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    if not added:
        raise SystemExit("gradcheck/audit/fitscreen.py is not in this history: give --base")
    return added[-1] + "^"


def checkout(ref: str, into: Path) -> Path:
    """``git archive`` of ``ref`` unpacked into ``into``."""
    archive = subprocess.run(["git", "archive", ref], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def audit(code: Path, folder: Path, out: Path) -> tuple[dict, float]:
    """(the JSON report, wall seconds) of auditing ``folder`` with the code in ``code``."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    start = time.perf_counter()
    argv = [sys.executable, "-m", "gradcheck", "audit", str(folder), "--format", "json", "--jobs", "1"]
    run = subprocess.run(
        [*argv, "--output", str(out)],
        cwd=code,
        env=env,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - start
    if not run.stdout.strip():
        raise SystemExit(f"no report from {code} on {folder}: {run.stderr[-2000:]}")
    return json.loads(run.stdout), wall


def verdict(s: dict) -> dict:
    """What must not change: status, diagnosis codes, the error up to its first colon."""
    return {
        "status": s["status"],
        "diagnoses": [d["code"] for d in s["diagnoses"]],
        "error": (s["error"] or "").split(":")[0][:120],
        "network": (s.get("forward") or {}).get("network"),
    }


def compare(before: dict, after: dict) -> list[dict]:
    rows = []
    b = {s["path"]: s for s in before["submissions"]}
    for s in after["submissions"]:
        old = b[s["path"]]
        rows.append(
            {
                "path": _short(s["path"]),
                "before": verdict(old),
                "after": verdict(s),
                "same": verdict(old) == verdict(s),
                "seconds_before": old["elapsed"],
                "seconds_after": s["elapsed"],
            }
        )
    return rows


def _short(path: str) -> str:
    """``examples/submissions/x.py`` whichever copy of the folder it was audited in."""
    parts = Path(path).parts
    for i in range(len(parts) - 1):
        if (parts[i], parts[i + 1]) in (("examples", "submissions"), ("benchmarks", "costcases")):
            return "/".join(parts[i:])
    return path


def render(data: dict) -> str:
    lines = [
        "# Audit cost per submission, before and after",
        "",
        f"Base `{data['base']}`, head `{data['head']}`; `python -m gradcheck audit FOLDER --format json --jobs 1`, "
        f"base first, on a shared 2-core machine (load average {data['load_before']} before, "
        f"{data['load_after']} after). Regenerate: `nice python benchmarks/audit_cost.py`.",
        "",
        "| folder | submissions | wall before (s) | wall after (s) | ratio | verdicts changed |",
        "|---|---|---|---|---|---|",
    ]
    for f in data["folders"]:
        changed = sum(not r["same"] for r in f["rows"])
        ratio = f["wall_before"] / f["wall_after"]
        lines.append(
            f"| {f['folder']} | {len(f['rows'])} | {f['wall_before']:.1f} | {f['wall_after']:.1f} | "
            f"{ratio:.1f}x | {changed} |"
        )
    lines += ["", "## The slowest submissions (before)", ""]
    lines += ["| submission | verdict | before (s) | after (s) | ratio |", "|---|---|---|---|---|"]
    rows = sorted((r for f in data["folders"] for r in f["rows"]), key=lambda r: -r["seconds_before"])
    for r in rows[:12]:
        v = r["after"]["status"] + (f" {r['after']['diagnoses'][0]}" if r["after"]["diagnoses"] else "")
        ratio = r["seconds_before"] / max(r["seconds_after"], 1e-3)
        lines.append(f"| {r['path']} | {v} | {r['seconds_before']:.1f} | {r['seconds_after']:.1f} | {ratio:.0f}x |")
    changed = [r for r in rows if not r["same"]]
    lines += ["", "## Verdicts changed", ""]
    lines += [f"- {r['path']}: {r['before']} -> {r['after']}" for r in changed] or ["None."]
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base", help="the commit to compare against (default: before the directional screen)")
    ap.add_argument("--out", type=Path, default=ROOT / "reports")
    args = ap.parse_args()
    base = args.base or default_base()
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
    data = {"base": base, "head": head.strip(), "load_before": os.getloadavg()[0], "folders": []}
    with tempfile.TemporaryDirectory(prefix="audit-cost-") as tmp:
        (Path(tmp) / "base").mkdir()
        old = checkout(base, Path(tmp) / "base")
        for folder, whose in FOLDERS:
            where = (old if whose == "base" else ROOT) / folder
            before, wall_before = audit(old, where, Path(tmp) / "out")
            after, wall_after = audit(ROOT, where, Path(tmp) / "out")
            rows = compare(before, after)
            data["folders"].append(
                {"folder": folder, "wall_before": wall_before, "wall_after": wall_after, "rows": rows}
            )
            print(f"{folder}: {wall_before:.1f} s -> {wall_after:.1f} s", flush=True)
    data["load_after"] = os.getloadavg()[0]
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "audit_cost.json").write_text(json.dumps(data, indent=1) + "\n")
    (args.out / "audit_cost.md").write_text(render(data))
    print(render(data))


if __name__ == "__main__":
    main()
