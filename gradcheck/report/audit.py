"""Renderers of audit reports: text, markdown and JUnit XML."""

from __future__ import annotations

import math
import os
import re
import xml.etree.ElementTree as ET

from gradcheck.printable import nested, one_line, printable
from gradcheck.report.markdown import code_span, md_table, md_text
from gradcheck.report.text import MARK, fits, prose, table

#: How the second and later lines of a multi-line error or note are indented in a submission's section.
CONTINUED = " " * 6


def points(score: float | None, max_score: float | None) -> str:
    """``0.33/1``: points rounded to two decimals, trailing zeros dropped ("" when not graded).

    Examples
    --------
    >>> points(1 / 3, 1.0), points(2.5, 4.0), points(None, None)
    ('0.33/1', '2.5/4', '')
    """
    if max_score is None:
        return ""

    def short(x: float) -> str:
        return f"{round(float(x or 0.0), 2):.2f}".rstrip("0").rstrip(".")

    return f"{short(score)}/{short(max_score)}"


def _top(s) -> str:
    return s.diagnoses[0].code if s.diagnoses else ""


def _wrong(s) -> str:
    bad = [t for t in s.tensors if t.status == "fail"]
    return ", ".join(t.location for t in bad[:3]) + (" ..." if len(bad) > 3 else "")


def _look_alike(report) -> list[str]:
    """Notes on students' names that look alike (none for a report that does not say)."""
    return list(getattr(report, "look_alike_names", ()))


def render_text(report, width: int | None = None) -> str:
    """Summary table (one row per submission) and, per failing submission, the evidence.

    ``width``: a terminal's columns, which the table then fits (paths, shapes,
    wrong entries and diagnoses wrap); None (files, pipes): full width.
    """
    out = _summary_table(report.submissions, width) + [f"note: {n}" for n in _look_alike(report)]
    for s in report.submissions:
        if not s.passed:
            out += ["", *detail_lines(s)]
    counts = {}
    for s in report.submissions:
        counts[s.status] = counts.get(s.status, 0) + 1
    summary = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
    n = len(report.submissions)
    out += ["", prose(f"{n} submission{'' if n == 1 else 's'}: {summary}; {report.elapsed:.1f} s", width)]
    return printable("\n".join(out))  # file names come from the students too


def _summary_table(subs, width: int | None) -> list[str]:
    """One row per submission; on a narrow terminal the shared folder is said once and ``shape`` goes."""
    paths = [s.path for s in subs]
    headers = ["submission", "verdict", "shape", "wrong entries", "diagnosis", "time"]
    rows = [
        [one_line(c) for c in (s.path, MARK[s.status], s.shape or "-", _wrong(s) or "-", _top(s) or "-")]
        + [f"{s.elapsed:.1f}s"]
        for s in subs
    ]
    if fits(headers, rows, width):
        return [table(headers, rows)]
    try:  # relative and absolute paths mixed have no common folder
        folder = os.path.commonpath(paths) if len(paths) > 1 else os.path.dirname(paths[0]) if paths else ""
    except ValueError:
        folder = ""
    lead = []
    if folder and all(p.startswith(folder + os.sep) for p in paths):
        lead = [f"in {folder}{os.sep}:"]
        for row in rows:
            row[0] = row[0][len(folder) + 1 :]
    if not fits(headers, rows, width):
        headers, rows = (
            [h for i, h in enumerate(headers) if i != 2],
            [[c for i, c in enumerate(r) if i != 2] for r in rows],
        )
    return [*lead, table(headers, rows, width=width, wrap={0, 2, 3})]


def detail_lines(s) -> list[str]:
    """What a student needs: verdict, wrong tensors, diagnosis, evidence, how to reproduce."""
    lines = [f"== {one_line(s.path)}: {MARK[s.status]}" + (f" ({one_line(s.entry)})" if s.entry else "")]
    if s.error:
        lines.append(f"   error: {s.error}")
    for t in s.tensors:
        if t.status != "pass" and math.isnan(t.max_rel_error):  # a wrong shape, said in the error above
            lines.append(f"   {t.name}: {t.status}, wrong shape: not compared entry by entry")
        elif t.status != "pass":
            lines.append(
                f"   {t.name}: {t.status}, worst {t.location}: analytic {t.analytic:.8g} vs numeric "
                f"{t.numeric:.8g} (rel err {t.max_rel_error:.2e})"
            )
    for d in s.diagnoses[:3]:
        where = f" [{d.tensor}]" if d.tensor else ""
        said = d.message == s.error  # a verdict given before any check: its reason is the error above
        lines.append(f"   diagnosis {d.code}{where}" + ("" if said else f": {d.message}"))
    if s.forward is not None and s.forward.status != "match":
        lines.append(f"   forward: {s.forward.status} ({s.forward.note})")
    if s.cells.get("backward") is not None:
        lines.append(f"   backward cell: {s.cells['backward']}")
    lines += [f"   note: {n}" for n in s.notes[:6]]
    if s.command:
        lines.append(f"   reproduce: {one_line(s.command)}")
    return [nested(line, CONTINUED) for line in lines]  # an error's or a note's lines stay in this section


def render_markdown(report) -> str:
    """The audit as markdown: summary table, then one section per non-passing submission."""
    rows = [
        [
            code_span(s.path),
            MARK[s.status],
            code_span(s.shape) if s.shape else "",  # the answer's to write: never markup (R5-05)
            code_span(_wrong(s)) if _wrong(s) else "",
            code_span(_top(s)) if _top(s) else "",
            points(s.score, s.max_score),
        ]
        for s in report.submissions
    ]
    out = [
        f"# gradcheck audit: {report.status.upper()}",
        "",
        md_table(["submission", "verdict", "shape", "wrong entries", "diagnosis", "points"], rows),
        *(f"\n**note:** {md_text(n)}" for n in _look_alike(report)),
    ]
    for s in report.submissions:
        if not s.passed:
            body = detail_lines(s)
            fence = "`" * max(3, 1 + max((len(r) for r in re.findall("`+", "\n".join(body))), default=0))
            out += ["", f"## {code_span(s.path)}", "", fence, *body, fence]  # a fence no line of it can close
    return printable("\n".join(out)) + "\n"


def render_junit(report) -> str:
    """JUnit XML: one testcase per submission (CI systems and LMS importers read it)."""
    bad = sum(s.status == "fail" for s in report.submissions)
    err = sum(s.status in ("error", "timeout") for s in report.submissions)
    suite = ET.Element(
        "testsuite",
        name="gradcheck-audit",
        tests=str(len(report.submissions)),
        failures=str(bad),
        errors=str(err),
        time=f"{report.elapsed:.3f}",
    )
    notes = _look_alike(report)
    if notes:  # students' names that look alike: said once for the class, before the cases
        props = ET.SubElement(suite, "properties")
        for n in notes:
            ET.SubElement(props, "property", name="look_alike_names", value=one_line(n))
    for s in report.submissions:
        name = one_line(s.path)
        case = ET.SubElement(suite, "testcase", classname="gradcheck.audit", name=name, time=f"{s.elapsed:.3f}")
        text = printable("\n".join(detail_lines(s)))
        if s.status == "fail" or s.status == "inconclusive":
            ET.SubElement(case, "failure", message=printable(_top(s) or s.status), type=s.status).text = text
        elif s.status in ("error", "timeout"):
            message = printable((s.error or s.status)[:200])
            ET.SubElement(case, "error", message=message, type=s.status).text = text
        elif s.diagnoses:  # a pass under an assumed loss says so (loss_assumed)
            ET.SubElement(case, "system-out").text = text
    ET.indent(suite)
    return ET.tostring(suite, encoding="unicode", xml_declaration=True) + "\n"
