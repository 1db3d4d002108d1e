"""The README never lies: its code runs and its outputs are what the code prints.

Numbers are compared the way a reader reads them: errors below 1e-6 only as "tiny"
(their last digits depend on rounding), other numbers to three significant digits,
and timings not at all.
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
    assert [c.strip() for c in commands] == ['pip install -e ".[test]" && python -m gradcheck run', "pytest"]


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


def test_audit_table_rows_are_real(tmp_path):
    table = next(b for b in blocks("text") if b.startswith("submission"))
    real = normalize(run(["-m", "gradcheck", "audit", "examples/submissions/", "--output", str(tmp_path)]))
    for row in normalize(table):
        assert row in real, row
    detail = next(b for b in blocks("text") if b.startswith("== examples/submissions/inplace_tanh_bug.py"))
    for line in normalize(detail):
        assert line in real, line


def test_spec_example_is_valid():
    import tomllib

    from gradcheck.audit.spec import parse_spec

    spec = parse_spec(tomllib.loads(blocks("toml")[0]), "README")
    assert spec.hidden == ("tanh",) and spec.loss == "bce"


def test_init_spec_example_is_what_init_spec_writes(tmp_path):
    shown = blocks("toml")[1]
    target = tmp_path / "spec.toml"
    run(["-m", "gradcheck", "audit", "examples/submissions/tanh_output_correct.py", "--init-spec", str(target)])
    assert normalize(target.read_text()) == normalize(shown)
