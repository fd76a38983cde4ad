"""trust.yaml and plan.yaml, as govkit.config reads them: kept under this name so that
notebooks, leaders' code and older imports keep working.

The models moved to govkit.config, in the foundation layer: data/ reads the trust (its
schools and terms) and must not import from plan/, a layer above it.
"""

from govkit.config import (
    EXCEPTION_AREAS,
    KPI,
    PHASE_GROUPS,
    PHASES,
    Action,
    Audience,
    Board,
    Branding,
    DeepDive,
    Direction,
    PhaseTarget,
    Plan,
    Priority,
    School,
    SuccessCriterion,
    Suppression,
    Target,
    Trigger,
    Trust,
    comparison_phase,
    load_plan,
    load_trust,
    parse_yaml,
    yaml_text,
)
from govkit.config.files import _validate  # noqa: F401 for tests of the old name

__all__ = [
    "EXCEPTION_AREAS", "KPI", "PHASES", "PHASE_GROUPS", "Action", "Audience", "Board",
    "Branding", "DeepDive", "Direction", "PhaseTarget", "Plan", "Priority", "School",
    "SuccessCriterion", "Suppression", "Target", "Trigger", "Trust", "comparison_phase",
    "load_plan", "load_trust", "parse_yaml", "yaml_text",
]
