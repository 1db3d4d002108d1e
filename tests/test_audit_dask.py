"""``audit --dask``: a batch on a dask.distributed LocalCluster gives a local run's verdicts, loses none
when a worker dies, reports a submission that kills its worker every time, and stops cleanly on Ctrl-C.

The cluster tests share one LocalCluster of 2 worker processes (1 thread each). The comparison
with ``--jobs 2`` runs here on a representative subset of examples/submissions and
examples/hostile (every shape of result: pass, fail, error from the worker, error from the
sandbox, a forged channel, a project folder, a class export with colliding names);
``benchmarks/cluster.py --verdicts`` runs it on both whole sets (reports/cluster.md).
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import glob
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
import types
from pathlib import Path

import cloudpickle
import numpy as np
import pytest
from sandbox_util import bwrap_or_skip

import gradcheck.audit.batch
import gradcheck.audit.distributed as dd
import gradcheck.audit.distributed.cluster
import gradcheck.audit.distributed.task
import gradcheck.audit.distributed.watchdog  # noqa: F401 (dd.cluster, dd.task, the watchdog's constant)
from gradcheck.audit import intake, signing
from gradcheck.audit.batch import audit_batch, audit_one, limits_for, reproduce_command, submission_digest
from gradcheck.audit.spec import AuditSpec, load_spec
from gradcheck.audit.submissions import discover
from gradcheck.cli import main

ROOT = Path(__file__).resolve().parents[1]
EX = ROOT / "examples" / "submissions"
HOSTILE = ROOT / "examples" / "hostile"
EXPECTED = tomllib.loads((EX / "EXPECTED.toml").read_text())["files"]
HOSTILE_EXPECTED = tomllib.loads((HOSTILE / "EXPECTED.toml").read_text())["files"]
HONEST = ["inplace_correct.py", "grads_tuple_sign_bug.py", "lists_bias_bug.py", "script_correct.py"]
FOLDERS = ["project_correct", "class_export"]
ATTACKS = ["os_exit.py", "forge_channel.py", "rewrite_results.py", "neighbour_worker.py", "cached_gradient.py"]
# no submission here is meant to time out: the wall limit is a bound for a hang (its default), never one a loaded
# machine can turn a pass into a timeout with (an 8 s limit did, on a machine running two audits beside the suite)
SPEC = "[limits]\nwall_seconds = 30\nmemory_mb = 768\n"

cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the workers cannot import this file


@pytest.fixture(scope="module", autouse=True)
def scratch(tmp_path_factory):
    """TMPDIR of the processes this module starts (the cluster's workers, the command lines): the tests
    kill workers on purpose, and a killed worker cannot remove its scratch folders; they stay here, in
    the test's own temporary folder, not in /tmp."""
    tmp = tmp_path_factory.mktemp("tmpdir")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TMPDIR", str(tmp))
        yield tmp


@pytest.fixture(scope="module")
def client():
    bwrap_or_skip()
    with dd.connect(dd.Target("local", workers=2), workers=2) as c:
        yield c


@pytest.fixture(scope="module")
def spec(tmp_path_factory):
    f = tmp_path_factory.mktemp("spec") / "spec.toml"
    f.write_text(SPEC)
    return load_spec(f)


def _paths(honest=HONEST, folders=FOLDERS, attacks=ATTACKS) -> list[Path]:
    return discover([EX / n for n in (*honest, *folders)] + [HOSTILE / n for n in attacks])


def _expected(p: Path) -> str:
    if p.parent == HOSTILE:
        return HOSTILE_EXPECTED[p.name]["status"]
    entry = EXPECTED[p.relative_to(EX).as_posix()]
    return entry.get("audit", entry["verdict"])  # "audit": the zero-config status where it differs


def _same_key(src: Path, *folders: Path) -> None:
    for f in folders:
        f.mkdir()
        (f / signing.KEY_FILE).write_bytes((src / signing.KEY_FILE).read_bytes())


def _run_specific(text: str) -> str:
    """Without the numbers of the grader's fds and temp-file inodes, which differ between any two runs."""
    return re.sub(r"#\d+", "#N", re.sub(r"(fd |fd/)\d+", r"\1N", text))


def _without_times(report) -> dict:
    """The report without timings, and without the result channel's fd number in a student's output
    (forge_channel.py prints it: whichever number the grader's process had free)."""
    d = report.to_dict()
    del d["elapsed"]
    for s in d["submissions"]:
        del s["elapsed"]
        s["output_tail"] = _run_specific(s.get("output_tail") or "")
    return d


def _comparable(record: dict) -> dict:
    tail = _run_specific(record.get("output_tail") or "")
    return {**record, "elapsed": 0, "hmac": "", "output_tail": tail}


def _diff(*dicts) -> str:
    return "; ".join(f"{k}: {[d.get(k) for d in dicts]}" for k in dicts[0] if len({repr(d.get(k)) for d in dicts}) > 1)


def _results(folder: Path) -> dict[str, dict]:
    return {
        f.relative_to(folder / "submissions").as_posix(): json.loads(f.read_text())
        for f in (folder / "submissions").rglob("*.json")
    }


# ----------------------------------------------------------------------------- the same verdicts


def test_cluster_verdicts_and_result_files_are_a_local_runs(client, spec, tmp_path):
    """Same folder key (so the same probe seeds): everything but the timings is identical, whether the
    workers read the files from the shared disk or (a project folder, a class export, a hostile file, a
    buggy one) the files travel with the tasks."""
    paths = _paths()
    few = _paths(HONEST[1:2], FOLDERS, ATTACKS[1:2])
    local = audit_batch(paths, spec, folder=tmp_path / "local", jobs=2)
    _same_key(tmp_path / "local", tmp_path / "shared", tmp_path / "ship")
    shared = dd.audit_batch_dask(paths, spec, folder=tmp_path / "shared", client=client)
    shipped = dd.audit_batch_dask(few, spec, folder=tmp_path / "ship", client=client, files="ship")
    assert [s.status for s in local.submissions] == [_expected(p) for p in paths]  # the truth, not only agreement
    reference = {s["path"]: s for s in _without_times(local)["submissions"]}
    for run, ran in ((shared, paths), (shipped, few)):
        got = _without_times(run)["submissions"]
        assert [s["path"] for s in got] == [str(p) for p in ran]
        for s in got:
            assert s == reference[s["path"]], _diff(s, reference[s["path"]])
    key, reference_files = signing.run_key(tmp_path / "local"), _results(tmp_path / "local")
    for run, ran in (("shared", paths), ("ship", few)):
        files = _results(tmp_path / run)
        assert len(files) == len(ran) and files.keys() <= reference_files.keys()
        for name, data in files.items():
            assert signing.verify(key, data), name
            assert _comparable(data) == _comparable(reference_files[name])


def test_resume_works_across_local_and_cluster_runs(client, spec, tmp_path, monkeypatch):
    paths = _paths(HONEST[:3], [], [])
    audit_batch(paths, spec, folder=tmp_path, jobs=2)
    (tmp_path / "submissions" / paths[1].name).with_suffix(".py.json").unlink()
    before = {n: (tmp_path / "submissions" / n).stat().st_mtime_ns for n in (paths[0].name + ".json",)}

    report = dd.audit_batch_dask(paths, spec, folder=tmp_path, client=client, resume=True)
    assert [s.status for s in report.submissions] == [_expected(p) for p in paths]
    assert (tmp_path / "submissions" / (paths[1].name + ".json")).is_file()  # audited again, on the cluster
    assert {n: (tmp_path / "submissions" / n).stat().st_mtime_ns for n in before} == before  # reloaded, not redone
    files = {p.name: (p.stat().st_mtime_ns, p.stat().st_ino) for p in (tmp_path / "submissions").iterdir()}
    audited = []  # what the local run audits: nothing, the cluster's files verify locally

    def counted(p, *args, **kw):
        audited.append(p)
        return audit_one(p, *args, **kw)

    monkeypatch.setattr(gradcheck.audit.batch, "audit_one", counted)
    again = audit_batch(paths, spec, folder=tmp_path, jobs=1, resume=True)
    assert audited == [] and _without_times(again) == _without_times(report)
    assert {p.name: (p.stat().st_mtime_ns, p.stat().st_ino) for p in (tmp_path / "submissions").iterdir()} == files


# ----------------------------------------------------------------------------- faults


def logged_audit(path, spec, *, log, hold=0.0, **kw):
    """audit_one, with a line per start: which worker process ran which submission (held ``hold`` seconds
    after the line, so that a worker killed just after a line appears is surely mid-task)."""
    with open(log, "a") as fh:
        fh.write(f"{os.getpid()} {Path(path).name}\n")
    time.sleep(hold)
    return audit_one(path, spec, **kw)


def killing_audit(path, spec, *, victim, **kw):
    """audit_one, except that ``victim`` kills the worker process running it, every time."""
    if Path(path).name == victim:
        os.kill(os.getpid(), signal.SIGKILL)
    return audit_one(path, spec, **kw)


class Recorder:
    def __init__(self, monkeypatch):
        self.calls: list[Path] = []
        real = dd.record
        monkeypatch.setattr(dd, "record", lambda plan, p, r: (self.calls.append(p), real(plan, p, r))[1])


def test_a_worker_killed_mid_batch_loses_no_verdict_and_none_is_written_twice(client, spec, tmp_path, monkeypatch):
    paths = _paths(HONEST, ["class_export"], [])
    log, killed = tmp_path / "starts.log", []
    recorder = Recorder(monkeypatch)

    def kill_one_running(done, total, failures, elapsed):
        if not killed:  # a worker that has just started its next task (after this verdict): kill it there
            deadline = time.monotonic() + 30
            while len(log.read_text().splitlines()) < done + 2 and time.monotonic() < deadline:
                time.sleep(0.05)  # 2 workers: the tasks started before this verdict, then the next one
            pid, name = (log.read_text().splitlines()[-1]).split(" ", 1)
            os.kill(int(pid), signal.SIGKILL)
            killed.append((int(pid), name))

    audit = functools.partial(logged_audit, log=str(log), hold=2.0)
    folder = tmp_path / "out"
    report = dd.audit_batch_dask(paths, spec, folder=folder, client=client, progress=kill_one_running, audit=audit)
    (pid, name), starts = killed[0], log.read_text().splitlines()
    assert f"{pid} {name}" in starts and sum(s.endswith(f" {name}") for s in starts) == 2  # it ran again elsewhere
    assert [s.status for s in report.submissions] == [_expected(p) for p in paths]
    assert sorted(recorder.calls) == sorted(paths)  # every verdict written once
    assert len(_results(folder)) == len(paths)


def test_a_submission_that_kills_its_worker_every_time_is_an_error_and_the_batch_goes_on(
    client, spec, tmp_path, monkeypatch
):
    paths = _paths(HONEST[:3], [], [])
    victim = paths[1]
    recorder = Recorder(monkeypatch)
    audit = functools.partial(killing_audit, victim=victim.name)
    report = dd.audit_batch_dask(paths, spec, folder=tmp_path, client=client, audit=audit)
    by_path = {Path(s.path): s for s in report.submissions}
    assert by_path[victim].status == "error" and "KilledWorker" in by_path[victim].error
    assert by_path[victim].command == reproduce_command(victim, spec)
    assert [by_path[p].status for p in paths if p != victim] == [_expected(p) for p in paths if p != victim]
    assert victim not in recorder.calls and not (tmp_path / "submissions" / f"{victim.name}.json").exists()
    again = audit_batch(paths, spec, folder=tmp_path, jobs=1, resume=True)  # a cluster's error is audited again
    assert [s.status for s in again.submissions] == [_expected(p) for p in paths]


def test_cluster_verdict_of_another_fault_says_what_failed():
    r = dd.cluster_verdict(OSError("No space left on device"), Path("a/b.py"), AuditSpec({}, None))
    assert r.status == "error" and "OSError: No space left on device" in r.error and r.score == 0.0
    assert r.command == "python -m gradcheck audit a/b.py"


# ----------------------------------------------------------------------------- the task, in this process


def test_a_task_asks_for_the_files_it_cannot_see_and_audits_them_when_they_travel(spec, tmp_path):
    bwrap_or_skip()
    p = EX / "grads_tuple_sign_bug.py"
    limits = limits_for(spec)
    ctx = dd.Context(spec, limits, "bwrap", 0, False)
    digest = submission_digest(p, spec, limits.disk_bytes, p.name)
    unseen = dd.Task(str(p), str(tmp_path / "elsewhere" / p.name), digest, 7)
    assert dd.run_task(unseen, ctx) is None
    changed = tmp_path / p.name
    changed.write_text(p.read_text() + "\n# edited after the client read it\n")
    assert dd.run_task(dd.Task(str(p), str(changed), digest, 7), ctx) is None  # same path, other content
    shipped = dd.run_task(dataclasses.replace(unseen, files=dd.pack(p, limits.disk_bytes)), ctx)
    local = audit_one(p, spec, limits=limits, probe_seed=7)
    assert shipped.path == str(p) and shipped.command == local.command
    assert {**shipped.to_dict(), "elapsed": 0} == {**local.to_dict(), "elapsed": 0}


def test_a_worker_says_why_it_cannot_audit_and_whether_it_sees_the_clients_files(spec, tmp_path):
    import gradcheck

    bwrap_or_skip()
    assert dd.check_worker("bwrap", gradcheck.__version__) is None
    assert dd.check_worker("bwrap", "0.0.0") == f"gradcheck {gradcheck.__version__} is installed there, 0.0.0 here"
    assert "unknown sandbox backend 'bwarp'" in dd.check_worker("bwarp", gradcheck.__version__)
    p = EX / "inplace_correct.py"
    ctx = dd.Context(spec, limits_for(spec), "bwrap", 0, False)
    digest = submission_digest(p, spec, ctx.limits.disk_bytes, p.name)
    assert dd.sees(str(p), digest, ctx, p.name)
    assert not dd.sees(str(tmp_path / p.name), digest, ctx, p.name)


def test_pack_and_unpack_keep_a_project_folder_with_its_inside_links(tmp_path):
    src = tmp_path / "proj"
    (src / "lib").mkdir(parents=True)
    (src / "main.py").write_text("from lib import layers\n")
    (src / "lib" / "layers.py").write_bytes(b"X = 1\n")
    os.symlink("lib/layers.py", src / "alias.py")
    files = dd.pack(src, 1 << 20)
    assert files.size == len("from lib import layers\n") + len("X = 1\n") + len("lib/layers.py")
    out = tmp_path / "out"
    out.mkdir()
    dd.unpack(files, out)
    assert (out / "proj" / "alias.py").read_text() == "X = 1\n" and os.readlink(out / "proj" / "alias.py")
    assert intake.tree_digest(out) == intake.tree_digest(intake.copy_submission(src, max_bytes=1 << 20))
    os.symlink("/etc/passwd", src / "leak.py")
    with pytest.raises(intake.SubmissionRefused, match="link out of the submission"):
        dd.pack(src, 1 << 20)
    with pytest.raises(ValueError, match="outside the submission"):
        dd.unpack(dd.Files((("../x", "F", b"", 0o644),)), out)


@pytest.mark.parametrize("name", ["batch.npz", "data/batch.npz", "../shared/batch.npz"])
def test_the_specs_data_file_travels_with_the_task(tmp_path, name):
    X, Y = np.arange(6.0).reshape(3, 2), np.ones((3, 1))
    home = tmp_path / "course" / "hw"
    (home / name).parent.mkdir(parents=True, exist_ok=True)
    np.savez(home / name, X=X, Y=Y)
    spec = AuditSpec({"data": {"file": name}}, home / "spec.toml")
    ctx = dd.Context(spec, limits_for(spec), "none", 0, False, dd.data_file(spec))
    scratch = tmp_path / "worker"
    scratch.mkdir()
    from gradcheck.audit.batch import make_data

    local = dd.task._local_spec(ctx, scratch)
    got = make_data(local, None, None)
    assert np.array_equal(got[0], X) and np.array_equal(got[1], Y)
    assert scratch in (local.path.parent / name).resolve().parents  # nothing written outside the task's folder


# ----------------------------------------------------------------------------- the command line


@pytest.mark.parametrize(
    "value, words",
    [
        ("local:0", "local:N takes a number of worker processes from 1 to 256"),
        ("local:x", "local:N takes"),
        ("http://head:8786", "is not a scheduler"),
        ("head", "is not a scheduler"),
    ],
)
def test_a_bad_dask_value_is_a_usage_error_naming_the_flag(value, words, capsys):
    assert main(["audit", str(EX / "inplace_correct.py"), "--dask", value]) == 2
    err = capsys.readouterr().err
    assert "--dask" in err and words in err


@pytest.mark.parametrize(
    "target, kind, value, workers",
    [
        ("local", "local", "", None),
        ("local:3", "local", "", 3),
        ("tcp://10.0.0.5:8786", "address", "tcp://10.0.0.5:8786", None),
        ("head:8786", "address", "head:8786", None),
        ("/scratch/sched.json", "file", "/scratch/sched.json", None),
    ],
)
def test_dask_values_accepted(target, kind, value, workers):
    assert dd.parse_target(target) == dd.Target(kind, value, workers)


@pytest.mark.parametrize(
    "args, words",
    [
        (["--dask", "local:2", "--jobs", "2"], "give the number once, as --dask local:N"),
        (["--dask", "tcp://head:8786", "--jobs", "2"], "the cluster's workers set how many run at once"),
        (["--dask", "/nonexistent/sched.json"], "no such scheduler file"),
        (["--dask", "local", "--format", "gradescope"], "--dask audits a class"),
    ],
)
def test_dask_with_flags_it_cannot_take_is_a_usage_error(args, words, capsys, tmp_path):
    assert main(["audit", str(EX / "inplace_correct.py"), "--output", str(tmp_path), *args]) == 2
    assert words in capsys.readouterr().err


def test_dask_address_of_a_running_scheduler_audits_there(client, tmp_path, capsys):
    address = client.scheduler.address
    argv = ["audit", str(EX / "inplace_correct.py"), str(EX / "lists_bias_bug.py"), "--output", str(tmp_path)]
    assert main([*argv, "--dask", address, "--format", "json"]) == 1  # lists_bias_bug.py fails
    report = json.loads(capsys.readouterr().out)
    assert [s["status"] for s in report["submissions"]] == ["pass", "fail"]
    assert client.status == "running"  # the user's cluster is left running


def test_dask_address_where_no_scheduler_answers_is_a_usage_error(monkeypatch, capsys, tmp_path):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setattr(dd.cluster, "CONNECT_SECONDS", 1.0)
    argv = ["audit", str(EX / "inplace_correct.py"), "--output", str(tmp_path), "--dask", f"tcp://127.0.0.1:{port}"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "no dask scheduler answered" in err and "dask scheduler" in err and "Traceback" not in err


def test_a_local_cluster_for_a_sandbox_that_keeps_the_network_speaks_tls_with_its_own_certificates():
    """With --sandbox none or container a submission can reach 127.0.0.1: it must not be able to send the
    scheduler work (a task runs as the grader)."""
    import distributed

    with dd.connect(dd.Target("local", workers=1), workers=1, backend="none") as c:
        assert c.scheduler.address.startswith("tls://127.0.0.1:")
        assert c.submit(sum, [1, 2]).result() == 3
        for address in (c.scheduler.address, c.scheduler.address.replace("tls://", "tcp://")):
            with pytest.raises((OSError, TypeError, TimeoutError)):
                distributed.Client(address, timeout=3)
            # finalize the refused Client here: collected inside the next Client's start, its
            # __del__ deadlocks on distributed's loop lock (seen as a hung test)
            gc.collect()


def test_files_must_be_one_of_three(client, spec, tmp_path):
    with pytest.raises(ValueError, match="files must be auto, ship or shared, got 'copy'"):
        dd.audit_batch_dask([EX / "inplace_correct.py"], spec, folder=tmp_path, client=client, files="copy")


def test_without_the_extra_dask_says_how_to_install_it(monkeypatch, capsys, tmp_path):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    assert main(["audit", str(EX / "inplace_correct.py"), "--dask", "local:2", "--output", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert 'pip install "gradcheck[distributed]"' in err and "Traceback" not in err


def test_ctrl_c_cancels_the_cluster_and_leaves_a_valid_partial_report_that_resume_finishes(tmp_path):
    bwrap_or_skip()
    klass = tmp_path / "class"
    klass.mkdir()
    # twelve submissions: the ten left after the second result take longer than a loaded machine needs to
    # deliver the Ctrl-C (with six, the last four could all be written before it landed)
    for copy in (1, 2):
        for name in [*HONEST, "inplace_ascent_correct.py", "columns_correct.py"]:
            (klass / f"{Path(name).stem}_{copy}.py").write_bytes((EX / name).read_bytes())
    out = tmp_path / "reports"
    args = [sys.executable, "-m", "gradcheck", "audit", str(klass), "--dask", "local:2", "--output", str(out)]
    _ctrl_c_reaches_it()
    proc = subprocess.Popen(
        args,
        cwd=tmp_path,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 600  # a hang guard: the wait ends at the second result, however loaded the machine is
    while len(glob.glob(f"{out}/*/submissions/*.json")) < 2:
        assert proc.poll() is None and time.monotonic() < deadline, "two results never appeared"
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGINT)  # a terminal's Ctrl-C reaches the whole process group
    _, err = proc.communicate(timeout=300)  # a hang guard, not a speed bound
    assert proc.returncode == 130 and "interrupted" in err.decode() and "Traceback" not in err.decode()
    (folder,) = out.glob("audit-*")
    written = _results(folder)
    key = signing.run_key(folder)
    assert 2 <= len(written) < 12 and all(signing.verify(key, d) for d in written.values())
    for _ in range(100):  # the workers and the sandboxes are gone with the client
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    assert not [p for p in os.listdir("/proc") if p.isdigit() and _in_group(int(p), proc.pid)]
    mtimes = {n: (folder / "submissions" / n).stat().st_mtime_ns for n in written}
    done = subprocess.run([*args[:5], "--resume", str(folder), "--jobs", "2"], capture_output=True, timeout=600)
    assert done.returncode == 1  # some examples fail, as they should
    report = json.loads((folder / "report.json").read_text())
    assert len(report["submissions"]) == 12 and len(_results(folder)) == 12
    assert {n: (folder / "submissions" / n).stat().st_mtime_ns for n in written} == mtimes


def _ctrl_c_reaches_it() -> None:
    """SIGINT handled in this process, as Python's own default is, so that the audit started next gets it as a
    terminal leaves it: a shell's background job (no job control) inherits SIGINT ignored, passes that on to
    every child, and a Python started so never turns Ctrl-C into KeyboardInterrupt."""
    signal.signal(signal.SIGINT, signal.default_int_handler)


def _in_group(pid: int, pgid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return int(fields[2]) == pgid and fields[0] not in ("Z", "X")


def scratch_leaving_audit(path, spec, *, victim, **kw):
    """audit_one, except that ``victim`` makes a temporary folder (as the submission's safe copy does) and
    then kills the worker process running it, every time: nothing on the worker can clean up after it."""
    if Path(path).name == victim:
        tempfile.mkdtemp(prefix="gradcheck-work-")
        os.kill(os.getpid(), signal.SIGKILL)
    return audit_one(path, spec, **kw)


def test_the_client_removes_the_scratch_folders_of_workers_killed_mid_task(spec, tmp_path, scratch):
    paths = _paths(HONEST[:2], [], [])
    victim = paths[0]
    audit = functools.partial(scratch_leaving_audit, victim=victim.name)
    bwrap_or_skip()
    # a cluster of its own: its workers are killed again and again, and the nannies' restarts are what it tests
    with dd.connect(dd.Target("local", workers=2), workers=2) as client:
        report = dd.audit_batch_dask(paths, spec, folder=tmp_path, client=client, audit=audit)
        assert "KilledWorker" in report.submissions[0].error
        assert report.submissions[1].status == _expected(paths[1])
        # the victim's task folder, with the copy made inside it, is gone from every worker: removed by the
        # client's sweep (its worker died). A task whose result died with a worker the victim killed is run again
        # by the scheduler; released by the client, that run still finishes on its worker and removes its own
        # folder then (the cluster stays up meanwhile): that run is waited for first (on a loaded machine, with
        # coverage tracing the restarted workers, it outlasted a fixed 60 s), then 60 s for the folders to go.
        _until_no_task_runs(client, 300)
        deadline = time.monotonic() + 60
        while (left := _scratch_folders(scratch)) and time.monotonic() < deadline:
            time.sleep(0.5)
    assert left == []


def _until_no_task_runs(client, seconds: float) -> None:
    """Wait (at most ``seconds``) until no worker of ``client``'s cluster is executing a task, released ones too."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            running = client.run(lambda dask_worker: dask_worker.state.executing_count)
        except Exception:  # noqa: BLE001 - a worker restarting: ask again
            running = {None: 1}
        if not any(running.values()):
            return
        time.sleep(0.5)


def _scratch_folders(tmp: Path) -> list[str]:
    return [p.name for p in tmp.iterdir() if p.name.startswith(("gradcheck-task-", "gradcheck-work-"))]


def test_the_sweep_finds_leftovers_while_another_task_points_tempfile_at_its_own_scratch(tmp_path, monkeypatch):
    # remove_scratch runs in the worker's event loop while a task's thread has tempfile.tempdir set to that
    # task's scratch folder: the leftover of a killed worker sits beside it, in the temp dir, not inside it
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    left = tmp_path / "gradcheck-task-batch1-dead"
    (left / "files").mkdir(parents=True)
    running = tmp_path / "gradcheck-task-batch1-alive"
    running.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(running))
    assert dd.remove_scratch("gradcheck-task-batch1-dead") == 1
    assert not left.exists() and running.exists()


def sleeping_audit(path, spec, *, started, **kw):
    """audit_one after a minute, saying at ``started`` when it began: still running when the cluster loses its
    workers."""
    Path(started).touch()
    time.sleep(60)
    return audit_one(path, spec, **kw)


def test_a_cluster_that_loses_every_worker_ends_the_batch_with_errors(spec, tmp_path, monkeypatch):
    # a worker restart that fails under load (or pre-empted nodes) leaves no worker: the batch must not wait forever
    monkeypatch.setattr(gradcheck.audit.distributed.watchdog, "NO_WORKERS_SECONDS", 3.0)
    paths = _paths(HONEST[:3], [], [])
    with dd.connect(dd.Target("local", workers=1), workers=1) as c:
        started = tmp_path / "started"
        audit = functools.partial(sleeping_audit, started=str(started))

        def lose_every_worker():  # once a task runs, as when a restart fails: the nanny stays, no worker comes back
            for _ in range(600):
                if started.exists():
                    break
                time.sleep(0.1)
            for nanny in list(c.cluster.workers.values()):
                nanny.close_gracefully(reason="test: no restart")
                os.kill(nanny.pid, signal.SIGKILL)

        threading.Thread(target=lose_every_worker, daemon=True).start()
        got: list = []
        run = functools.partial(dd.audit_batch_dask, paths, spec, folder=tmp_path / "out", client=c, audit=audit)
        batch = threading.Thread(target=lambda: got.append(run()), daemon=True)
        batch.start()
        batch.join(55)  # the killer waits for a task to start: still less than its minute of sleep
        assert got, "the batch was still waiting on a cluster with no worker"
    report = got[0]
    assert [s.status for s in report.submissions] == ["error"] * 3
    assert all("no worker for 3 s" in s.error and "--resume" in s.error for s in report.submissions)


def test_removing_scratch_needs_a_batch_or_a_task_never_every_folder():
    with pytest.raises(ValueError, match="names no batch"):
        dd.remove_scratch("gradcheck-task-")
    with pytest.raises(ValueError, match="names no batch"):
        dd.remove_scratch("../etc")


def test_a_future_whose_result_is_awaited_stays_where_the_watchdog_can_cancel_it(monkeypatch):
    # a result lost with a killed worker is computed again while the batch waits on it; with no worker left only
    # the watchdog's cancel ends that wait, so the future must still be among the running ones it cancels
    import distributed

    seen = {}

    class Recorder:
        def __init__(self, client, running):
            seen["running"] = running
            self.fired = False

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return None

    class Future:
        def result(self):
            seen["awaited while running"] = self in seen["running"]
            return "verdict"

        def release(self):
            pass

    class Done(list):
        def add(self, fut):
            self.append(fut)

    class Client:
        def submit(self, *a, **kw):
            return Future()

    monkeypatch.setattr(dd, "Watchdog", Recorder)
    monkeypatch.setattr(dd, "window", lambda client: 4)
    monkeypatch.setattr(dd, "_task", lambda plan, p, ctx, ship, batch="": (p, None))
    monkeypatch.setattr(dd, "_sweep", lambda client, name: None)
    monkeypatch.setattr(distributed, "as_completed", Done)
    plan = types.SimpleNamespace(todo=[Path("a.py")])
    got = list(dd._run(Client(), plan, types.SimpleNamespace(spec=None), False))
    assert got == [(Path("a.py"), "verdict", True)]
    assert seen["awaited while running"] and seen["running"] == {}
