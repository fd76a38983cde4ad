"""The demo trust's schools and calendar: who they are (names, phases, sizes, the two
struggling on purpose, the small one), its terms, and the seeded drawing helpers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from govkit.errors import ConfigError

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


# --- what the schools' registers hold -------------------------------------------------------

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
