"""DfE's own KS2 performance-table CSV (the wide ``*_ks2final.csv``) as attainment rows.

The file has one row per school plus local-authority and national rows, whose
RECTYPE codes differ between years; rows are therefore told apart by what they
hold (a school has a URN, a local authority an LEA but no URN, the nation
neither), never by a hard-coded code. Percentages are text ("53%"); DfE's codes
(SUPP, NA, NE, LOWCOV, NEW, blank) become a GSS status with DfE's own code kept
in ``note``, so why a value is missing is never lost. Columns come and go
between years: an indicator whose column is absent is simply not produced.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from govkit.data.contract import DOMAINS, SCORE_INDICATORS
from govkit.data.importers.dfe import (
    NO_LA_ROW,
    UnknownCodes,
    benchmark_rows,
    national_areas,
    read_value,
    year_from_name,
)
from govkit.data.readers import Source, decode_csv_bytes, read_csv_text, too_large
from govkit.errors import DataError, Problem

if TYPE_CHECKING:  # imported where used: the importers' registry imports this module
    from govkit.data.importers import Imported

# group -> (column suffix, cohort column)
GROUPS = {
    "all": ("", "TELIG"),
    "disadvantaged": ("_FSM6CLA1A", "TFSM6CLA1A"),
    "not_disadvantaged": ("_NotFSM6CLA1A", "TNotFSM6CLA1A"),
}
# indicator -> base column; a progress measure also has <base>_LOWER and <base>_UPPER
INDICATOR_COLUMNS = {
    "rwm_expected": "PTRWM_EXP",
    "rwm_higher": "PTRWM_HIGH",
    "read_expected": "PTREAD_EXP",
    "writ_expected": "PTWRITTA_EXP",
    "mat_expected": "PTMAT_EXP",
    "gps_expected": "PTGPS_EXP",
    "read_scaled_score": "READ_AVERAGE",
    "mat_scaled_score": "MAT_AVERAGE",
    "gps_scaled_score": "GPS_AVERAGE",
    "read_progress": "READPROG",
    "writ_progress": "WRITPROG",
    "mat_progress": "MATPROG",
}
ATTAINMENT_COLUMNS = list(DOMAINS["attainment"].schema.columns)
CHECKED = frozenset({("all", "rwm_expected")})  # what la_comparison reads


@dataclass(frozen=True)
class Ks2File:
    """A KS2 file read: school rows, and the LA and national rows kept apart."""

    academic_year: str
    schools: pd.DataFrame  # attainment layout, one row per school x group x indicator
    local_authorities: pd.DataFrame  # urn blank, plus 'lea', 'name', DfE's 'percent'
    national: pd.DataFrame  # urn blank, plus 'rectype' and DfE's 'percent'
    rectypes: dict[str, str]  # RECTYPE code -> school / local_authority / national
    # the file's own converter links (URN_AC): the URN a row is filed under -> the
    # academy it became
    links: dict[int, int] = field(default_factory=dict)


def _count(text: str) -> tuple[int | None, str | None]:
    value, _, code = read_value(text)
    if value is None:
        return None, code
    return int(value), None


def _rows_for(cells: dict[str, str], year: str, urn: int | None,
              only: frozenset[tuple[str, str]] | None = None) -> list[dict[str, object]]:
    """Attainment rows for one school (or LA / national) row of the wide file (``only``:
    just these (group, indicator) rows)."""
    out = []
    for group, (suffix, cohort_col) in GROUPS.items():
        if cohort_col.upper() not in cells:
            continue
        cohort, cohort_code = _count(cells[cohort_col.upper()])
        for indicator, base in INDICATOR_COLUMNS.items():
            if only is not None and (group, indicator) not in only:
                continue
            col = (base + suffix).upper()
            if col not in cells:
                continue  # not published in this year's layout
            value, status, code = read_value(cells[col])
            row: dict[str, object] = {
                "urn": urn, "academic_year": year, "key_stage": "ks2", "pupil_group": group,
                "indicator": indicator, "cohort": cohort, "pupils": None, "score": None,
                "lower": None, "upper": None, "status": status, "note": code,
            }
            if indicator in SCORE_INDICATORS:
                row["score"] = value
                if indicator.endswith("_progress"):
                    row["lower"] = read_value(cells.get(col + "_LOWER", ""))[0]
                    row["upper"] = read_value(cells.get(col + "_UPPER", ""))[0]
            elif value is not None:
                row["percent"] = value
                if cohort is None:  # a percentage without its cohort cannot become a count
                    row["status"], row["note"] = ("c" if cohort_code == "SUPP" else "x",
                                                  f"cohort {cohort_code}")
                else:  # round half up: DfE's percentages are themselves rounded
                    row["pupils"] = math.floor(value * cohort / 100 + 0.5)
            out.append(row)
    return out


def _frame(rows: list[dict[str, object]], extra: list[str] | None = None) -> pd.DataFrame:
    cols = ATTAINMENT_COLUMNS + (extra or [])
    df = pd.DataFrame(rows, columns=cols)
    for name in ("urn", "cohort", "pupils", "source_urn"):
        df[name] = df[name].astype("Int64")
    for name in ("score", "lower", "upper", "percent"):
        df[name] = df[name].astype("float64")
    for name in ("academic_year", "key_stage", "pupil_group", "indicator", "status", "note"):
        df[name] = df[name].astype("str")
    return df


def read_ks2(path: str | Path, academic_year: str | None = None,
             keep: frozenset[int] | None = None) -> tuple[Ks2File | None, list[Problem]]:
    """Read a wide KS2 file: schools, LA and national rows, and problems found on the way.

    ``keep``: only these schools get every row; the others only the row the LA check
    needs (reading, writing and maths, all pupils), as a national file has 16,000."""
    path = Path(path)
    label = path.name
    year = academic_year or year_from_name(path)
    if year is None:
        return None, [Problem(label, "cannot tell the academic year from the file name "
                              "(e.g. 2018-2019_850_ks2final.csv): give it with --year")]
    if big := too_large(path, label):
        return None, [big]
    try:
        data = path.read_bytes()
    except OSError as e:
        return None, [Problem(label, f"cannot be read: {e.strerror}")]
    text, problems = decode_csv_bytes(data, label)
    if text is None:
        return None, problems
    table, more = read_csv_text(Source("attainment", path), text, strict=False)
    problems += more
    if table is None:
        return None, problems
    # Headers as DfE wrote them, upper-cased (TNotFSM6CLA1A vs PTNOTFSM6CLA1A_17).
    raw = table.frame.rename(columns={k: v.strip().upper() for k, v in table.header.items()})
    for needed in ("URN", "TELIG", "PTRWM_EXP"):
        if needed not in raw.columns:
            problems.append(Problem(label, f"no {needed} column: is this a KS2 performance "
                                    "table (*_ks2final.csv)?", row=1, column=needed))
    if any(p.severity == "error" for p in problems):
        return None, problems
    read = _columns_read()  # of 318 columns, about a third are read: keep only those
    raw = raw.loc[:, [c for c in raw.columns if c in read]]
    schools, las, nations = [], [], []
    rectypes: dict[str, str] = {}
    links: dict[int, int] = {}
    unknown = UnknownCodes()
    for row_no, cells in zip(raw.index, raw.to_dict("records"), strict=True):
        urn_text, lea = cells.get("URN", "").strip(), cells.get("LEA", "").strip()
        if urn_text:
            if not urn_text.isdigit():
                problems.append(Problem(label, f"'{urn_text}' is not a URN", row=int(row_no),
                                        column="URN"))
                continue
            urn = int(urn_text)
            academy = cells.get("URN_AC", "").strip()
            if academy.isdigit() and int(academy) not in (0, urn):
                links[urn] = int(academy)
            wanted = keep is None or urn in keep or links.get(urn) in keep
            kind, rows = "school", _rows_for(cells, year, urn, None if wanted else CHECKED)
            schools += rows
        elif lea:
            kind, rows = "local_authority", _rows_for(cells, year, None)
            las += [{**x, "lea": lea, "name": cells.get("SCHNAME", "")} for x in rows]
        else:
            kind, rows = "national", _rows_for(cells, year, None)
            nations += [{**x, "rectype": cells.get("RECTYPE", "")} for x in rows]
        rectypes.setdefault(cells.get("RECTYPE", "").strip(), kind)
        unknown.add(rows)
    problems += unknown.problems(label)
    return Ks2File(year, _frame(schools), _frame(las, ["lea", "name"]),
                   _frame(nations, ["rectype"]), rectypes, links), problems


def _columns_read() -> set[str]:
    """Every column _rows_for and read_ks2 look at."""
    cols = {"URN", "URN_AC", "LEA", "RECTYPE", "SCHNAME"}
    for suffix, cohort_col in GROUPS.values():
        cols.add(cohort_col.upper())
        for base in INDICATOR_COLUMNS.values():
            col = (base + suffix).upper()
            cols |= {col, col + "_LOWER", col + "_UPPER"}
    return cols


def national_headline(ks2: Ks2File) -> tuple[float | None, int | None]:
    """National RWM expected-standard % as DfE printed it, and its cohort.

    A file has more than one national row (RECTYPE codes differ by year); the one
    with the largest cohort covers all state-funded schools, the published figure.
    """
    nat = ks2.national[(ks2.national["indicator"] == "rwm_expected")
                       & (ks2.national["pupil_group"] == "all")
                       & ks2.national["cohort"].notna()]
    if nat.empty:
        return None, None
    best = nat.sort_values("cohort", ascending=False).iloc[0]
    if pd.isna(best["percent"]):
        return None, int(best["cohort"])
    return float(best["percent"]), int(best["cohort"])


def la_comparison(ks2: Ks2File, indicator: str = "rwm_expected"
                  ) -> list[tuple[str, float, float, float]]:
    """The LA row's percentage beside its schools' (see importers.ks4.la_comparison):
    (LA name, low, high, LA's), the range allowing withheld schools' pupils none to all."""
    out = []
    schools = ks2.schools[(ks2.schools["indicator"] == indicator)
                          & (ks2.schools["pupil_group"] == "all")
                          & ks2.schools["cohort"].notna()]
    las = ks2.local_authorities[(ks2.local_authorities["indicator"] == indicator)
                                & (ks2.local_authorities["pupil_group"] == "all")]
    for _, la in las.iterrows():
        if pd.isna(la["percent"]):
            continue
        total = float(schools["cohort"].astype("float64").sum())
        known = schools["pupils"].notna()
        done = float(schools.loc[known, "pupils"].astype("float64").sum())
        unknown = float(schools.loc[~known, "cohort"].astype("float64").sum())
        if total:
            out.append((str(la["name"]) or str(la["lea"]), 100 * done / total,
                        100 * (done + unknown) / total, float(la["percent"])))
    return out


def _read_for_import(path: Path, year: str,
                     keep: frozenset[int] | None = None) -> Imported:
    from govkit.data.importers import Imported

    ks2, problems = read_ks2(path, year, keep)
    if ks2 is None or any(p.severity == "error" for p in problems):
        raise DataError(problems)
    checks = [f"{indicator_label} from the schools {lo:.1f} to {hi:.1f} (withheld schools' "
              f"pupils none to all), the file's LA row ({name}) {la:g}"
              for indicator_label in ("rwm_expected",)
              for name, lo, hi, la in la_comparison(ks2)]
    if not checks:
        problems = [*problems, Problem(path.name, NO_LA_ROW, severity="warning")]
    kept = benchmarks(ks2, path)
    state = kept[(kept["area"] == "national") & (kept["area_code"] == "state-funded")
                 & (kept["indicator"] == "rwm_expected") & (kept["pupil_group"] == "all")]
    if len(state):  # the national figure the reports compare with, from this very file
        r = state.iloc[0]
        checks.append(f"national (state-funded schools), the year's benchmark: reading, "
                      f"writing and maths at the expected standard {r['percent']:g}% of "
                      f"{int(r['cohort']):,} pupils (DfE, {year})")
    schools = ks2.schools.assign(
        source=f"DfE KS2 performance tables {year} ({path.name})")
    return Imported(year, schools, {}, checks, problems, benchmarks=kept, links=ks2.links)


def benchmarks(ks2: Ks2File, path: Path) -> pd.DataFrame:
    """The file's national rows (state-funded and all schools) and LA rows as the year's
    benchmarks."""
    nat = ks2.national
    head = nat[(nat["indicator"] == "rwm_expected") & (nat["pupil_group"] == "all")]
    areas = national_areas({str(r): (None if pd.isna(c) else float(c)) for r, c in
                            zip(head["rectype"], head["cohort"], strict=True)})
    source = f"DfE KS2 performance tables {ks2.academic_year} ({path.name})"
    return pd.concat([
        benchmark_rows(nat, "national", nat["rectype"].astype(str).map(areas).fillna("all"),
                       None, source),
        benchmark_rows(ks2.local_authorities, "local_authority",
                       ks2.local_authorities["lea"], ks2.local_authorities["name"], source)],
        ignore_index=True)


def _register() -> None:
    from govkit.data.importers import Importer, register

    register(Importer("ks2", "KS2 performance tables, *_ks2final.csv (TELIG, PTRWM_EXP)",
                      "attainment", frozenset({"URN", "TELIG", "PTRWM_EXP"}),
                      ("urn", "academic_year", "key_stage"), _read_for_import))


_register()
