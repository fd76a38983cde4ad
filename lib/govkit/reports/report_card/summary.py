"""What stands out on a card, in a few plain lines: where the school is clearly ahead or
behind, how many are about the same, and what is withheld for privacy."""

from __future__ import annotations

from govkit.plan import fmt, narrative
from govkit.plan.result import KpiRows, as_results
from govkit.reports.context import Context
from govkit.reports.report_card.compare import (
    comparison,
    could_be_chance,
    gap_size,
    national_for_phase,
)
from govkit.reports.report_card.rows import _lower_first, short_names


def _listed(items: list[tuple[int, str, str]], most: int) -> str:
    """The ``most`` biggest gaps with their figures, then the others by name: a line that
    names three of seven measures behind must not read as if those were all (a parent
    would take attendance, left off, to be fine)."""
    items = sorted(items)
    shown = "; ".join(t for _, t, _ in items[:most])
    others = [n for _, _, n in items[most:]]
    if others:
        shown += f"; also {narrative.join_list(others, most=99)} (figures in the tables above)"
    return shown


def stand_out(ctx: Context, frame: KpiRows, most: int = 3) -> list[str]:
    """What stands out, in a few lines: where the school is clearly ahead, where it is
    clearly behind (the biggest gaps first), how many are about the same, and what is
    withheld for privacy. Not a sentence per row: the tables hold every figure."""
    order = {"well": 0, "plain": 1, "little": 2, "same": 3}
    ahead: list[tuple[int, str, str]] = []
    behind: list[tuple[int, str, str]] = []
    unsure: list[tuple[int, str, str]] = []
    same = 0
    rows = as_results(frame)
    for r in rows:
        cmp = comparison(ctx, r)
        if not cmp:
            continue
        unit = r.unit
        nat = r.national_value is not None
        other = r.national_value if nat else r.trust_value
        size = gap_size(r.value, other, unit)
        if size is None:  # never, with a comparison: it compares these two figures
            continue
        if size in ("same", "little"):
            same += 1
            continue
        where = ("national" if national_for_phase(ctx, r) else "all schools nationally") \
            if nat else "the trust"
        name = _lower_first(str(r.label))
        text = (f"{name} ({fmt.value(r.value, unit)} against {fmt.value(other, unit)} "
                f"for {where}")
        if could_be_chance(other, r.ci_lower, r.ci_upper):
            unsure.append((order[size], f"{text}, {cmp.split(', ', 1)[1]})", name))
        else:
            (ahead if cmp.endswith("(better)") else behind).append(
                (order[size], f"{text})", name))
    out = []
    if ahead:
        out.append(f"Where {ctx.place} does well: {_listed(ahead, most)}.")
    if behind:
        out.append(f"Where {ctx.place} is behind: {_listed(behind, most)}.")
    rest = []  # one line for the rest, so "In words" stays a few lines
    if unsure:
        rest.append("Different, but by a gap that could be chance with this many pupils: "
                    f"{_listed(unsure, most)}.")
    if same:
        rest.append(f"{fmt.count_words(same).capitalize()} other "
                    f"{'measure is' if same == 1 else 'measures are'} about the same as "
                    "national or the trust, or only a little different.")
    if rest:
        out.append(" ".join(rest))
    hidden = [r for r in rows if r.status == "suppressed"]
    if hidden:  # named by label where the card shows others of the topic
        out.append(f"Not shown ({fmt.SUPPRESSED}), because too few pupils are in the group "
                   f"to publish without identifying them: "
                   f"{short_names(hidden, [r for r in rows if r.status == 'ok'])}.")
    return out
