"""params/trust.yaml as a model: the trust, its schools (with when they joined or left),
its terms, suppression rules, branding and board settings."""

from __future__ import annotations

import datetime
from typing import Any, Literal, get_args

from pydantic import Field, PrivateAttr, field_validator, model_validator

from govkit.config.common import (
    _HEX,
    Audience,
    Phase,
    _At,
    _refuse_repeats,
    _Strict,
    term_id,
)
from govkit.terms import TermError, parse_term, period_dates


class School(_Strict):
    urn: int = Field(ge=100000, le=999999, description="DfE URN")
    name: str
    phase: Phase
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


ExceptionArea = Literal["safeguarding", "statutory_compliance", "high_risks", "deficits",
                        "triggers"]
EXCEPTION_AREAS: tuple[ExceptionArea, ...] = get_args(ExceptionArea)


class Board(_Strict):
    """What the board summary (the first page of a board pack) counts and compares with."""

    last_meeting: str | None = Field(None, description="the term the board last met on "
                                     "(default: the term before the report's)")
    exceptions: list[ExceptionArea] = Field(
        list(EXCEPTION_AREAS), description="what always reaches the board, whatever its "
        "weight in the grid: safeguarding (checklist items not fully met), "
        "statutory_compliance (checklist items not met or overdue), high_risks (open risks "
        "at or above the high-risk score), deficits (an in-year deficit larger than the "
        "reserves), triggers (schools in the plan's intervention triggers)")

    @field_validator("last_meeting")
    @classmethod
    def _term(cls, v: str | None) -> str | None:
        return None if v is None else term_id(v)


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
