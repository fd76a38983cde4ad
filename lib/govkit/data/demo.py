"""A synthetic demo trust: every domain of the data contract, deterministic from a seed.

The Kestrel Valley Learning Trust is made up (its schools' names are invented).
With the defaults (12 schools, seed 2024) it has nine primaries, two
secondaries and one special school, and covers 2022-23-autumn .. 2024-25-summer.
Figures sit at national-like levels with school-to-school variation, and most
schools improve a little each year, so the reports have something to say.

Two schools are clearly struggling, whatever the seed, so that intervention
triggers have something to find: attendance 2+ points below national in every
term, KS2 reading, writing and maths below national every year, a falling
roll, an in-year deficit and a shrinking reserve, and more staff leaving:

- Calder Moor Primary School, URN 148127 (``STRUGGLING[0]``)
- Fenwick Lane Primary School, URN 148166 (``STRUGGLING[1]``)

Thornwick Green CE Primary School (URN 148192) is small: its year-6 and
year-1 cohorts are under 10, so small-number suppression has work to do.
The special school has a KS2 row with status z (not applicable) and no
other results. KS2 progress is published for 2022-23 only (status x, "not
published", for 2023-24 and 2024-25); Progress 8 is published for 2022-23 and
2023-24 but not 2024-25 (those pupils sat no KS2 tests in 2020), as in real
DfE data.

Same seed, same bytes: each school draws from its own numpy Generator seeded
from (seed, URN), no global random state, no dates of "now".
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from govkit.data.contract import DOMAINS, IMPORTED_ONLY
from govkit.errors import ConfigError
from govkit.files import write_atomic
from govkit.text import one_line

TRUST_NAME = "Kestrel Valley Learning Trust"
YEARS = ("2022-23", "2023-24", "2024-25")
SEASONS = ("autumn", "spring", "summer")
TERMS = tuple(f"{y}-{s}" for y in YEARS for s in SEASONS)
MAX_SCHOOLS = 300  # the batch benchmark's big trust (make bench BIG=1)
URN_BASE, URN_STEP = 148101, 13
STRUGGLING = (148127, 148166)
SMALL_SCHOOL = 148192

# National figures the demo is centred on (DfE; see docs for sources).
KS2_RWM_NATIONAL = {"2022-23": 0.60, "2023-24": 0.61, "2024-25": 0.62}
ATTENDANCE_NATIONAL = {"primary": 94.5, "secondary": 91.1, "special": 89.5}
SESSIONS_PER_TERM = {"autumn": 140, "spring": 118, "summer": 126}
TOP_SLICE_RATE = {"primary": 0.05, "secondary": 0.05, "special": 0.045}

# The first schools of the roster (index order); later primaries get composed names.
_PRIMARIES = (
    ("Ashcombe Primary School", 210, "1fe"),
    ("Brindlewood Primary Academy", 420, "2fe"),
    ("Calder Moor Primary School", 210, "1fe"),
    ("Dunholme Vale CE Primary School", 315, "1.5fe"),
    ("Elmridge Primary Academy", 420, "2fe"),
    ("Fenwick Lane Primary School", 315, "1.5fe"),
    ("Greystone Brook Primary School", 210, "1fe"),
    ("Thornwick Green CE Primary School", 70, "small"),
    ("Larkspur Fields Primary Academy", 420, "2fe"),
)
_SECONDARIES = (("Marlowe Heights Academy", 1050), ("Riverstone High School", 1200))
_SPECIALS = (("Cedarwood Park School", 120),)
_ROOT1 = ("Alder", "Bramble", "Cob", "Elder", "Hazel", "Heron", "Linden", "Marten",
          "Otter", "Rowan", "Sedge", "Sorrel", "Teal", "Wren", "Kestrel", "Pipit")
_ROOT2 = ("brook", "combe", "dale", "field", "ford", "gate", "holme", "hurst", "mere",
          "ridge", "stead", "wick")
_LAS = ("Derby", "Derbyshire", "Nottinghamshire")


@dataclass(frozen=True)
class DemoSchool:
    """One school of the demo trust and the facts its figures are drawn around."""

    urn: int
    name: str
    phase: str
    capacity: int
    local_authority: str
    joined_trust: dt.date
    struggling: bool = False
    small: bool = False

    @property
    def lgb(self) -> str:
        return f"{self.name.removesuffix(' School')} Local Governing Body"


@dataclass
class DemoTrust:
    """The generated trust: its schools and one typed frame per contract domain."""

    name: str
    seed: int
    schools: list[DemoSchool]
    terms: list[str]
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def struggling(self) -> list[DemoSchool]:
        return [s for s in self.schools if s.struggling]


def roster(schools: int = 12) -> list[DemoSchool]:
    """The schools, fixed by their number alone: primaries, then secondaries, then special."""
    if not 1 <= schools <= MAX_SCHOOLS:
        raise ConfigError(f"--schools must be between 1 and {MAX_SCHOOLS} (got {schools})")
    n_sec = (schools + 3) // 6 if schools >= 4 else 0
    n_spe = (schools + 6) // 12 if schools >= 6 else 0
    n_pri = schools - n_sec - n_spe
    out: list[DemoSchool] = []
    used: dict[str, int] = {}  # name -> how many schools have had it
    extra = 0
    for i in range(schools):
        urn = URN_BASE + URN_STEP * i
        la = _LAS[i % len(_LAS)]
        joined = dt.date(2014 + (i * 3) % 9, 9 if i % 4 else 4, 1)
        if i < n_pri:
            if i < len(_PRIMARIES):
                name, capacity, _ = _PRIMARIES[i]
            else:
                k = extra
                extra += 1
                name = (f"{_ROOT1[k % len(_ROOT1)]}{_ROOT2[(k // len(_ROOT1)) % len(_ROOT2)]}"
                        " Primary School")
                capacity = (210, 420, 315, 210, 105)[k % 5]
            phase = "primary"
        elif i < n_pri + n_sec:
            j = i - n_pri
            base, capacity = _SECONDARIES[j % len(_SECONDARIES)]
            name = base if j < len(_SECONDARIES) else f"{base} {_ROOT1[j % len(_ROOT1)]} Campus"
            phase = "secondary"
        else:
            j = i - n_pri - n_sec
            base, capacity = _SPECIALS[0]
            name = base if j == 0 else f"{_ROOT1[j % len(_ROOT1)]} {base}"
            phase = "special"
        if name in used:  # a big trust runs out of name parts: number the repeats
            used[name] += 1
            name = f"{name} {used[name]}"
        used.setdefault(name, 1)
        struggling = urn in STRUGGLING
        if struggling:
            joined = dt.date(2022, 4, 1)  # sponsored into the trust recently
        out.append(DemoSchool(urn, name, phase, capacity, la, joined, struggling,
                              small=capacity < 100))
    return out


# --- the calendar ---------------------------------------------------------------------------

def _year_start(term: str) -> int:
    return int(term[:4])


def _season(term: str) -> str:
    return term.rsplit("-", 1)[1]


def _term_window(term: str) -> tuple[dt.date, dt.date]:
    y, s = _year_start(term), _season(term)
    return {"autumn": (dt.date(y, 9, 1), dt.date(y, 12, 20)),
            "spring": (dt.date(y + 1, 1, 4), dt.date(y + 1, 3, 28)),
            "summer": (dt.date(y + 1, 4, 15), dt.date(y + 1, 7, 22))}[s]


def _weekday(d: dt.date) -> dt.date:
    """The same date moved forward to a Tuesday, Wednesday or Thursday (meeting days)."""
    while d.weekday() not in (1, 2, 3):
        d += dt.timedelta(days=1)
    return d


# --- drawing helpers ------------------------------------------------------------------------

def _clip(x: float, lo: float, hi: float) -> float:
    return min(max(x, lo), hi)


def _binom(rng: np.random.Generator, n: int, p: float) -> int:
    return int(rng.binomial(max(n, 0), _clip(p, 0.0, 1.0))) if n > 0 else 0


def _r(x: float, digits: int = 1) -> float:
    return round(float(x), digits)


@dataclass
class _Profile:
    """A school's hidden qualities, drawn once: they make its figures hang together."""

    quality: float  # about -1.5 .. 1.5; struggling schools are set low
    fill: float  # roll as a share of capacity at the start
    roll_trend: float  # yearly change in roll
    disadvantaged: float
    send: float
    ehcp: float
    eal: float
    unauthorised: float


def _profile(s: DemoSchool, rng: np.random.Generator) -> _Profile:
    q = _clip(float(rng.normal(0.2, 0.6)), -1.2, 1.5)
    fill = _clip(float(rng.normal(0.95, 0.03)), 0.86, 1.0)
    trend = float(rng.normal(0.004, 0.008))
    dis = _clip(float(rng.normal(0.26, 0.07)), 0.12, 0.45)
    send = _clip(float(rng.normal(0.13, 0.025)), 0.07, 0.2)
    ehcp = _clip(float(rng.normal(0.028, 0.008)), 0.01, 0.05)
    eal = _clip(float(rng.normal(0.15, 0.08)), 0.02, 0.4)
    unauth = _clip(float(rng.normal(0.27, 0.04)), 0.15, 0.4)
    if s.struggling:
        q, fill, trend, dis, unauth = -2.0, 0.93, -0.045, 0.42, 0.38
    if s.phase == "special":
        send, ehcp = 0.02, 0.97
    return _Profile(q, fill, trend, dis, send, ehcp, eal, unauth)


# --- the generator --------------------------------------------------------------------------

class _Builder:
    """Draws every domain's rows for one school, term by term, from its own Generator."""

    def __init__(self, school: DemoSchool, seed: int, rows: dict[str, list[dict]]):
        self.s = school
        self.rng = np.random.default_rng([seed, school.urn])
        self.p = _profile(school, self.rng)
        self.rows = rows
        self.roll: dict[str, int] = {}
        self.census_rows: dict[str, dict] = {}
        self.headcount: dict[str, int] = {}

    # census and rolls
    def census(self) -> None:
        s, p, rng = self.s, self.p, self.rng
        roll = s.capacity * p.fill
        for ti, term in enumerate(TERMS):
            if ti and ti % 3 == 0:
                roll *= 1 + p.roll_trend + float(rng.normal(0, 0.006))
            wobble = {"autumn": 0.0, "spring": 0.003, "summer": 0.005}[_season(term)]
            n = max(8, round(roll * (1 + wobble)))
            self.roll[term] = n
            # shares drift slowly from term to term, as a real census does
            shares = [max(0.0, v + float(rng.normal(0, 0.004)))
                      for v in (p.disadvantaged, p.send, p.ehcp, p.eal)]
            p.disadvantaged, p.send, p.ehcp, p.eal = shares
            dis, send, ehcp, eal = (min(n, round(n * v)) for v in shares)
            send = min(send, n - ehcp)
            row = {"urn": s.urn, "term": term, "pupils_on_roll": n, "disadvantaged": dis,
                   "send_support": send, "ehcp": ehcp, "eal": eal}
            self.census_rows[term] = row
            self.rows["census"].append(row)

    # attendance: a 2x2 of disadvantaged x SEND cells, so both splits add up to "all"
    def attendance(self) -> None:
        s, p, rng = self.s, self.p, self.rng
        dis_gap, send_gap = 2.8, 2.0
        for ti, term in enumerate(TERMS):
            c = self.census_rows[term]
            n, d = c["pupils_on_roll"], c["disadvantaged"]
            sn = c["send_support"] + c["ehcp"]
            both = int(_clip(round(d * sn / n * 1.4), max(0, d + sn - n), min(d, sn)))
            cells = {(1, 1): both, (1, 0): d - both, (0, 1): sn - both,
                     (0, 0): n - d - sn + both}
            year = ti // 3
            national = ATTENDANCE_NATIONAL[s.phase]
            att = national + 0.25 + 0.35 * p.quality + 0.25 * year
            if s.struggling:
                att = national - 2.6 + 0.1 * year
            att += {"autumn": 0.35, "spring": -0.3, "summer": -0.05}[_season(term)]
            att += float(rng.normal(0, 0.2))
            absence = 100 - att
            mean_extra = (dis_gap * d + send_gap * sn) / n
            base = max(1.0, absence - mean_extra)
            spp = SESSIONS_PER_TERM[_season(term)]
            f = float(rng.uniform(0.975, 0.995))  # joiners and leavers mid-term
            totals: dict[str, dict[str, int]] = {
                g: dict.fromkeys(("pupils", "possible", "absent", "unauth", "pa", "severe"), 0)
                for g in ("all", "disadvantaged", "not_disadvantaged", "send", "not_send")}
            for (is_dis, is_send), k in cells.items():
                rate = base + dis_gap * is_dis + send_gap * is_send
                possible = round(k * spp * f)
                absent = round(possible * rate / 100)
                unauth = round(absent * _clip(p.unauthorised + 0.08 * is_dis, 0, 0.9))
                pa = _binom(rng, k, 2.7 * rate / 100)
                severe = min(pa, _binom(rng, k, max(0.1, 0.35 * rate - 0.8) / 100))
                cell = {"pupils": k, "possible": possible, "absent": absent,
                        "unauth": unauth, "pa": pa, "severe": severe}
                groups = ("all", "disadvantaged" if is_dis else "not_disadvantaged",
                          "send" if is_send else "not_send")
                for g in groups:
                    for key, v in cell.items():
                        totals[g][key] += v
            for g, t in totals.items():
                if t["pupils"] == 0:
                    continue  # e.g. no pupil without SEND in a special school
                self.rows["attendance"].append({
                    "urn": s.urn, "term": term, "pupil_group": g, "pupils": t["pupils"],
                    "sessions_possible": t["possible"], "sessions_absent": t["absent"],
                    "sessions_unauthorised": t["unauth"],
                    "persistent_absentees": t["pa"], "severe_absentees": t["severe"]})

    def behaviour(self) -> None:
        s, rng = self.s, self.rng
        rate = {"primary": 0.006, "secondary": 0.07, "special": 0.04}[s.phase]
        pex = {"primary": 0.00007, "secondary": 0.0007, "special": 0.0003}[s.phase]
        if s.struggling:
            rate *= 2.2
        for term in TERMS:
            n = self.roll[term]
            susp = int(rng.poisson(n * rate * math.exp(-0.25 * self.p.quality)))
            pupils = min(susp, max(1 if susp else 0, round(susp / rng.uniform(1.3, 1.9))))
            self.rows["behaviour"].append({
                "urn": s.urn, "term": term, "suspensions": susp, "pupils_suspended": pupils,
                "permanent_exclusions": int(rng.poisson(n * pex))})

    # results
    def _cohort(self, year: str, divisor: float) -> int:
        n = round(self.roll[f"{year}-summer"] / divisor * self.rng.uniform(0.92, 1.06))
        return int(_clip(n, 6, 9)) if self.s.small else max(n, 10)

    def _count_row(self, year: str, ks: str, group: str, ind: str, cohort: int,
                   pupils: int) -> None:
        self.rows["attainment"].append({
            "urn": self.s.urn, "academic_year": year, "key_stage": ks, "pupil_group": group,
            "indicator": ind, "cohort": cohort, "pupils": int(_clip(pupils, 0, cohort))})

    def _score_row(self, year: str, ks: str, group: str, ind: str, cohort: int,
                   score: float | None, lower: float | None = None,
                   upper: float | None = None, status: str | None = None,
                   note: str | None = None) -> None:
        self.rows["attainment"].append({
            "urn": self.s.urn, "academic_year": year, "key_stage": ks, "pupil_group": group,
            "indicator": ind, "cohort": cohort, "score": score, "lower": lower,
            "upper": upper, "status": status, "note": note})

    def ks2(self) -> None:
        s, p, rng = self.s, self.p, self.rng
        if s.phase == "special":
            for year in YEARS:
                self.rows["attainment"].append({
                    "urn": s.urn, "academic_year": year, "key_stage": "ks2",
                    "pupil_group": "all", "indicator": "rwm_expected", "status": "z",
                    "note": "not applicable: pupils working below the test standard"})
            return
        if s.phase != "primary":
            return
        for yi, year in enumerate(YEARS):
            n = self._cohort(year, 7)
            rwm = KS2_RWM_NATIONAL[year] + 0.06 * p.quality + 0.012 * yi
            if s.struggling:
                rwm = KS2_RWM_NATIONAL[year] - 0.11 + 0.01 * yi
            rwm = _clip(rwm + float(rng.normal(0, 0.025)), 0.47, 0.79)
            all_pupils = round(rwm * n)
            # disadvantaged pupils ~21 points behind the others, and the two add up
            nd = _binom(rng, n, p.disadvantaged)
            gap = 0.21
            p_nd = rwm + gap * nd / n
            dis_pupils = int(_clip(round((p_nd - gap) * nd), 0, min(nd, all_pupils)))
            not_dis = int(_clip(all_pupils - dis_pupils, 0, n - nd))
            dis_pupils = all_pupils - not_dis
            ns = max(1, _binom(rng, n, p.send + p.ehcp)) if n >= 10 else _binom(rng, n, 0.15)
            send_pupils = int(_clip(round(_clip(rwm - 0.42, 0.05, 1) * ns), 0,
                                    min(ns, all_pupils)))
            not_send = int(_clip(all_pupils - send_pupils, 0, n - ns))
            send_pupils = all_pupils - not_send
            self._count_row(year, "ks2", "all", "rwm_expected", n, all_pupils)
            for group, cohort, pupils in (("disadvantaged", nd, dis_pupils),
                                          ("not_disadvantaged", n - nd, not_dis),
                                          ("send", ns, send_pupils),
                                          ("not_send", n - ns, not_send)):
                if cohort:
                    self._count_row(year, "ks2", group, "rwm_expected", cohort, pupils)
            higher = _clip(0.08 + 0.025 * p.quality + float(rng.normal(0, 0.015)), 0.02, 0.16)
            self._count_row(year, "ks2", "all", "rwm_higher", n, min(round(higher * n),
                                                                     all_pupils))
            for ind, lift in (("read_expected", 0.145), ("writ_expected", 0.135),
                              ("mat_expected", 0.14), ("gps_expected", 0.135)):
                rate = _clip(rwm + lift + float(rng.normal(0, 0.02)), rwm + 0.04, 0.95)
                self._count_row(year, "ks2", "all", ind, n, max(round(rate * n), all_pupils))
            for ind, centre in (("read_scaled_score", 105.3), ("mat_scaled_score", 104.6),
                                ("gps_scaled_score", 105.1)):
                score = centre + 14 * (rwm - KS2_RWM_NATIONAL[year]) + rng.normal(0, 0.4)
                self._score_row(year, "ks2", "all", ind, n, _r(_clip(score, 101.5, 108.5)))
            for ind in ("read_progress", "writ_progress", "mat_progress"):
                if year == "2022-23":
                    score = _clip(0.9 * p.quality + float(rng.normal(0, 0.8)), -3.5, 3.5)
                    half = 1.96 * 6.0 / math.sqrt(n)
                    self._score_row(year, "ks2", "all", ind, n, _r(score, 2),
                                    _r(score - half, 2), _r(score + half, 2))
                else:
                    self._score_row(year, "ks2", "all", ind, n, None, status="x",
                                    note="not published")

    def phonics(self) -> None:
        s, p, rng = self.s, self.p, self.rng
        if s.phase != "primary":
            return
        for yi, year in enumerate(YEARS):
            n = self._cohort(year, 7)
            rate = 0.79 + 0.035 * p.quality + 0.008 * yi + float(rng.normal(0, 0.02))
            if s.struggling:
                rate = 0.72 + 0.01 * yi + float(rng.normal(0, 0.015))
            self._count_row(year, "phonics", "all", "phonics_pass", n,
                            round(_clip(rate, 0.6, 0.95) * n))

    def ks4(self) -> None:
        s, p, rng = self.s, self.p, self.rng
        if s.phase != "secondary":
            return
        for yi, year in enumerate(YEARS):
            n = self._cohort(year, 5)
            nd = _binom(rng, n, p.disadvantaged)
            lift = 0.12 * p.quality + 0.05 * yi + float(rng.normal(0, 0.08))
            att8 = _clip(45.5 + 6.0 * lift + float(rng.normal(0, 0.8)), 38, 53)
            self._score_row(year, "ks4", "all", "att8", n, _r(att8, 2))
            p8 = _clip(0.8 * lift - 0.05 + float(rng.normal(0, 0.05)), -0.45, 0.45)
            # disadvantaged pupils ~0.72 behind the others (DfE 2023: -0.57 vs +0.16),
            # weighted so that the two groups average to the whole cohort's score
            share = nd / n
            for group, cohort, value in (("all", n, p8),
                                         ("disadvantaged", nd, p8 - 0.72 * (1 - share)),
                                         ("not_disadvantaged", n - nd, p8 + 0.72 * share)):
                if year == "2024-25":
                    self._score_row(year, "ks4", group, "p8", cohort, None, status="x",
                                    note="not published: no KS2 baseline (2020)")
                    continue
                half = 1.96 * 1.25 / math.sqrt(max(cohort, 1))
                self._score_row(year, "ks4", group, "p8", cohort, _r(value, 2),
                                _r(value - half, 2), _r(value + half, 2))
            for ind, centre in (("eng_mat_grade4", 0.65), ("eng_mat_grade5", 0.45),
                                ("ebacc_entered", 0.38)):
                rate = _clip(centre + 0.06 * lift + float(rng.normal(0, 0.02)), 0.2, 0.9)
                self._count_row(year, "ks4", "all", ind, n, round(rate * n))

    # workforce and money
    def workforce(self) -> None:
        s, p, rng = self.s, self.p, self.rng
        ratio, fte_share, ptr = {"primary": (6.5, 0.76, 21.0), "secondary": (9.0, 0.85, 16.5),
                                 "special": (1.8, 0.8, 6.5)}[s.phase]
        headcount = 0
        for ti, term in enumerate(TERMS):
            season = _season(term)
            if season == "autumn":
                headcount = round(self.roll[term] / ratio * rng.uniform(0.93, 1.07)) + 3
            hc = max(4, headcount + int(rng.integers(-1, 2)))
            self.headcount[term] = hc
            fte = _r(hc * fte_share * rng.uniform(0.96, 1.04))
            teachers = _r(min(fte * 0.9, self.roll[term] / ptr + 1))
            days_per_fte = rng.uniform(2.2, 3.4) + (0.5 if season == "spring" else 0)
            days_per_fte += 0.8 if s.struggling else -0.15 * p.quality
            leave_p = {"autumn": 0.02, "spring": 0.02, "summer": 0.055}[season]
            leave_p *= 1.7 if s.struggling else 1.0
            due = {"autumn": round(hc * 0.95), "spring": round(hc * 0.1),
                   "summer": round(hc * 0.9)}[season]
            done_rate = 0.8 if s.struggling else rng.uniform(0.88, 1.0)
            self.rows["workforce"].append({
                "urn": s.urn, "term": term, "headcount": hc, "fte": fte,
                "teachers_fte": teachers,
                "staff_absence_days": _r(fte * _clip(days_per_fte, 1.5, 4.8)),
                "leavers": _binom(rng, hc, leave_p),
                "vacancies": int(rng.poisson(hc * (0.03 if s.struggling else 0.012))),
                "cpd_hours": _r(fte * rng.uniform(9, 16) * (1 + 0.04 * (ti // 3))),
                "cpd_spend": float(round(fte * rng.uniform(60, 140))),
                "appraisals_due": due, "appraisals_completed": min(due, round(due * done_rate))})

    def finance(self) -> None:
        s, rng = self.s, self.rng
        per_pupil = {"primary": 6150.0, "secondary": 7050.0, "special": 23500.0}[s.phase]
        if s.small:
            per_pupil = 8400.0  # the lump sum weighs heavily on a small roll
        per_pupil *= rng.uniform(0.95, 1.05)
        reserve = None
        energy_pp = {"primary": 600.0, "secondary": 650.0, "special": 1500.0}[s.phase]
        for ti, term in enumerate(TERMS):
            yi, season = ti // 3, _season(term)
            if season == "autumn":
                income = self.roll[term] * per_pupil * 1.035 ** yi
                if reserve is None:
                    reserve = income * (0.1 if s.struggling else rng.uniform(0.05, 0.12))
                margin = -(0.025 + 0.005 * yi) if s.struggling else rng.normal(0.012, 0.01)
                staff_share = rng.uniform(0.72, 0.79)
                opening = reserve
            year_income = income * (1 + rng.normal(0, 0.004))
            expenditure = year_income * (1 - margin + rng.normal(0, 0.002))
            closing = opening + year_income - expenditure
            share = {"autumn": 0.37, "spring": 0.41, "summer": 0.22}[season]
            energy = self.roll[term] * energy_pp * share * 0.97 ** yi * rng.uniform(0.9, 1.1)
            self.rows["finance"].append({
                "urn": s.urn, "term": term, "income": float(round(year_income)),
                "expenditure": float(round(expenditure)),
                "staff_costs": float(round(expenditure * staff_share)),
                "revenue_reserve": float(round(closing)),
                "top_slice": float(round(year_income * TOP_SLICE_RATE[s.phase])),
                "energy_kwh": float(round(energy))})
            if season == "summer":
                reserve = closing

    # governance, compliance, risks
    def governance(self, index: int) -> None:
        s, rng = self.s, self.rng
        members = int(rng.integers(9, 13))
        for term in TERMS:
            start, _ = _term_window(term)
            offset = {"autumn": 70, "spring": 55, "summer": 60}[_season(term)] + index % 14
            when = _weekday(start + dt.timedelta(days=offset))
            share = rng.uniform(0.7, 0.85) if s.struggling else rng.uniform(0.75, 1.0)
            present = min(members, max(math.ceil(0.7 * members), round(members * share)))
            self.rows["governance"].append({
                "urn": s.urn, "term": term, "meeting_date": when, "body": "lgb",
                "members": members, "present": present, "quorate": present * 2 >= members})

    def compliance(self) -> None:
        s, rng = self.s, self.rng
        p_met = 0.72 if s.struggling else 0.9
        for term in TERMS:
            start, end = _term_window(term)
            for area, item in COMPLIANCE_ITEMS:
                if item == "Provider access statement published (careers)" \
                        and s.phase != "secondary":
                    status = "not_applicable"
                else:
                    u = rng.uniform()
                    status = ("met" if u < p_met else "partly_met" if u < p_met + 0.05
                              else "not_met")
                if status == "met":
                    due = end - dt.timedelta(days=14)
                elif status == "not_applicable":
                    due = None
                elif rng.uniform() < 0.6:  # overdue: its date has passed
                    due = start + dt.timedelta(days=int(rng.integers(20, 60)))
                else:
                    due = end + dt.timedelta(days=int(rng.integers(20, 50)))
                self.rows["compliance"].append({
                    "urn": s.urn, "term": term, "area": area, "item": item, "status": status,
                    "due_date": due})

    def risks(self) -> None:
        s, rng = self.s, self.rng
        chosen = [SCHOOL_RISKS[int(i)] for i in
                  sorted(rng.choice(len(SCHOOL_RISKS), size=4, replace=False))]
        if s.struggling:
            chosen[0] = ("standards", "Outcomes at KS2 remain below national")
            chosen[1] = ("finance", "In-year deficit as pupil numbers fall")
        for k, (area, title) in enumerate(chosen, 1):
            like = int(rng.integers(2, 4)) + (2 if s.struggling and k <= 2 else 0)
            impact = int(rng.integers(2, 5)) + (1 if s.struggling and k <= 2 else 0)
            closes = None if k < 4 or s.struggling else int(rng.integers(4, 9))
            for ti, term in enumerate(TERMS):
                drift = int(rng.integers(-1, 2)) if ti % 3 == 0 and ti else 0
                like = int(_clip(like + drift, 1, 5))
                self.rows["risks"].append({
                    "urn": s.urn, "term": term, "risk_id": f"R{k:02d}", "area": area,
                    "title": title, "likelihood": like, "impact": int(_clip(impact, 1, 5)),
                    "status": "closed" if closes is not None and ti >= closes else "open"})

    # voice and community
    def surveys(self) -> None:
        s, p, rng = self.s, self.p, self.rng
        for yi, year in enumerate(YEARS):
            term = f"{year}-spring"
            roll = self.roll[term]
            staff = self.headcount[term]
            pupils = round(roll * (4 / 7 if s.phase == "primary" else 0.8))
            for respondent, population, share, questions in (
                    ("staff", staff, 0.8, STAFF_QUESTIONS),
                    ("pupil", pupils, 0.85, PUPIL_QUESTIONS),
                    ("parent", roll, 0.4, PARENT_QUESTIONS)):
                answered = _binom(rng, population, share * rng.uniform(0.85, 1.1))
                for q, base in questions:
                    responses = max(0, answered - int(rng.integers(0, 3)))
                    rate = base + 0.03 * p.quality + 0.01 * yi - (0.1 if s.struggling else 0)
                    self.rows["surveys"].append({
                        "urn": s.urn, "term": term, "respondent": respondent, "question": q,
                        "responses": responses,
                        "agree": _binom(rng, responses, _clip(rate, 0.3, 0.98))})

    def partnerships(self) -> None:
        s, p, rng = self.s, self.p, self.rng
        count = 3 + round(p.quality) + (4 if s.phase == "secondary" else 0)
        for ti, term in enumerate(TERMS):
            if ti % 3 == 0 and ti:
                count += int(rng.integers(0, 2))
            share = _clip(0.45 + 0.06 * p.quality + 0.03 * (ti // 3), 0.2, 0.85)
            self.rows["partnerships"].append({
                "urn": s.urn, "term": term, "partnerships": max(0, count),
                "enrichment_pupils": _binom(rng, self.roll[term], share)})


COMPLIANCE_ITEMS = (
    ("health and safety", "Fire risk assessment in date"),
    ("health and safety", "Fire evacuation drill held this term"),
    ("health and safety", "Legionella water temperature checks logged"),
    ("health and safety", "Asbestos register reviewed"),
    ("safeguarding", "Single central record checked by a governor"),
    ("safeguarding", "Designated safeguarding lead training in date"),
    ("safeguarding", "All staff read Keeping Children Safe in Education"),
    ("statutory policies", "SEND information report reviewed"),
    ("statutory policies", "Behaviour policy reviewed"),
    ("statutory policies", "Provider access statement published (careers)"),
    ("website", "Statutory information published on the website"),
    ("website", "Pupil premium strategy statement published"),
)
TRUST_COMPLIANCE_ITEMS = (
    ("governance", "Register of interests published"),
    ("finance", "Management accounts shared with trustees monthly"),
    ("statutory policies", "Whistleblowing policy reviewed"),
    ("data protection", "Data protection officer report to the board"),
)
SCHOOL_RISKS = (
    ("safeguarding", "Safeguarding concern not escalated in time"),
    ("estates", "Roof condition: leaks in the main hall"),
    ("staffing", "Recruitment of teachers in shortage subjects"),
    ("attendance", "Persistent absence not falling"),
    ("finance", "Energy costs above budget"),
    ("send", "Rising needs without matching funding"),
    ("cyber security", "Phishing and ransomware attack"),
    ("pupil numbers", "Falling birth rate in the catchment"),
)
TRUST_RISKS = (
    ("finance", "General annual grant below cost pressures"),
    ("governance", "Trustee recruitment and skills gaps"),
    ("estates", "Condition funding too little for the estate"),
    ("cyber security", "Trust-wide systems outage"),
    ("staffing", "Succession for headteacher posts"),
)
STAFF_QUESTIONS = (("proud_to_work_here", 0.86), ("workload_manageable", 0.62),
                   ("leaders_support_wellbeing", 0.78))
PUPIL_QUESTIONS = (("enjoy_school", 0.8), ("feel_safe", 0.9), ("adult_to_talk_to", 0.86))
PARENT_QUESTIONS = (("child_happy", 0.9), ("child_safe", 0.93), ("would_recommend", 0.86))


def _trust_level(seed: int, rows: dict[str, list[dict]]) -> None:
    """Board and committee meetings, trust compliance items and trust risks (blank urn)."""
    rng = np.random.default_rng([seed, 0])
    board, committee = 10, 5
    for term in TERMS:
        start, end = _term_window(term)
        for body, members, days in (("committee", committee, 80), ("board", board, 88)):
            present = min(members, max(math.ceil(0.7 * members),
                                       round(members * rng.uniform(0.7, 1.0))))
            rows["governance"].append({
                "urn": None, "term": term, "body": body, "members": members,
                "meeting_date": _weekday(start + dt.timedelta(days=days)), "present": present,
                "quorate": present * 2 >= members})
        for area, item in TRUST_COMPLIANCE_ITEMS:
            met = rng.uniform() < 0.88
            rows["compliance"].append({
                "urn": None, "term": term, "area": area, "item": item,
                "status": "met" if met else "partly_met",
                "due_date": end - dt.timedelta(days=14) if met
                else start + dt.timedelta(days=int(rng.integers(30, 60)))})
    for k, (area, title) in enumerate(TRUST_RISKS, 1):
        like, impact = int(rng.integers(2, 5)), int(rng.integers(3, 6))
        for ti, term in enumerate(TERMS):
            if ti % 3 == 0 and ti:
                like = int(_clip(like + int(rng.integers(-1, 2)), 1, 5))
            rows["risks"].append({
                "urn": None, "term": term, "risk_id": f"T{k:02d}", "area": area, "title": title,
                "likelihood": like, "impact": impact, "status": "open"})


# The demo plan's actions (params/plan.yaml, the Odyssey plan) as the trust reported them in
# 2024-25, the plan's first year: (action id, autumn, spring, summer, summer's note). Some
# are done, some on track; "attendance-strategy" and "cpd-guarantee" are past their due
# term and not done (overdue whatever the row says), "wider-leadership" and
# "teacher-training" are at risk.
DEMO_ACTIONS = (
    ("attendance-strategy", "on_track", "at_risk", "at_risk",
     "Adopted by ten of twelve local governing bodies"),
    ("improvement-visits", "on_track", "on_track", "on_track", None),
    ("curriculum-review", "not_started", "on_track", "on_track", None),
    ("career-pathway", "on_track", "done", "done", "Published in March"),
    ("cpd-guarantee", "on_track", "on_track", "on_track",
     "Nine schools give 10 hours a term; three do not yet"),
    ("lgb-handbook", "done", "done", "done", None),
    ("wider-leadership", "on_track", "on_track", "at_risk", "Two posts still to appoint"),
    ("recovery-plans", "on_track", "done", "done", None),
    ("central-procurement", "not_started", "on_track", "on_track", None),
    ("energy-plan", "not_started", "not_started", "not_started", None),
    ("la-specialist", "on_track", "on_track", "on_track", None),
    ("fair-access", "on_track", "on_track", "done", None),
    ("peia", "not_started", "not_started", "on_track", None),
    ("new-schools", "on_track", "on_track", "on_track", None),
    ("teacher-training", "on_track", "at_risk", "at_risk",
     "The university partnership is delayed to next year"),
)
# what the struggling schools report on the actions they carry out themselves
STRUGGLING_ACTIONS = (
    ("attendance-strategy", "at_risk", "Attendance lead on long-term absence"),
    ("recovery-plans", "at_risk", "Plan agreed, but the deficit is larger than the reserves"),
)


def _actions(roster_: list[DemoSchool], rows: dict[str, list[dict]]) -> None:
    """The trust's report on each action of the demo plan, 2024-25, and the struggling
    schools' own reports on the actions they carry out."""
    terms = [t for t in TERMS if t.startswith("2024-25")]
    for action_id, *statuses, note in DEMO_ACTIONS:
        for term, status in zip(terms, statuses, strict=True):
            rows["actions"].append({"urn": None, "term": term, "action_id": action_id,
                                    "status": status,
                                    "note": note if term == terms[-1] else None})
    for s in roster_:
        if not s.struggling:
            continue
        for action_id, status, note in STRUGGLING_ACTIONS:
            for term in terms[1:]:
                rows["actions"].append({"urn": s.urn, "term": term, "action_id": action_id,
                                        "status": status, "note": note})


def _frame(name: str, rows: list[dict]) -> pd.DataFrame:
    """Rows as a frame with exactly the contract's columns and dtypes."""
    from govkit.data.validate import pandas_dtype

    cols = DOMAINS[name].schema.columns
    data: dict[str, pd.Series] = {}
    for col, spec in cols.items():
        values = [r.get(col) for r in rows]
        dtype = pandas_dtype(spec)
        if dtype.startswith("datetime64"):
            data[col] = pd.Series(pd.to_datetime(pd.Series(values, dtype=object))).astype(dtype)
        elif dtype == "float64":
            data[col] = pd.Series([np.nan if v is None else v for v in values], dtype=dtype)
        elif dtype in ("Int64", "boolean"):
            data[col] = pd.Series(pd.array(values, dtype=dtype))
        else:
            data[col] = pd.Series(values, dtype=dtype)
    return pd.DataFrame(data)


def make_demo(schools: int = 12, seed: int = 2024) -> DemoTrust:
    """The demo trust's schools and one frame per domain; same arguments, same figures."""
    roster_ = roster(schools)
    rows: dict[str, list[dict]] = {name: [] for name in DOMAINS}
    for s in roster_:
        rows["schools"].append({"urn": s.urn, "name": s.name, "phase": s.phase,
                                "capacity": s.capacity, "local_authority": s.local_authority,
                                "joined_trust": s.joined_trust})
    for i, s in enumerate(roster_):
        b = _Builder(s, seed, rows)
        b.census()
        b.attendance()
        b.behaviour()
        b.ks2()
        b.phonics()
        b.ks4()
        b.workforce()
        b.finance()
        b.governance(i)
        b.compliance()
        b.risks()
        b.surveys()
        b.partnerships()
    _trust_level(seed, rows)
    _actions(roster_, rows)
    frames = {name: _frame(name, rows[name]) for name in DOMAINS}
    return DemoTrust(TRUST_NAME, seed, roster_, list(TERMS), frames)


# --- writing --------------------------------------------------------------------------------

def _cell(value: object, kind: str) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if value is pd.NaT:
        return ""
    if kind == "date":
        return pd.Timestamp(value).strftime("%d/%m/%Y")
    if kind == "bool":
        return "yes" if value else "no"
    if kind in ("urn", "count"):
        return str(int(value))  # type: ignore[call-overload]
    if isinstance(value, float | np.floating):
        v = float(value)
        return str(int(v)) if v.is_integer() else repr(v)
    return str(value)


def to_csv_text(name: str, frame: pd.DataFrame) -> str:
    """One domain as CSV: contract column order, dd/mm/yyyy dates, yes/no, blank for missing."""
    cols = DOMAINS[name].schema.columns
    kinds = [spec.metadata["kind"] for spec in cols.values()]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(list(cols))
    for row in frame[list(cols)].itertuples(index=False, name=None):
        w.writerow([_cell(v, k) for v, k in zip(row, kinds, strict=True)])
    return buf.getvalue()


def write_demo(out_dir: str | Path, schools: int = 12, seed: int = 2024) -> DemoTrust:
    """Write <domain>.csv for every domain into out_dir (each file replaced atomically)."""
    demo = make_demo(schools, seed)
    out = Path(out_dir)
    for name, frame in demo.frames.items():
        if name not in IMPORTED_ONLY:  # DfE's national rows: the demo has none
            write_atomic(out / f"{name}.csv", to_csv_text(name, frame))
    return demo


def trust_yaml_text(demo: DemoTrust, plan: str = "plan.yaml") -> str:
    """params/trust.yaml for the demo trust (loads with govkit.plan.config.load_trust)."""
    doc = {
        "name": demo.name,
        "plan": plan,
        "schools": [{"urn": s.urn, "name": s.name, "phase": s.phase,
                     "local_governing_body": s.lgb} for s in demo.schools],
        "terms": list(demo.terms),
        "suppression": {"threshold": 5, "public_threshold": 10},
        # a figure on fewer pupils is shown but not rated ("too few pupils to rate")
        "min_cohort": 10,
        "audiences": ["board", "trust_leaders", "lgb", "school_leaders", "public"],
        "branding": {"primary_colour": "#1d3557", "accent_colour": "#457b9d",
                     "logo_text": "KVLT"},
    }
    header = (f"# The demo trust, written by `govkit demo-data` ({len(demo.schools)} schools, "
              f"seed {demo.seed}).\n# Invented: no real school or person. "
              "Struggling on purpose: " + ", ".join(one_line(s.name) for s in demo.struggling)
              + ".\n")
    return header + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)


def write_trust_yaml(path: str | Path, demo: DemoTrust, plan: str = "plan.yaml") -> Path:
    """Write trust.yaml for the demo trust atomically; returns its path."""
    path = Path(path)
    write_atomic(path, trust_yaml_text(demo, plan))
    return path
