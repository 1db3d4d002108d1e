"""gradcheck.audit.signing: the per-folder key and the HMAC that --resume checks."""

from __future__ import annotations

import json
import os

from gradcheck.audit import signing


def test_key_is_made_once_private_and_reused(tmp_path):
    k1 = signing.run_key(tmp_path)
    f = tmp_path / signing.KEY_FILE
    assert len(k1) == signing.KEY_BYTES and (f.stat().st_mode & 0o777) == 0o600
    assert signing.run_key(tmp_path) == k1


def test_a_bad_or_linked_key_file_is_replaced(tmp_path):
    f = tmp_path / signing.KEY_FILE
    f.write_bytes(b"short")
    k = signing.run_key(tmp_path)
    assert len(k) == signing.KEY_BYTES and f.read_bytes() == k
    f.unlink()
    planted = tmp_path / "planted"
    planted.write_bytes(b"k" * signing.KEY_BYTES)
    f.symlink_to(planted)
    k2 = signing.run_key(tmp_path)
    assert k2 != b"k" * signing.KEY_BYTES and not f.is_symlink()


def test_any_change_breaks_the_signature(tmp_path):
    key = signing.run_key(tmp_path)
    record = json.loads(json.dumps({"status": "fail", "score": 0.25, "tensors": [{"name": "W1", "status": "fail"}]}))
    signed = {**record, "hmac": signing.sign(key, record)}
    assert signing.verify(key, signed)
    assert signing.verify(key, json.loads(json.dumps(signed)))  # survives a JSON round trip
    for change in ({"status": "pass"}, {"score": 1.0}, {"tensors": [{"name": "W1", "status": "pass"}]}):
        assert not signing.verify(key, {**signed, **change})
    assert not signing.verify(os.urandom(32), signed)
    assert not signing.verify(key, record)
    assert not signing.verify(key, {**signed, "hmac": 5})


def test_seeds_depend_on_key_and_label():
    k1, k2 = b"a" * 32, b"b" * 32
    s = signing.derive_seed(k1, "probe x")
    assert s == signing.derive_seed(k1, "probe x") and 0 <= s < 2**63
    assert s != signing.derive_seed(k2, "probe x") and s != signing.derive_seed(k1, "probe y")
