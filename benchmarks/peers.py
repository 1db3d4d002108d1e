"""gradcheck side by side with the gradient checkers people use, on the same problems, in one process.

    python benchmarks/peers.py                      # every size, 3 repeats, every peer installed
    python benchmarks/peers.py --quick              # sizes 59 and 337, 1 repeat, small budget
    python benchmarks/peers.py --sizes 42634 --peers gradcheck,torch-fast,jax,scipy-check_grad

Writes ``reports/benchmarks.md`` (one table per size, then the issue's targets
with the measured value and met / not met) and ``reports/benchmarks.json``.
Not part of the test suite (``tests/test_benchmarks_smoke.py`` runs a tiny slice).

Problems
    tanh hidden layers, sigmoid output, BCE, batch 64, of 59 (8-3-8), 337
    (2-16-16-1), 42,634 (64-128-128-128-10) and 335,114 (784-256-256-256-10)
    parameters. The unit of cost is one forward+backward pass of the same net
    (``MLP.loss_and_grad``); the forward alone and the ``loss_fn`` +
    ``grad_fn`` pair are measured and reported too.
Cases
    The correct gradient, and planted bugs: the activation's derivative taken at
    the activation (``tanh'(tanh z)`` in layer 1), ``dW1`` scaled by 2, and one
    entry of ``dW2`` off by 1e-4, 1e-5 and 1e-6 relative, at the median-|g|
    entry (a typical one) and at the largest-|g| entry.
Peers
    Each has a per-(peer, size) time budget: a peer whose estimated cost
    (its loss evaluations x one forward x cases x repeats) exceeds it is
    skipped with the estimate as a note, and one call running past it is
    stopped as ``timeout``. A peer whose package is missing is ``skipped``.
    The pass/fail rule applied to each peer is in ``RULES`` (and README.md).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

if __name__ == "__main__":
    # One BLAS thread unless told otherwise: on 2 shared cores a second OpenBLAS
    # thread waiting for a busy core makes a 0.2 ms matmul take 30-100 ms at
    # random, which would swamp every time here. Set before numpy loads.
    for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(_var, "1")


ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from peerbench.checkers import CHECKERS, Checker, missing_module, select_checkers  # noqa: E402,F401
from peerbench.peerruns import RULES, Verdict  # noqa: E402,F401
from peerbench.problems import (  # noqa: E402,F401
    BATCH,
    ENTRY_ERRORS,
    ENTRY_TENSOR,
    SIZES,
    VERDICTS,
    Case,
    Counted,
    Problem,
    make_cases,
    make_problem,
    make_userform_problem,
)
from peerbench.render import _versions, render_markdown, size_table, write_reports  # noqa: E402,F401
from peerbench.running import audit_benchmark, run_case, run_checker, run_size, side_by_side  # noqa: E402,F401
from peerbench.targets import targets  # noqa: E402,F401

from gradcheck import check_gradients  # noqa: E402,F401  (used by name: tests check through it)


# ----------------------------------------------------------------------- CLI
def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument(
        "--sizes",
        type=lambda s: [int(x) for x in s.replace("_", "").split(",")],
        default=None,
        help=f"comma-separated parameter counts among {sorted(SIZES)} (default: all; 59,337 with --quick)",
    )
    p.add_argument(
        "--repeats",
        type=int,
        default=None,
        help="runs per checker and case; times are medians (default 3; 1 with --quick)",
    )
    p.add_argument(
        "--peers",
        type=lambda s: [t for t in s.split(",") if t],
        default=None,
        help="checkers to run, by key or key prefix, e.g. gradcheck,scipy,torch-fast (default: all)",
    )
    p.add_argument(
        "--budget",
        type=float,
        default=None,
        help="seconds per checker and size; estimated overruns are skipped, single calls "
        "stopped (default 300; 60 with --quick)",
    )
    p.add_argument(
        "--audit",
        type=int,
        default=None,
        metavar="N",
        help="also time an audit of N copies of examples/submissions on 2 jobs (default 200; 0 with --quick)",
    )
    p.add_argument(
        "--no-size-limits",
        action="store_true",
        help="run gradcheck full and scipy.differentiate above their default size limits",
    )
    p.add_argument(
        "--workloads",
        type=lambda s: [t for t in s.split(",") if t],
        default=["reference", "userform"],
        help="reference (this project's MLPs), userform (the same sizes written as users write them: "
        "probabilities then log, np.clip, float(), saturated outputs); default both",
    )
    p.add_argument(
        "--pairs",
        type=int,
        default=None,
        help="rounds of gradcheck auto and torch fast_mode alternated on each correct gradient, for their "
        "ratio (default 9; 0 with --quick; needs both in --peers)",
    )
    p.add_argument("--quick", action="store_true", help="a fast look: sizes 59,337, 1 repeat, small budget")
    p.add_argument("--output", type=Path, default=ROOT / "reports", help="folder for benchmarks.md/.json")
    args = p.parse_args(argv)
    quick = args.quick
    args.sizes = args.sizes or ([59, 337] if quick else sorted(SIZES))
    args.repeats = args.repeats or (1 if quick else 3)
    args.budget = args.budget or (60.0 if quick else 300.0)
    args.audit = (0 if quick else 200) if args.audit is None else args.audit
    args.unit_seconds = 0.1 if quick else 0.5
    args.pairs = (0 if quick else 9) if args.pairs is None else args.pairs
    if set(args.workloads) - {"reference", "userform"}:
        p.error(f"--workloads: choose from reference, userform; got {args.workloads}")
    bad = [s for s in args.sizes if s not in SIZES]
    if bad:
        p.error(f"--sizes: {bad} not among {sorted(SIZES)}")
    if args.pairs < 0:
        p.error(f"--pairs must be >= 0, got {args.pairs}")
    if args.repeats < 1:
        p.error(f"--repeats must be >= 1, got {args.repeats}")
    return args


def run(args: argparse.Namespace, log: Callable[[str], None] = lambda s: None) -> dict:
    """The whole benchmark as plain data (what benchmarks.json holds)."""
    checkers = select_checkers(args.peers)
    sizes = [
        run_size(n, checkers, args.repeats, args.budget, args.unit_seconds, not args.no_size_limits, log, w, args.pairs)
        for w in args.workloads
        for n in args.sizes
    ]
    audit = audit_benchmark(args.audit) if args.audit else None
    meta = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "machine": platform.machine(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "versions": _versions(),
        "repeats": args.repeats,
        "budget": args.budget,
        "command": "python benchmarks/peers.py " + " ".join(sys.argv[1:]),
        "unit": "one forward+backward pass (MLP.loss_and_grad), median",
        "threads": {v: os.environ.get(v, "unset") for v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")},
    }
    return {"meta": meta, "sizes": sizes, "audit": audit, "targets": targets(sizes, audit)}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        select_checkers(args.peers)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    data = run(args, log=lambda s: print(s, file=sys.stderr, flush=True))
    md, js = write_reports(data, args.output)
    print(f"wrote {md} and {js}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
