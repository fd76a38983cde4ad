"""What the plan needs from a data drop that the drop lacks."""

from __future__ import annotations

from pathlib import Path

from govkit.data.contract import DOMAINS
from govkit.data.readers import find_sources
from govkit.errors import Problem
from govkit.plan.config import Plan
from govkit.plan.measures import MEASURES


def plan_coverage(data_dir: Path, plan: Plan) -> list[Problem]:
    """A warning for each optional file the drop lacks that the plan's KPIs are built on:
    the drop is valid, but those KPIs will say "no data" in every report."""
    sources, _ = find_sources(Path(data_dir))
    needs: dict[str, list[str]] = {}
    for measure in sorted(plan.measures()):
        domain = MEASURES[measure].domain
        if domain in DOMAINS and domain not in sources:
            needs.setdefault(domain, []).append(measure)
    return [Problem(f"{name}.csv", f"not in the drop, so the plan's KPIs on "
                    f"{', '.join(ids)} will have no data", severity="warning")
            for name, ids in needs.items()]
