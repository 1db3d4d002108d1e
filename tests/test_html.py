"""The self-contained HTML audit page: structure, escaping, and a headless Chromium render."""

from __future__ import annotations

import math
import re
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
        self.scripts = 0
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
        if tag in ("img", "link", "iframe") or "src" in a or "href" in a and not a["href"].startswith("#"):
            self.resources.append(tag)
        if tag == "script":
            self.scripts += 1
        if tag == "section":
            self.current = a["id"]
            self.sections[self.current] = {"svg": 0, "heat": 0, "text": []}
        if tag == "svg" and self.current:
            self.sections[self.current]["svg"] += 1
            self.sections[self.current]["heat"] += "heat" in a.get("class", "")

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
    assert page.resources == []  # no images, stylesheets, frames or links out of the page
    assert page.scripts == 1 and "<script src" not in html  # one inline script, ours
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in html
    assert "@import" not in html and "url(http" not in html
    assert len(page.sections) == len(rep.submissions)
    text = "".join(page.text)
    for s in rep.submissions:
        assert s.path in text
    for sid, sec in page.sections.items():
        assert sec["svg"] >= 1, sid  # the error chart (and heatmaps where a tensor fails)
    for href in page.links:  # the summary table links every section
        assert href.startswith("#") and href[1:] in page.ids
    assert {h[1:] for h in page.links} >= set(page.sections)


def test_everything_is_escaped():
    html = render_html(make_report())
    assert "<script>alert" not in html and "<b>np</b>" not in html and html.count("<script") == 1
    assert "&lt;script&gt;" in html
    page = parse(html)
    assert page.tags.count("script") == 1 and "b" not in page.tags
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


# --------------------------------------------------------------------------- the class view


def test_points_are_rounded():
    s = SubmissionResult("carol.py", "fail", (tensor("W1", (2, 2), "fail", 0.5),), score=1 / 3, max_score=1.0)
    html = render_html(AuditReport("fail", (s,), 1.0))
    assert "0.33/1" in html and "0.333333" not in html


def test_names_wrap_at_their_separators_never_mid_word():
    long = "submissions/hw3_konstantinopoulou_alexandra_98934_final_final.py"
    html = render_html(AuditReport("pass", (SubmissionResult(long, "pass"),), 1.0))
    assert "hw3_<wbr>konstantinopoulou_<wbr>alexandra_<wbr>" in html
    assert "break-all" not in html  # the old rule broke names anywhere


def _class(n: int = 200):
    """A synthetic class: every verdict, the common bugs, scores, and error maps with a wrong row."""
    import numpy as np

    from gradcheck.errormap import error_map

    codes = ["missing_batch_mean", "sign_flip", "bias_not_summed", "derivative_at_activation", "transposed"]
    g = np.arange(1.0, 13.0).reshape(3, 4)
    wrong_row = g.copy()
    wrong_row[1] *= 1.5  # one output unit's delta is wrong: row 1 of W1
    subs = []
    for i in range(n):
        path = f"class/hw3_student_{i:03d}_{'konstantinopoulou' if i % 7 == 0 else 'li'}.py"
        k = i % 10
        if k < 6:
            s = SubmissionResult(path, "pass", (tensor("W1", (3, 4)), tensor("b1", (4,))), score=1.0, max_score=1.0)
        elif k < 9:
            code = codes[i % len(codes)]
            t = (tensor("W1", (3, 4), "fail", 0.33), tensor("b1", (4,)))
            diag = (Diagnosis(code, "W1", f"{code} in W1", 0.9),)
            maps = {"W1": error_map(wrong_row, g)}
            s = SubmissionResult(path, "fail", t, diag, score=0.5, max_score=1.0, error_maps=maps)
        else:
            s = SubmissionResult(path, "error" if i % 20 == 9 else "timeout", error="boom", score=0.0, max_score=1.0)
        subs.append(s)
    return AuditReport("error", tuple(subs), 42.0)


def test_summary_counts_bugs_and_scores():
    rep = _class()
    html = render_html(rep)
    page = parse(html)
    assert page.errors == [] and len(page.sections) == 200
    text = "".join(page.text)
    assert "120  (60%)" in text and "60  (30%)" in text  # verdict legend: ok 120, FAIL 60
    bugs = [rep.submissions[i].diagnoses[0].code for i in range(200) if rep.submissions[i].status == "fail"]
    top = max(set(bugs), key=bugs.count)
    assert f"{top}: {bugs.count(top)} of" in text  # the bug chart's tooltip of the most common bug
    # histogram: 120 at 100%, 60 at 50%, 20 at 0
    assert "100%: 120" in text and "\u226450%: 60" in text and "0: 20" in text


def test_heatmap_shows_the_wrong_row():
    import re

    s = _class(10).submissions[6]
    html = render_html(AuditReport("fail", (s,), 1.0))
    heat = html.split('class="heat"', 1)[1].split("</svg>", 1)[0]
    cells = re.findall(r'<rect x="\d+" y="(\d+)" width="\d+" height="\d+" fill="([^"]+)"><title>W1\[(\d), (\d)\]', heat)
    assert len(cells) == 12
    for _, fill, i, _j in cells:
        if i == "1":
            assert fill not in ("#dafbe1", "url(#unchecked)"), fill  # the wrong row: warm colours
        else:
            assert fill == "#dafbe1"  # the right rows: within tolerance


def _chromium() -> str | None:
    for c in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if c and Path(c).exists():
            return c
    return None


def _browser(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    exe = _chromium()
    if exe is None:
        pytest.skip("chromium not installed: apt-get install chromium")
    flags = [
        exe,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    return subprocess.run([*flags, *args], capture_output=True, text=True, timeout=120)


def _png(path: Path) -> tuple[int, int, list[bytes]]:
    """Width, height and the RGB(A) rows of a non-interlaced 8-bit PNG (what Chromium writes)."""
    import zlib

    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, head = 8, b"", None
    while pos < len(data):
        (size,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + size]
        if kind == b"IHDR":
            head = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + size
    width, height, depth, colour, _, _, interlace = head
    assert depth == 8 and interlace == 0 and colour in (2, 6)
    bpp = 3 if colour == 2 else 4
    raw, stride, rows, prev = zlib.decompress(idat), width * bpp, [], bytearray(width * bpp)
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b, c = prev[x], prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, [bytes(r[i : i + 3]) for r in rows for i in range(0, stride, bpp)]


@pytest.fixture(scope="module")
def class_page(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class-view")
    page = folder / "report.html"
    page.write_text(render_html(_class()), encoding="utf-8")
    return folder, page


@pytest.mark.parametrize(
    ("query", "shown", "first"),
    [
        ("", 200, "hw3_student_000_konstantinopoulou.py"),
        ("?verdict=fail", 60, "hw3_student_006_li.py"),
        ("?bug=sign_flip", 20, None),  # i % 10 == 6: codes[i % 5] is sign_flip
        ("?q=konstantinopoulou", 29, "hw3_student_000_konstantinopoulou.py"),
        ("?sort=points", 200, "hw3_student_009_li.py"),
        ("?verdict=fail&sort=n&desc=1", 60, "hw3_student_198_li.py"),
    ],
)
def test_the_table_sorts_and_filters_in_chromium(class_page, query, shown, first):
    folder, page = class_page
    dom = _browser(folder, "--dump-dom", page.as_uri() + query)
    assert dom.returncode == 0, dom.stderr[-2000:]
    html = dom.stdout
    assert 'class="js"' in html  # the script ran
    assert f'data-shown="{shown}"' in html and f"showing {shown} of 200" in html
    body = html.split('<table class="class"', 1)[1].split("</tbody>", 1)[0]
    visible = [r for r in body.split("<tr ")[1:] if " hidden" not in r.split(">", 1)[0]]
    assert len(visible) == shown
    if first:
        assert first in visible[0]
    if "bug=" in query:
        assert all('data-bug="sign_flip"' in r for r in visible)


def test_screenshot_of_the_class_view(class_page):
    folder, page = class_page
    shot = folder / "class.png"
    run = _browser(folder, f"--screenshot={shot}", "--window-size=1280,1000", page.as_uri())
    assert run.returncode == 0 and shot.exists(), run.stderr[-2000:]
    width, height, pixels = _png(shot)
    assert (width, height) == (1280, 1000)
    top = pixels[: 1280 * 330]  # the title and the three summary cards
    colours = set(top)
    assert len(colours) > 50  # text, bars and cards were drawn: not a blank page
    red, green = bytes((0xCF, 0x22, 0x2E)), bytes((0x1A, 0x7F, 0x37))
    assert top.count(red) > 2000 and top.count(green) > 2000  # the FAIL and ok bars
    white = sum(p == b"\xff\xff\xff" for p in pixels)
    assert 0.3 < white / len(pixels) < 0.97


def test_a_link_to_a_passing_student_opens_their_folded_section(class_page):
    folder, page = class_page
    html = render_html(_class())
    anchor = re.search(r'id="(sub-2-[^"]+)"', html).group(1)  # student 2 passes: folded
    assert re.search(rf'id="{anchor}"[^>]*>\s*<details>', html)
    dom = _browser(folder, "--dump-dom", f"{page.as_uri()}#{anchor}").stdout
    assert re.search(rf'id="{anchor}"[^>]*>\s*<details open', dom)
