"""The trust and its strategic plan, as data: params/trust.yaml and params/plan.yaml.

Loaded into pydantic models that refuse unknown keys, so a typo in a plan is a
clear error naming the file and the key path rather than a KPI that silently
never shows.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from govkit.contract import PHASES
from govkit.errors import ConfigError
from govkit.terms import TermError, parse_term

Audience = Literal["board", "trust_leaders", "lgb", "school_leaders", "public"]
Direction = Literal["higher", "lower"]
DeepDive = Literal["education", "workforce", "finance", "governance"]
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class School(_Strict):
    urn: int = Field(ge=100000, le=999999, description="DfE URN")
    name: str
    phase: Literal[PHASES]  # type: ignore[valid-type]
    local_governing_body: str | None = None

    @field_validator("urn", mode="before")
    @classmethod
    def _urn_is_not_octal(cls, v: Any) -> Any:
        # YAML reads 0123 as octal and a quoted "100001" as text: take digits as written.
        if isinstance(v, str) and v.strip().isdigit():
            return int(v.strip())
        return v


class Suppression(_Strict):
    threshold: int = Field(5, ge=1, le=100,
                           description="counts below this are suppressed (confidential)")
    public_threshold: int = Field(10, ge=1, le=100,
                                  description="stricter threshold for public report cards")


class Branding(_Strict):
    primary_colour: str = "#1d3557"
    accent_colour: str = "#457b9d"
    logo_text: str | None = None

    @field_validator("primary_colour", "accent_colour")
    @classmethod
    def _hex(cls, v: str) -> str:
        if not _HEX.match(v):
            raise ValueError(f"'{v}' is not a colour like #1d3557")
        return v


class Trust(_Strict):
    name: str
    plan: str = "plan.yaml"
    schools: list[School] = Field(min_length=1)
    terms: list[str] = Field(min_length=1, description="term ids, oldest first")
    suppression: Suppression = Suppression()
    audiences: list[Audience] = ["board", "trust_leaders", "lgb", "school_leaders", "public"]
    branding: Branding = Branding()

    @field_validator("terms")
    @classmethod
    def _terms(cls, v: list[str]) -> list[str]:
        for t in v:
            try:
                parse_term(t)
            except TermError as e:
                raise ValueError(str(e)) from None
        if [parse_term(t) for t in v] != sorted(parse_term(t) for t in v):
            raise ValueError("terms must be listed oldest first")
        if len(set(v)) != len(v):
            raise ValueError("a term is listed twice")
        return v

    @model_validator(mode="after")
    def _unique_urns(self) -> Trust:
        seen: set[int] = set()
        for s in self.schools:
            if s.urn in seen:
                raise ValueError(f"URN {s.urn} is listed twice")
            seen.add(s.urn)
        return self

    @property
    def latest_term(self) -> str:
        return self.terms[-1]

    def school(self, urn: int) -> School:
        for s in self.schools:
            if s.urn == urn:
                return s
        raise KeyError(f"URN {urn} is not a school of {self.name}")

    @property
    def urns(self) -> list[int]:
        return [s.urn for s in self.schools]


class Target(_Strict):
    """A number, or relative to national, the trust, or the same term last year."""

    value: float | None = None
    relative_to: Literal["national", "trust", "last_year"] | None = None
    offset: float = 0.0

    @model_validator(mode="before")
    @classmethod
    def _from_number(cls, v: Any) -> Any:
        if isinstance(v, int | float) and not isinstance(v, bool):
            return {"value": float(v)}
        return v

    @model_validator(mode="after")
    def _one_kind(self) -> Target:
        if (self.value is None) == (self.relative_to is None):
            raise ValueError("give either a number (value) or relative_to, not both")
        return self


class KPI(_Strict):
    id: str | None = None
    measure: str | None = None
    label: str | None = None
    evidence: Literal["data", "narrative"] = "data"
    target: Target | None = None
    tolerance: float = Field(0.0, ge=0, description="how far short of target is amber")
    direction: Direction | None = None
    audience: list[Audience] | None = None

    @model_validator(mode="after")
    def _measure_when_data(self) -> KPI:
        if self.evidence == "data" and not self.measure:
            raise ValueError("a KPI with evidence: data needs a measure")
        if self.evidence == "narrative" and not self.label:
            raise ValueError("a narrative KPI needs a label saying what a leader should report")
        return self


class SuccessCriterion(_Strict):
    id: str
    text: str
    evidence: Literal["data", "narrative"] = "data"
    kpis: list[KPI] = []

    @model_validator(mode="after")
    def _has_evidence(self) -> SuccessCriterion:
        if not self.kpis and self.evidence == "data":
            raise ValueError("a success criterion needs KPIs or evidence: narrative")
        return self


class Priority(_Strict):
    id: str
    title: str
    aim: str | None = None
    pillar: str | None = None
    deep_dive: DeepDive | None = None
    success_criteria: list[SuccessCriterion] = Field(min_length=1)


class Trigger(_Strict):
    """A rule that flags a school for school-improvement attention."""

    id: str
    description: str
    kind: Literal["red_consecutive", "below_national", "below_national_years",
                  "below_trust", "declining"]
    measure: str | None = None
    margin: float = 0.0
    periods: int = Field(2, ge=1)


class Plan(_Strict):
    name: str
    trust: str | None = None
    period: str | None = None
    source: str | None = None
    framework: str | None = None
    priorities: list[Priority] = Field(min_length=1)
    triggers: list[Trigger] = []

    @model_validator(mode="after")
    def _ids(self) -> Plan:
        seen: set[str] = set()
        for p in self.priorities:
            if not _SLUG.match(p.id):
                raise ValueError(f"priority id '{p.id}' must be lower-case letters, digits, - or _")
            if p.id in seen:
                raise ValueError(f"priority id '{p.id}' is used twice")
            seen.add(p.id)
        return self

    def kpis(self) -> list[tuple[Priority, SuccessCriterion, KPI]]:
        """Every KPI with its place, narrative criteria given a KPI of their own."""
        out = []
        for p in self.priorities:
            for c in p.success_criteria:
                items = c.kpis or [KPI(evidence="narrative", label=c.text)]
                for i, k in enumerate(items, 1):
                    kid = k.id or f"{p.id}.{c.id}.{k.measure or i}"
                    out.append((p, c, k.model_copy(update={"id": kid})))
        return out

    def priority(self, pid: str) -> Priority:
        for p in self.priorities:
            if p.id == pid:
                return p
        raise KeyError(f"no priority '{pid}' in the plan; it has: "
                       + ", ".join(p.id for p in self.priorities))

    def measures(self) -> set[str]:
        return {k.measure for _, _, k in self.kpis() if k.measure} | {
            t.measure for t in self.triggers if t.measure}


def _loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def _read_yaml(path: Path) -> Any:
    if not path.exists():
        raise ConfigError(f"{path}: file not found")
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        raise ConfigError(f"{path}{where}: not valid YAML: {getattr(e, 'problem', e)}") from None


def _validate(model: type[BaseModel], data: Any, path: Path) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as e:
        lines = []
        for err in e.errors():
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                msg = "unknown key (check the spelling)"
            elif err["type"] == "missing":
                msg = "required, but missing"
            lines.append(f"{path}: {_loc(err['loc'])}: {msg}")
        raise ConfigError("\n".join(lines)) from None


def load_trust(path: str | Path) -> Trust:
    path = Path(path)
    return _validate(Trust, _read_yaml(path), path)


def load_plan(path: str | Path, known_measures: set[str] | None = None) -> Plan:
    """Load a plan; with ``known_measures``, a KPI naming anything else is refused."""
    path = Path(path)
    plan: Plan = _validate(Plan, _read_yaml(path), path)
    if known_measures is not None:
        bad = []
        for pi, p in enumerate(plan.priorities):
            for ci, c in enumerate(p.success_criteria):
                for ki, k in enumerate(c.kpis):
                    if k.measure and k.measure not in known_measures:
                        bad.append(f"{path}: priorities[{pi}].success_criteria[{ci}]"
                                   f".kpis[{ki}].measure: unknown measure '{k.measure}'")
        for ti, t in enumerate(plan.triggers):
            if t.measure and t.measure not in known_measures:
                bad.append(f"{path}: triggers[{ti}].measure: unknown measure '{t.measure}'")
        if bad:
            raise ConfigError("\n".join(bad))
    return plan


def load_params(params_dir: str | Path) -> tuple[Trust, Plan]:
    """trust.yaml and the plan it names, checked against the measure catalogue."""
    from govkit.measures import MEASURES  # the catalogue decides which measures exist

    params_dir = Path(params_dir)
    trust = load_trust(params_dir / "trust.yaml")
    plan = load_plan(params_dir / trust.plan, set(MEASURES))
    return trust, plan
