"""The report: one markdown table per size, the targets, the rules; and the JSON beside it."""

from __future__ import annotations

import json
from pathlib import Path

import sidebyside

from peerbench.checkers import CHECKERS
from peerbench.peerruns import RULES

LEGEND = (
    "Verdict cells: `fail ✓` blamed exactly the planted entry (entry bugs) or only the bug's tensors; "
    "`fail ✗` blamed something else; plain `fail`: the checker names no location. Time and evaluations "
    "are for the correct gradient (median of repeats); `x f+b` divides by one forward+backward pass, "
    "`CPU x f+b` the run's CPU time by that pass's CPU time."
)


def _localizes(key: str) -> bool:
    return next(c.localizes for c in CHECKERS if c.key == key)


def _md(text: str) -> str:
    return str(text).replace("|", "\\|")


def _verdict_cell(c: dict) -> str:
    mark = {True: " ✓", False: " ✗", None: ""}[c.get("localized")]
    return c["verdict"] + mark


def _num(x, fmt) -> str:
    return "–" if x is None else format(x, fmt)


def size_table(size: dict) -> list[str]:
    """One size's markdown: header, table, notes."""
    cases = size["cases"]
    u = size["units"]
    workload = "user form" if size.get("workload") == "userform" else "reference net"
    lines = [
        f"## {size['n_params']:,} parameters, {workload} ({size['label']}, batch {size['batch']})",
        "",
        f"One forward {u['forward'] * 1e3:.3g} ms, forward+backward {u['fwd_bwd'] * 1e3:.3g} ms"
        + (f" ({u['fwd_bwd_cpu'] * 1e3:.3g} ms CPU)" if "fwd_bwd_cpu" in u else "")
        + ", "
        f"loss_fn + grad_fn {u['pair'] * 1e3:.3g} ms. Planted entries: "
        + ", ".join(
            f"{'typical (median-abs)' if k == 'median' else 'largest'} {v['location']} (g = {v['g']:.3g})"
            for k, v in size["entries"].items()
        ),
        "",
        "| checker | time (s) | x f+b | CPU x f+b | evals | "
        + " | ".join(c["label"] for c in cases)
        + " | localized |",
        "|---|---:|---:|---:|---:|" + "---|" * len(cases) + "---:|",
    ]
    notes = []
    for row in size["rows"]:
        correct = row["cases"]["correct"]
        loc = [c["localized"] for c in row["cases"].values() if c["localized"] is not None]
        cells = [_verdict_cell(row["cases"][c["key"]]) for c in cases]
        located = f"{sum(loc)}/{len(loc)}" if loc else ("n/a" if not _localizes(row["key"]) else "–")
        lines.append(
            f"| {row['label']} | {_num(correct['seconds'], '.3g')} | {_num(correct.get('units'), '.3g')} "
            f"| {_num(correct.get('cpu_units'), '.3g')} | {_num(correct['evaluations'], 'd')} | "
            + " | ".join(cells)
            + f" | {located} |"
        )
        if row["note"]:
            notes.append(f"- {row['label']}: {_md(row['note'])}")
        notes += [
            f"- {row['label']}, {k}: {_md(c['note'])}"
            for k, c in row["cases"].items()
            if c["verdict"] in ("error", "timeout") or "differ" in c["note"]
        ]
    return lines + [""] + notes + ([""] if notes else []) + sidebyside.render(size)


def render_markdown(data: dict) -> str:
    meta = data["meta"]
    lines = [
        "# gradcheck and its peers",
        "",
        f"Run {meta['date']} on {meta['machine']} ({meta['cores']} cores), Python {meta['python']}, "
        f"{meta['repeats']} repeat(s), budget {meta['budget']:g} s per checker and size, "
        f"BLAS threads {meta['threads']['OPENBLAS_NUM_THREADS']}. "
        "Versions: " + ", ".join(f"{k} {v}" for k, v in meta["versions"].items()) + ".",
        "",
        "Command: `" + meta["command"] + "`",
        "",
        LEGEND,
        "",
        "## Targets",
        "",
        "| target | measured | met |",
        "|---|---|---|",
    ]
    for t in data["targets"]:
        met = {True: "met", False: "**not met**", None: "not measured"}[t["met"]]
        lines.append(f"| {_md(t['target'])} | {_md(t['measured'])} | {met} |")
    lines.append("")
    for size in data["sizes"]:
        lines += size_table(size)
    lines += ["## Rules applied to each peer", ""] + [f"- `{k}`: {_md(v)}" for k, v in RULES.items()] + [""]
    return "\n".join(lines)


def _versions() -> dict:
    out = {}
    for name in ("numpy", "scipy", "numdifftools", "torch", "jax"):
        try:
            from importlib.metadata import version

            out[name] = version(name)
        except Exception:
            out[name] = "not installed"
    return out


def write_reports(data: dict, folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    md, js = folder / "benchmarks.md", folder / "benchmarks.json"
    md.write_text(render_markdown(data))
    js.write_text(json.dumps(data, indent=1, default=float))
    return md, js
