"""What the trust's and the plan's models share: the phases, the vocabularies (audiences,
directions, deep dives) and a model that refuses unknown keys."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict

from govkit.terms import TermError, parse_term

Audience = Literal["board", "trust_leaders", "lgb", "school_leaders", "public"]
Direction = Literal["higher", "lower"]
DeepDive = Literal["education", "workforce", "finance", "governance"]
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")

# Phases as GIAS has them (infant and junior schools are GIAS's primary phase, told
# apart by the ages they take); middle schools, deemed primary or secondary, take KS2.
Phase = Literal["primary", "secondary", "special", "all-through", "alternative", "nursery",
                "infant", "junior", "middle", "16-plus"]
PHASES: tuple[str, ...] = get_args(Phase)
# The phase a school is compared by (targets by phase, the trust's schools of its phase,
# national for its phase): the one place that says which phases count as alike. A finer
# GIAS phase (infant, junior, middle, 16 plus) maps here to the group it is judged with.
PHASE_GROUPS: dict[str, str] = {"primary": "primary", "secondary": "secondary",
                                "special": "special", "all-through": "all-through",
                                "alternative": "alternative", "nursery": "nursery",
                                "infant": "primary", "junior": "primary",
                                "middle": "primary", "16-plus": "secondary"}


def comparison_phase(phase: str) -> str:
    """The phase a school of ``phase`` is compared with (itself unless mapped)."""
    return PHASE_GROUPS.get(phase, phase)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _At(ValueError):
    """A validation error about a key below the model checked: the message names its path."""

    def __init__(self, loc: tuple[str | int, ...], message: str):
        super().__init__(message)
        self.loc = loc


def _refuse_repeats(keyed: Iterable[tuple[tuple[str | int, ...], Any]], what: str,
                    field: str | None = "id", hint: str = "") -> None:
    """Refuse a key seen twice: the error sits on the second place's ``field`` and names
    the first place."""
    first: dict[Any, tuple[str | int, ...]] = {}
    for loc, key in keyed:
        if key in first:
            where = (*loc, field) if field else loc
            raise _At(where, what.format(key=key)
                      + f" twice (also {_loc(first[key])}){hint}")
        first[key] = loc

def _loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def term_id(v: str) -> str:
    """A term id as trust.yaml and plan.yaml give one ('2024-25-summer'), checked: a
    field validator's ValueError saying what is wrong otherwise."""
    try:
        parse_term(v)
    except TermError as e:
        raise ValueError(str(e)) from None
    return v
