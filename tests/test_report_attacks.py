"""Red-team round 5 (R5-05, R5-06, R5-09, R5-13): fields of the worker's answer are the submission's to write, so
none of them makes the grader check less, pads every row of a report, injects markup or costs quadratic time."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from gradcheck.audit import answerschema, batch
from gradcheck.audit.batch import AuditReport
from gradcheck.audit.grade import SubmissionResult
from gradcheck.audit.sandbox import SandboxResult
from gradcheck.audit.spec import AuditSpec, load_spec
from gradcheck.report.gradescope import render_gradescope
from gradcheck.result import TensorResult

ROOT = Path(__file__).resolve().parents[1]
SPEC = load_spec(None)


def _box() -> SandboxResult:
    return SandboxResult(
        status="ok",
        returncode=0,
        reason="exited with code 0",
        stdout_tail="",
        stderr_tail="",
        elapsed=0.1,
        network_isolated=True,
        isolation=("rlimits",),
    )


def _refused(path: Path, kind: str, message: str = "no class with forward and backward methods", **extra):
    answer = {
        "ok": False,
        "notes": [],
        "error": {"type": kind, "message": message, "where": None, "traceback": [], "raised_by": "audit"},
        **extra,
    }
    common = {"path": str(path), "command": f"python -m gradcheck audit {path}"}
    return batch._judge_box(_box(), answer, None, SPEC, (0, None), common)


BUGGY_NET = textwrap.dedent(
    """
    import numpy as np

    class TanhNet:
        def __init__(self):
            self.W1 = np.ones((2, 3))

        def forward(self, X):
            return np.tanh(X @ self.W1)

        def backward(self, X, Y):
            return {"W1": X.T @ (self.forward(X) - Y)}
    """
)


def _passing(path: str) -> SubmissionResult:
    t = TensorResult(
        name="W1",
        shape=(2, 3),
        status="pass",
        max_abs_error=0.0,
        max_rel_error=0.0,
        worst_index=(0, 0),
        analytic=0.25,
        numeric=0.25,
        checked=6,
        size=6,
        counts={"pass": 6},
        evaluations=12,
    )
    return SubmissionResult(path=path, status="pass", tensors=(t,), score=1.0, max_score=1.0)


def _gradescope(*subs) -> dict:
    return json.loads(render_gradescope(AuditReport("error", tuple(subs), 1.0), AuditSpec()))


# --------------------------------------------------------------------------- R5-09


@pytest.mark.parametrize("kind", ["EntryNotFound", "ParamsNotFound", "ConstructorArguments", "AmbiguousEntry"])
def test_a_forged_audit_finding_never_makes_a_network_file_a_helper(tmp_path, kind):
    mlp = tmp_path / "mlp.py"
    mlp.write_text(BUGGY_NET, encoding="utf-8")
    forged = _refused(mlp, kind)
    assert forged.status == "error" and forged.error.startswith(kind)
    assert forged.error_source != "audit"  # the answer's word alone
    doc = _gradescope(forged, _passing(str(tmp_path / "net_v2.py")))
    assert doc["score"] == 0.0 and "Not graded on their own" not in doc["output"]


def test_a_genuine_helper_beside_the_network_still_does_not_lower_the_score(tmp_path):
    utils = tmp_path / "utils.py"
    utils.write_text("import numpy as np\n\ndef load_csv(path):\n    return np.loadtxt(path)\n", encoding="utf-8")
    found = _refused(utils, "EntryNotFound")
    assert found.error_source == "audit"
    layers = tmp_path / "layers.py"
    layers.write_text(
        "class Dense:\n    def __init__(self, n_in, n_out):\n        self.n = (n_in, n_out)\n\n"
        "    def forward(self, x):\n        return x\n\n    def backward(self, g):\n        return g\n",
        encoding="utf-8",
    )
    library = _refused(layers, "ConstructorArguments", "Dense needs 'n_in'")
    assert library.error_source == "audit"
    doc = _gradescope(_passing(str(tmp_path / "mlp.py")), found, library)
    assert doc["score"] == 1.0
    assert "Not graded on their own" in doc["tests"][0]["output"]


def test_a_function_style_layers_module_beside_the_network_is_a_helper(tmp_path):
    """``affine_backward(dout, cache)`` and the like: a layer library's functions, which hold no network and in which
    the audit finds none (they counted in the lowest score, 0, of an honest upload, once the answer's word alone no
    longer made a file a helper)."""
    layers = tmp_path / "layers.py"
    layers.write_text(
        "def affine_forward(x, w, b):\n    return x @ w + b, (x, w, b)\n\n\n"
        "def affine_backward(dout, cache):\n    x, w, b = cache\n    return dout @ w.T, x.T @ dout, dout.sum(0)\n\n\n"
        "def sigmoid_backward(dA, s):\n    return dA * s * (1 - s)\n",
        encoding="utf-8",
    )
    library = _refused(layers, "EntryNotFound")
    assert library.error_source == "audit"
    doc = _gradescope(_passing(str(tmp_path / "net.py")), library)
    assert doc["score"] == 1.0
    # a backward of a network's own (taking the data, not an upstream gradient) keeps a forged claim out
    net = tmp_path / "net.py"
    net.write_text("def backward(X, Y, params):\n    return {}\n", encoding="utf-8")
    assert _refused(net, "EntryNotFound").error_source != "audit"


def test_a_forged_finding_for_a_file_the_grader_cannot_read_counts(tmp_path):
    assert _refused(tmp_path / "gone.py", "EntryNotFound").error_source != "audit"
    nb = tmp_path / "hw.ipynb"
    nb.write_bytes(b"\xff\xfe not a notebook")
    assert _refused(nb, "EntryNotFound").error_source != "audit"


def test_a_notebook_is_read_by_its_code_cells(tmp_path):
    """An exploration notebook beside the network file holds no network: a helper (a notebook counted whatever it
    held, and an honest upload's lowest score was its error); one holding a network class does not become one on
    a forged word."""
    import nbformat

    def notebook(path, *cells):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
        path.write_text(nbformat.writes(nb), encoding="utf-8")
        return path

    plots = notebook(tmp_path / "explore.ipynb", "%matplotlib inline\nimport numpy as np", "x = np.loadtxt('d.csv')")
    assert _refused(plots, "EntryNotFound").error_source == "audit"
    net = notebook(tmp_path / "hw.ipynb", "import numpy as np", BUGGY_NET)
    assert _refused(net, "EntryNotFound").error_source != "audit"


# --------------------------------------------------------------------------- R5-05, R5-06: the answer's free text


def _answer(**fields) -> bytes:
    base = {"ok": False, "notes": [], "error": {"type": "RuntimeError", "message": "boom"}}
    return json.dumps({**base, **fields}).encode()


@pytest.mark.parametrize(
    "shape",
    [
        "grads-dict <img src=x onerror=alert(document.domain)> **PASS** [see](https://evil.example/x)",
        "grads-dict" + "-" * 5_000,
        "Grads_Dict",
        "",
    ],
)
def test_a_shape_the_worker_never_writes_is_no_answer(shape):
    assert answerschema.mistyped(json.loads(_answer(shape=shape))) is not None
    assert batch._parse_channel(_answer(shape=shape)) is None


def test_every_shape_the_worker_writes_is_read():
    for shape in ("class", "grads-dict", "inplace-update", "returns-updated-params", "layer-list", "script", None):
        assert batch._parse_channel(_answer(shape=shape))["shape"] == shape


def test_a_tensor_name_no_code_would_choose_is_no_answer():
    params = [{"name": "W" * 5_000, "path": "W", "shape": [1], "data": [0.0]}]
    assert batch._parse_channel(_answer(params=params)) is None
    params[0]["name"] = "W1"
    assert batch._parse_channel(_answer(params=params))["params"][0]["name"] == "W1"


def test_free_text_of_the_answer_is_clipped_at_parse_time():
    pad = "x" + " " * 200_000 + "y"
    error = {"type": "E" * 5_000, "message": "boom" + pad, "where": pad, "traceback": pad, "raised_by": pad}
    notes = ["note" + pad] * 1_000
    got = batch._parse_channel(_answer(entry="TanhNet.backward" + pad, notes=notes, error=error, forward_path=pad))
    assert len(got["entry"]) <= answerschema.TEXT_CHARS and got["entry"].startswith("TanhNet.backward")
    assert len(got["forward_path"]) <= answerschema.TEXT_CHARS
    assert len(got["notes"]) == answerschema.NOTES + 1 and all(len(n) <= answerschema.NOTE_CHARS for n in got["notes"])
    assert all(len(got["error"][k]) <= n for k, n in answerschema.ERROR_CHARS.items())
    assert got["error"]["message"].startswith("boomx")
    short = batch._parse_channel(_answer(entry="TanhNet.backward", notes=["a note"]))
    assert (short["entry"], short["notes"]) == ("TanhNet.backward", ["a note"])  # as the worker wrote them


def _forged(shape: str) -> SubmissionResult:
    return SubmissionResult(path="cls/mallory_mlp.py", status="error", error="RuntimeError: boom", shape=shape)


def test_report_md_shows_the_shape_as_code_never_as_markup():
    from gradcheck.report.audit import render_markdown

    shape = "grads-dict <img src=x onerror=alert(document.domain)> **PASS** [see](https://evil.example/x)"
    md = render_markdown(AuditReport("error", (_passing("cls/alice.py"), _forged(shape)), 1.0))
    row = next(line for line in md.splitlines() if "mallory" in line)
    assert f"`{shape}`" in row  # one code span: no markdown or HTML in it is read


def test_one_wide_cell_does_not_pad_every_row_of_the_text_table():
    from gradcheck.report.audit import render_text

    subs = [_passing(f"cls/s{i}.py") for i in range(3)] + [_forged("grads-dict" + "-" * 100_000)]
    text = render_text(AuditReport("error", tuple(subs), 1.0))
    assert len(text) < 100_000 + 5_000  # the wide cell once, not once per row
    honest = [line for line in text.splitlines() if "cls/s" in line and "ok" in line]
    assert honest and all(len(line) < 1_000 for line in honest)


# --------------------------------------------------------------------------- R5-13: quadratic regexes

_RENDER = """
import sys, time
from gradcheck.report.student import for_students
pad = "x" + " " * 200_000 + "y"
texts = ("boom " + pad, "entry" + pad + "(", ", set" + pad, "(" + pad, pad + ";", ": " + pad + "set it")
for text in (*texts, "keep;" + pad + "set it"):
    out = for_students(text)
    assert out.strip() and len(out) <= len(text), repr(out[:80])
print("ok")
"""


def test_student_messages_are_linear_in_whitespace_runs():
    proc = subprocess.run(
        [sys.executable, "-c", _RENDER],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,  # quadratic: ~15 minutes; linear: well under a second
    )
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr[-2000:]


def test_student_messages_still_lose_the_instructors_hints():
    from gradcheck.report.student import for_students

    said = "top-level code was not run: lines 64-66   (set spec.run_toplevel = true to run it) (line 3)"
    assert for_students(said) == "top-level code was not run: lines 64-66 (line 3)"
    said = "GradsNotFound: no gradients were extracted  ;  then set spec.grads (in reading gradients)"
    assert for_students(said) == "GradsNotFound: no gradients were extracted (in reading gradients)"
    assert for_students("boom, use the loss; see [loss] name") == "boom, use the loss"


def test_a_backward_under_a_second_name_or_a_stray_method_forges_no_helper(tmp_path):
    """Red team round 6: ``backward = _step`` (no ``def backward``) read as a file with no backward, and one class
    with a ``clip_grad`` method beside the network read as two networks (AmbiguousEntry): both forged claims left a
    buggy file out of the lowest score."""
    aliased = tmp_path / "aliased.py"
    aliased.write_text(BUGGY_NET.replace("def backward(", "def _step(") + "\n    backward = _step\n", encoding="utf-8")
    assert _refused(aliased, "EntryNotFound").error_source != "audit"
    stray = tmp_path / "stray.py"
    clipper = "\n\nclass Clipper:\n    def clip_grad(self, g):\n        return g\n"
    stray.write_text(BUGGY_NET + clipper, encoding="utf-8")
    assert _refused(stray, "AmbiguousEntry").error_source != "audit"
    two = tmp_path / "two.py"  # two runnable networks: the claim the grader reads too
    two.write_text(BUGGY_NET + BUGGY_NET.replace("class TanhNet", "class OtherNet"), encoding="utf-8")
    assert _refused(two, "AmbiguousEntry").error_source == "audit"
