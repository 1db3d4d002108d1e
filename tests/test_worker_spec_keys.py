"""Every key the grader hands the worker is one the worker knows: none is reported as ignored while it is used."""

from __future__ import annotations

from gradcheck.audit.spec import AuditSpec
from gradcheck.audit.worker import SPEC_KEYS


class _Everything(dict):
    """A section that has every key, each set."""

    def get(self, key, default=None):
        return "set"


def test_the_worker_knows_every_key_of_the_spec_it_is_given():
    spec = AuditSpec(sections={s: _Everything() for s in ("entry", "network", "loss", "data", "limits")})
    given = set(spec.worker_spec())
    assert "backward_args" in given  # (was reported "unknown spec keys ignored" while it was applied)
    assert given <= SPEC_KEYS, given - SPEC_KEYS
