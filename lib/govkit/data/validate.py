"""Checking a data drop against the contract, reporting every problem, not only the first.

Each file is read as text (govkit.data.readers), each cell parsed by its column's
kind, then the pandera schema runs lazily for ranges, allowed values, keys and
cross-column rules; its failure cases become Problems naming file, row and
column. A cell whose text could not be parsed is reported once, by the parser.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa

from govkit.config import Plan, Trust
from govkit.data.cells import ParseError, parse_cell
from govkit.data.contract import (
    DOMAINS,
    INDICATORS,
    SCORE_INDICATORS,
    SCORE_RANGES,
    Domain,
)
from govkit.data.readers import (
    HEADER_ROW,
    RawTable,
    find_sources,
    read_source,
)
from govkit.errors import DataError, Problem

Cell = tuple[int, str]  # (row, column)
MAX_LISTED = 5  # rows named in a duplicate-key message


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


def _parse_column(texts: pd.Series, col: pa.Column, label: str, name: str,
                  problems: list[Problem], bad: set[Cell]) -> pd.Series:
    """A column typed by parsing each distinct text once (a national file or an export
    pasted twice repeats the same few thousand values), problems at every row it is on."""
    kind, allowed = col.metadata["kind"], col.metadata.get("values")
    codes, uniques = pd.factorize(texts, sort=False)
    parsed: list[object] = []
    failed: dict[int, str] = {}
    for i, text in enumerate(uniques):
        if not text:
            parsed.append(None)
            continue
        try:
            parsed.append(parse_cell(text, kind, allowed))
        except ParseError as e:
            failed[i] = str(e)
            parsed.append(None)
    if failed:
        for row, code in zip(texts.index[np.isin(codes, list(failed))],
                             codes[np.isin(codes, list(failed))], strict=True):
            problems.append(Problem(label, failed[int(code)], row=int(row), column=name))
            bad.add((int(row), name))
    if not parsed:
        return _typed([], pandas_dtype(col), texts.index)
    out = _typed(parsed, pandas_dtype(col), pd.RangeIndex(len(parsed))).take(codes)
    out.index = texts.index
    return out


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
        if name not in raw.frame.columns:
            if col.required:
                problems.append(Problem(label, "required column is missing", row=HEADER_ROW,
                                        column=name))
                missing.add(name)
            typed[name] = _typed([None] * len(index), pandas_dtype(col), index)
            continue
        typed[name] = _parse_column(raw.frame[name], col, label, name, problems, bad)
    return pd.DataFrame(typed, index=index), problems, bad, missing


def _trust_checks(df: pd.DataFrame, label: str, trust: Trust,
                  params_file: str = "params/trust.yaml") -> list[Problem]:
    problems = []
    if "urn" in df:
        u = df["urn"]
        wrong = u.notna() & u.between(100000, 999999) & ~u.isin(trust.urns)
        problems += [Problem(label, f"URN {int(v)} is not a school of {trust.name} "
                             f"({params_file})", row=int(row), column="urn")
                     for row, v in u[wrong].items()]
    if "term" in df:
        t = df["term"]
        wrong = t.notna() & ~t.isin(trust.terms)
        problems += [Problem(label, f"term {v} is not one of the trust's terms in "
                             f"trust.yaml ({trust.terms[0]} .. {trust.terms[-1]})",
                             row=int(row), column="term")
                     for row, v in t[wrong].items()]
    return problems


def _plan_checks(df: pd.DataFrame, label: str, plan: Plan, plan_file: str
                 ) -> list[Problem]:
    """An actions row must name one of the plan's actions: a row naming another (a typo,
    an action since dropped from the plan) would otherwise be dropped without a word."""
    if "action_id" not in df:
        return []
    known = [a.id for _, a in plan.actions()]
    ids = df["action_id"]
    wrong = ids.notna() & ~ids.isin(known)
    valid = (f"its actions: {', '.join(known)}" if known else
             "it has no actions (add them under a priority's actions:, or leave the "
             "actions file out)")
    return [Problem(label, f"{v!r} is not an action of the plan ({plan_file}); {valid}",
                    row=int(row), column="action_id")
            for row, v in ids[wrong].items()]


def _attainment_checks(df: pd.DataFrame, label: str, bad: set[Cell]) -> list[Problem]:
    """Indicator fits its key stage; a count has pupils or a status; a score, score or
    status; a score within the range its indicator can take."""
    problems = []
    ks, ind = df["key_stage"], df["indicator"]
    known = ks.notna() & ind.notna()
    fits = pd.Series([i in INDICATORS.get(k, ()) if ok else True for k, i, ok in
                      zip(ks, ind, known, strict=True)], index=df.index, dtype=bool)
    for row, k, i in zip(df.index[~fits], ks[~fits], ind[~fits], strict=True):
        problems.append(Problem(label, f"'{i}' is not a {k} indicator ({k}: "
                                + ", ".join(INDICATORS[k]) + ")", row=int(row),
                                column="indicator"))
    bad_rows = {c: {r for r, name in bad if name == c} for c in ("status", "score", "pupils")}
    has_status = df["status"].notna() | df.index.isin(list(bad_rows["status"]))
    is_score = ind.isin(list(SCORE_INDICATORS))
    checked = known & fits & ~has_status
    for column, need, what in (("score", is_score, "a score: give score"),
                               ("pupils", ~is_score, "a count: give pupils")):
        lacking = checked & need & df[column].isna() \
            & ~df.index.isin(list(bad_rows[column]))
        for row, i in zip(df.index[lacking], ind[lacking], strict=True):
            problems.append(Problem(label, f"{i} is {what}, or a status saying why it is "
                                    "missing (c, x, z, low, u)", row=int(row), column=column))
    for indicator, (lo, hi) in SCORE_RANGES.items():
        out = known & fits & (ind == indicator) & df["score"].notna() \
            & ~df["score"].between(lo, hi)
        for row, v in df.loc[out, "score"].items():
            problems.append(Problem(label, f"{indicator} must be between {lo:g} and {hi:g} "
                                    f"(found {_num(float(v))})", row=int(row), column="score"))
    return problems


def _check_message(domain: Domain, column: str, check: str, number: float | None,
                   value: object) -> str:
    """What a failed column check means, in the analyst's words; `number` is the check's
    place in the column's checks (pandera gives it as a float, NaN for a dtype check)."""
    if check == "not_nullable":
        return "a value is required (the cell is blank)"
    col = domain.schema.columns.get(column)
    stats: dict[str, Any] = {}
    if col is not None and number is not None and not pd.isna(number):
        stats = col.checks[int(number)].statistics or {}
    shown = value.isoformat() if hasattr(value, "isoformat") else value
    if isinstance(shown, float) and shown.is_integer():
        shown = int(shown)
    if check.startswith("greater_than_or_equal_to"):
        return f"must be {stats.get('min_value', 0)} or more (found {shown})"
    if check.startswith("in_range"):
        # an in_range check always carries both bounds
        lo, hi = stats["min_value"], stats["max_value"]
        if lo not in (0, -hi):
            return f"must be between {lo} and {hi} (found {shown})"
        if isinstance(shown, int | float) and shown < lo:
            return f"must be {_num(float(lo))} or more (found {shown})"
        return f"must be at most {_num(float(hi)):,}: no school has more (found {shown})"
    if check.startswith("isin"):
        return f"'{shown}' is not one of: {', '.join(map(str, stats.get('allowed_values', [])))}"
    if check.startswith("str_matches"):
        return f"'{shown}' is not in the expected form ({col.description if col else ''})"
    return f"fails check {check} (found {shown})"


def _pandera_problems(df: pd.DataFrame, domain: Domain, label: str, bad: set[Cell],
                      missing: set[str]) -> list[Problem]:
    problems: list[Problem] = []
    if not missing & set(domain.key):
        problems += _duplicate_problems(df, domain, label)
    try:
        _cell_schema(domain).validate(df, lazy=True)
        return problems
    except pa.errors.SchemaErrors as e:
        cases = e.failure_cases
    seen: set[tuple[int, str, str]] = set()
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
    return problems


def _num(v: object) -> object:
    """A value as the analyst wrote it: 12 not 12.0, dates dd/mm/yyyy."""
    if isinstance(v, pd.Timestamp):
        return v.strftime("%d/%m/%Y")
    return int(v) if isinstance(v, float) and v.is_integer() else v


def _display(column: pd.Series) -> list[str]:
    """A key column's values as written, a column at a time: blank, 12 not 12.0,
    dates dd/mm/yyyy."""
    if str(column.dtype).startswith("datetime"):
        shown = column.dt.strftime("%d/%m/%Y")
    elif column.dtype == "float64":
        shown = column.map(lambda v: str(_num(v)), na_action="ignore")
    else:
        shown = column.astype("string")
    return shown.astype(object).where(column.notna(), "blank").tolist()


def _duplicate_problems(df: pd.DataFrame, domain: Domain, label: str) -> list[Problem]:
    """One problem per repeated row naming the rows that share its key (a few, then how
    many more): found in one pass, as an export pasted twice must not cost a sort per row."""
    key = list(domain.key)
    repeated = df.duplicated(subset=key, keep=False)
    if not repeated.any():
        return []
    dups = df.loc[repeated, key]
    group = dups.groupby(key, dropna=False, sort=False).ngroup().to_numpy()
    order = np.argsort(group, kind="stable")  # rows stay in sheet order within a group
    rows = dups.index.to_numpy()[order]
    group = group[order]
    values = list(zip(*(_display(dups[c]) for c in key), strict=True))
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    ends = np.r_[starts[1:], len(group)]
    problems = []
    for start, end in zip(starts, ends, strict=True):
        members = [int(r) for r in rows[start:end]]
        shown = ", ".join(values[order[start]])
        head = f"duplicate key ({', '.join(key)}) = ({shown}): also on row "
        for row in members:
            others = [r for r in members[:MAX_LISTED + 1] if r != row][:MAX_LISTED]
            more = len(members) - 1 - len(others)
            problems.append(Problem(label, head + ", ".join(map(str, others))
                                    + (f" and {more:,} more" if more else ""),
                                    row=row, column=key[0]))
    return problems


def _cell_schema(domain: Domain) -> pa.DataFrameSchema:
    """The domain's schema without its key's uniqueness, which _duplicate_problems checks
    in one pass (pandera's reports every repeat as a failure case, row by row). A copy
    per file checked (a millisecond)."""
    schema = copy.deepcopy(domain.schema)
    schema.unique = None
    return schema


def _implausible(df: pd.DataFrame, domain: Domain, label: str) -> list[Problem]:
    """Warnings for values a school can have but few do (a typo such as an extra zero is
    likelier): the contract's ``plausible`` bound per column."""
    problems = []
    for name, col in domain.schema.columns.items():
        most = col.metadata.get("plausible")
        if most is None or name not in df:
            continue
        values = df[name].astype("float64")
        high = values.notna() & (values > most) & (values <= _hard_max(col))
        problems += [Problem(label, f"{_num(float(v)):,} is more than any school usually "
                             f"has (over {most:,}): check it", row=int(row), column=name,
                             severity="warning") for row, v in values[high].items()]
    return problems


def _hard_max(col: pa.Column) -> float:
    for check in col.checks:
        top = (check.statistics or {}).get("max_value")
        if top is not None:
            return float(top)
    return float("inf")


def check_table(raw: RawTable, domain: Domain, trust: Trust,
                params_file: str = "params/trust.yaml", plan: Plan | None = None,
                plan_file: str = "params/plan.yaml") -> tuple[pd.DataFrame, list[Problem]]:
    """One file's typed rows (contract columns, index = sheet rows) and its problems;
    with ``plan``, rows naming what the plan does not have (an action) are problems too."""
    label = raw.source.label
    df, problems, bad, missing = _parse_table(raw, domain)
    problems += _trust_checks(df, label, trust, params_file)
    if domain.name == "actions" and plan is not None:
        problems += _plan_checks(df, label, plan, plan_file)
    if domain.name == "attainment" and not missing:
        problems += _attainment_checks(df, label, bad)
    problems += _pandera_problems(df, domain, label, bad, missing)
    problems += _implausible(df, domain, label)
    order = {c: i for i, c in enumerate(domain.schema.columns)}
    problems.sort(key=lambda p: (p.row or 0, order.get(p.column or "", -1)))
    return df, problems


def check_drop(data_dir: Path, trust: Trust, params_file: str = "params/trust.yaml",
               plan: Plan | None = None, plan_file: str = "params/plan.yaml"
               ) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """Every domain's typed frame (or empty) and every problem in the drop (checked
    against the plan too, if given: ``plan_file`` names it in messages)."""
    sources, problems = find_sources(Path(data_dir))
    frames: dict[str, pd.DataFrame] = {}
    if not Path(data_dir).is_dir():
        return {n: empty_frame(d) for n, d in DOMAINS.items()}, problems
    for name, domain in DOMAINS.items():
        source = sources.get(name)
        if source is None and name == "schools":
            frames[name] = roster(trust)
            continue
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
        if raw.frame.empty:
            problems.append(Problem(source.label, "has a header but no rows: every figure "
                                    f"from {name} will show as no data", severity="warning"))
        df, table_problems = check_table(raw, domain, trust, params_file, plan,
                                         plan_file)
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


def roster(trust: Trust) -> pd.DataFrame:
    """The schools table from trust.yaml, for a drop without schools.csv (index: the
    school's place in trust.yaml, as there is no sheet row)."""
    df = empty_frame(DOMAINS["schools"])
    rows = pd.DataFrame({
        "urn": pd.array([s.urn for s in trust.schools], dtype="Int64"),
        "name": pd.Series([s.name for s in trust.schools], dtype="str"),
        "phase": pd.Series([s.phase for s in trust.schools], dtype="str"),
        "capacity": pd.array([None] * len(trust.schools), dtype="Int64"),
        "local_authority": pd.Series([s.local_authority for s in trust.schools],
                                     dtype="str"),
        "joined_trust": pd.to_datetime(pd.Series([s.joined_trust for s in trust.schools],
                                                 dtype=object)).astype("datetime64[ns]"),
    })
    return pd.concat([df, rows], ignore_index=True) if len(df) else rows


def validate_drop(data_dir: Path, trust: Trust, params_file: str = "params/trust.yaml",
                  plan: Plan | None = None, plan_file: str = "params/plan.yaml"
                  ) -> list[Problem]:
    """Every problem in a data drop (errors and warnings), in file then row order."""
    return check_drop(data_dir, trust, params_file, plan, plan_file)[1]


def load_drop(data_dir: Path, trust: Trust, plan: Plan | None = None,
              plan_file: str = "params/plan.yaml") -> dict[str, pd.DataFrame]:
    """Validated, typed frames with exactly the contract's columns; DataError if any error."""
    frames, problems = check_drop(data_dir, trust, plan=plan, plan_file=plan_file)
    if any(p.severity == "error" for p in problems):
        raise DataError(problems)
    out = {}
    for name, domain in DOMAINS.items():
        df = frames[name][list(domain.schema.columns)].reset_index(drop=True)
        out[name] = df
    return out
