"""The self-contained HTML audit page: structure, escaping, and a headless Chromium render."""

from __future__ import annotations

import math
import shutil
import struct
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from gradcheck.audit.batch import AuditReport
from gradcheck.audit.grade import ForwardCheck, SubmissionResult
from gradcheck.report.html import render_html
from gradcheck.result import Diagnosis, EntryEvidence, TensorResult

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
EVIL = "evil/<script>alert('x')</script>&.py"


def tensor(name, shape, status="pass", rel=1e-11, analytic=0.25, numeric=0.25):
    size = math.prod(shape)
    worst = (EntryEvidence((0,) * len(shape), analytic, numeric, 1e-12, abs(analytic - numeric), rel, 1e-9, status),)
    return TensorResult(
        name=name,
        shape=tuple(shape),
        status=status,
        max_abs_error=abs(analytic - numeric),
        max_rel_error=rel,
        worst_index=(0,) * len(shape),
        analytic=analytic,
        numeric=numeric,
        checked=size,
        size=size,
        counts={status: size},
        evaluations=2 * size,
        worst=worst,
    )


def make_report() -> AuditReport:
    fwd = ForwardCheck("match", 1e-16, "2-4-1 tanh|sigmoid", "activations inferred from the forward output")
    subs = (
        SubmissionResult(
            "alice.py",
            "pass",
            (tensor("W1", (2, 4)), tensor("b1", (4,)), tensor("W2", (4, 1)), tensor("b2", (1,), "kink", 0.0)),
            forward=fwd,
            command="python -m gradcheck audit alice.py",
            score=1.0,
            max_score=1.0,
            elapsed=0.4,
        ),
        SubmissionResult(
            "bob.py",
            "fail",
            (
                tensor("W1", (2, 4), "fail", 0.61, 0.3, 0.12),
                tensor("b1", (4,), "fail", float("nan"), float("nan"), 0.1),
                tensor("W2", (4, 1), "inconclusive", 3e-6),
                tensor("b2", (1,)),
            ),
            diagnoses=(Diagnosis("missing_activation_derivative", "W1, b1", "Multiply by f'(z1) & check a < b.", 0.9),),
            forward=ForwardCheck("mismatch", 0.2, "2-4-1 tanh|sigmoid", "no reference network"),
            notes=("loss not declared",),
            command="python -m gradcheck audit bob.py",
            score=0.0,
            max_score=1.0,
            elapsed=0.5,
        ),
        SubmissionResult(
            EVIL,
            "error",
            error="NameError: name '<b>np</b>' is not defined",
            output_tail="Traceback ...\n<script>x</script>",
            command=f"python -m gradcheck audit '{EVIL}'",
            score=0.0,
            max_score=1.0,
        ),
        SubmissionResult("dave.ipynb", "timeout", error="killed after 60 s", score=0.0, max_score=1.0),
    )
    return AuditReport("error", subs, 2.5)


class Page(HTMLParser):
    """Collects tags, ids, links, text per section and checks nesting."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: list[str] = []
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.resources: list[str] = []
        self.text: list[str] = []
        self.sections: dict[str, dict] = {}
        self.current: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        if tag not in VOID:
            self.stack.append(tag)
        if "id" in a:
            assert a["id"] not in self.ids, f"duplicate id {a['id']}"
            self.ids.add(a["id"])
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        if tag in ("img", "script", "link", "iframe") or "src" in a:
            self.resources.append(tag)
        if tag == "section":
            self.current = a["id"]
            self.sections[self.current] = {"svg": 0, "text": []}
        if tag == "svg" and self.current:
            self.sections[self.current]["svg"] += 1

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        self.stack.pop()
        if tag == "section":
            self.current = None

    def handle_data(self, data):
        self.text.append(data)
        if self.current:
            self.sections[self.current]["text"].append(data)


def parse(text: str) -> Page:
    p = Page()
    p.feed(text)
    p.close()
    return p


def test_structure_and_self_containment():
    rep = make_report()
    html = render_html(rep)
    page = parse(html)
    assert page.errors == [] and page.stack == []
    assert html.startswith("<!DOCTYPE html>") and page.tags[:1] == ["html"]
    assert page.resources == []  # no scripts, images, stylesheets or frames
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in html
    assert "@import" not in html and "url(http" not in html
    assert len(page.sections) == len(rep.submissions)
    text = "".join(page.text)
    for s in rep.submissions:
        assert s.path in text
    for sid, sec in page.sections.items():
        assert sec["svg"] == 1, sid
    for href in page.links:  # the summary table links every section
        assert href.startswith("#") and href[1:] in page.ids
    assert {h[1:] for h in page.links} >= set(page.sections)


def test_everything_is_escaped():
    html = render_html(make_report())
    assert "<script" not in html and "<b>np</b>" not in html
    assert "&lt;script&gt;" in html
    page = parse(html)
    assert "script" not in page.tags and "b" not in page.tags
    evil = [sid for sid, sec in page.sections.items() if EVIL in "".join(sec["text"])]
    assert len(evil) == 1
    assert "Multiply by f'(z1) & check a < b." in "".join(page.text)


def test_content_of_a_failing_section():
    page = parse(render_html(make_report()))
    bob = "".join(next(sec for sec in page.sections.values() if "bob.py" in "".join(sec["text"]))["text"])
    for words in (
        "missing_activation_derivative",
        "W1[0, 0]",
        "mismatch",
        "loss not declared",
        "python -m gradcheck audit bob.py",
        "nan",
        "rtol 1.5e-08",
    ):
        assert words in bob, words


def test_empty_report():
    page = parse(render_html(AuditReport("pass", (), 0.0)))
    assert page.errors == [] and page.sections == {}


def _chromium() -> str | None:
    for c in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if c and Path(c).exists():
            return c
    return None


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_renders_in_headless_chromium(tmp_path):
    exe = _chromium()
    if exe is None:
        pytest.skip("chromium not installed: apt-get install chromium")
    rep = make_report()
    page = tmp_path / "report.html"
    page.write_text(render_html(rep), encoding="utf-8")
    flags = [
        exe,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    dom = subprocess.run([*flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    for s in rep.submissions:
        assert s.path.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") in dom.stdout
    assert dom.stdout.count("<svg") == len(rep.submissions)
    assert "<script" not in dom.stdout
    shot = tmp_path / "page.png"
    run = subprocess.run(
        [*flags, f"--screenshot={shot}", "--window-size=1200,900", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0 and shot.exists(), run.stderr[-2000:]
    assert _png_size(shot) == (1200, 900)
    assert shot.stat().st_size > 20_000  # a drawn page, not a blank one
