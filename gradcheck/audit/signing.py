"""Per-run signatures of the per-submission result files, so ``--resume`` reloads only its own.

Each audit folder gets a random key (``signing.key``, mode 0600) when its first
result is written. Every ``submissions/<name>.json`` carries an HMAC-SHA256 of its
content under that key; ``--resume`` reloads a file only if its HMAC verifies (and its
digest matches the submission and spec of now), and audits the others again. The key
never enters a sandbox: bubblewrap shows no output folder at all, and the container
backend's uid cannot read a 0600 file of root's.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path
from typing import Any

__all__ = ["KEY_FILE", "run_key", "sign", "verify", "derive_seed"]

KEY_FILE = "signing.key"
KEY_BYTES = 32


def run_key(folder: Path) -> bytes:
    """The folder's key: read it, or make one (a key file that is not a plain 32-byte file is replaced)."""
    path = Path(folder) / KEY_FILE
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:
        return _new_key(path)
    except OSError:  # a link or something unreadable: never trust it
        path.unlink(missing_ok=True)
        return _new_key(path)
    with os.fdopen(fd, "rb") as fh:
        key = fh.read(KEY_BYTES + 1)
    if len(key) != KEY_BYTES:
        path.unlink(missing_ok=True)
        return _new_key(path)
    return key


def _new_key(path: Path) -> bytes:
    key = secrets.token_bytes(KEY_BYTES)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key)
    return key


def _canonical(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), allow_nan=False).encode()


def sign(key: bytes, data: dict[str, Any]) -> str:
    """HMAC-SHA256 (hex) of ``data`` in canonical JSON; ``data`` must already be plain JSON."""
    return hmac.new(key, _canonical(data), hashlib.sha256).hexdigest()


def verify(key: bytes, data: dict[str, Any]) -> bool:
    """Does ``data["hmac"]`` sign the rest of ``data`` under ``key``?"""
    mac = data.get("hmac")
    if not isinstance(mac, str):
        return False
    rest = {k: v for k, v in data.items() if k != "hmac"}
    try:
        return hmac.compare_digest(mac, sign(key, rest))
    except (TypeError, ValueError):
        return False


def derive_seed(key: bytes, label: str) -> int:
    """A 63-bit seed from the key and a label: unpredictable before the run, the same on ``--resume``."""
    mac = hmac.new(key, label.encode("utf-8", "surrogateescape"), hashlib.sha256)  # a file name need not be UTF-8
    return int.from_bytes(mac.digest()[:8], "big") >> 1
