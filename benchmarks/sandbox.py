"""Sandbox overhead: what one sandboxed start costs per backend, and 200 small submissions audited.

    python benchmarks/sandbox.py [--starts 30] [--submissions 200] [--jobs 2] [--baseline REF]

1. Starts: the same tiny program (``python -I -c "import numpy"``, what every worker does first)
   run bare (plain subprocess, same scrubbed environment), with ``--sandbox none`` (rlimits
   only), ``container`` (where it works here) and ``bwrap``. The difference to the bare start is the backend's overhead.
2. A class: ``--submissions`` copies of the example submissions (examples/submissions, cycled,
   each under its own name) audited with ``--jobs`` in the bwrap sandbox, with the grader's
   second point and call watch; every verdict is compared with examples/submissions/EXPECTED.toml
   (its ``audit`` status where it has one: the class is audited without a spec).
   The same class with ``--sandbox none``: the sandbox's own cost is the difference. Where the
   time goes, per submission: the sandboxed worker (wall and CPU: interpreter, numpy, the
   worker's modules, the submission's own steps), the grading and the second-point checks
   (CPU in the grader).
3. With ``--baseline REF`` (a commit, e.g. ``main``): the same class audited by the code of REF
   (``git archive`` into a temporary folder, run in a child process), beside this checkout's,
   in the same run and under the same load.

Writes reports/sandbox.json and reports/sandbox.md. The machine's load average before and after
is recorded: the numbers mean little on a busy machine.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: The code measured: this checkout, or the tree of ``--baseline`` (set for the child process).
TREE = Path(os.environ.get("GRADCHECK_BENCH_TREE") or ROOT)
sys.path.insert(0, str(TREE))

from gradcheck.audit import batch  # noqa: E402
from gradcheck.audit.batch import audit_batch  # noqa: E402
from gradcheck.audit.sandbox import (  # noqa: E402
    Limits,
    SandboxUnavailable,
    get_backend,
    run_sandboxed,
    scrubbed_env,
)
from gradcheck.audit.spec import AuditSpec  # noqa: E402

PROGRAM = [sys.executable, "-I", "-c", "import numpy"]
EXAMPLES = ROOT / "examples" / "submissions"


def _stats(times: list[float]) -> dict:
    times = sorted(times)
    return {
        "n": len(times),
        "median_ms": round(1000 * statistics.median(times), 1),
        "p90_ms": round(1000 * times[int(0.9 * (len(times) - 1))], 1),
        "min_ms": round(1000 * times[0], 1),
    }


def starts(n: int) -> dict:
    """Median start time per backend; the backends take turns in every round, so load drifts hit all."""
    names = ["bare"]
    skipped = {}
    for name in ("none", "container", "bwrap"):
        try:
            get_backend(name)
            names.append(name)
        except SandboxUnavailable as exc:
            skipped[name] = {"skipped": str(exc)}
    times: dict[str, list[float]] = {name: [] for name in names}
    with tempfile.TemporaryDirectory() as wd:
        for _ in range(n):
            for name in names:
                t = time.perf_counter()
                if name == "bare":  # the same scrubbed environment (one BLAS thread), no sandbox
                    subprocess.run(PROGRAM, cwd=wd, env=scrubbed_env(home=wd), check=True)
                else:
                    r = run_sandboxed(PROGRAM, workdir=wd, limits=Limits(wall_seconds=60), backend=name)
                    assert r.ok, r.reason + r.stderr_tail
                times[name].append(time.perf_counter() - t)
    out = {name: _stats(ts) for name, ts in times.items()}
    for name in names[1:]:
        out[name]["overhead_ms"] = round(out[name]["median_ms"] - out["bare"]["median_ms"], 1)
    return {**out, **skipped}


class Phases:
    """Time per phase of every submission of a class, summed over the batch's threads."""

    def __init__(self):
        self.sums: dict[str, float] = {}
        self.lock = threading.Lock()
        self.saved = []

    def add(self, key: str, value: float) -> None:
        with self.lock:
            self.sums[key] = self.sums.get(key, 0.0) + value

    def wrap(self, owner, name: str, key: str) -> None:
        f = getattr(owner, name)
        self.saved.append((owner, name, f))

        def timed(*args, **kwargs):
            wall, cpu = time.perf_counter(), time.thread_time()
            out = f(*args, **kwargs)
            self.add(key + "_cpu_s", time.thread_time() - cpu)
            self.add(key + "_wall_s", time.perf_counter() - wall)
            if key == "worker" and out[0] is not None:  # the sandbox's own account of the run
                self.add("worker_cpu_s", out[0].cpu_seconds)
            return out

        setattr(owner, name, timed)

    def __enter__(self):
        self.wrap(batch, "run_worker", "worker")
        self.wrap(batch, "grade", "grade")
        self.wrap(batch.consistency, "judge_probes", "second_point")
        return self

    def __exit__(self, *exc):
        for owner, name, f in reversed(self.saved):
            setattr(owner, name, f)

    def per_submission(self, count: int) -> dict:
        """Mean milliseconds per submission (the worker's CPU is its process's, the others the grader's thread)."""
        keep = ("worker_wall_s", "worker_cpu_s", "grade_cpu_s", "second_point_cpu_s")
        return {k.replace("_s", "_ms"): round(1000 * self.sums.get(k, 0.0) / count, 1) for k in keep}


def a_class(count: int, jobs: int, backend: str = "bwrap") -> dict:
    expected = tomllib.loads((EXAMPLES / "EXPECTED.toml").read_text())["files"]
    sources = sorted(p for p in EXAMPLES.glob("*.py") if p.name in expected)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "class"
        folder.mkdir()
        paths, want = [], {}
        for i in range(count):
            src = sources[i % len(sources)]
            dst = folder / f"s{i:03d}_{src.name}"
            shutil.copy(src, dst)
            paths.append(dst)
            want[dst.name] = expected[src.name].get("audit", expected[src.name]["verdict"])  # zero-config status
        t, cpu = time.perf_counter(), time.process_time()
        with Phases() as phases:
            report = audit_batch(
                paths, AuditSpec(), folder=Path(tmp) / "out", jobs=jobs, limits=Limits(wall_seconds=60), backend=backend
            )
        took, cpu = time.perf_counter() - t, time.process_time() - cpu
    agree = sum(want[Path(s.path).name] == s.status for s in report.submissions)
    each = [s.elapsed for s in report.submissions]
    return {
        "submissions": count,
        "jobs": jobs,
        "seconds": round(took, 1),
        "per_submission_s": round(took / count, 3),
        "median_submission_wall_s": round(statistics.median(each), 3),
        "verdicts_matching_expected": agree,
        "grader_cpu_s": round(cpu, 1),
        "phases_per_submission": phases.per_submission(count),
        "target_seconds": 60,
        "met": took < 60,
    }


def baseline(ref: str, count: int, jobs: int, backend: str) -> dict:
    """The class audited by the code of commit ``ref`` (its tree, this benchmark), in a child process."""
    with tempfile.TemporaryDirectory(prefix="gradcheck-baseline-") as tree:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref], capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", tree], input=archive.stdout, check=True)
        cmd = [sys.executable, __file__, "--class-only", backend, "--submissions", str(count), "--jobs", str(jobs)]
        env = {**os.environ, "GRADCHECK_BENCH_TREE": tree}
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", ref], capture_output=True, text=True)
    return {**json.loads(proc.stdout), "ref": ref, "commit": commit.stdout.strip()}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--starts", type=int, default=30, help="starts per backend (default: %(default)s)")
    ap.add_argument("--submissions", type=int, default=200, help="class size (default: %(default)s)")
    ap.add_argument("--jobs", type=int, default=2, help="parallel audits (default: %(default)s)")
    ap.add_argument("--output", type=Path, default=ROOT / "reports", help="where sandbox.json/.md go")
    ap.add_argument("--baseline", metavar="REF", help="also audit the class with the code of this commit")
    ap.add_argument("--class-only", metavar="BACKEND", help=argparse.SUPPRESS)  # the child of --baseline
    args = ap.parse_args(argv)
    if args.class_only:
        print(json.dumps(a_class(args.submissions, args.jobs, backend=args.class_only)))
        return 0
    load_before = os.getloadavg()
    result = {"cpus": os.cpu_count(), "load_before": [round(x, 2) for x in load_before]}
    result["starts"] = starts(args.starts)
    result["class"] = a_class(args.submissions, args.jobs)
    if args.baseline:
        result["baseline"] = baseline(args.baseline, args.submissions, args.jobs, "bwrap")
    result["class_unsandboxed"] = a_class(args.submissions, args.jobs, backend="none")
    if args.baseline:
        result["baseline_unsandboxed"] = baseline(args.baseline, args.submissions, args.jobs, "none")
    result["class"]["sandbox_overhead_per_submission_s"] = round(
        (result["class"]["seconds"] - result["class_unsandboxed"]["seconds"]) / args.submissions * args.jobs, 3
    )
    result["load_after"] = [round(x, 2) for x in os.getloadavg()]
    result["when"] = time.strftime("%Y-%m-%d %H:%M")
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / "sandbox.json").write_text(json.dumps(result, indent=2) + "\n")
    (args.output / "sandbox.md").write_text(render(result))
    print(render(result))
    return 0 if result["class"]["met"] else 1


def render(r: dict) -> str:
    lines = [
        "# Sandbox overhead",
        "",
        f"Measured {r['when']} by `python benchmarks/sandbox.py` on {r['cpus']} CPUs; load average "
        f"(1, 5, 15 min) {r['load_before']} before and {r['load_after']} after (a shared machine: "
        "other work was running).",
        "",
        '## One start: `python -I -c "import numpy"`',
        "",
        "| backend | median | p90 | min | overhead (median - bare) |",
        "|---|---|---|---|---|",
    ]
    for name, s in r["starts"].items():
        if "skipped" in s:
            lines.append(f"| {name} | skipped: {s['skipped'][:90]} | | | |")
            continue
        extra = f"{s['overhead_ms']} ms" if "overhead_ms" in s else "-"
        lines.append(f"| {name} | {s['median_ms']} ms | {s['p90_ms']} ms | {s['min_ms']} ms | {extra} |")
    c = r["class"]
    lines += [
        "",
        f"## A class: {c['submissions']} small submissions, `--jobs {c['jobs']}`, bwrap",
        "",
        f"{c['seconds']} s in all ({c['per_submission_s']} s per submission; the median submission took "
        f"{c['median_submission_wall_s']} s from copy to verdict, second point and call watch included). "
        f"Target: under {c['target_seconds']} s: {'met' if c['met'] else 'NOT met'}. "
        "Verdicts matching examples/submissions/EXPECTED.toml: "
        f"{c['verdicts_matching_expected']} of {c['submissions']}.",
        "",
        f"The same class with `--sandbox none`: {r['class_unsandboxed']['seconds']} s. The sandbox's own cost is "
        f"the difference: {c['sandbox_overhead_per_submission_s']} s per submission and job slot.",
        "",
        *_phase_table(r),
    ]
    return "\n".join(lines)


def _phase_table(r: dict) -> list[str]:
    """Where the time goes, per submission, for each class audited (this checkout, and the baseline's code)."""
    rows = [("this checkout", "bwrap", r["class"]), ("this checkout", "none", r["class_unsandboxed"])]
    if "baseline" in r:
        who = f"{r['baseline']['ref']} ({r['baseline']['commit']})"
        rows += [(who, "bwrap", r["baseline"]), (who, "none", r["baseline_unsandboxed"])]
    lines = [
        "Per submission, mean: the sandboxed worker's wall time and its process's CPU time (interpreter, "
        "numpy, the worker's modules, the submission's steps, the second point's calls), then the "
        "grader's CPU time for the grading (check, loss conventions, diagnosis of a failure) and the "
        "second-point check. Rows side by side were measured in the same run.",
        "",
        "| code | sandbox | class total | verdicts as expected | worker wall | worker CPU "
        "| grading CPU | second point CPU | grader CPU in all |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for who, backend, c in rows:
        ph = c.get("phases_per_submission", {})
        cells = [f"{ph[k]} ms" if k in ph else "-" for k in ("worker_wall_ms", "worker_cpu_ms", "grade_cpu_ms")]
        cells.append(f"{ph['second_point_cpu_ms']} ms" if "second_point_cpu_ms" in ph else "-")
        lines.append(
            f"| {who} | {backend} | {c['seconds']} s | {c['verdicts_matching_expected']} of {c['submissions']} "
            f"| {' | '.join(cells)} | {c.get('grader_cpu_s', '-')} s |"
        )
    return [*lines, ""]


if __name__ == "__main__":
    sys.exit(main())
