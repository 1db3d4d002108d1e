"""A thin slice of benchmarks/sandbox.py: a few starts per backend and a class of 4, verdicts right."""

import importlib.util
import json
import sys
from pathlib import Path

from sandbox_util import bwrap_or_skip

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("bench_sandbox", ROOT / "benchmarks" / "sandbox.py")
bench = importlib.util.module_from_spec(spec)
sys.modules["bench_sandbox"] = bench
spec.loader.exec_module(bench)


def test_the_benchmark_runs_and_agrees_with_expected(tmp_path):
    bwrap_or_skip()
    bench.main(["--starts", "2", "--submissions", "4", "--jobs", "2", "--output", str(tmp_path)])
    data = json.loads((tmp_path / "sandbox.json").read_text())
    assert data["class"]["verdicts_matching_expected"] == 4
    phases = data["class"]["phases_per_submission"]
    assert phases["worker_cpu_ms"] > 0 and phases["grade_cpu_ms"] > 0 and phases["worker_wall_ms"] > 0
    assert data["starts"]["bwrap"]["n"] == 2 and "overhead_ms" in data["starts"]["bwrap"]
    assert "# Sandbox overhead" in (tmp_path / "sandbox.md").read_text()
