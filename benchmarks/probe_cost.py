"""The cost of the grader's second point on submissions that skipped it before, base and head interleaved.

    nice python benchmarks/probe_cost.py --base REF [--repeat 2] [--out DIR] [--name STEM] [FILE ...]

Until the second point was set for every shape, code whose weights are handed over one by one
(``forward_prop(W1, b1, W2, b2, X)``, an architecture list, a params dict beside it) answered
"the grader cannot set them" and was checked at its own weights only. This audits those
examples (default: the ten of examples/submissions that said so) with the code of ``--base``
(``git archive`` into a temporary folder) and with this checkout, alternately, ``--repeat``
times each, ``--jobs 1``, and compares each submission's verdict and its median ``elapsed``
(sandboxed run and grading). Writes reports/STEM.json and reports/STEM.md (default stem
``probe_cost``); the machine's load average before and after is recorded (the machine is
shared: compare the ratio).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
from pathlib import Path

from audit_cost import audit, checkout, verdict

ROOT = Path(__file__).resolve().parents[1]
SKIPPED_BEFORE = (
    "arch_dict_correct.py",
    "arch_seed_relu_correct.py",
    "derivative_functions_correct.py",
    "inner_helpers_forward_correct.py",
    "inplace_returns_weights_correct.py",
    "lists_cached_softmax_correct.py",
    "lists_pres_acts_correct.py",
    "mnist_notebook_correct.ipynb",
    "module_arch_kw_correct.py",
    "positional_softmax_correct.py",
)


def _folder(files: list[Path], into: Path) -> Path:
    into.mkdir()
    for f in files:
        shutil.copy2(f, into / f.name)
    return into


def run(base: str, files: list[Path], repeat: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="probe-cost-") as tmp:
        tmp = Path(tmp)
        (tmp / "base").mkdir()
        codes = {"base": checkout(base, tmp / "base"), "head": ROOT}
        folder = _folder(files, tmp / "subs")
        times: dict[str, dict[str, list[float]]] = {k: {} for k in codes}
        verdicts: dict[str, dict[str, dict]] = {k: {} for k in codes}
        load = [os.getloadavg()[0]]
        for i in range(repeat):
            for which, code in codes.items():
                report, _ = audit(code, folder, tmp / f"out-{which}-{i}")
                for s in report["submissions"]:
                    name = Path(s["path"]).name
                    times[which].setdefault(name, []).append(s["elapsed"])
                    verdicts[which][name] = verdict(s)
        load.append(os.getloadavg()[0])
    rows = [
        {
            "submission": f.name,
            "base_s": statistics.median(times["base"][f.name]),
            "head_s": statistics.median(times["head"][f.name]),
            "base_verdict": verdicts["base"][f.name],
            "head_verdict": verdicts["head"][f.name],
        }
        for f in files
    ]
    return {"base": base, "repeat": repeat, "load": load, "rows": rows}


def render(data: dict) -> str:
    lines = [
        f"Base `{data['base']}`, head this checkout; median of {data['repeat']} interleaved runs, `--jobs 1` "
        f"(load average {data['load'][0]:.1f} before, {data['load'][1]:.1f} after).",
        "",
        "| submission | verdict before | verdict after | before (s) | after (s) |",
        "|---|---|---|---|---|",
    ]
    for r in data["rows"]:
        b, h = r["base_verdict"], r["head_verdict"]
        lines.append(f"| {r['submission']} | {b['status']} | {h['status']} | {r['base_s']:.2f} | {r['head_s']:.2f} |")
    tb, th = sum(r["base_s"] for r in data["rows"]), sum(r["head_s"] for r in data["rows"])
    lines.append(f"| all {len(data['rows'])} | | | {tb:.2f} | {th:.2f} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", required=True, help="the commit to compare against")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--out", type=Path, default=ROOT / "reports")
    ap.add_argument("--name", default="probe_cost", help="the reports' file stem")
    ap.add_argument("files", nargs="*", type=Path)
    args = ap.parse_args()
    files = args.files or [ROOT / "examples" / "submissions" / n for n in SKIPPED_BEFORE]
    data = run(args.base, [f.resolve() for f in files], args.repeat)
    (args.out / f"{args.name}.json").write_text(json.dumps(data, indent=1))
    text = f"# {args.name}: the second point's cost, before and after\n\n" + render(data)
    (args.out / f"{args.name}.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
