"""How sure a figure is: 95% intervals, and how many pupils would change a rating.

A school of 9 pupils at 56% and a trust of 900 at 56% are not equally sure of their
figure. Governors see the interval where it helps, "not a clear difference" when the
target lies inside it, and how few pupils stand between one rating and the next.

- proportions of pupils (3 of 28 at the standard): Wilson's score interval, which stays
  inside 0-100% and behaves for small cohorts, unlike the textbook p +/- 1.96 SE;
- a gap between two such proportions: Newcombe's method (hybrid score, method 10 of
  Newcombe 1998), built from each group's Wilson interval;
- progress scores: DfE's own confidence limits, carried in the KS2 and KS4 files
  (``measures.Measure.spread`` sums them across schools).
"""

from __future__ import annotations

import math
from collections.abc import Callable

Z95 = 1.959963984540054  # the standard normal's 97.5th percentile


def wilson(k: float, n: float, z: float = Z95) -> tuple[float, float] | None:
    """Wilson's 95% score interval for ``k`` of ``n`` as proportions (0-1); None if n is 0."""
    if not n or n <= 0 or k < 0 or k > n:
        return None
    p = k / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def newcombe(k1: float, n1: float, k2: float, n2: float,
             z: float = Z95) -> tuple[float, float] | None:
    """95% interval for p1 - p2 (proportions, 0-1) from each group's Wilson interval."""
    a, b = wilson(k1, n1, z), wilson(k2, n2, z)
    if a is None or b is None:
        return None
    p1, p2 = k1 / n1, k2 / n2
    d = p1 - p2
    lower = d - math.sqrt((p1 - a[0]) ** 2 + (b[1] - p2) ** 2)
    upper = d + math.sqrt((a[1] - p1) ** 2 + (p2 - b[0]) ** 2)
    return lower, upper


def clear_of(target: float | None, lower: float | None, upper: float | None) -> bool | None:
    """Whether a target lies outside the interval (a clear difference); None if either is
    unknown."""
    if target is None or lower is None or upper is None:
        return None
    return not (lower <= target <= upper)


def pupils_to_change(k: int, n: int, direction: str, rate: Callable[[float], str | None],
                     most: int = 5) -> tuple[int, str] | None:
    """How many more (higher is better) or fewer (lower is better) of the ``n`` pupils
    counted would lift the rating, and to what: ``(2, "green")``.

    ``rate`` rates a percentage the way the KPI does (displayed value against target).
    None if the rating is already green, none is given, or it would take more than
    ``most`` pupils (then the number does not help a governor).
    """
    now = rate(100.0 * k / n) if n else None
    if now not in ("red", "amber"):
        return None
    step = 1 if direction == "higher" else -1
    for j in range(1, most + 1):
        count = k + step * j
        if count < 0 or count > n:
            return None
        after = rate(100.0 * count / n)
        if after != now and after is not None:
            return j, after
    return None
