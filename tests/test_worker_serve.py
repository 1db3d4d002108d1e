"""The worker's sandbox entry point, serve(), run as a plain subprocess (so coverage sees it): the
request on stdin, the answer in the channel fd it names, probes included; bad requests exit 2."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = ROOT / "examples" / "hostile"
BOOT = "from gradcheck.audit.worker import serve; serve()"


def serve(tmp_path: Path, name: str, request: dict | bytes, src: Path | None = None):
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    if src is not None:
        shutil.copy(src, work / name)
    with tempfile.TemporaryFile() as chan:
        data = request if isinstance(request, bytes) else json.dumps({**request, "result_fd": chan.fileno()}).encode()
        proc = subprocess.run(
            [sys.executable, "-c", BOOT],
            input=data,
            cwd=work,
            capture_output=True,
            pass_fds=(chan.fileno(),),
            timeout=120,
        )
        chan.seek(0)
        raw = chan.read()
    return proc, (json.loads(raw) if raw else None)


def _request(name: str, seed: int = 5) -> dict:
    return {"submission": name, "X": None, "Y": None, "lrs": [2.0**-10, 2.0**-9], "spec": {}, "probe_seed": seed}


def test_an_honest_submission_answers_with_probes(tmp_path):
    honest = ROOT / "examples" / "submissions" / "inplace_correct.py"
    proc, result = serve(tmp_path, "net.py", _request("net.py"), honest)
    assert proc.returncode == 0, proc.stderr
    assert result["ok"] and result["shape"] == "inplace-update"
    p = result["probes"]
    assert p["seed"] == 5 and len(p["repeat"]["grads"]) == 4 and len(p["point"]["params"]) == 4
    assert p["calls"]["perturbed_evaluations"] == 0 and not p["calls"]["watch_removed"]


def test_a_numerical_gradient_is_seen_by_the_watch(tmp_path):
    # the hostile examples refuse to act from their own folder only: a copy elsewhere acts
    proc, result = serve(tmp_path, "fd.py", _request("fd.py"), HOSTILE / "numerical_gradient.py")
    assert proc.returncode == 0, proc.stderr
    calls = result["probes"]["calls"]
    assert calls["perturbed_evaluations"] >= 3 and calls["perturbed_places"] >= 2


def test_student_code_failing_at_the_grader_point_is_reported(tmp_path):
    src = tmp_path / "src.py"
    text = (ROOT / "examples" / "submissions" / "inplace_correct.py").read_text()
    text = text.replace(
        "    def backward(self, X, y, learning_rate",
        "    def backward(self, X, y, learning_rate=0.1):\n"
        "        _CALLS.append(1)\n"
        "        if len(_CALLS) > 4:\n"
        "            raise ValueError('only four calls')\n"
        "        return self._backward(X, y, learning_rate)\n\n"
        "    def _backward(self, X, y, learning_rate",
    )
    src.write_text("_CALLS = []\n" + text)
    proc, result = serve(tmp_path, "net.py", _request("net.py"), src)
    assert proc.returncode == 0, proc.stderr
    assert result["ok"], result["error"]
    assert result["probes"]["seed"] == 5 and "only four calls" in json.dumps(result["probes"]["error"])


@pytest.mark.parametrize(
    "request_bytes",
    [b"not json", json.dumps({"submission": "x.py"}).encode(), json.dumps({"result_fd": 1}).encode()],
)
def test_a_bad_request_exits_2(tmp_path, request_bytes):
    proc, result = serve(tmp_path, "x.py", request_bytes)
    assert proc.returncode == 2 and b"cannot read the request" in proc.stderr and result is None


def test_a_request_error_is_answered(tmp_path):
    proc, result = serve(tmp_path, "x.py", {"X": [[1.0]], "Y": [[1.0], [2.0]]})
    assert proc.returncode == 0
    assert result["error"]["type"] == "RequestError"
