"""A tripped screen's excess that the entries checked leave unexplained, accounted for or kept open.

After a search (:func:`gradcheck.screened.check_directional`), a block whose
excess the checked entries do not explain is looked at four more ways, each
with a measured error bar, never a wider tolerance:

- the gradient code's own rounding (:func:`within_code_rounding`): the same
  code at ``np.longdouble`` measures how far each entry rounds;
- the wider run judged directly (:func:`wider_run_accounts`,
  :mod:`gradcheck.widescreen`);
- a convention at units exactly 0 (:func:`by_convention`): the block's
  direction measured just inside the piece where ``relu'(0) = 0`` holds (the
  gradient's piece) agrees with the gradient;
- kinks inside the steps (:func:`through_kinks`): smaller steps along the
  block's direction resolve it, or one-sided slopes bracket the gradient.

What is still open after all four leaves its tensor inconclusive.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from gradcheck import convention
from gradcheck import directional as dr
from gradcheck.compare import SAFETY
from gradcheck.floors import ANALYTIC_ULPS
from gradcheck.longer import blind
from gradcheck.search import accounted
from gradcheck.widescreen import count_rounded, rounding_accounts


def account(ch, screener, unexplained: list, found: dict) -> list:
    """The unexplained blocks none of the three accounts explains (``found``: the entries checked)."""
    unexplained = within_code_rounding(ch, screener, unexplained, found)
    unexplained = wider_run_accounts(ch, screener, unexplained)
    unexplained = by_convention(ch, screener, unexplained)
    return through_kinks(ch, screener, unexplained)


def kink_width(e) -> float:
    """The gap between an entry's one-sided slopes where it was judged at a kink (else 0)."""
    if e.status != "kink" or e.left is None or e.right is None:
        return 0.0
    return abs(e.right - e.left)


def within_code_rounding(ch, screener, unexplained: list, found: dict) -> list:
    """The unexplained blocks whose excess the gradient code's own rounding does not explain either.

    A screen compares ``g . v`` with the loss's directional derivative; the
    gradient code rounds each ``g_i`` relative to the terms it sums (``1 - a**2``
    of a saturated tanh, ``p - y`` of a saturated sigmoid), far above the few
    ulps of the screen's tolerance, and in every entry at once. The same code
    run at ``np.longdouble`` measures that rounding, ``|g_i - g_wide_i|``; a bug
    is in both runs alike and is not in it. A block is accounted for when its
    excess is within the screen's tolerance, what the entries checked in it
    explain (:func:`gradcheck.search.accounted`), and ``SAFETY`` times
    ``sum |v_i| |g_i - g_wide_i|`` over it, plus ``rtol`` times the check's
    analytic floor (:data:`gradcheck.floors.ANALYTIC_ULPS` ulps of the
    gradient's largest entry) times ``max |v_i|``: one entry's tolerance at
    that floor, the same allowance an entry judged one by one gets, so that
    a single wrong entry hides here exactly where it would hide there. Where the wider run rounds
    alike (``1 - a**2`` of a tanh unit at ``|z| > 22`` is 0 at np.longdouble too),
    that floor alone accounts for a tensor whose whole gradient lies below it
    (a layer behind saturated units, 1e-60 where the net's largest is 1e-3);
    such tensors are named in a note.
    """
    rounding = code_rounding(ch, screener)
    entries = {i: (e.numeric, e.numeric_error, kink_width(e)) for i, e in found.items()}
    still = []
    for block, screen in unexplained:
        v = np.abs(screener.v[block])
        code = SAFETY * float(np.sum(v * rounding[block])) if rounding is not None else 0.0
        floor = ch.rtol * ch.analytic_floor * float(np.max(v, initial=0.0))
        widened = dataclasses.replace(screen, tolerance=screen.tolerance + code + floor)
        if not accounted(screener, block, widened, entries):
            still.append((block, screen))
        elif not accounted(screener, block, dataclasses.replace(screen, tolerance=screen.tolerance + code), entries):
            names = screener.split(block) if isinstance(screener, dr.GroupScreener) else {screener.name: block}
            ch.floored.update(n for n, b in names.items() if b.size)
    return still


def wider_run_accounts(ch, screener, unexplained: list) -> list:
    """The unexplained blocks the gradient code run at np.longdouble does not explain (:mod:`gradcheck.widescreen`)."""
    still = []
    for block, screen in unexplained:
        if rounding_accounts(ch, screener, block, screen):
            count_rounded(ch, screener, block)
        else:
            still.append((block, screen))
    return still


def code_rounding(ch, screener) -> np.ndarray | None:
    """``|g_i - g_wide_i|`` over the screener's entries (the user's code at ``np.longdouble``), or None.

    Where the screener judges that widest run itself (the extended twin of a
    noisy float64 loss, the np.longdouble run of a float32 one), the difference
    is zero and says nothing about the widest run's own rounding, which a
    cancellation in the user's formula keeps far above its eps (``1 - a**2`` of a
    tanh unit at ``|z| ~ 15`` rounds to ~1e-7 of itself at np.longdouble). It is
    then measured from the run one precision narrower, shrunk by the square
    root of the eps ratio, as :meth:`gradcheck.references.References._rounded`
    takes a wider run's own rounding. A bug is in every run alike and adds
    nothing to it.
    """
    wides = ch.wide_gradients()
    names = getattr(screener, "names", (screener.name,))
    if not wides or any(n not in wides[-1] for n in names):
        return None

    def flat(grads) -> np.ndarray:
        return np.concatenate([np.asarray(grads[n], np.float64).reshape(-1) for n in names])

    gw = flat(wides[-1])
    if gw.size != screener.g.size:
        return None
    diff = np.abs(screener.g - gw)
    runs = [(float(np.finfo(ch.oracle.dtype).eps), ch.analytic), *zip(ch._wide_eps, wides)]
    if not np.any(diff) and len(runs) > 1 and all(n in runs[-2][1] for n in names):
        (eps_before, before), (eps_wide, _) = runs[-2], runs[-1]
        diff = np.sqrt(eps_wide / eps_before) * np.abs(flat(before) - gw)
    return np.where(np.isfinite(diff), diff, np.inf)


def by_convention(ch, screener, unexplained: list) -> list:
    """The unexplained blocks that the piece of a verified convention does not account for either.

    Where the gradient is what ``relu'(0) = 0`` gives at units exactly 0 in
    consecutive layers (:mod:`gradcheck.convention`), a complex-step screen
    reads the slope of whatever piece its direction enters, not the
    convention's, and moving several entries at once (a bias of one layer with
    the next) switches units no single entry's move does. Where a push into the
    convention's piece exists (found once a check), the block's direction is
    measured again just inside that piece (3 to 6 evaluations); it is accounted
    for where that slope agrees with the gradient within the screen's own rule,
    resolving it, and its tensors are ``kink``.
    """
    if not unexplained or not screener.complex_safe or screener.oracle.dtype != np.float64:
        return unexplained
    found = ch.convention_push() if hasattr(ch, "convention_push") else None
    if not found:
        return unexplained
    still = []
    push = convention.push_of(screener.oracle, found)
    for block, screen in unexplained:
        analytic, scale = screener.sums(block)
        value, error = convention.limit(screener.oracle, push, screener._moves(block))
        again = screener._judge(analytic, value, error, scale)
        if not (np.isfinite(value) and again.ok and not blind(again)):
            still.append((block, screen))
            continue
        names = screener.split(block) if isinstance(screener, dr.GroupScreener) else {screener.name: block}
        ch.kinked.update(n for n, b in names.items() if b.size)
    return still


#: A tripped real screen that the entries checked leave unexplained is measured again at steps
#: shrinking by this factor, up to :data:`KINK_TRIES` times: kinks crossed by the screen's steps
#: (ReLU units near zero over a large batch, moved together by a direction through many
#: entries) drop out once the step is inside them, while a wrong gradient stays at every step.
KINK_SHRINK = 4.0
KINK_TRIES = 5
#: Unexplained blocks followed this way per search (each costs up to 4 * KINK_TRIES evaluations).
KINK_BLOCKS = 8


def through_kinks(ch, screener, unexplained: list) -> list:
    """The unexplained blocks that smaller steps along their direction do not account for either.

    A block is accounted for when, at a smaller step, the Richardson
    directional derivative agrees with the gradient within the screen's own
    rule, resolving it (not :func:`blind`); or when the one-sided slopes keep a gap that does not
    shrink with the step (a jump, not curvature), clear of rounding, and the
    gradient's directional derivative lies between them: a valid subgradient,
    and the tensors of the block are marked ``kink`` (``ch.kinked``). Real
    screens only: a complex step does not cross kinks.
    """
    if screener.complex_safe:
        return unexplained
    still = []
    for k, (block, screen) in enumerate(unexplained):
        how = along_smaller_steps(screener, block) if k < KINK_BLOCKS and not ch.budget_spent() else None
        if how is None:
            still.append((block, screen))
            continue
        names = screener.split(block) if isinstance(screener, dr.GroupScreener) else {screener.name: block}
        names = [n for n, b in names.items() if b.size]
        if how == "kink" and len(names) > 1:
            # kinks along a direction through several tensors bracket the sum of their parts: a
            # tensor whose part is small (a bias layer of 1e-8 entries, returned as zeros) hides
            # in the bracket of another's kinks; each tensor's part is bracketed on its own
            alone = kinks_per_tensor(screener, block, names)
            still += [(part, screen) for part in alone.values() if part is not None]
            names = [n for n in names if alone[n] is None]
        ch.stepped.update(names)
        if how == "kink":
            ch.kinked.update(names)
    return still


def kinks_per_tensor(screener, block: np.ndarray, names: list[str]) -> dict:
    """Per tensor of a group block: None where its own part is accounted for at smaller steps, else that part."""
    out = {}
    for n in names:
        start, size = int(screener.starts[n]), int(screener.sizes[n])
        part = block[(block >= start) & (block < start + size)]
        out[n] = None if along_smaller_steps(screener, part) is not None else part
    return out


def along_smaller_steps(screener, block: np.ndarray) -> str | None:
    """``'resolved'``, ``'kink'`` or None for a tripped block (see :func:`through_kinks`)."""
    o = screener.oracle
    moves = screener._moves(block)
    analytic, scale = screener.sums(block)
    d = dr.SCREEN_STEP / dr.SCREEN_NODES * o.h0 * max(1.0, screener._largest(block))
    L0, gap0 = float(o.L0), None
    for k in range(1, KINK_TRIES + 1):
        h = d / KINK_SHRINK**k
        Lp, Lm = o.loss_along(moves, h), o.loss_along(moves, -h)
        if not np.isfinite(Lp) or not np.isfinite(Lm):
            return None
        first = ((Lp - Lm) / (2 * h), (o.u * (abs(Lp) + abs(Lm)) + 2 * o.noise) / (2 * h))
        value, err = dr._richardson_along(o, moves, h, first)
        screen = screener._judge(analytic, value, err, scale)
        if screen.ok and not blind(screen):
            return "resolved"
        right, left = (Lp - L0) / h, (L0 - Lm) / h
        rounding = (o.u * (abs(Lp) + abs(Lm) + 2 * abs(L0)) + 4 * o.noise) / h
        gap = abs(right - left)
        lo, hi = min(left, right), max(left, right)
        slack = screen.tolerance - dr.SAFETY * err + dr.SAFETY * rounding
        if gap0 is not None and gap > 0.75 * gap0 and gap > 4.0 * rounding and lo - slack <= analytic <= hi + slack:
            return "kink"
        gap0 = gap
    return None


def excess_note(ch, name: str, blocks: list) -> str:
    """The note for a tensor whose screen's excess is still open after the search and every account above.

    It states what the excess was judged against: the screen's own tolerance and
    one entry's tolerance at the gradient code's rounding floor (the allowance
    :func:`within_code_rounding` adds). Where the gradient is exactly zero over the
    worst block and the loss moves along it by less than that floor's rounding, no
    measurement tells a derivative the user's formula rounds to zero (``s * (1 - s)``
    of a saturated unit) from a gradient a bug left at zero: the note says so.
    """
    entries = sum(b.size for b, _ in blocks)
    worst = max((s for _, s in blocks), key=lambda s: s.excess)
    off = abs(worst.analytic - worst.numeric)
    g = np.asarray(ch.analytic[name]).reshape(-1)
    if not any(np.any(g[b]) for b, _ in blocks) and off <= ch.analytic_floor:
        return (
            f"{name}: its gradient is exactly 0 over the {entries} entries left open, along which the loss moves by "
            f"up to {off:.2g} (the gradient's largest entry is {ch.gmax:.2g}): below the rounding of the gradient "
            f"code ({ANALYTIC_ULPS:g} ulps of that entry, {ch.analytic_floor:.2g}), where a derivative the formula "
            "rounds to 0 (s * (1 - s) or 1 - a**2 of a saturated unit) and a gradient a bug left at 0 give the same "
            "numbers, so the entries checked do not account for it: inconclusive, not pass"
        )
    at_floor = ch.rtol * ch.analytic_floor
    return (
        f"{name}: a directional screen over {entries} entries differs from the gradient by {off:.2g} (its "
        f"tolerance {worst.tolerance:.2g}, and {at_floor:.2g} for one entry at the gradient code's rounding floor), "
        "and the entries checked do not account for it: inconclusive, not pass"
    )
