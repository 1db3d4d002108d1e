"""Tests of gradcheck.pytest_plugin, run in inner pytest sessions (pytester)."""

from __future__ import annotations

import json
import os
import re

import numpy  # noqa: F401  (imported before any inner session: pytester's in-process runs
import pytest  # drop modules they imported, and numpy cannot be imported twice in a process)

pytest_plugins = ["pytester"]

# ``-p gradcheck`` loads the plugin by its pytest11 entry-point name, so the
# tests also run under PYTEST_DISABLE_PLUGIN_AUTOLOAD (a no-op otherwise).
# Unrelated plugins are kept out of the inner sessions: pytester restores
# sys.modules after each in-process run, so hypothesis would be re-imported
# (about 1 s) every time.
PLUGIN = ("-p", "gradcheck", "-p", "no:hypothesispytest", "-p", "no:benchmark", "-p", "no:cacheprovider")

NET = """
import numpy as np
import pytest

rng = np.random.default_rng(0)
X, Y = rng.normal(size=(4, 3)), rng.normal(size=(4, 2))
PARAMS = {"W1": rng.normal(size=(3, 2)), "W2": rng.normal(size=(2, 2))}


def loss(p):
    return np.mean((np.tanh(X @ p["W1"]) @ p["W2"] - Y) ** 2)


def grad(p, flip=False):
    h = np.tanh(X @ p["W1"])
    d = 2 * (h @ p["W2"] - Y) / Y.size
    g = {"W1": X.T @ (d @ p["W2"].T * (1 - h ** 2)), "W2": h.T @ d}
    if flip:
        g["W2"] = -g["W2"]
    return g
"""

PASS_AND_FAIL = (
    NET
    + """

def test_good(gradcheck):
    report = gradcheck(loss, grad, PARAMS)
    assert report.status == "pass"


def test_bad(gradcheck):
    gradcheck(loss, lambda p: grad(p, flip=True), PARAMS)
"""
)


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest(*PLUGIN, *args)


def read_report(pytester: pytest.Pytester, name: str = "gc.json") -> list[dict]:
    return json.loads((pytester.path / name).read_text(encoding="utf-8"))


def test_passing_and_failing_checks(pytester):
    pytester.makepyfile(test_net=PASS_AND_FAIL)
    result = run(pytester)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*Gradients not close: 1 of 2 tensors failed (method central, mode directional, seed 0, rtol 1.5e-08)",
            "*entry*status*analytic*numeric*abs err*rel err*tolerance*numeric err",
            "*W2[[]0, 0[]]*fail*",
            "*Reproduce: gradcheck.check_gradients(loss, grad, params, method='central', mode='directional', seed=0)",
        ]
    )
    # the traceback ends in the test, not inside gradcheck
    assert not re.search(r"gradcheck[/\\](testing|pytest_plugin)\.py:\d+", result.stdout.str())


def test_header_shows_options_and_seed(pytester):
    pytester.makepyfile(test_net=PASS_AND_FAIL)
    run(pytester).stdout.fnmatch_lines(
        [
            "gradcheck: method=auto mode=auto seed=0 rtol=default (re-run with --gradcheck-seed=0 to reproduce)",
        ]
    )
    result = run(pytester, "--gradcheck-seed=7", "--gradcheck-rtol=1e-06", "--gradcheck-mode=sampled")
    result.stdout.fnmatch_lines(
        [
            "gradcheck: method=auto mode=sampled seed=7 rtol=1e-06 (re-run with --gradcheck-seed=7 to reproduce)",
        ]
    )


def test_terminal_summary_lists_every_check(pytester):
    pytester.makepyfile(test_net=PASS_AND_FAIL)
    result = run(pytester)
    result.stdout.re_match_lines(
        [
            r"=+ gradcheck =+",
            r"PASS  test_net\.py::test_good  worst W\d(\[\d, \d\])? rel err \d\.\d\de[-+]\d\d",
            r"FAIL  test_net\.py::test_bad  worst W2\[\d, \d\] rel err 2\.00e\+00",
        ]
    )


def test_no_summary_section_without_checks(pytester):
    pytester.makepyfile(test_plain="def test_plain():\n    assert True\n")
    result = run(pytester)
    result.assert_outcomes(passed=1)
    result.stdout.no_re_match_line(r"=+ gradcheck =+")


def test_report_file_is_json_of_every_check(pytester):
    pytester.makepyfile(test_net=PASS_AND_FAIL)
    run(pytester, "--gradcheck-report=out/gc.json").assert_outcomes(passed=1, failed=1)
    records = read_report(pytester, "out/gc.json")
    assert [(r["nodeid"], r["status"]) for r in records] == [
        ("test_net.py::test_good", "pass"),
        ("test_net.py::test_bad", "fail"),
    ]
    bad = records[1]
    assert (bad["method"], bad["mode"], bad["seed"]) == ("central", "directional", 0)
    assert [t["name"] for t in bad["tensors"]] == ["W1", "W2"]
    assert bad["tensors"][1]["status"] == "fail"
    assert {"status", "tensors", "diagnoses"} <= set(bad)
    assert sorted(p.name for p in (pytester.path / "out").iterdir()) == ["gc.json"]  # no temp file left


def test_report_file_written_even_without_checks(pytester):
    pytester.makepyfile(test_plain="def test_plain():\n    assert True\n")
    run(pytester, "--gradcheck-report=gc.json").assert_outcomes(passed=1)
    assert read_report(pytester) == []


def test_marker_overrides_options_and_call_overrides_marker(pytester):
    pytester.makepyfile(
        test_net=NET
        + """

pytestmark = pytest.mark.gradcheck(method="richardson")


def test_cli(gradcheck):
    gradcheck(loss, grad, PARAMS)


@pytest.mark.gradcheck(mode="sampled", seed=3, samples=2)
def test_marker(gradcheck):
    gradcheck(loss, grad, PARAMS)


@pytest.mark.gradcheck(mode="sampled", seed=3, samples=2)
def test_call(gradcheck):
    gradcheck(loss, grad, PARAMS, seed=9, method="central")
"""
    )
    result = run(
        pytester,
        "--strict-markers",
        "--gradcheck-mode=full",
        "--gradcheck-seed=1",
        "--gradcheck-rtol=1e-6",
        "--gradcheck-report=gc.json",
    )
    result.assert_outcomes(passed=3)
    got = {r["nodeid"].split("::")[1]: (r["method"], r["mode"], r["seed"], r["rtol"]) for r in read_report(pytester)}
    assert got == {
        "test_cli": ("richardson", "full", 1, 1e-6),
        "test_marker": ("richardson", "sampled", 3, 1e-6),
        "test_call": ("central", "sampled", 9, 1e-6),
    }


def test_marker_is_registered(pytester):
    pytester.makepyfile(test_m="import pytest\n\n@pytest.mark.gradcheck(seed=1)\ndef test_m():\n    pass\n")
    run(pytester, "--strict-markers").assert_outcomes(passed=1)
    run(pytester, "--markers").stdout.fnmatch_lines(["@pytest.mark.gradcheck(method=None, mode=None, *"])


def test_unknown_marker_option_is_an_error(pytester):
    pytester.makepyfile(
        test_net=NET
        + """

@pytest.mark.gradcheck(tolerance=1e-3)
def test_x(gradcheck):
    gradcheck(loss, grad, PARAMS)
"""
    )
    result = run(pytester)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*@pytest.mark.gradcheck got unknown option(s) tolerance; expected method, mode*"])


def test_invalid_input_is_recorded_as_error(pytester):
    pytester.makepyfile(
        test_net=NET
        + """

def test_x(gradcheck):
    gradcheck(loss, grad, PARAMS, method="forward")
"""
    )
    run(pytester, "--gradcheck-report=gc.json").assert_outcomes(failed=1)
    [record] = read_report(pytester)
    assert record["status"] == "error"
    assert record["error"].startswith("ValueError: method must be one of")


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("--gradcheck-method=forward", "--gradcheck-method must be one of auto, central, *; got 'forward'"),
        ("--gradcheck-mode=most", "--gradcheck-mode must be one of auto, full, sampled, directional; got 'most'"),
        ("--gradcheck-rtol=2", "--gradcheck-rtol must be in (0, 1); got 2.0"),
        ("--gradcheck-seed=-1", "--gradcheck-seed must be >= 0; got -1"),
    ],
)
def test_bad_option_is_a_usage_error(pytester, option, message):
    result = run(pytester, option)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*{message}"])


def test_help_documents_the_options(pytester):
    result = run(pytester, "--help")
    result.stdout.fnmatch_lines(
        [
            "gradient checks run through the gradcheck fixture:",
            "*--gradcheck-method=NAME*",
            "*--gradcheck-mode=NAME*",
            "*--gradcheck-seed=N*",
            "*--gradcheck-rtol=X*",
            "*--gradcheck-report=PATH*",
        ]
    )


@pytest.mark.skipif(bool(os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")), reason="entry points disabled")
def test_entry_point_loads_plugin_lazily(pytester):
    """A fresh interpreter finds the plugin through the entry point alone, and a
    session that never requests the fixture never imports gradcheck.testing."""
    pytester.makeconftest("""
import sys

def pytest_sessionfinish(session):
    print("testing imported:", "gradcheck.testing" in sys.modules)
    print("plugin loaded:", session.config.pluginmanager.has_plugin("gradcheck"))
""")
    pytester.makepyfile(test_plain="def test_plain():\n    assert True\n")
    result = pytester.runpytest_subprocess("-s", "-p", "no:hypothesispytest", "-p", "no:benchmark")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*testing imported: False*", "*plugin loaded: True*"])


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("a_folder", "--gradcheck-report */a_folder is a folder; give a file name, e.g. */a_folder/gradcheck.json"),
        ("a_file/gc.json", "--gradcheck-report */a_file/gc.json: is inside */a_file, which is a file*"),
        ("/proc/gradcheck/gc.json", "--gradcheck-report /proc/gradcheck/gc.json: cannot write there*"),
    ],
)
def test_report_path_that_cannot_be_written_is_one_line_before_any_test(pytester, where, message):
    (pytester.path / "a_folder").mkdir()
    (pytester.path / "a_file").write_text("keep")
    pytester.makepyfile(test_net=PASS_AND_FAIL)
    result = run(pytester, f"--gradcheck-report={where}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: {message}"])
    assert "Traceback" not in result.stderr.str() + result.stdout.str()
    assert "INTERNALERROR" not in result.stderr.str() + result.stdout.str()
    assert (pytester.path / "a_file").read_text() == "keep"


VANISHING = (
    PASS_AND_FAIL
    + """

def test_removes_the_report_folder():
    import shutil

    shutil.rmtree("out")
    open("out", "w").close()  # and puts a file in its place: the report cannot be written
"""
)


def test_report_that_cannot_be_written_at_the_end_keeps_the_failures(pytester):
    (pytester.path / "out").mkdir()
    pytester.makepyfile(test_net=VANISHING)
    result = run(pytester, "--gradcheck-report=out/gc.json")
    result.assert_outcomes(passed=2, failed=1)
    out = result.stdout.str()
    assert "INTERNALERROR" not in out and "Traceback" not in out
    result.stdout.fnmatch_lines(
        [
            "*= FAILURES =*",
            "*test_bad*",
            "*Gradients not close*",
            "*= gradcheck =*",
            "gradcheck: --gradcheck-report */out/gc.json could not be written: *; the checks' results are in "
            "the summary above",
            "*= short test summary info =*",
        ]
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_report_that_cannot_be_written_fails_an_otherwise_green_session(pytester):
    (pytester.path / "out").mkdir()
    pytester.makepyfile(
        test_net=NET
        + """

def test_good(gradcheck):
    gradcheck(loss, grad, PARAMS)


def test_removes_the_report_folder():
    import shutil

    shutil.rmtree("out")
    open("out", "w").close()
"""
    )
    result = run(pytester, "--gradcheck-report=out/gc.json")
    result.assert_outcomes(passed=2)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stdout.fnmatch_lines(["gradcheck: --gradcheck-report */out/gc.json could not be written*"])


def test_report_file_is_readable_by_the_group(pytester):
    pytester.makepyfile(test_plain="def test_plain():\n    assert True\n")
    old = os.umask(0o022)
    try:
        run(pytester, "--gradcheck-report=gc.json").assert_outcomes(passed=1)
    finally:
        os.umask(old)
    assert (pytester.path / "gc.json").stat().st_mode & 0o777 == 0o644
