"""A project folder runs from its own root, as its student ran it: ``open('config.txt')`` finds its file.

The audit's working directory is wherever the instructor stands; a project that reads a settings file by a
relative path used to fail on its own ``open`` (an error about the student where there is none).
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

from gradcheck.audit.worker import run_request

CONFIG = "hidden = 5\nseed = 3\n"
MODEL = """
import numpy as np


def read_settings(path="config.txt"):
    with open(path) as f:
        return dict(line.split(" = ") for line in f.read().splitlines())


class Net:
    def __init__(self, n_in, n_out):
        settings = read_settings()
        hidden = int(settings["hidden"])
        rng = np.random.default_rng(int(settings["seed"]))
        self.W1 = rng.normal(size=(n_in, hidden))
        self.b1 = np.zeros(hidden)
        self.W2 = rng.normal(size=(hidden, n_out))
        self.b2 = np.zeros(n_out)

    def forward(self, X):
        self.X = X
        self.h = np.tanh(X @ self.W1 + self.b1)
        return self.h @ self.W2 + self.b2

    def backward(self, y):
        d = (self.h @ self.W2 + self.b2 - y) / len(y)
        self.dW2 = self.h.T @ d
        self.db2 = d.sum(axis=0)
        dh = d @ self.W2.T * (1 - self.h**2)
        self.dW1 = self.X.T @ dh
        self.db1 = dh.sum(axis=0)
"""


def test_a_project_reading_its_own_settings_file_is_audited_from_its_root(tmp_path, clean_imports, monkeypatch):
    project = tmp_path / "student_7"
    project.mkdir()
    (project / "config.txt").write_text(CONFIG)
    (project / "model.py").write_text(textwrap.dedent(MODEL))
    elsewhere = tmp_path / "grader"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # the instructor's cwd holds no config.txt
    _, result = run_request({"submission": str(project), "X": None, "Y": None}, Path(elsewhere))
    assert result.get("error") is None, result.get("error")
    shapes = {p["name"]: p["shape"] for p in result["params"]}
    assert shapes["W1"] == [3, 5] and shapes["W2"] == [5, 1]  # the hidden width read from the file
    assert len(result["grads"]) == 4
    assert os.getcwd() == str(elsewhere)  # and the auditing process is back where it was


def test_a_lone_file_reading_a_missing_file_still_says_so(tmp_path, clean_imports, monkeypatch):
    (tmp_path / "model.py").write_text(textwrap.dedent(MODEL))
    monkeypatch.chdir(tmp_path)
    _, result = run_request({"submission": "model.py", "X": None, "Y": None}, Path(tmp_path))
    assert "config.txt" in result["error"]["message"]
    assert os.getcwd() == str(tmp_path)


#: As MODEL, with the settings read by top-level code, which loading a file does not run.
TOPLEVEL_SETTINGS = MODEL.replace(
    'def read_settings(path="config.txt"):\n    with open(path) as f:\n        return dict(',
    'with open("config.txt") as f:\n    SETTINGS = dict(',
).replace("settings = read_settings()", "settings = SETTINGS")


def _settings_project(tmp_path: Path) -> Path:
    project = tmp_path / "student_8"
    project.mkdir()
    (project / "config.txt").write_text(CONFIG)
    (project / "model.py").write_text(textwrap.dedent(TOPLEVEL_SETTINGS))
    return project


def test_a_name_set_by_top_level_code_points_to_run_toplevel(tmp_path, clean_imports, monkeypatch):
    project = _settings_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    _, result = run_request({"submission": str(project), "X": None, "Y": None}, Path(tmp_path))
    message = result["error"]["message"]
    # the setting's own line and the key that runs it, not init_args (no constructor argument can help)
    assert "'SETTINGS' is set by top-level code (model.py line 5)" in message, message
    assert "set [entry] run_toplevel = true" in message and "init_args" not in message


def test_the_hint_followed_audits_it(tmp_path, clean_imports, monkeypatch):
    project = _settings_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    request = {"submission": str(project), "X": None, "Y": None, "spec": {"run_toplevel": True}}
    _, result = run_request(request, Path(tmp_path))
    assert result.get("error") is None, result["error"]
    assert {p["name"]: p["shape"] for p in result["params"]}["W1"] == [3, 5]
