"""The trust and its plan read together, the plan checked against the measure catalogue."""

from __future__ import annotations

from pathlib import Path

from govkit.plan.config import Plan, Trust, load_plan, load_trust
from govkit.plan.measures import MEASURES


def load_params(params_dir: str | Path) -> tuple[Trust, Plan]:
    """trust.yaml and the plan it names, checked against the measure catalogue.

    Read from the files every time (nothing is kept here: a batch worker that reads them
    for many reports keeps its own copy, govkit.batch.warm)."""
    params_dir = Path(params_dir)
    trust = load_trust(params_dir / "trust.yaml")
    return trust, load_plan(params_dir / trust.plan, set(MEASURES))
