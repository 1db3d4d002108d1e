"""Fixtures shared by the test modules."""

import sys

import pytest


@pytest.fixture
def clean_imports(monkeypatch):
    """Code that loads submissions in-process edits sys.path, sys.meta_path and sys.modules: undo it afterwards."""
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.setattr(sys, "meta_path", list(sys.meta_path))
    before = set(sys.modules)
    yield
    for name in set(sys.modules) - before:
        del sys.modules[name]
