"""The performance tables' finance file for maintained schools (``*_cfr.csv``) as finance.

Consistent financial reporting gives income and spend per pupil by heading, as
text with thousands separators ("9,109"), with "-", SUPP and NA; PUPILS is the
pupil count the per-pupil figures are of. A school's totals are the per-pupil
figure times PUPILS (so within PUPILS pounds of the school's accounts, DfE having
rounded each per-pupil figure to the pound). Staff costs are teaching staff,
supply teachers, education support staff and other staff. The file gives no
reserves, no top slice and no energy use: those stay blank, so a row the trust gave
itself for the same school and term (no ``source``: its own accounts, with reserves, top
slice and energy) is kept whole, and CFR fills only the schools and terms the trust has
not given. Where a kept row's income, expenditure or staff costs differ from CFR's by
more than DfE's rounding allows, the import names the row and column. Each row written
names its file in ``source``. Benchmark-group rows
(NAT-PRI, LONDON-SEC-WITH-KS4, ...) have no URN and are skipped; the file has no
local-authority row, so the importer checks each school's totals instead: income
is grant funding plus self-generated income, expenditure the sum of its headings,
within DfE's rounding. The year is the financial year the file reports, placed on
the summer term of that academic year.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from govkit.data.contract import DOMAINS
from govkit.data.importers import Imported, Importer, margin, register
from govkit.data.importers.dfe import read_table, read_value
from govkit.errors import DataError, Problem

INCOME_PARTS = ("GRANTFUNDING", "SELFGENERATEDINCOME")
SPEND_PARTS = ("TEACHINGSTAFF", "SUPPLYTEACHERS", "EDUCATIONSUPPORTSTAFF", "PREMISES",
               "BACKOFFICE", "CATERING", "OTHERSTAFF", "ENERGY", "LEARNINGRESOURCES", "ICT",
               "BOUGHTINPROFESSIONALSERVICES", "OTHER")
STAFF = ("TEACHINGSTAFF", "SUPPLYTEACHERS", "EDUCATIONSUPPORTSTAFF", "OTHERSTAFF")


def per_pupil(cells: dict[str, str]) -> dict[str, float | None]:
    """Each heading's per-pupil pounds as DfE printed it (None: SUPP, NA, '-', blank)."""
    return {c: read_value(cells.get(c, ""))[0]
            for c in ("PUPILS", "TOTALINCOME", "TOTALEXPENDITURE", *INCOME_PARTS,
                      *SPEND_PARTS)}


def rounding_gap(v: dict[str, float | None]) -> tuple[float | None, float | None]:
    """Per pupil: total income minus its parts, total expenditure minus its headings."""
    def gap(total: str, parts: tuple[str, ...]) -> float | None:
        whole = v[total]
        if whole is None:
            return None
        return whole - sum(v[p] or 0.0 for p in parts)

    return gap("TOTALINCOME", INCOME_PARTS), gap("TOTALEXPENDITURE", SPEND_PARTS)


MARGINS = ("income", "expenditure", "staff_costs")


def within(per_pupil: float, pupils: float, parts: int = 1) -> float:
    """How far a total worked back from DfE's print can be from the school's own: each of
    its ``parts`` per-pupil figures rounded to the pound (half a pound a pupil each) and
    PUPILS to the whole pupil (half a pupil at the per-pupil figure)."""
    return 0.5 * parts * pupils + 0.5 * abs(per_pupil)


def read(path: Path, year: str, keep: frozenset[int] | None = None) -> Imported:
    # keep: the trust's schools (this file is small enough to read whole)
    table = read_table(path)
    if isinstance(table, list) or table is None:
        raise DataError(table or [Problem(path.name, "cannot be read")])
    df = table.frame
    missing = [c for c in ("URN", "PUPILS", "TOTALINCOME", "TOTALEXPENDITURE")
               if c not in df.columns]
    if missing:
        raise DataError([Problem(path.name, f"no {c} column: is this the performance "
                                 "tables' CFR finance file?", row=1, column=c)
                         for c in missing])
    term = f"{year}-summer"
    source = f"DfE CFR {year}, {path.name}"
    rows: list[dict[str, object]] = []
    left_out: dict[str, int] = {}
    worst = 0.0
    for cells in df.to_dict("records"):
        urn = cells["URN"].strip()
        if not urn.isdigit():
            continue  # benchmark groups
        v = per_pupil(cells)
        if v["PUPILS"] is None or v["TOTALINCOME"] is None or v["TOTALEXPENDITURE"] is None:
            left_out["no totals published (SUPP, NA or '-')"] = left_out.get(
                "no totals published (SUPP, NA or '-')", 0) + 1
            continue
        for g in rounding_gap(v):
            if g is not None:
                worst = max(worst, abs(g))
        n = v["PUPILS"]
        staff = [v[c] for c in STAFF]
        known = [x for x in staff if x is not None]
        staff_pp = None if len(known) < len(staff) else sum(known)
        rows.append({"urn": int(urn), "term": term, "income": round(v["TOTALINCOME"] * n),
                     "expenditure": round(v["TOTALEXPENDITURE"] * n),
                     "staff_costs": None if staff_pp is None else round(staff_pp * n),
                     "revenue_reserve": None, "top_slice": None, "energy_kwh": None,
                     "source": source,
                     margin("income"): within(v["TOTALINCOME"], n),
                     margin("expenditure"): within(v["TOTALEXPENDITURE"], n),
                     margin("staff_costs"): None if staff_pp is None
                     else within(staff_pp, n, len(STAFF))})
    frame = pd.DataFrame(rows, columns=[*DOMAINS["finance"].schema.columns,
                                        *(margin(c) for c in MARGINS)])
    checks = [f"totals against their headings, per pupil: within £{worst:g} for every "
              f"school ({len(frame)} schools)"]
    return Imported(year, frame, left_out, checks, table.problems, dated=(term,))


IMPORTER = register(Importer(
    "cfr", "the performance tables' CFR finance file (TOTALINCOME, TOTALEXPENDITURE per "
    "pupil)", "finance", frozenset({"URN", "PUPILS", "TOTALINCOME", "TOTALEXPENDITURE"}),
    ("urn", "term"), read, keeps_own="DfE's CFR",
    no_match="CFR covers maintained schools only: academies report through the Academies "
    "Accounts Return, and a school that converted has a new URN"))
