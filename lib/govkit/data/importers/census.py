"""The performance tables' school census file (``*_census.csv``) as census rows.

One row per school from January's census, plus local-authority and national rows
by school type (URN column holding "LA" or "NAT"). NOR is pupils on roll,
TSENELK SEN support, TSENELSE EHC plans, NUMEAL English as an additional
language, NUMFSMEVER pupils eligible for free meals in the last six years (the
disadvantaged measure the performance tables use). January's census stands for
the whole academic year: its rows land on each term of the year (autumn, spring and
summer), so a summer report has pupils on roll and spend per pupil; but a row the
trust gave itself (its own October or May census, from its MIS) is of its own date and
is kept: January's figure fills only the terms and schools the trust has not given.
Each row written names its file in ``source``. Independent schools carry NA throughout
and are left out, saying so.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from govkit.data.contract import DOMAINS
from govkit.data.importers import Imported, Importer, register
from govkit.data.importers.dfe import NO_LA_ROW, counted, read_table, read_value
from govkit.errors import DataError, Problem

COLUMNS = {"pupils_on_roll": "NOR", "disadvantaged": "NUMFSMEVER",
           "send_support": "TSENELK", "ehcp": "TSENELSE", "eal": "NUMEAL"}
REQUIRED = ("pupils_on_roll", "disadvantaged", "send_support", "ehcp")


def read(path: Path, year: str, keep: frozenset[int] | None = None) -> Imported:
    # keep: the trust's schools (this file is small enough to read whole)
    table = read_table(path)
    if isinstance(table, list) or table is None:
        raise DataError(table or [Problem(path.name, "cannot be read")])
    df = table.frame
    missing = [c for c in ("URN", *COLUMNS.values()) if c not in df.columns]
    if missing:
        raise DataError([Problem(path.name, f"no {c} column: is this the performance "
                                 "tables' census file?", row=1, column=c) for c in missing])
    terms = [f"{year}-{season}" for season in ("autumn", "spring", "summer")]
    rows: list[dict[str, object]] = []
    left_out: dict[str, int] = {}
    la: dict[str, dict[str, float | None]] = {}
    for cells in df.to_dict("records"):
        urn = cells["URN"].strip()
        values = {k: read_value(cells[c])[0] for k, c in COLUMNS.items()}
        if urn.upper() == "LA":
            la[cells.get("SCHOOLTYPE", "").strip() or cells.get("ESTAB", "").strip()] = values
            continue
        if not urn.isdigit():
            continue  # the national rows
        if any(values[k] is None for k in REQUIRED):
            reason = "no census figures (NA: independent schools)" \
                if cells.get("SCHOOLTYPE", "").startswith("Independent") \
                else "census figures not published (NA or SUPP)"
            left_out[reason] = left_out.get(reason, 0) + 1
            continue
        rows += [{"urn": int(urn), "term": term, **{k: counted(v) for k, v in
                                                    values.items()},
                  "_type": cells.get("SCHOOLTYPE", "").strip()} for term in terms]
    frame = pd.DataFrame(rows, columns=[*DOMAINS["census"].schema.columns, "_type"])
    frame["source"] = f"DfE January census {year}, {path.name}"
    checks = [check_against_la(frame[frame["term"] == terms[1]], la)] if la else []
    problems = table.problems if la else [
        *table.problems, Problem(path.name, NO_LA_ROW, severity="warning")]
    for c in COLUMNS:
        frame[c] = frame[c].astype("Int64")
    return Imported(year, frame.drop(columns="_type"), left_out, checks, problems,
                    dated=(terms[1],))


def la_totals(frame: pd.DataFrame) -> dict[str, int]:
    """Pupils on roll summed over the schools of each state-funded school type."""
    return {t: int(g["pupils_on_roll"].sum()) for t, g in frame.groupby("_type")}


def check_against_la(frame: pd.DataFrame, la: dict[str, dict[str, float | None]]) -> str:
    """The LA rows' pupils on roll beside the same sum over the file's schools."""
    ours = la_totals(frame)
    if set(ours) == {""}:  # before 2018-19 the file gives no school type: totals only
        theirs = sum(counted(v["pupils_on_roll"]) or 0 for v in la.values())
        return (f"pupils on roll: the file gives no school type, so only totals compare: "
                f"schools {ours['']:,}, LA rows ({', '.join(la)}) {theirs:,}")
    parts = []
    for school_type, values in la.items():
        given = counted(values["pupils_on_roll"])
        mark = "=" if ours.get(school_type) == given else "!="
        shown = "no figure" if given is None else f"{given:,}"
        parts.append(f"{school_type} {ours.get(school_type, 0):,} {mark} {shown}")
    return "pupils on roll, schools vs the file's LA row: " + "; ".join(parts)


IMPORTER = register(Importer(
    "census", "the performance tables' census file (NOR, TSENELK, TSENELSE)", "census",
    frozenset({"URN", "NOR", "TSENELK", "TSENELSE"}), ("urn", "term"), read,
    keeps_own="DfE's January census"))
