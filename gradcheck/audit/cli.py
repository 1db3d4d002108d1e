"""``python -m gradcheck audit``: audit student submissions, safely, at class scale."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from gradcheck.flags import (
    EXIT_FAIL,
    EXIT_OK,
    MAX_JOBS,
    CliError,
    add_common,
    add_subcommand,
    check_writable,
    emit,
    jobs_type,
    scale_type,
    terminal_width,
    timeout_type,
)

AUDIT_FORMATS = ("text", "markdown", "json", "junit", "gradescope", "html")


def add_parser(sub) -> None:
    """Register the ``audit`` subcommand."""
    p = add_subcommand(
        sub,
        "audit",
        help="audit student backprop submissions (.py, .ipynb) in a sandbox",
        description="Run every submission in its own sandboxed process, check its gradient against the "
        "declared network's numeric gradient, check its forward pass, and name the bug.",
    )
    p.add_argument(
        "paths", nargs="*", type=Path, metavar="PATH", help="submission files, or folders holding them (.py and .ipynb)"
    )
    p.add_argument(
        "--spec",
        type=Path,
        metavar="FILE",
        help="the assignment's TOML spec (entry point, names, loss, data, points); optional for the common shapes",
    )
    p.add_argument(
        "--init-spec",
        type=Path,
        metavar="FILE",
        help="write a commented spec inferred from the (first) submission to FILE and exit",
    )
    p.add_argument(
        "--loss",
        choices=("auto", "mse", "bce", "ce"),
        help="the loss the gradient must match (overrides the spec; auto: the student's own loss, "
        "else whichever the gradient fits)",
    )
    p.add_argument("--reduction", choices=("mean", "sum"), help="loss reduction over the batch (default mean)")
    p.add_argument(
        "--scale",
        type=scale_type,
        metavar="X",
        help="constant factor on the loss, a number > 0, e.g. 0.5 for (1/2) MSE (default: 1)",
    )
    p.add_argument(
        "--jobs",
        type=jobs_type,
        metavar="N",
        help=f"submissions audited in parallel, each in its own sandbox, 1 to 256 (default: {default_jobs()}); "
        "with --dask local, the number of worker processes",
    )
    p.add_argument(
        "--dask",
        type=_dask_target,
        metavar="ADDRESS",
        help="audit on a dask.distributed cluster, a task per submission: the scheduler's address "
        "(tcp://HOST:8786), its scheduler file (.json), or local[:N] for a LocalCluster of N worker "
        "processes (default N: --jobs); every worker needs gradcheck and the sandbox; "
        'needs pip install "gradcheck[distributed]"',
    )
    p.add_argument(
        "--timeout",
        type=timeout_type,
        metavar="SECONDS",
        help="wall-clock seconds per sandboxed run before it is killed, a number in (0, 86400]; a "
        "submission's runs together get twice that (default: the spec's [limits] wall_seconds, else 60)",
    )
    p.add_argument(
        "--resume",
        type=_existing_folder,
        metavar="FOLDER",
        help="finish an interrupted audit in FOLDER, skipping submissions already judged",
    )
    p.add_argument(
        "--sandbox",
        choices=("bwrap", "container", "none"),
        default="bwrap",
        help="how submissions are isolated: bwrap (bubblewrap namespaces, the default), container (an "
        "unprivileged user of its own, for containers such as Gradescope's where bwrap cannot run), or "
        "none (no isolation; only for code you trust)",
    )
    p.add_argument(
        "--gradescope-template",
        type=Path,
        metavar="DIR",
        help="write a Gradescope autograder (run_autograder, setup.sh) to DIR and exit",
    )
    add_common(p, AUDIT_FORMATS)  # --format, --output, --seed, as for run and zoo
    p.set_defaults(handler=cmd_audit)


def default_jobs() -> int:
    """``--jobs`` when not given: the machine's cores, at most 4."""
    return min(4, os.cpu_count() or 1)


def _dask_target(text: str):
    from gradcheck.audit.distributed import parse_target

    try:
        return parse_target(text, MAX_JOBS)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _existing_folder(text: str) -> Path:
    path = Path(text)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text}: no such folder (give the folder of the interrupted audit)")
    return path


def _spec(args):
    from gradcheck.audit.spec import AuditSpec, SpecError, load_spec

    try:
        spec = load_spec(args.spec)
    except SpecError as exc:
        raise CliError(str(exc)) from None
    sections = {k: dict(v) for k, v in spec.sections.items()}
    for key, value in (("name", args.loss), ("reduction", args.reduction), ("scale", args.scale)):
        if value is not None:
            sections.setdefault("loss", {})[key] = value
    return AuditSpec(sections, spec.path)


def _progress():
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int, failures: int, elapsed: float) -> None:
        eta = elapsed / done * (total - done) if done else 0.0
        bar = "#" * int(20 * done / max(1, total))
        end = "\n" if done == total else ""
        sys.stderr.write(f"\r\033[K[{bar:<20}] {done}/{total}  {failures} failing  {elapsed:.0f}s  ETA {eta:.0f}s{end}")
        sys.stderr.flush()

    return show


def _template(args: argparse.Namespace) -> int:
    from gradcheck.audit.gradescope import write_template
    from gradcheck.audit.spec import SpecError

    check_writable(args.gradescope_template, "--gradescope-template", files="the autograder files")

    try:
        written = write_template(args.gradescope_template, spec=args.spec)
    except (SpecError, OSError) as exc:
        raise CliError(f"cannot write the Gradescope template: {exc}") from None
    for f in written:
        print(f"wrote {f}", file=sys.stderr)
    return EXIT_OK


def _init_spec(args: argparse.Namespace, first: Path, spec) -> int:
    from gradcheck.audit.batch import write_spec

    if args.init_spec.is_dir():
        raise CliError(f"--init-spec {args.init_spec} is a folder; give a file name, e.g. {args.init_spec}/spec.toml")
    check_writable(args.init_spec.parent, "--init-spec", shown=args.init_spec)

    try:
        _, stopped = write_spec(first, args.init_spec, spec)
    except (ValueError, OSError) as exc:
        raise CliError(str(exc)) from None
    print(f"wrote {args.init_spec} from {first}", file=sys.stderr)
    if stopped:
        print(f"the audit stopped ({stopped[:200]}): the spec has TODO lines to fill in", file=sys.stderr)
    return EXIT_OK


def _submissions(args: argparse.Namespace) -> list[Path]:
    from gradcheck.audit.batch import discover

    if not args.paths:
        raise CliError("give at least one submission file or folder (PATH)")
    from gradcheck.audit.batch import SUFFIXES

    for p in args.paths:
        if p.is_file() and p.suffix not in SUFFIXES:
            raise CliError(f"{p} is not a .py or .ipynb file; give a submission file or a folder of them")
    try:
        paths = discover(args.paths)
    except FileNotFoundError as exc:
        raise CliError(f"{exc}; give a submission file or a folder of them") from None
    if not paths:
        raise CliError(f"no .py or .ipynb submissions in {', '.join(map(str, args.paths))}")
    return paths


def _limits(spec, timeout):
    from gradcheck.audit.batch import limits_for

    try:
        return limits_for(spec, timeout)
    except (TypeError, ValueError) as exc:
        where = f"spec {spec.path}: [limits]" if spec.path else "--timeout"
        raise CliError(f"{where}: {exc}") from None


def _report_folder(args: argparse.Namespace) -> Path:
    from gradcheck.report.files import run_folder

    if args.resume is not None:
        return args.resume
    check_writable(args.output)
    try:
        return run_folder(args.output, "audit")
    except OSError as exc:
        raise CliError(f"cannot create a report folder under {args.output}: {exc.strerror or exc}") from None


#: Report files written to every audit's folder, and the format each holds.
REPORT_FILES = (
    ("report.txt", "text"),
    ("report.json", "json"),
    ("report.md", "markdown"),
    ("junit.xml", "junit"),
    ("results.json", "gradescope"),
    ("report.html", "html"),
)


def _write_reports(folder: Path, rendered: dict[str, str]) -> None:
    from gradcheck.report.files import write_atomic

    try:
        for name, key in REPORT_FILES:
            if key in rendered:
                write_atomic(folder / name, rendered[key])
    except OSError as exc:
        raise CliError(
            f"could not write the reports in {folder}: {exc.strerror or exc} (the verdicts are printed "
            "above and kept in its submissions/ folder); pass --output DIR to choose another folder"
        ) from None


def cmd_audit(args: argparse.Namespace) -> int:
    """Handler of ``gradcheck audit``: every check of the command line first, then the work."""
    from gradcheck.audit.batch import audit_batch

    if args.gradescope_template:
        return _template(args)
    if args.format == "gradescope" and not args.init_spec:
        return _gradescope(args)
    paths = _submissions(args)
    spec = _spec(args)
    if args.init_spec:
        return _init_spec(args, paths[0], spec)
    limits = _limits(spec, args.timeout)
    _check_dask(args)
    folder = _report_folder(args)
    print(f"auditing {len(paths)} submission(s), results in {folder}", file=sys.stderr)
    kw = dict(folder=folder, seed=args.seed, limits=limits, resume=args.resume is not None, progress=_progress())
    if args.dask is not None:
        report = _on_cluster(args, paths, spec, **kw)
    else:
        report = _sandboxed(args, audit_batch, paths, spec, jobs=args.jobs or default_jobs(), **kw)
    rendered = render_all(report, spec)
    if args.format == "text":
        from gradcheck.report.audit import render_text

        emit(render_text(report, width=terminal_width()))
    else:
        emit(rendered[args.format])
    _write_reports(folder, rendered)
    print(f"reports written to {folder}", file=sys.stderr)
    return EXIT_OK if all(s.passed for s in report.submissions) else EXIT_FAIL


def _sandboxed(args: argparse.Namespace, audit_batch, *a, **kw):
    """``audit_batch`` in the sandbox ``--sandbox`` chose; a backend that cannot run here is a usage error."""
    from gradcheck.audit.sandbox import SandboxUnavailable

    try:
        return audit_batch(*a, backend=args.sandbox, **kw)
    except SandboxUnavailable as exc:
        raise CliError(f"--sandbox {args.sandbox}: {exc}") from None


def _check_dask(args: argparse.Namespace) -> None:
    """``--dask`` with ``--jobs``: only ``--dask local`` takes its size from ``--jobs``."""
    if args.dask is None:
        return
    if args.jobs is not None and (args.dask.kind != "local" or args.dask.workers is not None):
        where = (
            "give the number once, as --dask local:N"
            if args.dask.kind == "local"
            else ("the cluster's workers set how many run at once (dask worker --nthreads)")
        )
        raise CliError(f"--jobs and --dask {_shown(args.dask)} together: {where}")


def _shown(target) -> str:
    return target.value or (f"local:{target.workers}" if target.workers else "local")


def _on_cluster(args: argparse.Namespace, paths, spec, **kw):
    """The batch on ``--dask``'s cluster; a cluster that cannot be used is a usage error."""
    from gradcheck.audit.distributed import ClusterError, audit_batch_dask, connect

    try:
        with connect(args.dask, workers=args.jobs or default_jobs(), backend=args.sandbox) as client:
            return audit_batch_dask(paths, spec, client=client, backend=args.sandbox, **kw)
    except ClusterError as exc:
        raise CliError(f"--dask {_shown(args.dask)}: {exc}") from None


def _gradescope(args: argparse.Namespace) -> int:
    """``--format gradescope``: PATH is one student's upload; every file of it is judged (see report.gradescope)."""
    from gradcheck.audit.batch import AuditReport, audit_batch
    from gradcheck.audit.gradescope import plan_upload

    if not args.paths:
        raise CliError("give the student's upload (PATH), e.g. /autograder/submission")
    if args.dask is not None:
        raise CliError("--dask audits a class; --format gradescope grades one upload: leave --dask out")
    spec = _spec(args)
    try:
        upload = plan_upload(args.paths, spec)
    except (FileNotFoundError, ValueError) as exc:
        raise CliError(str(exc)) from None
    limits = _limits(spec, args.timeout)
    folder = _report_folder(args)
    print(f"grading {len(upload.judged)} file(s) of the upload {upload.root}, results in {folder}", file=sys.stderr)
    report = AuditReport("error", (), 0.0, folder)
    if upload.judged:
        report = _sandboxed(
            args,
            audit_batch,
            list(upload.judged),
            spec,
            folder=folder,
            jobs=args.jobs or default_jobs(),
            seed=args.seed,
            limits=limits,
            siblings=True,
        )
    rendered = render_all(report, spec, upload)
    emit(rendered["gradescope"])
    _write_reports(folder, rendered)
    passed = bool(report.submissions) and all(s.passed for s in report.submissions)
    return EXIT_OK if passed else EXIT_FAIL


def render_all(report, spec, upload=None) -> dict[str, str]:
    """Every format of the audit report."""
    from gradcheck.report import audit as ra
    from gradcheck.report.files import to_json

    out = {
        "text": ra.render_text(report),
        "markdown": ra.render_markdown(report),
        "json": to_json(report.to_dict()),
        "junit": ra.render_junit(report),
    }
    try:
        from gradcheck.report.gradescope import render_gradescope

        out["gradescope"] = render_gradescope(report, spec, upload)
    except ImportError:
        pass
    try:
        from gradcheck.report.html import render_html

        out["html"] = render_html(report, rtol=spec.get("check", "rtol"))
    except ImportError:
        pass
    return out
