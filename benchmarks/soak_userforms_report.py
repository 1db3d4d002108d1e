"""The user-form soak's summary and its markdown report (``reports/reliability-userforms.md``), for
:mod:`soak_userforms`: verdicts by form, detection power per planted size, the user's gradient against the
oracle, and every inconclusive verdict with its stated reason and cause."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
from userform_oracle import STEPS

#: A gap of the user's gradient to the oracle above this (over the largest exact entry) is looked into.
GAP = 1e-6
#: The gap is the rounding of the user's own formula when the same code at ``np.longdouble`` shrinks it
#: at least this much (the eps ratio is 2048 for float64 and 2**40 for float32; a wrong formula keeps its gap).
SHRINK = 100.0


def beyond_the_loss(r: dict) -> bool:
    """Inconclusive only on blind tensors that no real difference of the loss as written resolves (oracle-checked).

    The loss refuses complex parameters (its screens are real), every tensor
    the checker left blind is confirmed by :func:`unresolvable_tensor`, and no
    other cause is stated: nothing the loss computes resolves the gradient there.
    """
    blind = r.get("blind") or []
    if r.get("status") != "inconclusive" or not blind or set(r.get("unresolvable") or []) != set(blind):
        return False
    others = [t for t in r.get("tensors") or [] if t["status"] == "inconclusive" and t["name"] not in blind]
    return not others and not any(k in n for n in r.get("notes", []) for k, _ in CAUSES[:2])


def unavoidable(r: dict) -> bool:
    """Inconclusive with at least one tensor that no real difference of the loss as written resolves (oracle-checked).

    Wider than :func:`beyond_the_loss`: one such tensor is enough, whatever the
    checker did with the others. A gradient of zeros in that tensor would give
    the same loss values, so no checker may pass the configuration: its verdict
    can only be inconclusive, and the checker's note names the tensor (and that
    a loss returned without ``float()`` would let the complex step see it).
    """
    return r.get("status") == "inconclusive" and bool(r.get("unresolvable"))


def below_rounding(r: dict) -> bool:
    """The exact gradient lies under the rounding of the user's formula even at ``np.longdouble``.

    Both runs of the user's code miss the oracle by more than :data:`GAP` of the
    largest exact entry: every output saturated so far that ``tanh``/``sigmoid``
    round to +/-1 (or 0) at both precisions, and ``1 - a**2`` or ``p * (1 - p)`` is
    0 or a rounding residue. No float evaluation of the loss resolves such a
    gradient either.
    """
    return r.get("oracle_gap", 0.0) > GAP and r.get("code_gap", 0.0) > GAP


def gap_summary(checked: list[dict]) -> dict:
    """How far the user's gradient is from the oracle, and what explains it."""
    big = [r for r in checked if r.get("oracle_gap", 0.0) > GAP]
    below = [r for r in big if below_rounding(r)]
    rounding = [r for r in big if r.get("code_gap", float("inf")) * SHRINK <= r["oracle_gap"] and r not in below]
    other = [r for r in big if r not in rounding and r not in below]
    rest = [r for r in checked if not below_rounding(r)]
    worst = max(checked, key=lambda r: r.get("oracle_gap", 0.0), default=None)
    return {
        "large": len(big),
        "rounding": len(rounding),
        "below": len(below),
        "other": [(r["index"], r["label"], r["oracle_gap"], r.get("code_gap"), r["status"]) for r in other],
        "worst": (worst["index"], worst["label"], worst.get("oracle_gap"), worst.get("code_gap")) if worst else None,
        "code_gap_rest": max((r.get("code_gap", 0.0) for r in rest), default=0.0),
        "below_ratio": float(np.median([r.get("gradient_over_loss", 0.0) for r in below])) if below else 0.0,
        "verdicts_rounding": Counter(r["status"] for r in rounding),
        "verdicts_below": Counter(r["status"] for r in below),
        "inconclusive_below": sum(r["status"] == "inconclusive" for r in below),
    }


def summarize(rows: list[dict]) -> dict:
    checked = [r for r in rows if "status" in r]
    statuses = Counter(r["status"] for r in checked)
    by_form = {}
    for r in checked:
        f = by_form.setdefault(r["key"], Counter())
        f[r["status"]] += 1
    power = {}
    for r in checked:
        for p in r.get("planted", []):
            key = f"{p['delta']:.0e}"
            cell = power.setdefault(key, Counter())
            cell["planted"] += 1
            seen = p.get("visible_rule", p["visible"])
            if p["visible"] and not seen:  # visible by the tensor's floor alone: below the checker's rule
                cell["below_rule"] += 1
                cell["below_rule_" + p["status"]] += 1
            p = {**p, "visible": seen}
            cell["visible"] += p["visible"]
            both = p["visible"] and p.get("resolvable", True)
            cell["resolvable"] += both
            cell["caught_resolvable"] += both and p["status"] == "fail"
            if p["visible"]:
                cell["caught"] += p["status"] == "fail"
                cell["passed"] += p["status"] == "pass"
                cell["passed_float32"] += p["status"] == "pass" and "float32" in r["key"]
                cell["pinned"] += p["pinned"]
                cell["inconclusive"] += p["status"] == "inconclusive"
            else:
                cell["invisible_failed"] += p["status"] == "fail"
    return {
        "count": len(rows),
        "checked": len(checked),
        "excluded": Counter(r["excluded"] for r in rows if "excluded" in r),
        "statuses": statuses,
        "by_form": by_form,
        "power": power,
        "fails": [r for r in checked if r["status"] == "fail"],
        "inconclusive": [r for r in checked if r["status"] == "inconclusive"],
        "kinks": len([r for r in checked if r["status"] == "kink"]),
        "oracles": Counter(r.get("oracle", "?") for r in checked),
        "oracle_gap": max((r.get("oracle_gap", 0.0) for r in checked), default=0.0),
        "gaps": gap_summary(checked),
        "time": {k: sum(r.get(k, 0.0) for r in checked) for k in ("seconds", "oracle_seconds", "plant_seconds")},
        "evaluations": float(np.median([r["evaluations"] for r in checked])) if checked else 0.0,
    }


BEGIN, END = "<!-- user-form soak: begin -->", "<!-- user-form soak: end -->"


def _into_reliability(path: Path, text: str) -> None:
    """Put the user-form section into ``reliability.md`` (between its markers, replacing an older one)."""
    old = path.read_text() if path.exists() else "# Reliability\n"
    block = f"{BEGIN}\n{text}{END}\n"
    if BEGIN in old and END in old:
        head, rest = old.split(BEGIN, 1)
        old = head + block + rest.split(END, 1)[1].lstrip("\n")
        path.write_text(old)
    else:  # first time: right under the title, before the reference-net soak
        title, _, rest = old.partition("\n")
        path.write_text(f"{title}\n\n{block}\n{rest.lstrip(chr(10))}")


#: The checker's notes that state why a tensor is inconclusive, and the cause each names.
CAUSES = (
    ("do not account for it", "a tripped screen's excess left unexplained"),
    ("stopped looking further", "the check's evaluation budget spent"),
    ("does not resolve this tensor's directional derivative", "a screen blind at this noise (zeros would pass)"),
)


def cause(r: dict) -> tuple[str, str]:
    """``(cause, stated reason)`` of an inconclusive row: the checker's own note, else its unresolved entry."""
    for key, kind in CAUSES:
        note = next((n for n in r.get("notes", []) if key in n), None)
        if note:
            return kind, note
    for t in r.get("tensors") or []:
        w = t.get("worst")
        if t["status"] == "inconclusive" and not w:
            return "a tripped screen with no entry checked", f"{t['name']}: its screen tripped, no entry was checked"
        if t["status"] == "inconclusive" and w:
            flat = w["numeric"] == 0.0 and w["numeric_error"] == 0.0
            kind = (
                "an entry the loss does not move at all (flat)"
                if flat
                else "an entry the second opinions leave unresolved"
            )
            reason = (
                f"{t['name']}{list(w['index'])}: gradient {w['analytic']:.4g}, numeric {w['numeric']:.4g} "
                f"+/- {w['numeric_error']:.2g} ({w['estimator']})"
            )
            return kind, reason
    return "other", "; ".join(r.get("notes", []))


def gap_lines(s: dict) -> list[str]:
    """The section on the user's gradient against the oracle, and where the soak's time went."""
    g, t = s.get("gaps"), s.get("time", {})
    if not g:
        return []
    verdicts = ", ".join(f"{v} {k}" for k, v in sorted(g["verdicts_rounding"].items())) or "none"
    below = ", ".join(f"{v} {k}" for k, v in sorted(g["verdicts_below"].items())) or "none"
    lines = [
        "",
        "### The user's gradient against the oracle",
        "",
        f"- largest |user - exact| over the largest exact entry: {g['worst'][2]:.2g} (configuration "
        f"{g['worst'][0]}, `{g['worst'][1]}`); the same user code at np.longdouble: {g['worst'][3]:.2g}",
        f"- configurations with a gap above {GAP:g}: {g['large']}",
        f"  - {g['rounding']}: rounding of the user's own formula in its precision (the same code at np.longdouble "
        f"shrinks the gap at least {SHRINK:g}-fold; a wrong formula keeps it). Verdicts: {verdicts}",
        f"  - {g['below']}: the whole exact gradient under the formula's rounding even at np.longdouble (largest "
        f"exact entry a median {g['below_ratio']:.1g} of the loss: every output saturated to +/-1); no float "
        f"evaluation of the loss resolves it either. Verdicts: {below}",
        f"  - {len(g['other'])} otherwise: "
        + (
            "; ".join(f"{i} `{lab}` gap {a:.2g}, at longdouble {b:.2g}, {st}" for i, lab, a, b, st in g["other"][:20])
            or "none"
        ),
        f"- largest gap of the user's code at np.longdouble, outside the last-but-one group: {g['code_gap_rest']:.2g}",
        "",
        f"Soak time: checks {t.get('seconds', 0):.0f} s, planted checks {t.get('plant_seconds', 0):.0f} s, "
        f"oracle {t.get('oracle_seconds', 0):.0f} s.",
    ]
    return lines


def render(s: dict, seconds: float, parts: list[str]) -> str:
    lines = [
        "## User-form nets against an arbitrary-precision oracle",
        "",
        f"`python benchmarks/soak_userforms.py`, parts {', '.join(parts)}: {seconds:.0f} s of soak time in total "
        "(each part's wall time; the parts ran side by side).",
        "",
        f"{s['count']} configurations: {s['checked']} correct by construction and checked in `auto` mode, "
        + ", ".join(f"{v} excluded ({k})" for k, v in sorted(s["excluded"].items())),
        "",
        "Verdicts: " + ", ".join(f"{v} {k}" for k, v in sorted(s["statuses"].items())) + ".",
        f"- **false fails: {len(s['fails'])}**",
        f"- inconclusive: {len(s['inconclusive'])} ({100.0 * len(s['inconclusive']) / max(1, s['checked']):.2f}%)",
        f"- median loss evaluations per check: {s['evaluations']:.0f}",
        "- oracle (every entry of the user's gradient compared with it): "
        + ", ".join(f"{v} {k}" for k, v in sorted(s.get("oracles", {}).items()))
        + f"; largest |user - exact| over the largest exact entry: {s.get('oracle_gap', 0.0):.1e}",
        "",
        "### By form",
        "",
        "| form | checked | pass | kink | inconclusive | fail |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for key, c in sorted(s["by_form"].items()):
        total = sum(c.values())
        lines.append(f"| {key} | {total} | {c['pass']} | {c['kink']} | {c['inconclusive']} | {c['fail']} |")
    lines += gap_lines(s)
    lines += [
        "",
        "### Detection power (one entry off by delta relative)",
        "",
        "| delta | planted | visible to a perfect numeric side | caught (fail) | pinned to the entry | "
        "inconclusive | visible ones passed (float32) | invisible ones failed | also resolvable through the loss "
        "as written | caught of those |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key, c in sorted(s["power"].items(), key=lambda kv: -float(kv[0])):
        vis = max(1, c["visible"])
        lines.append(
            f"| {key} | {c['planted']} | {c['visible']} | {c['caught']} ({100.0 * c['caught'] / vis:.1f}%) "
            f"| {c['pinned']} | {c['inconclusive']} | {c['passed']} ({c['passed_float32']}) "
            f"| {c['invisible_failed']} | {c['resolvable']} "
            f"| {c['caught_resolvable']} ({100.0 * c['caught_resolvable'] / max(1, c['resolvable']):.1f}%) |"
        )
    lines += [
        "",
        "Visible: the checker's per-entry rule with the oracle as a perfect numeric side, including the floor "
        "of the gradient code's rounding (ANALYTIC_ULPS ulps of the largest entry), and only where the user's "
        "own unplanted entry passes that rule. Plants visible by their tensor's floor alone but not by that rule "
        "(an entry the float32 code rounds by more than 1%, a tensor under the floor), per delta, and their verdicts: "
        + "; ".join(
            f"{key}: {c['below_rule']} ("
            + ", ".join(f"{c['below_rule_' + st]} {st}" for st in ("fail", "inconclusive", "kink", "pass"))
            + ")"
            for key, c in sorted(s["power"].items(), key=lambda kv: -float(kv[0]))
        ),
    ]
    causes = Counter(cause(r)[0] for r in s["inconclusive"])
    below = Counter(cause(r)[0] for r in s["inconclusive"] if below_rounding(r))
    beyond = Counter(cause(r)[0] for r in s["inconclusive"] if beyond_the_loss(r) and not below_rounding(r))
    lines += [
        "",
        "### Inconclusive, by cause",
        "",
        "| cause | configurations | whole gradient under the formula's rounding at np.longdouble | "
        "beyond the loss as written (oracle-checked) | the rest |",
        "|---|---:|---:|---:|---:|",
    ]
    lines += [f"| {k} | {v} | {below[k]} | {beyond[k]} | {v - below[k] - beyond[k]} |" for k, v in causes.most_common()]
    g = s.get("gaps")
    if g:
        left = len(s["inconclusive"]) - g["inconclusive_below"]
        lines += [
            "",
            f"Of these, {g['inconclusive_below']} are configurations whose whole exact gradient lies under "
            f"the rounding of the user's formula (above); without them: {left} inconclusive "
            f"({100.0 * left / max(1, s['checked'] - g['below']):.2f}% of {s['checked'] - g['below']}).",
        ]
        beyond = [r for r in s["inconclusive"] if beyond_the_loss(r) and not below_rounding(r)]
        rest = left - len(beyond)
        denominator = s["checked"] - g["below"] - len(beyond)
        lines += [
            "",
            f"A further {len(beyond)} are inconclusive only on tensors whose directional derivative no real "
            "difference of the loss as written resolves to 1% at any step (the oracle's exact value against "
            f"Richardson estimates at steps h0 * 4**k, k < {STEPS}; every such loss refuses complex parameters, "
            "behind a `float()` cast): nothing the loss computes resolves them. Without both classes: "
            f"{rest} inconclusive ({100.0 * rest / max(1, denominator):.2f}% of {denominator}). "
            f"Every rate above keeps them in: {100.0 * len(s['inconclusive']) / max(1, s['checked']):.2f}% "
            f"of all {s['checked']}.",
        ]
        more = [r for r in s["inconclusive"] if unavoidable(r) and not below_rounding(r) and not beyond_the_loss(r)]
        rest -= len(more)
        denominator -= len(more)
        lines += [
            "",
            f"A further {len(more)} have at least one such tensor beside tensors the oracle finds resolvable: a "
            "gradient of zeros there gives the same loss values, so no checker may pass them either (their notes "
            f"name it). Without all three classes: {rest} inconclusive ({100.0 * rest / max(1, denominator):.2f}% "
            f"of {denominator}), by cause: "
            + ", ".join(
                f"{k} {v}"
                for k, v in Counter(
                    cause(r)[0] for r in s["inconclusive"] if not below_rounding(r) and not unavoidable(r)
                ).most_common()
            )
            + ".",
        ]
    lines += ["", "### Every inconclusive, with its stated reason", ""]
    for r in s["inconclusive"][:300]:
        kind, reason = cause(r)
        lines.append(f"- {r['index']} `{r['label']}` ({r.get('oracle', '?')} oracle) [{kind}]: {reason[:300]}")
    if s["fails"]:
        lines += ["", "### False fails", ""]
        lines += [f"- {r['index']} `{r['label']}`: {json.dumps(r.get('tensors'))[:400]}" for r in s["fails"]]
    return "\n".join(lines) + "\n"
