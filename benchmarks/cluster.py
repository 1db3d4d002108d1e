"""A class audited on a dask.distributed LocalCluster of 2 workers against ``--jobs 2``, side by side.

    python benchmarks/cluster.py [--submissions 2000] [--workers 2] [--noop 400] [--verdicts] [--out /tmp/...]

1. Throughput: a class of ``--submissions`` generated submissions (benchmarks/make_class.py: the
   example shapes, correct, buggy, with planted bugs, a few hostile; written to /tmp) audited in
   the bwrap sandbox with ``--jobs W`` and on a LocalCluster of W worker processes (1 thread
   each). The class is cut in two halves run local, cluster, cluster, local (ABBA), so a drift
   of the shared machine's load hits both alike. Every verdict of the two runs is compared.
2. The cluster's own cost per task, apart from any audit: ``--noop`` tasks whose audit returns at
   once, through the same client loop (result file written, signature and all).
3. The client's serial work per submission: the safe copy and digest of every submission (what
   ``--resume`` compares), made before any task starts.
4. With ``--verdicts``: examples/submissions and examples/hostile, whole, with ``--jobs W`` and on
   the cluster, same folder key: every verdict and report field but the timings compared.

Writes reports/cluster.json and reports/cluster.md, with the projected wall time of 100,000
submissions on N workers. The load average before and after is recorded.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from make_class import make_class  # noqa: E402

from gradcheck.audit import distributed as dd  # noqa: E402
from gradcheck.audit import signing  # noqa: E402
from gradcheck.audit.batch import audit_batch, limits_for, plan_batch  # noqa: E402
from gradcheck.audit.grade import SubmissionResult  # noqa: E402
from gradcheck.audit.spec import AuditSpec  # noqa: E402
from gradcheck.audit.submissions import discover  # noqa: E402

CLASS_SPEC = {"limits": {"wall_seconds": 10.0}}  # as make_class.py says to audit it (--timeout 10)
HOSTILE_SPEC = {"limits": {"wall_seconds": 8.0, "memory_mb": 768}}  # as tests/test_audit_hostile.py
PROJECTED = 100_000


def noop_audit(path, spec, **kw) -> SubmissionResult:
    """An audit that does nothing: what is left of a task is the cluster's and the client's cost."""
    return SubmissionResult(path=str(path), status="pass", score=1.0, max_score=1.0)


def _run_specific(text: str) -> str:
    """A student's output without what differs between any two runs, local or not: the numbers of
    the grader's fds and of its temp files' inodes (examples/hostile/forge_channel.py and proc_fd.py
    print them)."""
    return re.sub(r"#\d+", "#N", re.sub(r"(fd |fd/)\d+", r"\1N", text))


def _comparable(report) -> list[dict]:
    out = []
    for s in report.to_dict()["submissions"]:
        s = {**s, "elapsed": 0}
        s["output_tail"] = _run_specific(s.get("output_tail") or "")
        out.append(s)
    return out


def _run_pair(paths, spec, base: Path, client, workers: int, tag: str, dask_first: bool = False) -> dict:
    """Local and cluster runs of the same submissions (in either order), in folders sharing one key."""
    local_dir, dask_dir = base / f"{tag}-local", base / f"{tag}-dask"
    signing.run_key(base / f"{tag}-key")
    for d in (local_dir, dask_dir):
        d.mkdir(parents=True)
        shutil.copy(base / f"{tag}-key" / signing.KEY_FILE, d / signing.KEY_FILE)
    runs = {
        "local": lambda: audit_batch(paths, spec, folder=local_dir, jobs=workers),
        "dask": lambda: dd.audit_batch_dask(paths, spec, folder=dask_dir, client=client),
    }
    took = {}
    for name in ("dask", "local") if dask_first else ("local", "dask"):
        t = time.perf_counter()
        took[name] = runs[name](), time.perf_counter() - t
    (local, t_local), (cluster, t_dask) = took["local"], took["dask"]
    differ = [a["path"] for a, b in zip(_comparable(local), _comparable(cluster), strict=True) if a != b]
    return {"local": local, "dask": cluster, "t_local": t_local, "t_dask": t_dask, "differ": differ}


def throughput(n: int, workers: int, client, base: Path) -> dict:
    klass = base / "class"
    expected = make_class(klass, n, seed=0)
    paths = discover([klass])
    spec = AuditSpec(CLASS_SPEC, None)
    half = len(paths) // 2
    a = _run_pair(paths[:half], spec, base, client, workers, "A")
    b = _run_pair(paths[half:], spec, base, client, workers, "B", dask_first=True)  # ABBA
    runs = [a, b]
    t_local = sum(r["t_local"] for r in runs)
    t_dask = sum(r["t_dask"] for r in runs)
    local = [s for r in runs for s in r["local"].submissions]
    times = sorted(s.elapsed for s in local)
    small = statistics.median(times)
    per_local, per_dask = t_local * workers / len(paths), t_dask * workers / len(paths)
    graded = [(s, expected[Path(s.path).name]) for s in local]
    graded = [(s, e) for s, e in graded if e == "pass" or e.startswith("fail")]
    agree = sum((s.status == "pass") == (e == "pass") for s, e in graded)
    return {
        "submissions": len(paths),
        "wall_local_s": round(t_local, 1),
        "wall_dask_s": round(t_dask, 1),
        "slot_s_per_submission_local": round(per_local, 4),
        "slot_s_per_submission_dask": round(per_dask, 4),
        "overhead_s_per_task": round(per_dask - per_local, 4),
        "median_audit_s": round(small, 4),
        "overhead_vs_median_audit": round((per_dask - per_local) / small, 4),
        "differ": [d for r in runs for d in r["differ"]],
        "pass_fail_as_generated": [agree, len(graded)],
    }


def noop(n: int, client, base: Path) -> dict:
    klass = base / "noop"
    make_class(klass, n, seed=1)
    paths = discover([klass])
    spec = AuditSpec({}, None)
    (base / "noop-out").mkdir()
    t = time.perf_counter()
    dd.audit_batch_dask(paths, spec, folder=base / "noop-out", client=client, audit=noop_audit)
    wall = time.perf_counter() - t
    (base / "plan-out").mkdir()
    t = time.perf_counter()
    plan_batch(paths, spec, folder=base / "plan-out", limits=limits_for(spec), resume=False, siblings=False)
    plan = time.perf_counter() - t
    per = {"s_per_task": round(wall / n, 5), "plan_s_per_submission": round(plan / n, 5)}
    return {"tasks": n, "wall_s": round(wall, 2), **per}


def verdicts(client, workers: int, base: Path) -> dict:
    out = {}
    for name, folder, sections in (
        ("examples/submissions", ROOT / "examples" / "submissions", {}),
        ("examples/hostile", ROOT / "examples" / "hostile", HOSTILE_SPEC),
    ):
        paths = discover([folder])
        r = _run_pair(paths, AuditSpec(sections, None), base, client, workers, name.replace("/", "-"))
        out[name] = {
            "submissions": len(paths),
            "identical": len(paths) - len(r["differ"]),
            "differ": r["differ"],
            "wall_local_s": round(r["t_local"], 1),
            "wall_dask_s": round(r["t_dask"], 1),
        }
    return out


def projection(per_task: float, client_s: float, plan_s: float) -> list[dict]:
    """Wall time of 100,000 submissions on N single-thread workers: the digests first (serial, on the
    client), then the audits spread over the workers, never faster than the client hands out tasks."""
    rows = []
    for n in (2, 8, 32, 128, 512):
        audits = max(PROJECTED * per_task / n, PROJECTED * client_s)
        rows.append({"workers": n, "hours": round((PROJECTED * plan_s + audits) / 3600, 2)})
    return rows


def write_report(data: dict) -> None:
    (ROOT / "reports" / "cluster.json").write_text(json.dumps(data, indent=1) + "\n")
    t, z = data["throughput"], data["noop"]
    lines = [
        "# Audits on a dask.distributed cluster",
        "",
        f"Measured {data['when']} by `python benchmarks/cluster.py {' '.join(data['argv'])}` on {os.cpu_count()} CPUs; "
        f"load average (1, 5, 15 min) {data['load_before']} before and {data['load_after']} after "
        "(a shared machine: other work was running).",
        "",
        f"## A class of {t['submissions']} generated submissions: LocalCluster of {data['workers']} workers "
        f"vs `--jobs {data['workers']}`",
        "",
        f"Generated by benchmarks/make_class.py (seed 0: correct and buggy example shapes, planted bugs, a few "
        f"hostile files), audited in the bwrap sandbox with a 10 s wall limit, in two halves (local then "
        f"cluster for the first half, cluster then local for the second). {data['size_note']} "
        f"The local run's pass or not agrees with the generator's label (correct or buggy) on "
        f"{t['pass_fail_as_generated'][0]} of {t['pass_fail_as_generated'][1]} such files (the others were "
        "not examined here; the cluster gave each of them the local run's verdict).",
        "",
        "| | wall | slot-seconds per submission |",
        "|---|---|---|",
        f"| `--jobs {data['workers']}` | {t['wall_local_s']} s | {t['slot_s_per_submission_local']} s |",
        f"| `--dask local:{data['workers']}` | {t['wall_dask_s']} s | {t['slot_s_per_submission_dask']} s |",
        "",
        f"Per-task overhead of the cluster path: {t['overhead_s_per_task'] * 1000:.0f} ms per submission and slot, "
        f"{100 * t['overhead_vs_median_audit']:.1f}% of the median submission's audit ({t['median_audit_s']} s, "
        f"copy to verdict). Target: below 20%: {'met' if t['overhead_vs_median_audit'] < 0.2 else 'NOT met'}. "
        f"Verdicts differing between the two runs: {len(t['differ'])} of {t['submissions']}"
        + (f" ({', '.join(t['differ'][:5])})" if t["differ"] else "")
        + ".",
        "",
        f"The cluster's own cost, apart from any audit ({z['tasks']} tasks whose audit returns at once, through the "
        f"same client loop, result files written): {1000 * z['s_per_task']:.1f} ms per task, so the client and the "
        f"scheduler hand out about {1 / z['s_per_task']:.0f} tasks a second. The client's serial work before any "
        f"task starts (safe copy and digest of each submission, for `--resume`): "
        f"{1000 * z['plan_s_per_submission']:.1f} ms per submission.",
        "",
        "## 100,000 submissions on N workers (projected)",
        "",
        f"From the measured {t['slot_s_per_submission_dask']} s per submission and worker slot, the "
        f"{1000 * z['s_per_task']:.1f} ms per task the client needs, and the digests "
        "made first: one worker process per core, 1 thread each, the same mix of submissions.",
        "",
        "| workers | hours |",
        "|---|---|",
        *[f"| {r['workers']} | {r['hours']} |" for r in data["projection"]],
        "",
        "Beyond a few hundred workers the client is the limit (it hands out and records every task); "
        "several batches, each with its own client and folder, scale past it.",
    ]
    if data.get("verdicts"):
        lines += ["", "## Verdicts: `--dask local:2` against `--jobs 2`, same folder key", ""]
        if data.get("verdicts_when"):
            lines += [f"Measured {data['verdicts_when']} (`--verdicts-only`).", ""]
        lines += ["| set | submissions | identical | wall local | wall cluster |", "|---|---|---|---|---|"]
        for name, v in data["verdicts"].items():
            lines.append(
                f"| {name} | {v['submissions']} | {v['identical']} | {v['wall_local_s']} s | {v['wall_dask_s']} s |"
            )
        lines += [
            "",
            "Identical: every field of the verdict but the timings; in what a hostile file prints, the numbers "
            "of the grader's fds and temp-file inodes, which differ between any two runs, are left out. The "
            "tests (tests/test_audit_dask.py) run the same comparison in CI on a subset of both sets.",
        ]
    (ROOT / "reports" / "cluster.md").write_text("\n".join(lines) + "\n")


def verdicts_again(args) -> None:
    data = json.loads((ROOT / "reports" / "cluster.json").read_text())
    shutil.rmtree(args.out, ignore_errors=True)
    args.out.mkdir(parents=True)
    with dd.connect(dd.Target("local", workers=args.workers), workers=args.workers) as client:
        data["verdicts"] = verdicts(client, args.workers, args.out)
    data["verdicts_when"] = time.strftime("%Y-%m-%d %H:%M")
    write_report(data)
    print((ROOT / "reports" / "cluster.md").read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--noop", type=int, default=400)
    parser.add_argument("--verdicts", action="store_true", help="also compare the whole example and hostile sets")
    parser.add_argument("--out", type=Path, default=Path("/tmp/gradcheck-cluster-bench"))
    parser.add_argument(
        "--verdicts-only",
        action="store_true",
        help="run the verdicts part again, keep the rest of reports/cluster.json",
    )
    args = parser.parse_args()
    if args.verdicts_only:
        return verdicts_again(args)
    shutil.rmtree(args.out, ignore_errors=True)
    args.out.mkdir(parents=True)
    load_before = [round(x, 2) for x in os.getloadavg()]
    data = {"when": time.strftime("%Y-%m-%d %H:%M"), "argv": sys.argv[1:], "workers": args.workers}
    with dd.connect(dd.Target("local", workers=args.workers), workers=args.workers) as client:
        data["verdicts"] = verdicts(client, args.workers, args.out) if args.verdicts else {}
        data["throughput"] = throughput(args.submissions, args.workers, client, args.out)
        data["noop"] = noop(args.noop, client, args.out)
    data["load_before"], data["load_after"] = load_before, [round(x, 2) for x in os.getloadavg()]
    data["size_note"] = (
        f"{args.submissions} submissions"
        + ("" if args.submissions >= 2000 else " (not 2,000: what fits in about 15 minutes on this shared machine)")
        + "."
    )
    t, z = data["throughput"], data["noop"]
    data["projection"] = projection(t["slot_s_per_submission_dask"], z["s_per_task"], z["plan_s_per_submission"])
    write_report(data)
    print((ROOT / "reports" / "cluster.md").read_text())


if __name__ == "__main__":
    main()
