"""The README never lies: its code runs and its outputs are what the code prints.

Numbers are compared the way a reader reads them: errors below 1e-6 only as "tiny"
(their last digits depend on rounding), an entry's relative error (``rel err 9.48e-01``) by its
order of magnitude, other numbers to three significant digits, and timings not at all. A
relative error is measured against the numeric estimate's error bar where that bar is the larger
scale, and the bar is the measured rounding of the host's arithmetic (its BLAS kernels sum in
another order on another CPU): 9.48e-01 on one machine, 9.70e-01 on the next, the analytic and
numeric values beside it the same to every digit shown.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
NUMBER = re.compile(r"(?<![\w.\[])[-+]?\d+\.\d+(?:e[-+]\d+)?|(?<![\w.\[])[-+]?\d+e[-+]\d+")


def blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", README, flags=re.S)


def normalize(text: str) -> list[str]:
    def num(m: re.Match) -> str:
        x = float(m.group(0))
        return "tiny" if abs(x) < 1e-6 else f"{x:.3g}"

    lines = []
    for line in text.strip("\n").splitlines():
        line = re.sub(r"rel err \d\.\d+e([-+]\d+)", r"rel err ~e\1", line)
        line = re.sub(r"\d+(\.\d+)? ?s$", "<time>", line.rstrip())
        line = re.sub(r"(\d+\.\d+)s(\s)", r"<time>\2", line)
        line = re.sub(r"\s+", " ", NUMBER.sub(num, line)).strip()
        lines.append("---" if set(line) <= set("- ") else line)
    return lines


def run(args: list[str]) -> str:
    out = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=300)
    return out.stdout


def test_two_setup_commands():
    setup = README.split("## Set up", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```bash\n(.*?)```", setup, flags=re.S)
    assert [c.strip() for c in commands] == ['pip install -e ".[test]" && python -m gradcheck run', "pytest -n auto"]


def test_quickstart_code_is_the_example_file_and_prints_what_the_readme_shows():
    code, output = blocks("python")[0], blocks("text")[0]
    example = (ROOT / "examples" / "quickstart.py").read_text(encoding="utf-8")
    assert code.strip() in example
    assert normalize(run(["examples/quickstart.py"])) == normalize(output)


@pytest.mark.parametrize(
    "block", [b for b in blocks("console") if "\n" in b.strip()], ids=lambda b: b.split("\n", 1)[0][:60]
)
def test_console_examples(block):
    command, shown = block.split("\n", 1)
    args = command.removeprefix("$ python ").split()
    args = [a.strip("'") for a in args]
    assert normalize(run(args)) == normalize(shown)


def _contiguous(shown: list[str], real: list[str]) -> bool:
    """``shown`` appears in ``real`` as one block of consecutive lines."""
    return any(real[i : i + len(shown)] == shown for i in range(len(real) - len(shown) + 1))


@pytest.fixture(scope="module")
def audit(examples_audit):
    """``python -m gradcheck audit examples/submissions/ --output DIR``, the README's command (shared, conftest)."""
    return normalize(examples_audit.proc.stdout), examples_audit.folder


def test_audit_table_rows_are_real(audit):
    real, _ = audit
    table = next(b for b in blocks("text") if b.startswith("submission"))
    for row in normalize(table):
        assert row in real, row


def test_audit_detail_block_is_the_real_one_line_for_line(audit):
    real, _ = audit
    detail = next(b for b in blocks("text") if b.startswith("== examples/submissions/inplace_tanh_bug.py"))
    shown = normalize(detail)
    assert any(line.startswith("note: ") for line in shown) and shown[-1].startswith("reproduce: ")
    assert _contiguous(shown, real)


def test_report_files_named_in_the_readme_are_written(audit):
    _, folder = audit
    section = README.split("## Audit student submissions", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"`(report\.\w+|junit\.xml|results\.json)`", section))
    assert named == {"report.txt", "report.json", "report.md", "junit.xml", "results.json", "report.html"}
    assert named <= {p.name for p in folder.iterdir()}
    example = re.search(r"`(\w+\.py\.json)`", section).group(1)
    assert (folder / "submissions" / example).is_file()
    assert "submissions/<file>.json" in section


def test_init_spec_block_is_what_init_spec_writes(tmp_path):
    target = tmp_path / "spec.toml"
    run(["-m", "gradcheck", "audit", "examples/submissions/inplace_tanh_bug.py", "--init-spec", str(target)])
    assert blocks("toml")[0].strip() == target.read_text().strip()


def test_pytest_example_is_the_example_file_and_fails_as_shown():
    section = README.split("## In pytest and notebooks", 1)[1].split("\n## ", 1)[0]
    code = re.findall(r"```python\n(.*?)```", section, flags=re.S)[0]
    assert code.strip() in (ROOT / "examples" / "pytest_layer.py").read_text(encoding="utf-8")
    shown = normalize(re.findall(r"```text\n(.*?)```", section, flags=re.S)[0])
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "examples/pytest_layer.py", "-p", "no:cacheprovider", "-p", "gradcheck"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    ).stdout
    assert _contiguous(shown, normalize(out))


def test_spec_example_is_valid():  # also what --init-spec writes (above)
    import tomllib

    from gradcheck.audit.spec import parse_spec

    spec = parse_spec(tomllib.loads(blocks("toml")[0]), "README")
    assert spec.hidden == ("tanh",) and spec.loss == "bce"


def test_init_spec_example_is_what_init_spec_writes(tmp_path):
    shown = blocks("toml")[1]
    target = tmp_path / "spec.toml"
    run(["-m", "gradcheck", "audit", "examples/submissions/tanh_output_correct.py", "--init-spec", str(target)])
    assert normalize(target.read_text()) == normalize(shown)


def test_cluster_figures_are_the_benchmarks():
    import json

    section = " ".join(README.split("### A MOOC on a cluster", 1)[1].split("\n## ", 1)[0].split())
    data = json.loads((ROOT / "reports" / "cluster.json").read_text())
    t, hours = data["throughput"], {r["workers"]: r["hours"] for r in data["projection"]}
    m = re.search(
        r"(\d+) generated submissions took (\d+) s with `--dask local:2` and (\d+) s with `--jobs 2`.*?"
        r"(-?\d+) ms per task, (-?[\d.]+)% of the median submission's audit.*?at ([\d.]+) hours on 32 workers",
        section,
        flags=re.S,
    )
    assert m, "the benchmark sentence is missing from the README"
    n, dask_s, local_s, ms, pct, h32 = m.groups()
    assert int(n) == t["submissions"]
    assert (int(dask_s), int(local_s)) == (round(t["wall_dask_s"]), round(t["wall_local_s"]))
    assert int(ms) == round(1000 * t["overhead_s_per_task"])
    assert float(pct) == round(100 * t["overhead_vs_median_audit"], 1) and float(h32) == hours[32]


def test_the_zoo_count_the_readme_gives_is_the_catalogues():
    from reference_nets.zoo import MUTANTS

    said = re.search(r"plants each of the (\d+) catalogued bugs", README)
    assert said and int(said.group(1)) == len(MUTANTS), (said and said.group(1), len(MUTANTS))
