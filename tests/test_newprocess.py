"""A submission that starts a process gets an error naming the cause and what the instructor can do
(gradcheck.audit.newprocess); sandboxed runs of honest code using a process pool or a program."""

from __future__ import annotations

from pathlib import Path

import pytest
from sandbox_util import bwrap_or_skip

from gradcheck.audit.batch import audit_one
from gradcheck.audit.newprocess import starts_a_process
from gradcheck.audit.sandbox import Limits
from gradcheck.audit.spec import AuditSpec

ROOT = Path(__file__).resolve().parents[1]
CORRECT = (ROOT / "examples" / "submissions" / "inplace_correct.py").read_text()

#: (import, the statement computing dW1 in parallel, the library the message must name)
PARALLEL = {
    "pool": (
        "from multiprocessing import Pool",
        "with Pool(2) as pool:\n            dW1 = sum(pool.map(np.outer, X, dz1))",
        "multiprocessing",
    ),
    "executor": (
        "from concurrent.futures import ProcessPoolExecutor",
        "with ProcessPoolExecutor(2) as ex:\n            dW1 = ex.submit(np.dot, X.T, dz1).result()",
        "ProcessPoolExecutor",
    ),
    "subprocess": (
        "import subprocess",
        'subprocess.run(["true"], check=False)\n        dW1 = X.T @ dz1',
        "subprocess",
    ),
}


def _parallel(tmp_path: Path, kind: str) -> Path:
    imp, stmt, _ = PARALLEL[kind]
    text = CORRECT.replace("import numpy as np\n", f"import numpy as np\n{imp}\n", 1)
    assert "        dW1 = X.T @ dz1\n" in text
    path = tmp_path / f"{kind}_correct.py"
    path.write_text(text.replace("        dW1 = X.T @ dz1\n", f"        {stmt}\n", 1))
    return path


@pytest.mark.parametrize("kind", sorted(PARALLEL))
def test_honest_parallel_code_is_told_why_and_what_to_do(tmp_path, kind):
    bwrap_or_skip()
    r = audit_one(_parallel(tmp_path, kind), AuditSpec(), limits=Limits(wall_seconds=30.0, cpu_seconds=30))
    assert r.status == "error" and r.score == 0.0
    assert "start a process" in r.error and PARALLEL[kind][2] in r.error, r.error
    assert "in backward" in r.error and "serial version" in r.error and "ask the student" in r.error
    assert "Read-only file system" not in r.error.split("(", 1)[0]  # the cause first, the raw error last


def test_other_refusals_are_not_called_a_process():
    setns = {"type": "PermissionError", "message": "[Errno 1] Operation not permitted", "traceback": "  os.setns(fd)"}
    assert starts_a_process(setns) is None
    ro = {"type": "OSError", "message": "[Errno 30] Read-only file system: '/usr/x'", "traceback": "open('/usr/x')"}
    assert starts_a_process(ro) is None
    fork = {"type": "PermissionError", "message": "[Errno 1] Operation not permitted", "traceback": "  pid = os.fork()"}
    assert "os.fork" in starts_a_process(fork)
