"""The trust and its strategic plan, as data: params/trust.yaml and params/plan.yaml.

Loaded into pydantic models that refuse unknown keys, so a typo in a plan is a
clear error naming the file and the key path rather than a KPI that silently
never shows.
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from govkit.errors import ConfigError
from govkit.terms import TermError, parse_term, period_dates

Audience = Literal["board", "trust_leaders", "lgb", "school_leaders", "public"]
Direction = Literal["higher", "lower"]
DeepDive = Literal["education", "workforce", "finance", "governance"]
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")

# Phases as GIAS has them (infant and junior schools are GIAS's primary phase, told
# apart by the ages they take); middle schools, deemed primary or secondary, take KS2.
PHASES = ("primary", "secondary", "special", "all-through", "alternative", "nursery",
          "infant", "junior", "middle", "16-plus")
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


class School(_Strict):
    urn: int = Field(ge=100000, le=999999, description="DfE URN")
    name: str
    phase: Literal[PHASES]  # type: ignore[valid-type]
    local_governing_body: str | None = None
    joined_trust: datetime.date | None = Field(None, description="date the school joined "
                                               "the trust (GIAS 'Joined date')")
    local_authority: str | None = None
    left_trust: datetime.date | None = Field(None, description="date the school left the "
                                             "trust: from then on it no longer counts in the "
                                             "trust's figures")
    predecessors: tuple[int, ...] = Field((), description="URNs the school had before it "
                                    "converted (GIAS OTHERURN): DfE files its results "
                                    "under these until it converted")

    @field_validator("urn", mode="before")
    @classmethod
    def _urn_is_not_octal(cls, v: Any) -> Any:
        # YAML reads 0123 as octal and a quoted "100001" as text: take digits as written.
        if isinstance(v, str) and v.strip().isdigit():
            return int(v.strip())
        return v

    @field_validator("predecessors", mode="before")
    @classmethod
    def _predecessor_digits(cls, v: Any) -> Any:
        if isinstance(v, int | str) and not isinstance(v, bool):
            v = [v]
        if isinstance(v, list):
            return [int(x.strip()) if isinstance(x, str) and x.strip().isdigit() else x
                    for x in v]
        return v

    @model_validator(mode="after")
    def _left_after_joining(self) -> School:
        if self.left_trust and self.joined_trust and self.left_trust < self.joined_trust:
            raise _At(("left_trust",), f"{self.left_trust} is before joined_trust "
                      f"({self.joined_trust})")
        return self

    def in_trust(self, start: datetime.date, end: datetime.date) -> bool:
        """Whether the school counts in the trust's figure for a period from ``start`` to
        ``end``: joined by the end of that academic year, not left before the period ended
        (a school that left stops counting)."""
        year_end = datetime.date(start.year + (start.month >= 9), 8, 31)
        if self.joined_trust is not None and self.joined_trust > year_end:
            return False
        return self.left_trust is None or self.left_trust > end


class Suppression(_Strict):
    threshold: int = Field(5, ge=1, le=100,
                           description="counts below this are suppressed (confidential)")
    public_threshold: int = Field(10, ge=1, le=100,
                                  description="stricter threshold for public report cards")
    numerators: bool = Field(True, description="public cards also hide a percentage whose "
                             "pupils counted, or not counted, are below public_threshold")

    @model_validator(mode="after")
    def _public_at_least_as_strict(self) -> Suppression:
        # the public card is read by anyone: it can't show what the board's view hides
        if self.public_threshold < self.threshold:
            raise _At(("public_threshold",), f"{self.public_threshold} is below threshold "
                      f"({self.threshold}): the public card can't be less strict than the "
                      "board's view")
        return self


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


EXCEPTION_AREAS = ("safeguarding", "statutory_compliance", "high_risks", "deficits", "triggers")


class Board(_Strict):
    """What the board summary (the first page of a board pack) counts and compares with."""

    last_meeting: str | None = Field(None, description="the term the board last met on "
                                     "(default: the term before the report's)")
    exceptions: list[Literal[EXCEPTION_AREAS]] = Field(  # type: ignore[valid-type]
        list(EXCEPTION_AREAS), description="what always reaches the board, whatever its "
        "weight in the grid: safeguarding (checklist items not fully met), "
        "statutory_compliance (checklist items not met or overdue), high_risks (open risks "
        "at or above the high-risk score), deficits (an in-year deficit larger than the "
        "reserves), triggers (schools in the plan's intervention triggers)")

    @field_validator("last_meeting")
    @classmethod
    def _term(cls, v: str | None) -> str | None:
        if v is not None:
            try:
                parse_term(v)
            except TermError as e:
                raise ValueError(str(e)) from None
        return v


class Trust(_Strict):
    # Indexed once: evaluating a big trust asks for a school by URN per KPI and school.
    _by_urn: dict[int, School] = PrivateAttr(default_factory=dict)
    _labels: dict[int, str] = PrivateAttr(default_factory=dict)
    name: str
    plan: str = "plan.yaml"
    schools: list[School] = Field(min_length=1)
    terms: list[str] = Field(min_length=1, description="term ids, oldest first")
    suppression: Suppression = Suppression()
    min_cohort: int = Field(10, ge=1, le=1000,
                            description="a figure built on fewer pupils than this is shown "
                            "but not rated: 'too few pupils to rate', never red, never a "
                            "trigger")
    audiences: list[Audience] = ["board", "trust_leaders", "lgb", "school_leaders", "public"]
    branding: Branding = Branding()
    history: Literal["as_it_was", "like_for_like"] = Field(
        "as_it_was", description="a trust figure for a past period counts the schools in "
        "the trust then (as_it_was), or today's schools throughout (like_for_like)")
    board: Board = Board()
    data: str | None = Field(None, description="the data drop's folder, relative to this "
                             "file's folder (default: the demo drop, data/demo); the "
                             "GOVKIT_DATA environment variable or --data overrides it")

    @field_validator("terms")
    @classmethod
    def _terms(cls, v: list[str]) -> list[str]:
        # Each problem names the entry (terms[3]) so a long list is quick to fix.
        parsed = []
        for i, t in enumerate(v):
            try:
                parsed.append(parse_term(t))
            except TermError as e:
                raise _At((i,), str(e)) from None
        for i in range(1, len(v)):
            if v[i] in v[:i]:
                raise _At((i,), f"term {v[i]} is listed twice")
            if parsed[i] < parsed[i - 1]:
                raise _At((i,), f"terms must be listed oldest first: {v[i]} comes after "
                          f"{v[i - 1]}")
        return v

    @model_validator(mode="after")
    def _unique_urns(self) -> Trust:
        _refuse_repeats(((("schools", i), s.urn) for i, s in enumerate(self.schools)),
                        "URN {key} is listed", "urn")
        if self.board.last_meeting is not None and self.board.last_meeting not in self.terms:
            raise _At(("board", "last_meeting"), f"{self.board.last_meeting} is not one of "
                      "the trust's terms")
        return self

    def model_post_init(self, context: Any, /) -> None:
        self._by_urn = {s.urn: s for s in self.schools}
        seen: dict[str, int] = {}
        for s in self.schools:
            key = " ".join(s.name.split()).casefold()
            seen[key] = seen.get(key, 0) + 1
        self._labels = {s.urn: s.name if seen[" ".join(s.name.split()).casefold()] == 1
                        else f"{s.name} (URN {s.urn})" for s in self.schools}

    @property
    def latest_term(self) -> str:
        return self.terms[-1]

    def label(self, urn: int) -> str:
        """The school as pages, grids and charts name it: its name, or, where another
        school of the trust has the same name, its name and URN ('St Mary's (URN
        121234)'), so both are shown and neither is taken for the other."""
        try:
            return self._labels[urn]
        except KeyError:
            raise KeyError(f"URN {urn} is not a school of {self.name}") from None

    def shared_names(self) -> dict[str, list[int]]:
        """Names more than one school of the trust has (case and spacing ignored)."""
        by_name: dict[str, list[int]] = {}
        for s in self.schools:
            by_name.setdefault(" ".join(s.name.split()).casefold(), []).append(s.urn)
        return {self.school(urns[0]).name: urns for urns in by_name.values()
                if len(urns) > 1}

    def school(self, urn: int) -> School:
        try:
            return self._by_urn[urn]
        except KeyError:
            raise KeyError(f"URN {urn} is not a school of {self.name}") from None

    @property
    def urns(self) -> list[int]:
        return [s.urn for s in self.schools]

    def predecessor_links(self) -> dict[int, int]:
        """Each predecessor URN -> the trust's school it became."""
        return {old: s.urn for s in self.schools for old in s.predecessors}

    def schools_in(self, term: str) -> list[School]:
        """The schools reported on for ``term``: all but those that left the trust by the
        term's end (``left_trust``). A school that left keeps its rows and history (trust
        figures of the years it was in count it); it gets no reports, grid row or
        trigger after it left."""
        end = period_dates(term)[1]
        return [s for s in self.schools if s.left_trust is None or s.left_trust > end]

    def members(self, start: datetime.date, end: datetime.date) -> list[int]:
        """The schools a trust figure for the period counts: those in the trust then
        (``history: as_it_was``), or every school today (``like_for_like``)."""
        if self.history == "like_for_like":
            return self.urns
        return [s.urn for s in self.schools if s.in_trust(start, end)]

    @property
    def history_note(self) -> str:
        """What a trust trend counts, said under it."""
        if self.history == "like_for_like":
            return ("Trust figures for every year count today's schools throughout (like "
                    "for like), including years before a school joined.")
        return ("Trust figures count the schools in the trust at the time: a school counts "
                "from the academic year it joined, and stops when it leaves.")


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
    by_phase: dict[Literal[PHASES], PhaseTarget] | None = Field(  # type: ignore[valid-type]
        None, description="targets for schools of a phase, e.g. special: {target: null}")

    def for_phase(self, phase: str | None) -> tuple[Target | None, float]:
        """The target and tolerance for a school of ``phase`` (None: the trust)."""
        if phase is None or not self.by_phase:
            return self.target, self.tolerance
        own = self.by_phase.get(phase) or self.by_phase.get(comparison_phase(phase))
        if own is None:
            return self.target, self.tolerance
        return own.target, self.tolerance if own.tolerance is None else own.tolerance

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
        try:
            parse_term(v)
        except TermError as e:
            raise ValueError(str(e)) from None
        return v


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


def _loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


# libyaml's loader when PyYAML has it: every report kernel reads the plan, ~10x faster.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _RepeatedKey(yaml.YAMLError):
    """A mapping gives one key twice: YAML would silently keep the last value."""

    def __init__(self, key: Any, first: int, again: int):
        super().__init__(f"key '{key}' given twice (lines {first} and {again}): only one "
                         "of them would count")
        self.line = again


def _refusing_repeats(base: type) -> type:
    """A loader like ``base`` that refuses a key repeated in one mapping."""

    class Loader(base):
        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":  # <<: *defaults may be overridden
                    continue
                key = self.construct_object(key_node, deep=True)
                line = key_node.start_mark.line + 1
                try:
                    if key in seen:
                        raise _RepeatedKey(key, seen[key], line)
                    seen[key] = line
                except TypeError:  # an unhashable key: the constructor words that
                    continue
            return super().construct_mapping(node, deep)

    return Loader


_LOADER = _refusing_repeats(_LOADER)
_PURE_LOADER = _refusing_repeats(yaml.SafeLoader)


def yaml_text(path: Path) -> str:
    """A YAML file's text: UTF-8 (with or without a BOM) or, as Excel and Notepad save it
    on Windows, Windows-1252 ("St Mary’s"); anything else is a ConfigError naming the file."""
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder, not a YAML file") from None
    except OSError as e:
        raise ConfigError(f"{path}: cannot be read: {e.strerror or e}") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:200]:
        raise ConfigError(f"{path}: saved as UTF-16 ('Unicode'): save it as UTF-8")
    try:
        return data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError as e:
        bad = e.start
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        line = data[:bad].count(b"\n") + 1
        raise ConfigError(f"{path}:{line}: neither UTF-8 nor Windows-1252 text: save it as "
                          "UTF-8") from None


def parse_yaml(path: Path) -> Any:
    """A YAML file's content (None if empty); bad YAML is a ConfigError with its line, and
    so is a key given twice in one mapping (naming both lines)."""
    text = yaml_text(path)
    try:
        return yaml.load(text, Loader=_LOADER)  # noqa: S506
    except _RepeatedKey as e:
        raise ConfigError(f"{path}:{e.line}: {e}") from None
    except yaml.YAMLError:
        pass
    try:  # parse again in pure Python: its messages say what it found, not only where
        return yaml.load(text, Loader=_PURE_LOADER)  # noqa: S506
    except _RepeatedKey as e:
        raise ConfigError(f"{path}:{e.line}: {e}") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        raise ConfigError(f"{path}{where}: not valid YAML: {getattr(e, 'problem', e)}") from None


def _read_yaml(path: Path) -> Any:
    if not path.exists():
        raise ConfigError(f"{path}: file not found")
    data = parse_yaml(path)
    if data is None:
        raise ConfigError(f"{path}: the file is empty")
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected keys and values (name: ...) at the top level")
    return data


def _validate(model: type[BaseModel], data: Any, path: Path) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as e:
        lines = []
        for err in e.errors():
            msg = err["msg"].removeprefix("Value error, ")
            loc = tuple(err["loc"])
            cause = err.get("ctx", {}).get("error")
            if isinstance(cause, _At):  # raised above the key it is about: add its path
                loc += cause.loc
            if err["type"] == "extra_forbidden":
                msg = "unknown key (check the spelling)"
            elif err["type"] == "missing":
                msg = "required, but missing"
            lines.append(f"{path}: {_loc(loc)}: {msg}")
        raise ConfigError("\n".join(lines)) from None


def _unknown_measure(name: str, known: set[str]) -> str:
    """The message for a measure not in the catalogue, with the nearest ids as a hint."""
    near = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    hint = f" (did you mean {near[0]}?)" if near else ""
    return f"unknown measure '{name}'{hint}"


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
                                   f".kpis[{ki}].measure: "
                                   + _unknown_measure(k.measure, known_measures))
        for ti, t in enumerate(plan.triggers):
            if t.measure and t.measure not in known_measures:
                bad.append(f"{path}: triggers[{ti}].measure: "
                           + _unknown_measure(t.measure, known_measures))
        if bad:
            raise ConfigError("\n".join(bad))
    return plan
