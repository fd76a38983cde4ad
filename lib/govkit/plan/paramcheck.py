"""``govkit check-params``: trust.yaml, its plan and the leaders' commentary, checked together.

Each piece loads on its own elsewhere; this is where they are checked against one another,
so that a comment keyed to a KPI the plan no longer has, or to a school that left the
trust, is an error the analyst sees before the reports silently leave it out.
"""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from govkit.errors import ConfigError
from govkit.plan.commentary import load_commentary
from govkit.plan.config import Plan, Trust, load_plan, load_trust
from govkit.plan.measures import MEASURES
from govkit.terms import TermError, parse_term


@dataclass
class ParamsCheck:
    """What check-params prints when nothing is wrong: a summary and any warnings."""

    summary: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def trust_summary(trust: Trust, path: Path) -> str:
    phases = Counter(s.phase for s in trust.schools)
    mix = ", ".join(f"{n} {phase}" for phase, n in phases.most_common())
    span = trust.terms[0] if len(trust.terms) == 1 else f"{trust.terms[0]} .. {trust.terms[-1]}"
    return (f"{path}: {trust.name}, {len(trust.schools)} school(s) ({mix}), "
            f"{len(trust.terms)} term(s) {span}, ratings need {trust.min_cohort} or more "
            "pupils")


def plan_summary(plan: Plan, path: Path) -> str:
    kpis = plan.kpis()
    narrative = sum(k.evidence == "narrative" or k.measure is None for _, _, k in kpis)
    criteria = sum(len(p.success_criteria) for p in plan.priorities)
    return (f"{path}: {plan.name}, {len(plan.priorities)} priorities, {criteria} success "
            f"criteria, {len(kpis)} KPIs ({narrative} narrative), "
            f"{len(plan.triggers)} trigger(s)")


def _has_national(measure: str) -> bool:
    """A national figure can be found: in the shipped table, or (a KS2 or KS4 result) in
    the national rows `govkit import` keeps from DfE's files."""
    m = MEASURES[measure]
    return m.national_key is not None or m.attainment is not None


def plan_warnings(plan: Plan, path: Path) -> list[str]:
    """KPIs and triggers that load but can never be rated or fire: national is not known."""
    out = []
    for pi, p in enumerate(plan.priorities):
        for ci, c in enumerate(p.success_criteria):
            for ki, k in enumerate(c.kpis):
                if (k.measure and k.target and k.target.relative_to == "national"
                        and not _has_national(k.measure)):
                    out.append(f"{path}: priorities[{pi}].success_criteria[{ci}].kpis[{ki}]"
                               f".target: warning: no national figure is kept for "
                               f"{k.measure}, so this KPI is never rated; give a number")
    for ti, t in enumerate(plan.triggers):
        if (t.kind.startswith("below_national") and t.measure
                and not _has_national(t.measure)):
            out.append(f"{path}: triggers[{ti}].measure: warning: no national figure is kept "
                       f"for {t.measure}, so this trigger never fires")
    return out


# The values a measure of each unit can take: a target outside can never be met or missed.
UNIT_RANGES = {"percent": (0.0, 100.0), "count": (0.0, None), "GBP": (None, None),
               "days": (0.0, None), "hours": (0.0, None), "kwh": (0.0, None)}


def target_problems(plan: Plan, path: Path) -> list[str]:
    """KPI targets outside what their measure can be (150 on a percentage)."""
    out = []
    for pi, p in enumerate(plan.priorities):
        for ci, c in enumerate(p.success_criteria):
            for ki, k in enumerate(c.kpis):
                if not (k.measure and k.target) or k.measure not in MEASURES:
                    continue
                unit = MEASURES[k.measure].unit
                lo, hi = UNIT_RANGES.get(unit, (None, None))
                where = f"{path}: priorities[{pi}].success_criteria[{ci}].kpis[{ki}].target"
                if k.target.value is not None:
                    v = k.target.value
                    if (lo is not None and v < lo) or (hi is not None and v > hi):
                        out.append(f"{where}: {v:g} is outside what {k.measure} can be ("
                                   f"{unit}: {lo:g} to {hi:g})" if hi is not None else
                                   f"{where}: {v:g} is outside what {k.measure} can be "
                                   f"({unit}: {lo:g} or more)")
                elif hi is not None and lo is not None and abs(k.target.offset) > hi - lo:
                    out.append(f"{where}.offset: {k.target.offset:g} is more than {k.measure} "
                               f"can differ by ({unit}: {lo:g} to {hi:g})")
    return out


def check_commentary(commentary_dir: Path, trust: Trust, plan: Plan,
                     plan_path: Path) -> str:
    """Every commentary file names a trust term, its schools and the plan's KPI ids.

    Returns the summary line; raises ConfigError with one line per problem.
    """
    if not commentary_dir.is_dir():
        return f"{commentary_dir}: no leaders' comments yet"
    kpi_ids = [k.id for _, _, k in plan.kpis() if k.id]
    known = set(kpi_ids)
    problems: list[str] = []
    counts: list[str] = []
    for path in sorted(p for p in commentary_dir.iterdir() if p.is_file()):
        if path.suffix == ".yml":
            problems.append(f"{path}: name it {path.stem}.yaml: only .yaml files are read")
            continue
        if path.suffix != ".yaml":
            continue
        try:
            parse_term(path.stem)
        except TermError as e:
            problems.append(f"{path}: the file name must be a term id: {e}")
            continue
        if path.stem not in trust.terms:
            problems.append(f"{path}: {path.stem} is not one of the terms in trust.yaml, so "
                            "these comments would never show")
            continue
        try:
            comments = load_commentary(commentary_dir, path.stem)
        except ConfigError as e:
            problems.extend(e.lines())
            continue
        n = 0
        for place, items in comments.items():
            if place != "trust" and int(place) not in trust.urns:
                problems.append(f"{path}: {place}: URN {place} is not a school of {trust.name}")
                continue
            for kid in items:
                n += 1
                if kid not in known:
                    near = difflib.get_close_matches(kid, kpi_ids, n=1, cutoff=0.6)
                    hint = f" (did you mean {near[0]}?)" if near else ""
                    problems.append(f"{path}: {place}.{kid}: no KPI with this id in "
                                    f"{plan_path}{hint}")
        counts.append(f"{path.stem} {n} comment(s) for {len(comments)} place(s)")
    if problems:
        raise ConfigError("\n".join(problems))
    return f"{commentary_dir}: " + ("; ".join(counts) if counts else "no leaders' comments yet")


def check_params(params_dir: str | Path, plan_file: str | Path | None = None) -> ParamsCheck:
    """trust.yaml, the plan it names and params/commentary/; or, given ``plan_file``, that plan.

    Raises ConfigError (one line per problem, each naming the file and key) on the first
    piece that is wrong: a plan cannot be checked against a trust that does not load.
    """
    report = ParamsCheck()
    if plan_file is not None:
        plan_path = Path(plan_file)
        plan = load_plan(plan_path, set(MEASURES))
        if problems := target_problems(plan, plan_path):
            raise ConfigError("\n".join(problems))
        report.summary.append(plan_summary(plan, plan_path))
        report.warnings.extend(plan_warnings(plan, plan_path))
        return report
    params_dir = Path(params_dir)
    trust_path = params_dir / "trust.yaml"
    trust = load_trust(trust_path)
    plan_path = params_dir / trust.plan
    plan = load_plan(plan_path, set(MEASURES))
    if problems := target_problems(plan, plan_path):
        raise ConfigError("\n".join(problems))
    report.summary.append(trust_summary(trust, trust_path))
    report.warnings.extend(
        f"{trust_path}: warning: {len(urns)} schools are named '{name}' (URN "
        + ", ".join(map(str, urns)) + "): pages show each with its URN; rename them to "
        "tell them apart" for name, urns in trust.shared_names().items())
    report.summary.append(plan_summary(plan, plan_path))
    report.warnings.extend(plan_warnings(plan, plan_path))
    report.summary.append(check_commentary(params_dir / "commentary", trust, plan, plan_path))
    return report
