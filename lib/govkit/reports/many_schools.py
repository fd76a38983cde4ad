"""What a page shows when a trust has more schools than a chart or table can hold.

A bar per school reads well up to about MAX_SCHOOLS schools; at 300 a chart is three
metres of bars and a school's deep dive would carry every other school's row, so each
school's page would grow with the trust (and a term's batch with its square). Above
MAX_SCHOOLS a page sets beside each other the ENDS best and ENDS weakest schools on the
measure (and the page's own school), says so in a note, and keeps every count over all
the schools: titles, rank lines and the overview's grid still speak for every school.
A trust of MAX_SCHOOLS or fewer sees every school, as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from govkit.plan import fmt

MAX_SCHOOLS = 30
ENDS = 10


def has_figure(value: Any, status: Any) -> bool:
    """A figure a chart draws: a value, not withheld."""
    return not fmt.is_missing(value) and status in (None, "ok")


def ends(values: Sequence[Any], statuses: Sequence[Any], higher_is_better: bool,
         keep: Sequence[int] = ()) -> list[int]:
    """Positions of the ENDS best and ENDS weakest places with a figure, and ``keep``
    (the page's own school), best first; ties keep the given order."""
    has = [i for i, (v, s) in enumerate(zip(values, statuses, strict=True))
           if has_figure(v, s)]
    ranked = sorted(has, key=lambda i: float(values[i]), reverse=higher_is_better)
    chosen = set(ranked[:ENDS]) | set(ranked[-ENDS:]) | set(keep)
    return [i for i in ranked if i in chosen] + [i for i in keep if i not in has]


def shown_note(with_figure: int, total: int, what: str, own: str | None = None,
               on: str | None = None) -> str:
    """'The chart shows the 10 highest and 10 lowest of the 240 schools with a figure,
    and Oak; three have none.' (``what``: 'The chart', 'The table' ...; ``on``: the
    measure they are ranked on, when the page shows several, and then best first)."""
    text = f"{what} shows the {ENDS} highest and {ENDS} lowest of the {with_figure} " \
           "schools with a figure"
    if on:
        text = f"{what} shows the {ENDS} highest and {ENDS} lowest on {on} of the " \
               f"{with_figure} schools with a figure, best first"
    if own:
        text += f", and {own}"
    missing = total - with_figure
    return text + (f"; {fmt.count_words(missing)} {'has' if missing == 1 else 'have'} none."
                   if missing else ".")
