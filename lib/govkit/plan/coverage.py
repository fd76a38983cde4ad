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


def term_gaps(data_dir: Path, plan: Plan, term: str) -> list[Problem]:
    """For each file the drop has whose domain the plan's KPIs are built on: an error if
    it holds no rows at all (a header-only census: every such KPI would show "–" on
    every page, so the run stops instead), a warning if none are for ``term`` (last
    term's export only). A file left out altogether is only a warning (plan_coverage):
    the trust has chosen not to give it. Surveys are left alone: a term uses the latest
    survey of the twelve months to it."""
    from govkit.data.readers import read_source

    sources, _ = find_sources(Path(data_dir))
    needs: dict[str, list[str]] = {}
    for measure in sorted(plan.measures()):
        domain = MEASURES[measure].domain
        if domain in sources and DOMAINS[domain].period == "term" and domain != "surveys":
            needs.setdefault(domain, []).append(measure)
    out = []
    for name, ids in needs.items():
        raw, _ = read_source(sources[name])
        if raw is None or "term" not in raw.frame:
            continue  # unreadable: validation names what is wrong
        if raw.frame.empty:
            out.append(Problem(sources[name].label, "has a header but no rows, and the "
                               f"plan's KPIs on {', '.join(ids)} need them: add the rows, or "
                               "remove the file to leave those KPIs without data"))
        elif not raw.frame["term"].str.strip().str.lower().eq(term).any():
            out.append(Problem(sources[name].label, f"has no rows for {term}: the plan's KPIs "
                               f"on {', '.join(ids)} will have no data this term",
                               severity="warning"))
    return out
