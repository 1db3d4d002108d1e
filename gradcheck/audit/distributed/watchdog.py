"""A batch never waits forever on a cluster that has lost every worker.

A LocalCluster's nanny restarts a worker a submission killed, but under heavy load a restart
can fail, and a running cluster can lose its workers (pre-empted nodes, a stopped job). Dask
then keeps the tasks waiting for a worker that never comes, and the batch would wait with them.
The watchdog cancels the batch's running tasks once no worker has been seen for
:data:`NO_WORKERS_SECONDS`; they end as ``error`` verdicts that say so (not written: ``--resume``
runs them again), and no more tasks are sent.
"""

from __future__ import annotations

import threading
import time

#: Seconds with no worker on the cluster after which the batch stops waiting: longer than a worker
#: restart takes on a loaded machine (a few seconds to a minute), short against a class's batch.
NO_WORKERS_SECONDS = 120.0
#: Seconds between two looks at the cluster's workers.
POLL_SECONDS = 2.0


class NoWorkers(Exception):
    """The cluster had no worker for :data:`NO_WORKERS_SECONDS`."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"the cluster had no worker for {seconds:g} s (its workers stopped and none came back); "
            "rerun with --resume once it has workers"
        )


class Watchdog:
    """Cancels ``running``'s futures (a dict the batch keeps, futures as keys) when ``client``'s
    cluster has had no worker for ``seconds``; ``fired`` says it did. A context manager."""

    def __init__(self, client, running: dict, seconds: float | None = None) -> None:
        self.client, self.running = client, running
        self.seconds = NO_WORKERS_SECONDS if seconds is None else seconds
        self.fired = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="gradcheck-watchdog", daemon=True)

    def __enter__(self) -> Watchdog:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(POLL_SECONDS + 1.0)

    def reason(self) -> NoWorkers:
        """What the verdicts of the tasks it cancelled (and of those never sent) say."""
        return NoWorkers(self.seconds)

    def _watch(self) -> None:
        seen = time.monotonic()
        while not self._stop.wait(min(POLL_SECONDS, self.seconds / 2)):
            try:
                workers = len(self.client.nthreads())
            except Exception:  # noqa: BLE001 - the client closing: the batch is over
                return
            now = time.monotonic()
            if workers:
                seen = now
            elif now - seen >= self.seconds:
                self._cancel()
                seen = now  # a task sent since gets its own wait

    def _cancel(self) -> None:
        try:
            futures = list(self.running)
        except RuntimeError:  # the batch changed the dict meanwhile: the next look cancels
            return
        if futures:
            self.fired = True
            self.client.cancel(futures, force=True)
