"""``python -m gradcheck audit``: audit student submissions, safely, at class scale."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

AUDIT_FORMATS = ("text", "markdown", "json", "junit", "gradescope", "html")


def add_parser(sub) -> None:
    """Register the ``audit`` subcommand."""
    p = sub.add_parser(
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
        choices=("auto", "mse", "bce"),
        help="the loss the gradient must match (overrides the spec; auto: whichever the gradient fits)",
    )
    p.add_argument("--reduction", choices=("mean", "sum"), help="loss reduction over the batch (default mean)")
    p.add_argument("--scale", type=float, help="constant factor on the loss, e.g. 0.5 for (1/2) MSE")
    p.add_argument(
        "--jobs",
        type=int,
        default=min(4, os.cpu_count() or 1),
        help="submissions audited in parallel, each in its own sandbox (default: %(default)s)",
    )
    p.add_argument(
        "--timeout",
        type=float,
        help="wall-clock seconds per submission before it is killed "
        "(default: the spec's [limits] wall_seconds, else 60)",
    )
    p.add_argument(
        "--resume",
        type=Path,
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
    from gradcheck.cli import _common

    _common(p, AUDIT_FORMATS)  # --format, --output, --seed, as for run and zoo
    p.set_defaults(handler=cmd_audit)


def _spec(args):
    from gradcheck.audit.spec import AuditSpec, SpecError, load_spec
    from gradcheck.cli import CliError

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


def cmd_audit(args: argparse.Namespace) -> int:
    """Handler of ``gradcheck audit``."""
    from gradcheck.audit.batch import audit_batch, discover, limits_for
    from gradcheck.cli import CliError, _emit
    from gradcheck.report.files import run_folder, write_atomic

    if args.gradescope_template:
        from gradcheck.audit.gradescope import write_template
        from gradcheck.audit.spec import SpecError

        try:
            written = write_template(args.gradescope_template, spec=args.spec)
        except (SpecError, OSError) as exc:
            raise CliError(f"cannot write the Gradescope template: {exc}") from None
        for f in written:
            print(f"wrote {f}", file=sys.stderr)
        return 0
    if not args.paths:
        raise CliError("give at least one submission file or folder (PATH)")
    if args.jobs < 1:
        raise CliError(f"--jobs must be at least 1, got {args.jobs}")
    spec = _spec(args)
    try:
        paths = discover(args.paths)
    except FileNotFoundError as exc:
        raise CliError(f"{exc}; give a submission file or a folder of them") from None
    if not paths:
        raise CliError(f"no .py or .ipynb submissions in {', '.join(map(str, args.paths))}")
    if args.init_spec:
        from gradcheck.audit.initspec import write_spec

        try:
            write_spec(paths[0], args.init_spec, spec)
        except (ValueError, OSError) as exc:
            raise CliError(str(exc)) from None
        print(f"wrote {args.init_spec} from {paths[0]}", file=sys.stderr)
        return 0
    if args.resume is not None and not args.resume.is_dir():
        raise CliError(f"--resume {args.resume}: no such folder (give the folder of the interrupted audit)")
    try:
        folder = args.resume or run_folder(args.output, "audit")
    except OSError as exc:
        raise CliError(f"cannot create a report folder under {args.output}: {exc.strerror or exc}") from None
    from gradcheck.audit.sandbox import SandboxUnavailable

    print(f"auditing {len(paths)} submission(s), results in {folder}", file=sys.stderr)
    try:
        report = audit_batch(
            paths,
            spec,
            folder=folder,
            jobs=args.jobs,
            seed=args.seed,
            limits=limits_for(spec, args.timeout),
            resume=args.resume is not None,
            backend=args.sandbox,
            progress=_progress(),
        )
    except SandboxUnavailable as exc:
        raise CliError(f"--sandbox {args.sandbox}: {exc}") from None
    rendered = render_all(report, spec)
    _emit(rendered[args.format])
    for name, key in (
        ("report.json", "json"),
        ("report.md", "markdown"),
        ("junit.xml", "junit"),
        ("results.json", "gradescope"),
        ("report.html", "html"),
    ):
        if key in rendered:
            write_atomic(folder / name, rendered[key])
    print(f"reports written to {folder}", file=sys.stderr)
    return 0 if all(s.passed for s in report.submissions) else 1


def render_all(report, spec) -> dict[str, str]:
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

        out["gradescope"] = render_gradescope(report, spec)
    except ImportError:
        pass
    try:
        from gradcheck.report.html import render_html

        out["html"] = render_html(report, rtol=spec.get("check", "rtol"))
    except ImportError:
        pass
    return out
