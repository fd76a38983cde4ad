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

A package: the schools and calendar (schools), the generator (builder), the trust-level
registers and make_demo (registers), writing the files (writing); every public name is
here, as before.
"""

from govkit.data.demo.registers import (  # noqa: F401 re-exported
    DEMO_ACTIONS,
    STRUGGLING_ACTIONS,
    make_demo,
)
from govkit.data.demo.schools import (  # noqa: F401 re-exported
    ATTENDANCE_NATIONAL,
    COMPLIANCE_ITEMS,
    KS2_RWM_NATIONAL,
    MAX_SCHOOLS,
    PARENT_QUESTIONS,
    PUPIL_QUESTIONS,
    SCHOOL_RISKS,
    SEASONS,
    SESSIONS_PER_TERM,
    SMALL_SCHOOL,
    STAFF_QUESTIONS,
    STRUGGLING,
    TERMS,
    TOP_SLICE_RATE,
    TRUST_COMPLIANCE_ITEMS,
    TRUST_NAME,
    TRUST_RISKS,
    YEARS,
    DemoSchool,
    DemoTrust,
    roster,
)
from govkit.data.demo.writing import (  # noqa: F401 re-exported
    to_csv_text,
    trust_yaml_text,
    write_demo,
    write_trust_yaml,
)

# the demo's public names, importable from here as before
__all__ = [
    "ATTENDANCE_NATIONAL", "COMPLIANCE_ITEMS", "DEMO_ACTIONS", "KS2_RWM_NATIONAL",
    "MAX_SCHOOLS", "PARENT_QUESTIONS", "PUPIL_QUESTIONS", "SCHOOL_RISKS", "SEASONS",
    "SESSIONS_PER_TERM", "SMALL_SCHOOL", "STAFF_QUESTIONS", "STRUGGLING",
    "STRUGGLING_ACTIONS", "TERMS", "TOP_SLICE_RATE", "TRUST_COMPLIANCE_ITEMS",
    "TRUST_NAME", "TRUST_RISKS", "YEARS", "DemoSchool", "DemoTrust", "make_demo", "roster",
    "to_csv_text", "trust_yaml_text", "write_demo", "write_trust_yaml",
]
