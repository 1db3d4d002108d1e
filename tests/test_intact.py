"""The worker's own functions rebound by a submission are seen, and no verdict is built on such a run."""

import gradcheck.audit.probes as probes
from gradcheck.audit import intact
from gradcheck.audit.worker import _unless_rewritten, empty_result


def test_a_rebound_grader_function_is_named(monkeypatch):
    changed = intact.snapshot()
    assert changed() == []
    monkeypatch.setattr(probes, "_watched_step", lambda *a, **k: None)  # what a hostile submission does
    assert changed() == ["gradcheck.audit.probes._watched_step"]
    monkeypatch.undo()
    assert changed() == []


def test_a_replaced_grader_module_is_named(monkeypatch):
    import sys
    import types

    changed = intact.snapshot()
    monkeypatch.setitem(sys.modules, "gradcheck.audit.probes", types.ModuleType("gradcheck.audit.probes"))
    assert "gradcheck.audit.probes" in changed()


def test_a_rewritten_run_answers_an_error_not_its_result():
    result = empty_result()
    result["ok"] = True
    out = _unless_rewritten(result, ["gradcheck.audit.probes._watched_step"])
    assert out["error"]["type"] == "GraderRewritten"
    assert "gradcheck.audit.probes._watched_step" in out["error"]["message"]
    assert _unless_rewritten(result, []) is result
