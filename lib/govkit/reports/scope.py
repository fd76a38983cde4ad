"""Which KPIs each report shows, so that its headline rating on the index and in the
manifest is worked out from those alone: a priority report and the overview from all they
cover. A deep dive, a school's board summary and the public card show no rating (no
targets, no badges), so the index gives them none either (``shows_ratings``): a plain link;
their measures are still known here.
"""

from __future__ import annotations

from typing import get_args

from govkit.config import DeepDive

# The index asks only shows_ratings, at every run, a run with nothing changed included:
# so this module imports no report (a report's context brings pandas and matplotlib, a
# third of such a run's time) until a worker asks for a report's measures.


def deep_dive_measures(name: str) -> frozenset[str]:
    """Every measure a deep dive's sections are about."""
    from govkit.reports.deep_dive import DEEP_DIVES

    return frozenset(m for _, measures in DEEP_DIVES[name] for m in measures)


def report_measures(notebook: str) -> frozenset[str] | None:
    """The measures whose KPIs rate this notebook's report; None: every KPI it is given
    (the priority report narrows by its priority, the overview takes the whole plan)."""
    if notebook in DIVES:
        return deep_dive_measures(notebook)
    if notebook == "report_card":
        from govkit.plan.measures import PLAN_MEASURES
        from govkit.reports.context import CONFIDENTIAL_MEASURES

        return frozenset(PLAN_MEASURES - CONFIDENTIAL_MEASURES)
    return None


# The deep dives a plan can attach (the plan's own list, which names each one's
# notebook; tests/test_report_scope.py checks it against the deep dives' sections).
DIVES = frozenset(get_args(DeepDive))
# Reports whose pages show figures but no rating: the index must not rate them. A board
# summary lists what changed, the exceptions and questions, with no overall rating.
UNRATED = DIVES | {"report_card", "board_summary"}


def shows_ratings(notebook: str) -> bool:
    """Whether a report's page shows ratings (and so has a headline on the index);
    ``notebook`` may be a report's name ('priority-<id>' is a priority report)."""
    return notebook not in UNRATED
