"""The data contract: one schema per domain of a termly data drop.

Written once, here, as pandera schemas; the validator, the store and
docs/data-contract.md are all driven from these objects. Counts, not
percentages, wherever a percentage can be derived, so that trust totals weight
correctly and small numbers can be suppressed.

Each column carries ``metadata["kind"]``, which tells the reader how to parse
the text it found (UK dates, "1,234" numbers, yes/no) before pandera checks it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import pandera.pandas as pa

from govkit.config import PHASES

PUPIL_GROUPS = ("all", "disadvantaged", "not_disadvantaged", "send", "not_send")
GSS_STATUS = ("c", "x", "z", "low", "u")
KEY_STAGES = ("ks2", "ks4", "phonics")
INDICATORS: dict[str, tuple[str, ...]] = {
    "ks2": (
        "rwm_expected", "rwm_higher", "read_expected", "writ_expected", "mat_expected",
        "gps_expected", "read_scaled_score", "mat_scaled_score", "gps_scaled_score",
        "read_progress", "writ_progress", "mat_progress",
    ),
    "phonics": ("phonics_pass",),
    "ks4": ("att8", "p8", "eng_mat_grade4", "eng_mat_grade5", "ebacc_entered"),
}
# Indicators that are an average score (use ``score``) rather than a count of pupils.
SCORE_INDICATORS = frozenset(
    {"read_scaled_score", "mat_scaled_score", "gps_scaled_score", "read_progress",
     "writ_progress", "mat_progress", "att8", "p8"}
)
# The range each score indicator can take at all (a value outside is a typo, not a result):
# KS2 scaled scores run 80-120; Attainment 8 is eight slots of grades 0-9 with English and
# maths double-weighted, at most 90; progress scores are centred on 0 and a school's
# never reaches these bounds.
SCORE_RANGES: dict[str, tuple[float, float]] = {
    "read_scaled_score": (80, 120), "mat_scaled_score": (80, 120),
    "gps_scaled_score": (80, 120), "read_progress": (-40, 40), "writ_progress": (-40, 40),
    "mat_progress": (-40, 40), "att8": (0, 90), "p8": (-10, 10),
}
RESPONDENTS = ("staff", "pupil", "parent")
AREAS = ("national", "local_authority")
GOVERNING_BODIES = ("board", "lgb", "committee")
COMPLIANCE_STATUS = ("met", "partly_met", "not_met", "not_applicable")
RISK_STATUS = ("open", "closed")
ACTION_STATUS = ("not_started", "on_track", "at_risk", "done", "overdue")
# Sizes no school reaches (errors above) and few do (warnings above).
PUPILS_MAX, PUPILS_PLAUSIBLE = 20_000, 5_000
STAFF_MAX, STAFF_PLAUSIBLE = 5_000, 1_000
MONEY_MAX, MONEY_PLAUSIBLE = 1e9, 5e7


def _col(kind: str, dtype: str, description: str, *, nullable: bool = False,
         required: bool | None = None, checks: list[pa.Check] | None = None,
         **meta: Any) -> pa.Column:
    # A column whose every value may be blank may also be left out of the file (it is read
    # as all blank), except a URN: a missing urn column would silently make rows trust-level.
    if required is None:
        required = not nullable or kind == "urn"
    return pa.Column(dtype, checks=checks or [], nullable=nullable, required=required,
                     description=description, metadata={"kind": kind, **meta})


def urn(description: str = "DfE unique reference number of the school",
        nullable: bool = False) -> pa.Column:
    return _col("urn", "Int64", description, nullable=nullable,
                checks=[pa.Check.in_range(100000, 999999)])


def term() -> pa.Column:
    return _col("term", "str", "term id, e.g. 2024-25-autumn",
                checks=[pa.Check.str_matches(r"^\d{4}-\d{2}-(autumn|spring|summer)$")])


def academic_year(example: str = "2023-24") -> pa.Column:
    return _col("academic_year", "str", f"academic year, e.g. {example}",
                checks=[pa.Check.str_matches(r"^\d{4}-\d{2}$")])


def indicator() -> pa.Column:
    """Any key stage's indicator (validate checks it is one of its row's key stage)."""
    return category(tuple(i for v in INDICATORS.values() for i in v), "what is measured")


def count(description: str, nullable: bool = False, required: bool | None = None,
          hi: int | None = None, plausible: int | None = None) -> pa.Column:
    """A whole number of people or things; ``hi`` is the most there can be at all (an
    error above it), ``plausible`` the most a real school has (a warning above it)."""
    checks = [pa.Check.ge(0)] if hi is None else [pa.Check.in_range(0, hi)]
    return _col("count", "Int64", description, nullable=nullable, required=required,
                checks=checks, plausible=plausible)


def number(description: str, nullable: bool = False, lo: float | None = 0,
           hi: float | None = None, kind: str = "number",
           plausible: float | None = None) -> pa.Column:
    checks = []
    if lo is not None and hi is not None:
        checks.append(pa.Check.in_range(lo, hi))
    elif lo is not None:
        checks.append(pa.Check.ge(lo))
    return _col(kind, "float64", description, nullable=nullable, checks=checks,
                plausible=plausible)


def money(description: str, nullable: bool = False, signed: bool = False) -> pa.Column:
    """Pounds: more than a billion for one school is a slip of the keyboard (an error),
    more than fifty million is checked (a warning)."""
    col = number(description, nullable=nullable, lo=-MONEY_MAX if signed else 0,
                 hi=MONEY_MAX, kind="money", plausible=MONEY_PLAUSIBLE)
    return col


def category(values: tuple[str, ...], description: str, nullable: bool = False) -> pa.Column:
    return _col("category", "str", description, nullable=nullable,
                checks=[pa.Check.isin(list(values))], values=list(values))


def text(description: str, nullable: bool = False) -> pa.Column:
    return _col("text", "str", description, nullable=nullable)


def date(description: str, nullable: bool = False) -> pa.Column:
    return _col("date", "datetime64[ns]", description, nullable=nullable)


def flag(description: str, nullable: bool = False) -> pa.Column:
    return _col("bool", "boolean", description, nullable=nullable)


def imported_source(own: str, then: str) -> pa.Column:
    """Where a row came from, for a domain ``govkit import`` also fills: blank for the
    trust's own rows (``own`` says what they are), the DfE file it read for an imported
    one; ``then`` says what an import does to a row of the trust's own. Written by the
    import only, so the Excel template leaves it out."""
    return _col("text", "str", f"where the row came from: blank for {own}; `govkit "
                "import` writes the DfE file it read. A row with a source is replaced when "
                f"that year's file is imported again; a row without one is the trust's: "
                f"{then}", nullable=True, required=False, imported=True)


def not_more_than(part: str, whole: str) -> pa.Check:
    """A numerator may never exceed its denominator (both present)."""

    def check(df: pd.DataFrame) -> pd.Series:
        if part not in df or whole not in df:
            return pd.Series(True, index=df.index)
        a, b = df[part], df[whole]
        return (a.isna() | b.isna() | (a <= b)).astype(bool)

    return pa.Check(check, name=f"not_more_than:{part}:{whole}",
                    error=f"{part} is more than {whole}")


@dataclass(frozen=True)
class Domain:
    """One file of the data drop."""

    name: str
    schema: pa.DataFrameSchema
    key: tuple[str, ...]
    required: bool
    period: str  # "term", "academic_year" or "none": how rows line up with a term
    about: str


def _domain(name: str, about: str, columns: dict[str, pa.Column], key: tuple[str, ...],
            checks: list[pa.Check] | None = None, required: bool = False,
            period: str = "term") -> Domain:
    schema = pa.DataFrameSchema(columns, checks=checks or [], unique=list(key),
                                report_duplicates="all", strict=False, name=name,
                                description=about)
    return Domain(name, schema, key, required, period, about)


DOMAINS: dict[str, Domain] = {d.name: d for d in [
    _domain(
        "schools", "The trust's schools: one row each. URNs must be in params/trust.yaml. "
        "Optional: without it the roster is trust.yaml's schools (name, phase, joined "
        "date, local authority); give it to add capacity.",
        {
            "urn": urn(),
            "name": text("school name as published"),
            "phase": category(PHASES, "phase of education"),
            "capacity": count("places the school is built for (net capacity)", nullable=True,
                              hi=PUPILS_MAX, plausible=PUPILS_PLAUSIBLE),
            "local_authority": text("local authority name", nullable=True),
            "joined_trust": date("date the school joined the trust (dd/mm/yyyy)",
                                 nullable=True),
        },
        key=("urn",), period="none",
    ),
    _domain(
        "census", "Pupils on roll and their characteristics at the census in each term.",
        {
            "urn": urn(), "term": term(),
            "pupils_on_roll": count("pupils on roll at the census", hi=PUPILS_MAX,
                                    plausible=PUPILS_PLAUSIBLE),
            "disadvantaged": count("pupils eligible for pupil premium (FSM6/CLA)"),
            "send_support": count("pupils with SEN support"),
            "ehcp": count("pupils with an education, health and care plan"),
            "eal": count("pupils with English as an additional language", nullable=True),
            "source": imported_source("the trust's own census", "it is never "
                                      "overwritten"),
        },
        key=("urn", "term"),
        checks=[not_more_than(c, "pupils_on_roll")
                for c in ("disadvantaged", "send_support", "ehcp", "eal")],
    ),
    _domain(
        "attendance", "Sessions and absence, term to date, for all pupils and by group.",
        {
            "urn": urn(), "term": term(),
            "pupil_group": category(PUPIL_GROUPS, "which pupils the row counts"),
            "pupils": count("pupils enrolled (enrolments) in the group", hi=PUPILS_MAX,
                            plausible=PUPILS_PLAUSIBLE),
            "sessions_possible": count("possible half-day sessions"),
            "sessions_absent": count("sessions missed, authorised and unauthorised"),
            "sessions_unauthorised": count("sessions missed without authority",
                                           nullable=True),
            "persistent_absentees": count("pupils missing 10% or more of sessions"),
            "severe_absentees": count("pupils missing 50% or more of sessions"),
        },
        key=("urn", "term", "pupil_group"),
        checks=[not_more_than("sessions_absent", "sessions_possible"),
                not_more_than("sessions_unauthorised", "sessions_absent"),
                not_more_than("persistent_absentees", "pupils"),
                not_more_than("severe_absentees", "persistent_absentees")],
    ),
    _domain(
        "behaviour", "Suspensions and permanent exclusions in the term.",
        {
            "urn": urn(), "term": term(),
            "suspensions": count("suspensions (fixed-period exclusions) issued"),
            "pupils_suspended": count("pupils with one or more suspensions"),
            "permanent_exclusions": count("permanent exclusions"),
        },
        key=("urn", "term"),
        checks=[not_more_than("pupils_suspended", "suspensions")],
    ),
    _domain(
        "attainment",
        "Results by academic year, key stage, pupil group and indicator (long layout, as "
        "Explore Education Statistics publishes). A count indicator fills cohort and "
        "pupils; a score indicator fills cohort and score. A missing value keeps its "
        "reason in status (GSS symbol) and note (the publisher's own code).",
        {
            "urn": urn(),
            "academic_year": academic_year(),
            "key_stage": category(KEY_STAGES, "ks2, ks4 or phonics (year 1 check)"),
            "pupil_group": category(PUPIL_GROUPS, "which pupils the row counts"),
            "indicator": indicator(),
            "cohort": count("pupils eligible (the denominator)", nullable=True),
            "pupils": count("pupils reaching the standard (count indicators)",
                            nullable=True),
            "score": number("average score (score indicators)", nullable=True, lo=None,
                            kind="score"),
            "lower": number("lower confidence limit (progress)", nullable=True, lo=None,
                            kind="score"),
            "upper": number("upper confidence limit (progress)", nullable=True, lo=None,
                            kind="score"),
            "status": category(GSS_STATUS, "why a value is missing: c suppressed, x not "
                               "available, z not applicable, low low coverage",
                               nullable=True),
            "note": text("publisher's own code or remark, e.g. SUPP, NE, LOWCOV",
                         nullable=True),
            "percent": number("the percentage as the publisher printed it (rounded): a "
                              "single school's figure is shown as published, and pupils "
                              "worked back from it are approximate; blank for your own "
                              "counts", nullable=True, hi=100),
            "source_urn": _col("urn", "Int64", "the URN the publisher filed the row under "
                               "when not the school's own: its predecessor before it "
                               "converted", nullable=True, required=False,
                               checks=[pa.Check.in_range(100000, 999999)]),
            "source": imported_source("the trust's own results", "DfE's row for the "
                                      "same school, year, key stage, group and indicator "
                                      "replaces it (final results over provisional ones) "
                                      "and the import names it; one DfE's file does not "
                                      "give is kept"),
        },
        key=("urn", "academic_year", "key_stage", "pupil_group", "indicator"),
        checks=[not_more_than("pupils", "cohort")], period="academic_year",
    ),
    _domain(
        "benchmarks",
        "DfE's own national and local-authority rows, kept by `govkit import` from each "
        "performance-tables file: that year's benchmark for each indicator. Not a file to "
        "write by hand.",
        {
            "academic_year": academic_year("2018-19"),
            "key_stage": category(KEY_STAGES, "ks2, ks4 or phonics"),
            "pupil_group": category(PUPIL_GROUPS, "which pupils the row counts"),
            "indicator": indicator(),
            "area": category(AREAS, "national (state-funded or all schools) or a local "
                             "authority"),
            "area_code": text("the LA's code (e.g. 850); for a national row, which schools: "
                              "state-funded or all"),
            "area_name": text("the LA's name", nullable=True),
            "cohort": count("pupils eligible", nullable=True),
            "percent": number("percentage as published", nullable=True, hi=100),
            "score": number("average score as published", nullable=True, lo=None,
                            kind="score"),
            "lower": number("lower confidence limit", nullable=True, lo=None, kind="score"),
            "upper": number("upper confidence limit", nullable=True, lo=None, kind="score"),
            "source": text("the file the row was read from"),
        },
        key=("academic_year", "key_stage", "pupil_group", "indicator", "area", "area_code"),
        period="academic_year",
    ),
    _domain(
        "workforce", "Staff in post, absence, turnover, vacancies, CPD and appraisal.",
        {
            "urn": urn(), "term": term(),
            "headcount": count("staff in post (headcount)", hi=STAFF_MAX,
                               plausible=STAFF_PLAUSIBLE),
            "fte": number("staff in post (full-time equivalent)", hi=STAFF_MAX),
            "teachers_fte": number("teachers (full-time equivalent)", nullable=True),
            "staff_absence_days": number("days lost to staff sickness absence in the term"),
            "leavers": count("staff who left in the term"),
            "vacancies": count("vacant posts at the end of the term"),
            "cpd_hours": number("hours of CPD taken by staff in the term"),
            "cpd_spend": money("spend on CPD in the term (GBP)"),
            "appraisals_due": count("appraisals due by the end of the term"),
            "appraisals_completed": count("appraisals completed of those due"),
        },
        key=("urn", "term"),
        checks=[not_more_than("leavers", "headcount"), not_more_than("fte", "headcount"),
                not_more_than("appraisals_completed", "appraisals_due")],
    ),
    _domain(
        "finance",
        "Budget forecast for the financial year as at the term (GBP), reserves, the "
        "central top slice and energy use. Academies Accounts Return codes in brackets.",
        {
            "urn": urn(), "term": term(),
            "income": money("forecast revenue income for the year (BAI total)"),
            "expenditure": money("forecast revenue expenditure for the year (BAE total)"),
            "staff_costs": money("forecast staff costs (BAE staff codes)"),
            "revenue_reserve": money("revenue reserve carried forward (BAB030); blank if "
                                     "not known (DfE's CFR file does not give it)",
                                     signed=True, nullable=True),
            "top_slice": money("central services charge (top slice) for the year; blank "
                               "for a school not yet in the trust", nullable=True),
            "energy_kwh": number("energy used in the term (kWh)", nullable=True),
            "source": imported_source("the trust's own figures", "it is never "
                                      "overwritten (DfE's CFR fills only the schools and "
                                      "terms it does not give)"),
        },
        key=("urn", "term"),
        checks=[not_more_than("staff_costs", "expenditure")],
    ),
    _domain(
        "governance", "Meetings of the board, local governing bodies and committees. "
        "A blank urn is a trust-level meeting.",
        {
            "urn": urn("school URN; blank for a trust board or trust committee",
                       nullable=True),
            "term": term(),
            "meeting_date": date("date of the meeting (dd/mm/yyyy)"),
            "body": category(GOVERNING_BODIES, "which body met"),
            "members": count("members of the body"),
            "present": count("members present"),
            "quorate": flag("was the meeting quorate (yes/no)"),
        },
        key=("urn", "meeting_date", "body"),
        checks=[not_more_than("present", "members")],
    ),
    _domain(
        "compliance", "The termly compliance checklist: health and safety, safeguarding, "
        "statutory policies, website. A blank urn is a trust-level item.",
        {
            "urn": urn("school URN; blank for a trust-level item", nullable=True),
            "term": term(),
            "area": text("area of the checklist, e.g. health and safety"),
            "item": text("the item checked"),
            "status": category(COMPLIANCE_STATUS, "finding at the check"),
            "due_date": date("when the item must be met by (dd/mm/yyyy)", nullable=True),
        },
        key=("urn", "term", "area", "item"),
    ),
    _domain(
        "risks", "The risk register as at the term. A blank urn is a trust risk.",
        {
            "urn": urn("school URN; blank for a trust risk", nullable=True),
            "term": term(),
            "risk_id": text("the register's own id for the risk"),
            "area": text("area, e.g. finance, safeguarding, estates"),
            "title": text("short description of the risk"),
            "likelihood": _col("count", "Int64", "likelihood 1 (rare) to 5 (almost certain)",
                               checks=[pa.Check.in_range(1, 5)]),
            "impact": _col("count", "Int64", "impact 1 (minor) to 5 (severe)",
                           checks=[pa.Check.in_range(1, 5)]),
            "status": category(RISK_STATUS, "open or closed"),
        },
        key=("urn", "term", "risk_id"),
    ),
    _domain(
        "actions", "Progress on the strategic plan's actions (plan.yaml, each priority's "
        "actions:), as at the term. A blank urn is the trust's own report on the action; a "
        "school reports on an action it carries out itself. An action past its due term "
        "without done counts as overdue whatever the row says.",
        {
            "urn": urn("school URN; blank for the trust's own report", nullable=True),
            "term": term(),
            "action_id": text("the action's id in plan.yaml; a row naming an id the plan "
                              "does not have is an error"),
            "status": category(ACTION_STATUS, "where the action stands"),
            "note": text("a line on progress, or what is in the way", nullable=True),
        },
        key=("urn", "term", "action_id"),
    ),
    _domain(
        "surveys", "Staff, pupil and parent surveys: responses and how many agreed.",
        {
            "urn": urn(), "term": term(),
            "respondent": category(RESPONDENTS, "who answered"),
            "question": text("short id of the statement, e.g. enjoy_school"),
            "responses": count("people who answered the statement"),
            "agree": count("people who agreed or strongly agreed"),
        },
        key=("urn", "term", "respondent", "question"),
        checks=[not_more_than("agree", "responses")],
    ),
    _domain(
        "partnerships", "Civic partnerships and enrichment in the term.",
        {
            "urn": urn(), "term": term(),
            "partnerships": count("active partnerships with local organisations"),
            "enrichment_pupils": count("pupils taking part in enrichment activities"),
        },
        key=("urn", "term"),
    ),
]}


# Domains only `govkit import` writes (DfE's own national and LA rows): no demo file, no
# workbook sheet.
IMPORTED_ONLY = ("benchmarks",)


def domain(name: str) -> Domain:
    return DOMAINS[name]

