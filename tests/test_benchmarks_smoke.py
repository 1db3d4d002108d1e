"""A thin slice of benchmarks/peers.py: gradcheck and the scipy peers on the 59-parameter net, --quick."""

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("bench_peers", ROOT / "benchmarks" / "peers.py")
peers = importlib.util.module_from_spec(spec)
sys.modules["bench_peers"] = peers
spec.loader.exec_module(peers)

CASES = [
    "correct",
    "act",
    "scale",
    "median-1e-04",
    "median-1e-05",
    "median-1e-06",
    "max-1e-04",
    "max-1e-05",
    "max-1e-06",
]
GRADCHECK = ["gradcheck-auto", "gradcheck-full", "gradcheck-directional"]


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    args = peers.parse_args(
        ["--sizes", "59", "--quick", "--peers", "gradcheck,scipy", "--workloads", "reference", "--output", str(out)]
    )
    data = peers.run(args)
    md, js = peers.write_reports(data, out)
    return {"data": data, "md": md.read_text(), "json": json.loads(js.read_text())}


def _rows(bench):
    (size,) = bench["data"]["sizes"]
    return {row["key"]: row for row in size["rows"]}


def test_one_row_per_selected_checker_and_one_cell_per_case(bench):
    rows = _rows(bench)
    assert list(rows) == GRADCHECK + ["scipy-check_grad", "scipy-check_grad-random", "scipy-differentiate"]
    for row in rows.values():
        assert list(row["cases"]) == CASES
        for cell in row["cases"].values():
            assert cell["verdict"] in peers.VERDICTS
            assert cell["verdict"] != "error", cell["note"]


def test_markdown_table_has_a_line_per_row_and_a_column_per_case(bench):
    table = [line for line in bench["md"].splitlines() if line.startswith("| gradcheck") or line.startswith("| scipy")]
    assert len(table) == 6
    header = next(line for line in bench["md"].splitlines() if line.startswith("| checker"))
    columns = header.count(" | ") + 1
    assert all(line.count(" | ") + 1 == columns for line in table)
    assert "## Targets" in bench["md"]


def test_gradcheck_passes_the_correct_gradient_and_fails_the_activation_bug(bench):
    rows = _rows(bench)
    for key in GRADCHECK:
        assert rows[key]["cases"]["correct"]["verdict"] == "pass", key
        assert rows[key]["cases"]["act"]["verdict"] == "fail", key
        assert rows[key]["cases"]["act"]["localized"] is True, key


def test_entry_bugs_name_the_planted_entry(bench):
    (size,) = bench["data"]["sizes"]
    where = size["entries"]["median"]["location"]
    cell = _rows(bench)["gradcheck-auto"]["cases"]["median-1e-05"]
    assert cell["verdict"] == "fail" and cell["flagged"] == [where]


def test_json_has_units_targets_and_times(bench):
    data = bench["json"]
    (size,) = data["sizes"]
    assert size["n_params"] == 59
    assert set(size["units"]) == {"forward", "fwd_bwd", "pair", "fwd_bwd_cpu"}
    assert all(t["met"] in (True, False, None) for t in data["targets"])
    cell = _rows(bench)["gradcheck-auto"]["cases"]["correct"]
    assert cell["seconds"] > 0 and cell["evaluations"] > 0 and cell["units"] > 0 and cell["cpu_units"] > 0


def test_a_missing_peer_is_skipped_with_a_note_not_an_error(bench):
    missing = peers.Checker(
        "ghost",
        "ghost",
        lambda *a: peers.Verdict("pass"),
        lambda p: 1.0,
        requires=("no_such_module_for_gradcheck_bench",),
    )
    problem = peers.make_problem(59, unit_seconds=0.01)
    row = peers.run_checker(missing, problem, repeats=1, budget=10.0)
    assert "not installed" in row["note"]
    assert {c["verdict"] for c in row["cases"].values()} == {"skipped"}


def test_an_expensive_peer_is_skipped_with_its_estimate():
    slow = peers.Checker("slow", "slow", lambda *a: peers.Verdict("pass"), lambda p: 1e12)
    problem = peers.make_problem(59, unit_seconds=0.01)
    row = peers.run_checker(slow, problem, repeats=1, budget=1.0)
    assert row["note"].startswith("skipped: estimated")


def test_unknown_peer_is_refused():
    with pytest.raises(ValueError, match="unknown"):
        peers.select_checkers(["nope"])


def test_the_user_form_workload_passes_correct_and_pins_a_planted_entry():
    problem = peers.make_userform_problem(59, unit_seconds=0.01)
    assert problem.net is None and "user-form" in problem.label
    auto = next(c for c in peers.CHECKERS if c.key == "gradcheck-auto")
    cases = {c.key: c for c in problem.cases}
    correct = peers.run_case(auto, problem, cases["correct"], budget=60.0)
    planted = peers.run_case(auto, problem, cases["median-1e-04"], budget=60.0)
    assert correct["verdict"] == "pass", correct["note"]
    assert planted["verdict"] == "fail" and planted["localized"] is True, planted


def test_user_form_targets_are_reported_as_not_measured_without_the_big_sizes():
    rows = [t for t in peers.targets([], None) if t["target"].startswith("user-form")]
    assert len(rows) == 3 and all(t["met"] is None for t in rows)


def test_side_by_side_alternates_the_checkers_and_takes_the_ratio_per_round():
    sidebyside = sys.modules["sidebyside"]
    order = []

    def run(name, seconds):
        def go():
            order.append(name)
            end = sidebyside.time.process_time() + seconds
            while sidebyside.time.process_time() < end:
                pass
            return "pass"

        return go

    out = sidebyside.paired({"a": run("a", 0.002), "b": run("b", 0.006)}, 3, "a", "b")
    assert order == ["a", "b"] * 4  # one untimed run each, then alternating rounds
    assert out["a"]["verdicts"] == ["pass"] and len(out["a"]["cpu_all"]) == 3
    assert out["ratio"]["of"] == ["a", "b"] and out["ratio"]["rounds"] == 3
    assert 0.1 < out["ratio"]["cpu"] < 0.9  # a spends a third of b's CPU each round


def test_the_breakdown_charges_each_loss_call_to_the_step_that_asked_for_it():
    sidebyside = sys.modules["sidebyside"]
    problem = peers.make_userform_problem(59, unit_seconds=0.01)

    def check(loss, grad):
        return peers.check_gradients(loss, grad, problem.params, mode="auto", seed=0, name_bugs=False)

    out = sidebyside.breakdown(check, problem.loss_fn, problem.grad_fn, rounds=1)
    steps = {s["step"]: s["evaluations"] for s in out["steps"]}
    assert steps["numeric.__init__"] == 2  # the loss at the point, twice (a noisy loss shows its spread)
    assert sum(steps.values()) == out["loss_calls"] >= out["evaluations"] > 2
    assert out["cpu_ms"]["total"] >= out["cpu_ms"]["loss"] > 0
    assert "outside gradcheck" not in steps


def _user_size(n, auto: dict, paired=None, torch=None):
    rows = [{"key": "gradcheck-auto", "cases": auto}]
    if torch is not None:
        rows.append({"key": "torch-fast", "cases": {"correct": torch}})
    return {"n_params": n, "workload": "userform", "rows": rows, **({"paired": paired} if paired else {})}


def _cell(verdict, evaluations=50, units=20.0, seconds=0.05, localized=None, resolution=None):
    return {
        "verdict": verdict,
        "evaluations": evaluations,
        "units": units,
        "seconds": seconds,
        "localized": localized,
        "resolution": resolution,
        "note": "",
    }


def _paired(wall, cpu):
    return {"ratio": {"of": ["gradcheck-auto", "torch-fast"], "wall": wall, "cpu": cpu, "rounds": 9}}


def test_the_user_form_speed_target_needs_both_side_by_side_ratios_at_most_one():
    def speed(wall, cpu):
        sizes = [_user_size(n, {"correct": _cell("pass")}, _paired(wall, cpu)) for n in (42_634, 335_114)]
        return next(t for t in peers.targets(sizes, None) if t["target"].startswith("user-form correct"))

    assert speed(0.9, 0.95)["met"] is True
    slower = speed(0.9, 1.2)
    assert slower["met"] is False and "1.20x CPU" in slower["measured"]


def test_the_user_form_units_target_reads_cpu_units_where_measured():
    def within(wall_units, cpu_units):
        cell = {**_cell("pass", units=wall_units), "cpu_units": cpu_units}
        sizes = [_user_size(n, {"correct": cell}, _paired(0.8, 0.8)) for n in (42_634, 335_114)]
        return next(t for t in peers.targets(sizes, None) if t["target"].startswith("user-form correct"))

    loaded = within(104.0, 14.6)  # a loaded machine stretches the wall clock, not the work
    assert loaded["met"] is True and "14.6 units of CPU (104.0 wall-clock)" in loaded["measured"]
    assert within(5.0, 75.0)["met"] is False


def test_a_missed_typical_entry_counts_only_where_the_report_states_the_check_cannot_see_it():
    def fine(median, largest):
        sizes = [_user_size(n, {"median-1e-05": median, "max-1e-05": largest}) for n in (42_634, 335_114)]
        return next(t for t in peers.targets(sizes, None) if "1e-05" in t["target"] and "user-form" in t["target"])

    caught = _cell("fail", localized=True)
    assert fine(_cell("pass", resolution=7e-5), caught)["met"] is True
    assert fine(_cell("pass", resolution=5e-6), caught)["met"] is False  # it said it could see it
    assert fine(_cell("pass"), caught)["met"] is False  # it said nothing
    assert fine(caught, _cell("pass", resolution=7e-5))["met"] is False  # the largest entry has no such excuse
