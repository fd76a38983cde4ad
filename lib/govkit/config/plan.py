"""params/plan.yaml as a model: priorities, success criteria, KPIs with their targets,
actions and intervention triggers."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from govkit.config.common import (
    _SLUG,
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


class Target(_Strict):
    """A number, or relative to national, the trust, or the same term last year."""

    # .nan would never rate and .inf always be met: a target is a finite number
    value: float | None = Field(None, allow_inf_nan=False)
    relative_to: Literal["national", "trust", "last_year"] | None = None
    offset: float = Field(0.0, allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _from_number(cls, v: Any) -> Any:
        if isinstance(v, int | float) and not isinstance(v, bool):
            return {"value": float(v)}
        return v

    @model_validator(mode="after")
    def _one_kind(self) -> Target:
        if self.value is not None and self.relative_to is not None:
            raise ValueError("give a number (value) or relative_to, not both")
        if self.value is None and self.relative_to is None:
            raise ValueError("give a number (value) or relative_to: national, trust or "
                             "last_year")
        return self


class PhaseTarget(_Strict):
    """A KPI's target for schools of one phase: ``target: null`` leaves them unrated (a
    special school's spend per pupil against a mainstream target says nothing)."""

    target: Target | None
    tolerance: float | None = Field(None, ge=0, allow_inf_nan=False)


class KPI(_Strict):
    id: str | None = None
    measure: str | None = None
    label: str | None = None
    evidence: Literal["data", "narrative"] = "data"
    target: Target | None = None
    tolerance: float = Field(0.0, ge=0, allow_inf_nan=False,
                             description="how far short of target is amber")
    direction: Direction | None = None
    audience: list[Audience] | None = None
    by_phase: dict[Phase, PhaseTarget] | None = Field(
        None, description="targets for schools of a phase, e.g. special: {target: null}")

    def for_phase(self, phase: str | None) -> tuple[Target | None, float]:
        """The target and tolerance for a school of ``phase`` (None: the trust)."""
        if phase is None or not self.by_phase:
            return self.target, self.tolerance
        own = self._set_for(phase) or self._set_for(comparison_phase(phase))
        if own is None:
            return self.target, self.tolerance
        return own.target, self.tolerance if own.tolerance is None else own.tolerance

    def _set_for(self, phase: str) -> PhaseTarget | None:
        """The target set for exactly ``phase`` (a phase read from data is a plain str)."""
        return next((t for p, t in (self.by_phase or {}).items() if p == phase), None)

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


class Action(_Strict):
    """One thing the plan says will be done: the board asks whether it was, on time. Its
    status each term comes from the data drop (actions.csv or the template's sheet)."""

    id: str
    title: str
    owner: str
    due: str = Field(description="the term it is due by, e.g. 2024-25-summer")
    evidence: str | None = Field(None, description="what will show it is done")

    @field_validator("due")
    @classmethod
    def _due_term(cls, v: str) -> str:
        return term_id(v)


class Priority(_Strict):
    id: str
    title: str
    aim: str | None = None
    pillar: str | None = None
    deep_dive: DeepDive | None = None
    success_criteria: list[SuccessCriterion] = Field(min_length=1)
    actions: list[Action] = []

    @model_validator(mode="after")
    def _criterion_ids(self) -> Priority:
        _refuse_repeats(((("success_criteria", i), c.id)
                         for i, c in enumerate(self.success_criteria)),
                        "success criterion id '{key}' is used")
        return self


class Trigger(_Strict):
    """A rule that flags a school for school-improvement attention."""

    id: str
    description: str
    kind: Literal["red_consecutive", "below_national", "below_national_years",
                  "below_trust", "declining"]
    measure: str | None = None
    margin: float = 0.0
    periods: int = Field(2, ge=1)

    @model_validator(mode="after")
    def _measure_when_compared(self) -> Trigger:
        # Only red_consecutive can watch every KPI; the others compare one measure.
        if self.kind != "red_consecutive" and not self.measure:
            raise _At(("measure",), f"a trigger of kind {self.kind} needs a measure")
        return self


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
        # Ids key reports and leaders' comments: two things with one id would share them.
        for i, p in enumerate(self.priorities):
            if not _SLUG.match(p.id):
                raise _At(("priorities", i, "id"), f"priority id '{p.id}' must be lower-case "
                          "letters, digits, - or _")
        _refuse_repeats(((("priorities", i), p.id) for i, p in enumerate(self.priorities)),
                        "priority id '{key}' is used")
        _refuse_repeats(self._kpi_ids(), "KPI id '{key}' is used", None, "; give one of them an id")
        _refuse_repeats(((("triggers", i), t.id) for i, t in enumerate(self.triggers)),
                        "trigger id '{key}' is used")
        # an action's status row names it by id, whichever priority it is under
        _refuse_repeats(((("priorities", i, "actions", j), a.id)
                         for i, p in enumerate(self.priorities)
                         for j, a in enumerate(p.actions)), "action id '{key}' is used")
        return self

    def actions(self) -> list[tuple[Priority, Action]]:
        """Every action of the plan with its priority, in the plan's order."""
        return [(p, a) for p in self.priorities for a in p.actions]

    def _kpi_ids(self) -> list[tuple[tuple[str | int, ...], str]]:
        """Each KPI's id with its key path; a criterion without KPIs stands as one KPI."""
        out: list[tuple[tuple[str | int, ...], str]] = []
        for pi, p in enumerate(self.priorities):
            for ci, c in enumerate(p.success_criteria):
                here: tuple[str | int, ...] = ("priorities", pi, "success_criteria", ci)
                if not c.kpis:
                    out.append((here, f"{p.id}.{c.id}.1"))
                for ki, k in enumerate(c.kpis):
                    out.append(((*here, "kpis", ki),
                                k.id or f"{p.id}.{c.id}.{k.measure or ki + 1}"))
        return out

    def kpis(self) -> list[tuple[Priority, SuccessCriterion, KPI]]:
        """Every KPI with its place, narrative criteria given a KPI of their own."""
        ids = iter(kid for _, kid in self._kpi_ids())
        out = []
        for p in self.priorities:
            for c in p.success_criteria:
                items = c.kpis or [KPI(evidence="narrative", label=c.text)]
                for k in items:
                    out.append((p, c, k.model_copy(update={"id": next(ids)})))
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
