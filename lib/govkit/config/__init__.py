"""The trust and its strategic plan, as data: params/trust.yaml and params/plan.yaml.

Loaded into pydantic models that refuse unknown keys, so a typo in a plan is a
clear error naming the file and the key path rather than a KPI that silently
never shows.

A package: the shared vocabularies (common), the trust (trust), the plan (plan) and
reading the files (files); every name is here, as before.
"""

from govkit.config.common import (  # noqa: F401 re-exported
    _HEX,
    _SLUG,
    PHASE_GROUPS,
    PHASES,
    Audience,
    DeepDive,
    Direction,
    Phase,
    _At,
    _refuse_repeats,
    _Strict,
    comparison_phase,
    term_id,
)
from govkit.config.files import (  # noqa: F401 re-exported
    _LOADER,
    _PURE_LOADER,
    _read_yaml,
    _refusing_repeats,
    _RepeatedKey,
    _unknown_measure,
    _validate,
    load_plan,
    load_trust,
    parse_yaml,
    yaml_text,
)
from govkit.config.plan import (  # noqa: F401 re-exported
    KPI,
    Action,
    PhaseTarget,
    Plan,
    Priority,
    SuccessCriterion,
    Target,
    Trigger,
)
from govkit.config.trust import (  # noqa: F401 re-exported
    EXCEPTION_AREAS,
    Board,
    Branding,
    ExceptionArea,
    School,
    Suppression,
    Trust,
)

# the public names (the private ones stay importable for the tests that check them)
__all__ = [
    "EXCEPTION_AREAS", "KPI", "PHASES", "PHASE_GROUPS", "Action", "Audience", "Board",
    "Branding", "DeepDive", "Direction", "ExceptionArea", "Phase", "PhaseTarget", "Plan",
    "Priority", "School", "SuccessCriterion", "Suppression", "Target", "Trigger", "Trust",
    "comparison_phase", "load_plan", "load_trust", "parse_yaml", "term_id", "yaml_text",
]
