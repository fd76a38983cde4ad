"""DfE's KS4 performance-table CSV (``*_ks4final.csv``) as attainment rows.

RECTYPE here is 1 mainstream, 2 special, 4 local authority, 5 and 7 national:
not KS2's codes, so as for KS2 rows are told apart by what they hold (a school has
a URN, the LA an LEA but no URN, the nation neither). Attainment 8 and the
percentages are of TPUP, the pupils at the end of KS4; Progress 8 is of P8PUP
where the file has it (2017-18 on), else of TPUP, with its confidence limits
P8CILOW / P8CIUPP. Percentages are "42.20%" one year and "68.0%" the next: both
read. Independent schools carry NA throughout.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from govkit.data.contract import DOMAINS
from govkit.data.importers import Imported, Importer, register
from govkit.data.importers.dfe import (
    NO_LA_ROW,
    UnknownCodes,
    benchmark_rows,
    counted,
    national_areas,
    pupils_from_percent,
    read_table,
    read_value,
)
from govkit.errors import DataError, Problem

# indicator -> (value column, cohort column(s) in order of preference)
SCORES = {"att8": ("ATT8SCR", ("TPUP",)), "p8": ("P8MEA", ("P8PUP", "TPUP"))}
PERCENTS = {"eng_mat_grade4": "PTL2BASICS_94", "eng_mat_grade5": "PTL2BASICS_95",
            "ebacc_entered": "PTEBACC_E_PTQ_EE"}
COLUMNS = list(DOMAINS["attainment"].schema.columns)


def _rows(cells: dict[str, str], year: str, urn: int | None) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    tpup_read = read_value(cells.get("TPUP", ""))
    tpup, tpup_code = tpup_read[0], tpup_read[2]
    pupils_in_cohort = counted(tpup)
    for indicator, (col, cohorts) in SCORES.items():
        if col not in cells:
            continue
        cohort_col = next(c for c in cohorts if c in cells)
        value, status, code = read_value(cells[col])
        cohort = counted(read_value(cells[cohort_col])[0])
        row: dict[str, object] = {
            "urn": urn, "academic_year": year, "key_stage": "ks4", "pupil_group": "all",
            "indicator": indicator, "cohort": cohort, "pupils": None, "score": value,
            "lower": None, "upper": None, "status": status, "note": code}
        if indicator == "p8":
            row["lower"] = read_value(cells.get("P8CILOW", ""))[0]
            row["upper"] = read_value(cells.get("P8CIUPP", ""))[0]
        out.append(row)
    for indicator, col in PERCENTS.items():
        if col not in cells:
            continue
        value, status, code = read_value(cells[col])
        row = {"urn": urn, "academic_year": year, "key_stage": "ks4", "pupil_group": "all",
               "indicator": indicator, "cohort": pupils_in_cohort, "pupils": None,
               "score": None, "lower": None, "upper": None, "status": status, "note": code,
               "percent": value}
        if value is not None:
            if pupils_in_cohort is None:  # no cohort printed (counted(None))
                row["status"], row["note"] = ("c" if tpup_code == "SUPP" else "x",
                                              f"cohort {tpup_code}")
            else:
                row["pupils"] = pupils_from_percent(value, pupils_in_cohort)
        out.append(row)
    return out


def _frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=COLUMNS)
    for name in ("urn", "cohort", "pupils", "source_urn"):
        df[name] = df[name].astype("Int64")
    for name in ("score", "lower", "upper", "percent"):
        df[name] = df[name].astype("float64")
    return df


def read_ks4_rows(path: Path, year: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame,
                                                  list[Problem]]:
    """School, LA and national rows (the national ones with their RECTYPE), and problems."""
    table = read_table(path)
    if isinstance(table, list) or table is None:
        raise DataError(table or [Problem(path.name, "cannot be read")])
    df = table.frame
    missing = [c for c in ("URN", "TPUP", "ATT8SCR") if c not in df.columns]
    if missing:
        raise DataError([Problem(path.name, f"no {c} column: is this a KS4 performance "
                                 "table (*_ks4final.csv)?", row=1, column=c) for c in missing])
    schools, las, nations = [], [], []
    unknown = UnknownCodes()
    for row_no, cells in zip(df.index, df.to_dict("records"), strict=True):
        urn, lea = cells["URN"].strip(), cells.get("LEA", "").strip()
        if urn:
            if not urn.isdigit():
                table.problems.append(Problem(path.name, f"'{urn}' is not a URN",
                                              row=int(row_no), column="URN"))
                continue
            rows = _rows(cells, year, int(urn))
            schools += rows
        elif lea:
            rows = [{**r, "lea": lea} for r in _rows(cells, year, None)]
            las += rows
        else:
            rows = _rows(cells, year, None)
            nations += [{**r, "rectype": cells.get("RECTYPE", "").strip(),
                         "tpup": read_value(cells.get("TPUP", ""))[0]} for r in rows]
            continue
        unknown.add(rows)
    table.problems += unknown.problems(path.name)
    national = pd.DataFrame(nations, columns=[*COLUMNS, "rectype", "tpup"])
    for name in ("cohort", "pupils", "source_urn"):
        national[name] = national[name].astype("Int64")
    la_frame = _frame(las)
    la_frame["lea"] = [r["lea"] for r in las]
    return _frame(schools), la_frame, national, table.problems


def la_comparison(schools: pd.DataFrame, las: pd.DataFrame
                  ) -> list[tuple[str, float, float, float]]:
    """Each figure of the LA row beside the same figure from its schools: (indicator,
    low, high, LA's). A school whose figure is withheld (SUPP, NE) still counts its pupils
    in DfE's LA figure, so the schools allow a range: its pupils none to all reaching the
    standard (for Attainment 8, scoring 0 to 90)."""
    out = []
    for indicator in (*PERCENTS, "att8"):
        la = las[las["indicator"] == indicator]
        r = schools[(schools["indicator"] == indicator) & schools["cohort"].notna()]
        if la.empty or r.empty:
            continue
        cohort = r["cohort"].astype("float64")
        total = cohort.sum()
        if indicator == "att8":
            known = r["score"].notna()
            done = float((r.loc[known, "score"] * cohort[known]).sum())
            unknown = float(cohort[~known].sum())
            low, high, theirs = done / total, (done + 90 * unknown) / total, la["score"].iloc[0]
        else:
            known = r["pupils"].notna()
            done = float(r.loc[known, "pupils"].astype("float64").sum())
            unknown = float(cohort[~known].sum())
            low, high = 100 * done / total, 100 * (done + unknown) / total
            theirs = la["percent"].iloc[0]
        if pd.notna(theirs):
            out.append((indicator, low, high, float(theirs)))
    return out


def read(path: Path, year: str, keep: frozenset[int] | None = None) -> Imported:
    # keep: the trust's schools (this file is small enough to read whole)
    schools, las, nations, problems = read_ks4_rows(path, year)
    checks = [f"{ind} from the schools {lo:.1f} to {hi:.1f} (withheld schools' pupils "
              f"none to all), the file's LA row {la:g}"
              for ind, lo, hi, la in la_comparison(schools, las)]
    if las.empty:
        problems = [*problems, Problem(path.name, NO_LA_ROW, severity="warning")]
    withheld = schools.groupby("urn")["status"].apply(lambda s: s.notna().all())
    if withheld.any():
        checks.append(f"{int(withheld.sum())} school(s) with no KS4 figure published (NA, NE "
                      "or SUPP): kept, each with its reason")
    left_out: dict[str, int] = {}
    schools = schools.assign(source=f"DfE KS4 performance tables {year} ({path.name})")
    return Imported(year, schools, left_out, checks, problems,
                    benchmarks=benchmarks(las, nations, year, path))


def benchmarks(las: pd.DataFrame, nations: pd.DataFrame, year: str, path: Path
               ) -> pd.DataFrame:
    """The file's national rows (5 all schools, 7 state-funded, told apart by size) and
    LA row as the year's benchmarks."""
    source = f"DfE KS4 performance tables {year} ({path.name})"
    sizes = nations.drop_duplicates("rectype").set_index("rectype")["tpup"]
    areas = national_areas({str(k): (None if pd.isna(v) else float(v))
                            for k, v in sizes.items()})
    return pd.concat([
        benchmark_rows(nations, "national", nations["rectype"].astype(str).map(areas),
                       None, source),
        benchmark_rows(las, "local_authority", las["lea"], None, source)],
        ignore_index=True)


IMPORTER = register(Importer(
    "ks4", "KS4 performance tables, *_ks4final.csv (ATT8SCR, P8MEA)", "attainment",
    frozenset({"URN", "TPUP", "ATT8SCR"}), ("urn", "academic_year", "key_stage"), read))
