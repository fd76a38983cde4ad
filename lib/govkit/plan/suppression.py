"""Disclosure control: figures built on too few pupils are not shown as they are.

Primary suppression: a percentage or score built on fewer pupils than the threshold, or
a count of pupils (e.g. permanent exclusions) between 1 and the threshold, is small. In
public, as GSS practice has it, a percentage of pupils is also small when the pupils it
counts, or those it does not, are fewer than the threshold (3 of 113 severely absent; 22
of 24 at the standard tells of the other 2): trust.yaml's ``suppression.numerators``.
A rate of events (suspensions per 100 pupils) is small in public when the events are:
the school's roll is public, so rate times roll gives the count back.
Survey figures are judged on people, not on answers added up over statements.
Secondary suppression: where a total and its parts are both published (all pupils =
disadvantaged + other pupils), hiding one part is not enough, since it can be worked back
as total minus the other; so the next smallest figure of the family is hidden too. A gap
between two groups is small when either group is.

Per audience, as trust.yaml's ``suppression:`` says: every audience's small figures are
hidden (value gone, status ``suppressed``, shown as the GSS symbol ``c``), on every page
and in every sentence and chart. Confidential audiences (board, trust and school leaders,
local governors) judge small by ``threshold`` ("counts below this are suppressed"); the
public card by the stricter ``public_threshold``, counting the pupils behind a percentage
and their complement too (``numerators``). The board once saw such a figure flagged but
shown: 0.0% of 4 pupils with SEND, beside a card showing "c" for the same group.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

from govkit.plan.config import Trust
from govkit.plan.measures import MEASURES, MeasureValue

STRICT_AUDIENCES = frozenset({"public"})
# A total and the parts that add up to it (in pupils): hiding one part needs another hidden.
FAMILIES: tuple[tuple[str, str, str], ...] = (
    ("ks2_rwm_expected", "ks2_rwm_expected_disadvantaged", "ks2_rwm_expected_not_disadvantaged"),
    ("attendance_rate", "attendance_disadvantaged", "attendance_not_disadvantaged"),
    # pupil groups split the same pupils by SEND, and persistent absence by both
    ("ks2_rwm_expected", "ks2_rwm_expected_send", "ks2_rwm_expected_not_send"),
    ("attendance_rate", "attendance_send", "attendance_not_send"),
    ("persistent_absence", "persistent_absence_disadvantaged",
     "persistent_absence_not_disadvantaged"),
    ("persistent_absence", "persistent_absence_send", "persistent_absence_not_send"),
)


def threshold_for(trust: Trust, audience: str) -> int:
    """The public threshold for public report cards, the trust's threshold otherwise."""
    s = trust.suppression
    return s.public_threshold if audience in STRICT_AUDIENCES else s.threshold


def complement_for(trust: Trust, audience: str) -> bool:
    """Whether small numerators (and their complements) are suppressed for ``audience``."""
    return audience in STRICT_AUDIENCES and trust.suppression.numerators


def is_small(measure_id: str, mv: MeasureValue, threshold: int,
             numerators: bool = False) -> bool:
    """Primary suppression for one figure; ``numerators``: the count and its complement
    are checked as well as the base."""
    m = MEASURES[measure_id]
    if not m.suppress or mv.status != "ok" or mv.base is None:
        return False
    if m.pupil_count:
        return 0 < mv.base < threshold
    if numerators and m.numerator_pupils and mv.numerator is not None \
            and mv.denominator is not None:
        counted, rest = mv.numerator, mv.denominator - mv.numerator
        if 0 < counted < threshold or 0 < rest < threshold:
            return True
    # 1.5 suspensions per 100 beside a roll of 68 is 1 suspension: a public rate of
    # events is small when the events are, whatever the denominator shown beside it
    if numerators and m.numerator_events and mv.numerator is not None \
            and 0 < mv.numerator < threshold:
        return True
    return mv.base < threshold


def family_members(measure_ids: set[str]) -> set[str]:
    """The measures whose figures decide secondary suppression of these."""
    out = set(measure_ids)
    for mid in measure_ids:
        m = MEASURES[mid]
        if m.kind == "gap" and m.parts:
            out |= set(m.parts)
    asked = set(out)  # a family of these figures, not of every family they touch in turn
    for fam in FAMILIES:
        if asked & set(fam):
            out |= set(fam)
    return out


def flag_small(values: Mapping[str, MeasureValue], threshold: int,
               numerators: bool = False) -> dict[str, bool]:
    """Which figures are small, after primary and secondary suppression."""
    small = {mid: is_small(mid, mv, threshold, numerators) for mid, mv in values.items()}
    for fam in FAMILIES:
        shown = [mid for mid in fam if mid in values and values[mid].status == "ok"]
        hidden = [mid for mid in shown if small[mid]]
        left = [mid for mid in shown if not small[mid]]
        # One hidden and two shown: the hidden one is total minus the other. Hide the
        # smallest of those still shown (by pupils), then none can be worked back.
        if hidden and len(left) >= 2:
            smallest = min(left, key=lambda mid: values[mid].base or 0.0)
            small[smallest] = True
    for mid, mv in values.items():
        m = MEASURES[mid]
        if m.kind == "gap" and m.parts and mv.status == "ok":
            small[mid] = small[mid] or any(small.get(p, False) for p in m.parts)
    return small


def apply(values: Mapping[str, MeasureValue], threshold: int, audience: str,
          fetch: Callable[[str], MeasureValue] | None = None,
          numerators: bool | None = None) -> dict[str, MeasureValue]:
    """The figures as this audience may see them.

    ``fetch`` computes a family member the caller did not ask for, so that secondary
    suppression sees the whole family even when a report shows only part of it.
    ``numerators`` (default: for public audiences) checks each count and its complement
    too; callers holding the trust pass ``complement_for(trust, audience)``.
    """
    if numerators is None:
        numerators = audience in STRICT_AUDIENCES
    full = dict(values)
    if fetch is not None:
        for mid in family_members(set(values)) - set(values):
            full[mid] = fetch(mid)
    small = flag_small(full, threshold, numerators)
    out: dict[str, MeasureValue] = {}
    for mid, mv in values.items():
        out[mid] = mv if not small.get(mid) else replace(
            mv, value=None, numerator=None, denominator=None, status="suppressed",
            small_number=True)
    return out
