"""What every DfE performance-tables CSV shares: how it is read, its codes, its years.

Each file is read as text (govkit.data.readers, so a BOM, Windows-1252 and a
quoted line break are handled once, for every importer), headers as DfE wrote
them, upper-cased. A cell is a number ("9,109", "53%", "42.20%") or one of
DfE's codes, which becomes a GSS status with the code kept, so the reason a
value is missing is never lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from govkit.data.readers import Source, decode_csv_bytes, read_csv_text, too_large
from govkit.errors import Problem
from govkit.terms import TermError, parse_academic_year

# DfE code -> GSS status: c confidential (suppressed), z not applicable, x not available,
# low low coverage.
CODES = {"SUPP": "c", "NA": "z", "NE": "x", "LOWCOV": "low", "NEW": "x", "NP": "x",
         "DNS": "x", "NEP": "z", "-": "z"}
BLANK = "blank"
_NUMBER = re.compile(r"^-?\d+(\.\d+)?%?$")
_YEAR_IN_NAME = re.compile(r"(?<!\d)(\d{4})[-_]?(\d{4}|\d{2})(?!\d)")


def year_from_name(path: Path) -> str | None:
    """'2018-2019_850_ks2final.csv' -> '2018-19' (also 201819, 2018-19)."""
    m = _YEAR_IN_NAME.search(path.name)
    if not m:
        return None
    start, end = int(m.group(1)), int(m.group(2)[-2:])
    return f"{start}-{end:02d}" if (start + 1) % 100 == end else None


def academic_year(text: str) -> str:
    """An academic year as the user may type it: 2018-19 or 2018-2019 -> 2018-19.

    TermError for anything else (2019-18, 2018-2020, 2018), so a wrong --year never
    writes rows that the contract then refuses.
    """
    s = text.strip().replace("/", "-")
    m = re.fullmatch(r"(\d{4})-(\d{4})", s)
    if m:
        if int(m.group(2)) != int(m.group(1)) + 1:
            raise TermError(f"'{text}' is not an academic year: the second year must follow "
                            f"the first (e.g. {m.group(1)}-{(int(m.group(1)) + 1) % 100:02d})")
        s = f"{m.group(1)}-{m.group(2)[2:]}"
    return parse_academic_year(s)


def read_value(text: str) -> tuple[float | None, str | None, str | None]:
    """A cell as (number, GSS status, DfE code): '53%' -> (53, None, None), 'SUPP' -> c,
    '9,109' -> 9109."""
    s = text.strip()
    if not s:
        return None, "x", BLANK
    plain = s.replace(",", "") if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", s) else s
    if _NUMBER.match(plain):
        return float(plain.rstrip("%")), None, None
    return None, CODES.get(s.upper(), "x"), s


@dataclass
class DfeTable:
    """A DfE file's cells as text, headers upper-cased, index = row as Excel numbers it."""

    path: Path
    frame: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)


# said when a file that always carries its local-authority row has none
NO_LA_ROW = ("has no local-authority row: its schools cannot be checked against the LA's "
             "own figures (a file cut short or edited?)")


def read_table(path: Path) -> DfeTable | None | list[Problem]:
    """The file's text table, or the problems that stopped it being read."""
    if big := too_large(path, path.name):
        return [big]
    try:
        data = path.read_bytes()
    except OSError as e:
        return [Problem(path.name, f"cannot be read: {e.strerror}")]
    text, problems = decode_csv_bytes(data, path.name)
    if text is None:
        return problems
    table, more = read_csv_text(Source("import", path), text, strict=False)
    problems += more
    if table is None or any(p.severity == "error" for p in problems):
        return problems
    frame = table.frame.rename(columns={k: v.strip().upper() for k, v in table.header.items()})
    frame = frame.loc[:, [c for c in frame.columns if c]]
    return DfeTable(path, frame, problems)


def header_of(path: Path) -> set[str]:
    """The file's column names, upper-cased, from its first line (cheap: recognising)."""
    with path.open("rb") as f:
        head = f.read(65536)
    text, _ = decode_csv_bytes(head, path.name)
    if text is None:
        return set()
    first = text.splitlines()[0] if text else ""
    import csv

    return {c.strip().upper() for c in next(csv.reader([first]), []) if c.strip()}


def counted(value: float | None) -> int | None:
    """A count DfE printed (a whole number), or None."""
    return None if value is None else int(round(value))


def pupils_from_percent(percent: float, cohort: int) -> int:
    """Pupils from DfE's rounded percentage of a cohort, rounding half up."""
    import math

    return math.floor(percent * cohort / 100 + 0.5)


class UnknownCodes:
    """A tally of cell codes DfE's key does not list, so one warning per code names how
    often it was read as not available, whichever file kind it came from."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def add(self, rows: list[dict]) -> None:
        for row in rows:
            note = row["note"]
            if note and note != BLANK and not str(note).startswith("cohort") \
                    and str(note).upper() not in CODES:
                self.counts[str(note)] = self.counts.get(str(note), 0) + 1

    def problems(self, label: str) -> list[Problem]:
        return [Problem(label, f"unknown DfE code '{code}' in {n} cell(s): read as "
                        "not available (x)", severity="warning")
                for code, n in sorted(self.counts.items())]


BENCHMARK_COLUMNS = ("academic_year", "key_stage", "pupil_group", "indicator", "area",
                     "area_code", "area_name", "cohort", "percent", "score", "lower",
                     "upper", "source")


def national_areas(cohorts: dict[str, float | None]) -> dict[str, str]:
    """Which schools each national row covers, by its RECTYPE: of two national rows the
    smaller cohort is state-funded schools and the larger all schools (DfE's codes for
    them differ between key stages and years, so they are told apart by size)."""
    known = {k: v for k, v in cohorts.items() if v is not None}
    if len(known) < 2:
        return dict.fromkeys(cohorts, "all")
    small = min(known, key=lambda k: known[k])
    return {k: "state-funded" if k == small else "all" for k in cohorts}


def benchmark_rows(rows: pd.DataFrame, area: str, codes: pd.Series,
                   names: pd.Series | None, source: str) -> pd.DataFrame:
    """National or LA rows (attainment layout plus DfE's ``percent``) as benchmark rows:
    one per indicator and pupil group that carries a published value."""
    if rows.empty:
        return pd.DataFrame(columns=list(BENCHMARK_COLUMNS))
    out = pd.DataFrame({
        "academic_year": rows["academic_year"], "key_stage": rows["key_stage"],
        "pupil_group": rows["pupil_group"], "indicator": rows["indicator"],
        "area": area, "area_code": codes.astype(str).str.strip(),
        "area_name": (names.astype(str).str.strip() if names is not None else None),
        "cohort": rows["cohort"], "percent": rows["percent"], "score": rows["score"],
        "lower": rows["lower"], "upper": rows["upper"], "source": source})
    has = out["percent"].notna() | out["score"].notna()
    return out[has].reset_index(drop=True)
