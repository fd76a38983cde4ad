"""Checking a data drop against the contract, reporting every problem, not only the first.

Each file is read as text (govkit.data.readers), each cell parsed by its column's
kind, then the pandera schema runs lazily for ranges, allowed values, keys and
cross-column rules; its failure cases become Problems naming file, row and
column. A cell whose text could not be parsed is reported once, by the parser.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from govkit.data.contract import DOMAINS, INDICATORS, SCORE_INDICATORS, Domain
from govkit.data.readers import (
    HEADER_ROW,
    ParseError,
    RawTable,
    find_sources,
    parse_cell,
    read_source,
)
from govkit.errors import DataError, Problem
from govkit.plan.config import Trust

Cell = tuple[int, str]  # (row, column)


def pandas_dtype(col: pa.Column) -> str:
    """The pandas dtype a contract column is loaded as (text: pandas' default "str")."""
    name = str(col.dtype)
    return "str" if name.startswith("str") else name


def empty_frame(domain: Domain) -> pd.DataFrame:
    """A frame with the domain's columns and dtypes and no rows."""
    return pd.DataFrame({name: pd.Series([], dtype=pandas_dtype(col))
                         for name, col in domain.schema.columns.items()})


def _typed(values: list[object], dtype: str, index: pd.Index) -> pd.Series:
    if dtype == "Int64":
        return pd.Series(pd.array(values, dtype="Int64"), index=index)
    if dtype == "float64":
        return pd.Series([np.nan if v is None else v for v in values], index=index,
                         dtype="float64")
    if dtype == "boolean":
        return pd.Series(pd.array(values, dtype="boolean"), index=index)
    if dtype.startswith("datetime64"):
        return pd.Series(pd.to_datetime(pd.Series(values, index=index, dtype=object)),
                         index=index).astype(dtype)
    return pd.Series(values, index=index, dtype=dtype)


def _parse_table(raw: RawTable, domain: Domain) -> tuple[pd.DataFrame, list[Problem],
                                                         set[Cell], set[str]]:
    """Typed frame (index = sheet rows), problems, cells that failed, columns missing."""
    label = raw.source.label
    problems: list[Problem] = []
    bad: set[Cell] = set()
    missing: set[str] = set()
    columns = domain.schema.columns
    for name in raw.frame.columns:
        if name not in columns and not name.startswith("column_"):
            problems.append(Problem(label, "unknown column; ignored (columns of "
                                    f"{domain.name}: {', '.join(columns)})", row=HEADER_ROW,
                                    column=name, severity="warning"))
    typed: dict[str, pd.Series] = {}
    index = raw.frame.index
    for name, col in columns.items():
        kind = col.metadata["kind"]
        if name not in raw.frame.columns:
            if col.required:
                problems.append(Problem(label, "required column is missing", row=HEADER_ROW,
                                        column=name))
                missing.add(name)
            typed[name] = _typed([None] * len(index), pandas_dtype(col), index)
            continue
        values: list[object] = []
        for row, text in zip(index, raw.frame[name], strict=True):
            if not text:
                values.append(None)
                continue
            try:
                values.append(parse_cell(text, kind, col.metadata.get("values")))
            except ParseError as e:
                problems.append(Problem(label, str(e), row=int(row), column=name))
                bad.add((int(row), name))
                values.append(None)
        typed[name] = _typed(values, pandas_dtype(col), index)
    return pd.DataFrame(typed, index=index), problems, bad, missing


def _trust_checks(df: pd.DataFrame, label: str, trust: Trust) -> list[Problem]:
    problems = []
    urns = set(trust.urns)
    if "urn" in df:
        for row, v in df["urn"].items():
            if pd.notna(v) and 100000 <= int(v) <= 999999 and int(v) not in urns:
                problems.append(Problem(label, f"URN {int(v)} is not a school of {trust.name} "
                                        "(params/trust.yaml)", row=int(row), column="urn"))
    if "term" in df:
        terms = set(trust.terms)
        for row, v in df["term"].items():
            if pd.notna(v) and v not in terms:
                problems.append(Problem(label, f"term {v} is not one of the trust's terms in "
                                        f"trust.yaml ({trust.terms[0]} .. {trust.terms[-1]})",
                                        row=int(row), column="term"))
    return problems


def _attainment_checks(df: pd.DataFrame, label: str, bad: set[Cell]) -> list[Problem]:
    """Indicator fits its key stage; a count has pupils or a status; a score, score or status."""
    problems = []
    for row, r in df.iterrows():
        row = int(row)
        ks, ind = r["key_stage"], r["indicator"]
        if pd.isna(ks) or pd.isna(ind):
            continue
        if ind not in INDICATORS[ks]:
            problems.append(Problem(label, f"'{ind}' is not a {ks} indicator ({ks}: "
                                    + ", ".join(INDICATORS[ks]) + ")", row=row,
                                    column="indicator"))
            continue
        has_status = pd.notna(r["status"]) or (row, "status") in bad
        if ind in SCORE_INDICATORS:
            if pd.isna(r["score"]) and not has_status and (row, "score") not in bad:
                problems.append(Problem(label, f"{ind} is a score: give score, or a status "
                                        "saying why it is missing (c, x, z, low, u)", row=row,
                                        column="score"))
        elif pd.isna(r["pupils"]) and not has_status and (row, "pupils") not in bad:
            problems.append(Problem(label, f"{ind} is a count: give pupils, or a status "
                                    "saying why it is missing (c, x, z, low, u)", row=row,
                                    column="pupils"))
    return problems


def _check_message(domain: Domain, column: str, check: str, number: object,
                   value: object) -> str:
    if check == "not_nullable":
        return "a value is required (the cell is blank)"
    col = domain.schema.columns.get(column)
    stats: dict = {}
    if col is not None and number is not None and not pd.isna(number):
        stats = col.checks[int(number)].statistics or {}
    shown = value.isoformat() if hasattr(value, "isoformat") else value
    if isinstance(shown, float) and shown.is_integer():
        shown = int(shown)
    if check.startswith("greater_than_or_equal_to"):
        return f"must be {stats.get('min_value', 0)} or more (found {shown})"
    if check.startswith("in_range"):
        return (f"must be between {stats.get('min_value')} and {stats.get('max_value')} "
                f"(found {shown})")
    if check.startswith("isin"):
        return f"'{shown}' is not one of: {', '.join(map(str, stats.get('allowed_values', [])))}"
    if check.startswith("str_matches"):
        return f"'{shown}' is not in the expected form ({col.description if col else ''})"
    return f"fails check {check} (found {shown})"


def _pandera_problems(df: pd.DataFrame, domain: Domain, label: str, bad: set[Cell],
                      missing: set[str]) -> list[Problem]:
    try:
        domain.schema.validate(df, lazy=True)
        return []
    except pa.errors.SchemaErrors as e:
        cases = e.failure_cases
    problems: list[Problem] = []
    seen: set[tuple[int, str, str]] = set()
    dup_rows: set[int] = set()
    # Cells already wrong on their own: a rule comparing two cells says nothing more.
    wrong = bad | {(int(c.index), str(c.column)) for c in cases.itertuples(index=False)
                   if c.schema_context == "Column" and c.index is not None
                   and not pd.isna(c.index)}
    for case in cases.itertuples(index=False):
        column, check, index = str(case.column), str(case.check), case.index
        if index is None or pd.isna(index):
            continue  # a missing column: already reported from the header
        row = int(index)
        if case.schema_context == "Column":
            if (row, column) in bad or column in missing:
                continue
            msg = _check_message(domain, column, check, case.check_number, case.failure_case)
        elif "uniqueness" in check:
            if missing & set(domain.key):
                continue
            dup_rows.add(row)
            continue
        else:  # a dataframe-wide check: not_more_than on the numerator's column
            rule = domain.schema.checks[int(case.check_number)]
            parts = rule.name.split(":")
            if parts[0] != "not_more_than":
                column, msg = domain.key[0], rule.error or rule.name
            else:
                part, whole = parts[1], parts[2]
                if (row, part) in wrong or (row, whole) in wrong:
                    continue
                column = part
                a, b = df.at[index, part], df.at[index, whole]
                msg = f"{part} ({_num(a)}) is more than {whole} ({_num(b)})"
        if (row, column, msg) not in seen:
            seen.add((row, column, msg))
            problems.append(Problem(label, msg, row=row, column=column))
    problems += _duplicate_problems(df, domain, label, dup_rows)
    return problems


def _num(v: object) -> object:
    """A value as the analyst wrote it: 12 not 12.0, dates dd/mm/yyyy."""
    if isinstance(v, pd.Timestamp):
        return v.strftime("%d/%m/%Y")
    return int(v) if isinstance(v, float) and v.is_integer() else v


def _duplicate_problems(df: pd.DataFrame, domain: Domain, label: str,
                        rows: set[int]) -> list[Problem]:
    if not rows:
        return []
    keys = df[list(domain.key)].astype(object).where(df[list(domain.key)].notna(), None)
    as_tuple = {int(r): tuple(v) for r, v in zip(keys.index, keys.itertuples(index=False),
                                                 strict=True)}
    problems = []
    for row in sorted(rows):
        others = [r for r in sorted(rows) if r != row and as_tuple[r] == as_tuple[row]]
        shown = ", ".join("blank" if v is None else str(_num(v)) for v in as_tuple[row])
        problems.append(Problem(label, f"duplicate key ({', '.join(domain.key)}) = ({shown}): "
                                f"also on row {', '.join(map(str, others))}", row=row,
                                column=domain.key[0]))
    return problems


def check_table(raw: RawTable, domain: Domain, trust: Trust) -> tuple[pd.DataFrame,
                                                                      list[Problem]]:
    """One file's typed rows (contract columns, index = sheet rows) and its problems."""
    label = raw.source.label
    df, problems, bad, missing = _parse_table(raw, domain)
    problems += _trust_checks(df, label, trust)
    if domain.name == "attainment" and not missing:
        problems += _attainment_checks(df, label, bad)
    problems += _pandera_problems(df, domain, label, bad, missing)
    order = {c: i for i, c in enumerate(domain.schema.columns)}
    problems.sort(key=lambda p: (p.row or 0, order.get(p.column or "", -1)))
    return df, problems


def check_drop(data_dir: Path, trust: Trust) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """Every domain's typed frame (or empty) and every problem in the drop."""
    sources, problems = find_sources(Path(data_dir))
    frames: dict[str, pd.DataFrame] = {}
    if not Path(data_dir).is_dir():
        return {n: empty_frame(d) for n, d in DOMAINS.items()}, problems
    for name, domain in DOMAINS.items():
        source = sources.get(name)
        if source is None:
            if domain.required:
                problems.append(Problem(f"{name}.csv", f"required file is missing from "
                                        f"{data_dir} (give {name}.csv, {name}.xlsx or a "
                                        f"sheet named {name})"))
            frames[name] = empty_frame(domain)
            continue
        raw, read_problems = read_source(source)
        problems += read_problems
        if raw is None:
            frames[name] = empty_frame(domain)
            continue
        df, table_problems = check_table(raw, domain, trust)
        problems += table_problems
        frames[name] = df
    if "schools" in sources and not any(p.file == sources["schools"].label
                                        and p.severity == "error" for p in problems):
        listed = set(frames["schools"]["urn"].dropna().astype(int))
        for s in trust.schools:
            if s.urn not in listed:
                problems.append(Problem(sources["schools"].label, f"{s.name} ({s.urn}) is in "
                                        "trust.yaml but has no row here", severity="warning"))
    return frames, problems


def validate_drop(data_dir: Path, trust: Trust) -> list[Problem]:
    """Every problem in a data drop (errors and warnings), in file then row order."""
    return check_drop(data_dir, trust)[1]


def load_drop(data_dir: Path, trust: Trust) -> dict[str, pd.DataFrame]:
    """Validated, typed frames with exactly the contract's columns; DataError if any error."""
    frames, problems = check_drop(data_dir, trust)
    if any(p.severity == "error" for p in problems):
        raise DataError(problems)
    out = {}
    for name, domain in DOMAINS.items():
        df = frames[name][list(domain.schema.columns)].reset_index(drop=True)
        out[name] = df
    return out
