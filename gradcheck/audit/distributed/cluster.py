"""Where ``--dask`` runs: parse its value, reach the scheduler (or start a LocalCluster), and the
error a user can act on when it cannot be used."""

from __future__ import annotations

import contextlib
import gc
import logging
import signal
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

INSTALL_HINT = 'pip install "gradcheck[distributed]"'
#: Deaths of a task's worker before ``--dask local``'s scheduler gives up on it (KilledWorker):
#: one death is bad luck (the machine's OOM killer, a pre-empted node), three in a row is
#: the submission.
ALLOWED_FAILURES = 2
#: The scheduler of ``--dask local``: a worker holds only the task it runs (worker-saturation 1.0:
#: one per thread, none queued), so when a submission kills its worker no other task dies with
#: it and counts a death towards KilledWorker. A running cluster should be set the same way.
LOCAL_CONFIG = {
    "distributed.scheduler.allowed-failures": ALLOWED_FAILURES,
    "distributed.scheduler.worker-saturation": 1.0,
}
#: Seconds to reach a scheduler (or to wait for the first worker of one) before giving up.
CONNECT_SECONDS = 10.0


class ClusterError(Exception):
    """The cluster cannot be used: dask missing, no scheduler there, workers that cannot audit."""


@dataclass(frozen=True)
class Target:
    """Where ``--dask`` runs the batch: ``local`` (a LocalCluster of ``workers`` processes),
    ``address`` (a running scheduler, e.g. ``tcp://head:8786``) or ``file`` (a scheduler file,
    as dask-jobqueue and dask-mpi write)."""

    kind: str
    value: str = ""
    workers: int | None = None


def parse_target(text: str, max_workers: int = 256) -> Target:
    """``--dask``'s value: ``local``, ``local:N``, a scheduler address or a scheduler file (``*.json``).

    Raises
    ------
    ValueError
        Saying what is accepted.

    Examples
    --------
    >>> parse_target("local:2")
    Target(kind='local', value='', workers=2)
    >>> parse_target("tcp://10.0.0.5:8786").kind
    'address'
    """
    text = text.strip()
    if text == "local" or text.startswith("local:"):
        n = text.partition(":")[2]
        if n and not (n.isdigit() and 1 <= int(n) <= max_workers):
            raise ValueError(f"local:N takes a number of worker processes from 1 to {max_workers}, got {n!r}")
        return Target("local", workers=int(n) if n else None)
    if text.endswith(".json"):
        return Target("file", text)
    scheme, sep, rest = text.rpartition("://")
    host, colon, port = (rest if sep else text).rpartition(":")
    if (sep and scheme not in ("tcp", "tls", "ws", "wss", "ucx", "inproc")) or not (host and colon and port.isdigit()):
        raise ValueError(
            f"{text!r} is not a scheduler: give local, local:N, an address such as tcp://HOST:8786, "
            "or a scheduler file (.json)"
        )
    return Target("address", text)


def import_distributed():
    """The ``distributed`` module, or :class:`ClusterError` saying how to install it."""
    try:
        import distributed
    except ImportError:
        raise ClusterError(f"dask.distributed is not installed; install it with: {INSTALL_HINT}") from None
    return distributed


@contextlib.contextmanager
def connect(target: Target, *, workers: int, backend: str = "bwrap") -> Iterator[Any]:
    """A dask ``Client`` for ``target`` (``workers``: the LocalCluster's size when ``local`` has none).

    A LocalCluster for a backend that does not cut the network (``container``, ``none``) speaks
    TLS with certificates made for this run (``Security.temporary``): a submission that finds
    the scheduler's port cannot send it work. A running cluster's security is its own
    (dask's ``distributed.comm.tls`` settings).

    Raises
    ------
    ClusterError
        dask is not installed, no scheduler answers, or no worker joins in time.
    """
    distributed = import_distributed()
    import dask

    if target.kind == "local":
        n = target.workers or workers
        try:
            with dask.config.set(LOCAL_CONFIG):
                cluster = distributed.LocalCluster(
                    n_workers=n,
                    security=_security(backend),
                    dashboard_address="127.0.0.1:0",  # none, or bokeh's, on a free port of this machine only
                    threads_per_worker=1,
                    silence_logs=logging.CRITICAL,
                    preload=[__name__],  # dask_setup below, in every worker process, restarted ones too
                )
        except (RuntimeError, OSError) as exc:
            raise ClusterError(f"could not start a local cluster of {n} worker process(es): {exc}") from None
        with cluster, distributed.Client(cluster, security=cluster.security) as client:
            yield client
        return
    if target.kind == "file" and not Path(target.value).is_file():
        raise ClusterError("no such scheduler file; give the file the scheduler wrote (--scheduler-file)")
    how = {"scheduler_file": target.value} if target.kind == "file" else {"address": target.value}
    client, failure = None, ""
    try:
        client = distributed.Client(**how, timeout=CONNECT_SECONDS)
    except (OSError, TimeoutError, ValueError) as exc:
        failure = f"{type(exc).__name__}: {exc}"
    if client is None:
        # The half-built Client is finalized now: left to the garbage collector, its __del__
        # can run inside the next Client's start and deadlock on distributed's loop lock.
        gc.collect()
        raise ClusterError(
            f"no dask scheduler answered ({failure}); start one with `dask scheduler` and "
            "workers with `dask worker ADDRESS --nthreads 1`, or use --dask local"
        )
    with client:
        try:
            client.wait_for_workers(1, timeout=CONNECT_SECONDS)
        except TimeoutError:
            raise ClusterError(f"the scheduler has no worker (waited {CONNECT_SECONDS:g} s)") from None
        yield client


def _security(backend: str):
    """TLS for a LocalCluster whose submissions keep the network; None (plain TCP) for bwrap's, which have none."""
    if backend == "bwrap":
        return None
    from distributed.security import Security

    try:
        return Security.temporary()
    except ImportError:
        raise ClusterError(
            f"--sandbox {backend} leaves the network to the submissions, so the local cluster speaks TLS, "
            f"which needs the cryptography package: {INSTALL_HINT}"
        ) from None


def dask_setup(worker) -> None:
    """In every worker process of ``--dask local``: Ctrl-C is the client's to handle.

    A terminal's Ctrl-C reaches the whole process group; the workers leave it to the
    client, which cancels the tasks and closes the cluster, instead of each printing a
    traceback.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
