"""DfE's own files into the data contract: each file recognised by its columns.

An importer says which columns identify its file (``signature``), which domain of
the contract it fills, and how to read the file into that domain's layout with
the file's local-authority row kept aside so the importer can check itself (the
LA's schools, aggregated as govkit aggregates, give the LA's published figure).
``recognise`` picks the importer for a file as papermill picks an engine: the first
registered one whose signature the file's header holds.

``import_file`` then keeps the trust's schools (from trust.yaml), replaces any rows
an earlier import of the same year wrote (each imported row names its file in
``source``), and writes ``<domain>.csv`` atomically. A row the trust gave itself has no
``source``. An importer that ``keeps_own`` (the census, CFR) never replaces one: the
trust's termly census is of its own date, its finance row carries reserves, top slice
and energy CFR does not, and DfE's figures only fill the terms and schools the trust
has not given. Otherwise (KS2, KS4: final results over the trust's provisional ones)
DfE's row replaces the trust's row with the same key, the import naming each, and a
row of the trust's own that the file does not give (a pupil group DfE does not
publish) is kept. A row of no source that matches the file's row figure for figure is
the file's (written before imports named their source) and is taken as such.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from govkit.config import Trust
from govkit.data.contract import DOMAINS
from govkit.data.importers.dfe import academic_year, header_of, year_from_name
from govkit.data.readers import Source, decode_csv_bytes, find_sources, read_csv_text
from govkit.errors import DataError, Problem
from govkit.files import replacing
from govkit.terms import TermError


@dataclass
class Imported:
    """What an importer read from one file, before it is narrowed to the trust."""

    academic_year: str
    rows: pd.DataFrame  # the domain's layout; urn set on every row
    left_out: dict[str, int] = field(default_factory=dict)  # reason -> rows left out
    checks: list[str] = field(default_factory=list)  # the LA self-check, in words
    problems: list[Problem] = field(default_factory=list)
    # the file's national and LA rows (dfe.BENCHMARK_COLUMNS): the year's benchmarks
    benchmarks: pd.DataFrame | None = None
    # the file's own converter links (KS2's URN_AC): URN filed under -> the academy
    links: dict[int, int] = field(default_factory=dict)
    # the terms the file's figures are of (the census: spring, January's census date),
    # where a figure the trust gave itself should agree with DfE's
    dated: tuple[str, ...] = ()


@dataclass(frozen=True)
class Importer:
    """One kind of DfE file."""

    name: str
    about: str
    domain: str
    signature: frozenset[str]  # upper-case columns the file must have
    replace_by: tuple[str, ...]  # rows with these values in common are replaced
    # (file, academic year, the trust's URNs: the rows it must give in full) -> rows;
    # DataError if the file cannot be read
    read: Callable[[Path, str, frozenset[int] | None], Imported]
    no_match: str = ""  # why a trust may find none of its schools in such a file
    # what the file's rows are, when the trust's own rows for the same key are kept
    # (rows with no ``source``) and the file only fills what they do not give ("DfE's
    # January census"); empty: the file's rows replace the trust's (final results over
    # provisional ones)
    keeps_own: str = ""


REGISTRY: list[Importer] = []


def register(importer: Importer) -> Importer:
    REGISTRY.append(importer)
    return importer


def recognise(path: Path) -> Importer | None:
    """The importer whose signature columns the file's header holds (None: not a DfE file
    govkit knows)."""
    _load_builtin()
    header = header_of(path)
    for imp in REGISTRY:
        if imp.signature <= header:
            return imp
    return None


def _load_builtin() -> None:
    # Each module registers its importer when first imported; importing again is a no-op.
    from govkit.data.importers import census, cfr, ks2, ks4  # noqa: F401


@dataclass
class ImportReport:
    """What an import did, for the command to print."""

    file: Path
    importer: Importer
    target: Path
    academic_year: str
    schools: int
    rows: int
    replaced: int
    measures: list[str]
    left_out: dict[str, int]
    not_in_file: list[int]
    checks: list[str]
    problems: list[Problem]
    # "2018-19 KS2 of Ottershaw Junior read from its predecessor, URN 125138"
    predecessors: list[str] = field(default_factory=list)
    benchmarks: int = 0  # national and LA rows kept as the year's benchmarks
    # the trust's own rows kept where the file has a row for the same key (keeps_own), or
    # where the file gives its school, year and key stage but not the row (the others)
    kept_own: list[dict[str, str]] = field(default_factory=list)
    # the trust's own rows the file's rows replaced (final results over provisional)
    replaced_own: list[dict[str, str]] = field(default_factory=list)
    # where a kept row of the trust's own disagrees with the file on its own date
    differs: list[Problem] = field(default_factory=list)


def choose_year(path: Path, year: str | None) -> str:
    """The academic year from --year (checked) or the file's name; ConfigError-like
    DataError naming the file when neither says."""
    if year is not None:
        try:
            return academic_year(year)
        except TermError as e:
            raise DataError([Problem(path.name, f"--year {year}: {e}")]) from None
    found = year_from_name(path)
    if found is None:
        raise DataError([Problem(path.name, "cannot tell the academic year from the file "
                                 "name (e.g. 2018-2019_815_ks4final.csv): give it with "
                                 "--year 2018-19")])
    return found


# Files an import will write, held until every file given has been read and checked:
# target -> (columns, rows as text).
Staged = dict[Path, tuple[list[str], list[dict[str, str]]]]


def import_files(paths: list[Path], data_dir: str | Path, trust: Trust,
                 year: str | None = None) -> list[ImportReport]:
    """Import several DfE files all or nothing: every file is read and checked first
    (the problems of all of them raised together, naming each file), and only then is
    any file of the drop written."""
    staged: Staged = {}
    reports: list[ImportReport] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            reports.append(import_file(path, data_dir, trust, year, staged))
        except DataError as e:
            problems += e.problems or [Problem(Path(path).name, str(e))]
    if problems:
        raise DataError(problems)
    for target, (columns, rows) in staged.items():
        _write(target, columns, rows)
    return reports


def import_file(path: str | Path, data_dir: str | Path, trust: Trust,
                year: str | None = None, staged: Staged | None = None) -> ImportReport:
    """Import one DfE file's rows for the trust's schools into the drop (with ``staged``:
    into it, for import_files to write once every file has been checked)."""
    path, data_dir = Path(path), Path(data_dir)
    if not path.is_file():
        raise DataError([Problem(str(path), "no such file")])
    imp = recognise(path)
    if imp is None:
        _load_builtin()
        raise DataError([Problem(path.name, "not a DfE file govkit can import: its columns "
                                 "match none of " + "; ".join(
                                     f"{i.name} ({i.about})" for i in REGISTRY))])
    target = data_dir / f"{imp.domain}.csv"
    # a domain kept in a workbook (census.xlsx, or a census sheet of the trust's workbook)
    # is refused before anything is read: import would write a second copy beside it,
    # blind to the trust's own rows there
    kept_in = find_sources(data_dir)[0].get(imp.domain) if data_dir.is_dir() else None
    if kept_in is not None and kept_in.path.suffix.lower() == ".xlsx":
        raise DataError([Problem(kept_in.label, f"{imp.domain} is kept in this workbook; "
                                 f"import writes {target.name} and a domain is given once: "
                                 f"save the {'sheet' if kept_in.sheet else 'workbook'} as "
                                 f"{target.name} (CSV UTF-8) and remove it from the "
                                 "workbook, then import again")])
    links = trust.predecessor_links()
    got = imp.read(path, choose_year(path, year), frozenset(trust.urns) | frozenset(links))
    if any(p.severity == "error" for p in got.problems):
        raise DataError(got.problems)
    links.update({old: new for old, new in got.links.items()
                  if new in trust.urns and old not in links})
    rows, followed = follow_predecessors(got.rows, links, DOMAINS[imp.domain].key)
    kept = rows[rows["urn"].isin(trust.urns)]
    left_out = dict(got.left_out)
    others = rows["urn"].nunique() - kept["urn"].nunique()
    if others:
        left_out[f"schools not in {trust.name}"] = others
    if imp.domain != "attainment" and "term" in kept:
        outside = ~kept["term"].isin(trust.terms)
        if outside.any():
            left_out[f"term {', '.join(sorted(set(kept.loc[outside, 'term'])))} not in "
                     "trust.yaml's terms"] = int(outside.sum())
            kept = kept[~outside]
    existing, header = _read_existing(target, staged)
    own: list[dict[str, str]] = []
    replaced_own: list[dict[str, str]] = []
    differs: list[Problem] = []
    key = DOMAINS[imp.domain].key
    if imp.keeps_own:
        kept, own, differs = keep_own_rows(existing, kept, imp.replace_by, got.dated,
                                           target.name, f"{imp.keeps_own} ({path.name})",
                                           trust)
    else:
        replaced_own, own = own_rows_replaced(existing, kept, imp.replace_by, key)
    kept = kept.drop(columns=[c for c in kept.columns if c.startswith(MARGIN)])
    merged, replaced = merge_rows(existing, kept, imp.replace_by,
                                  None if imp.keeps_own else key)
    columns = header + [c for c in DOMAINS[imp.domain].schema.columns if c not in header]
    if len(kept):
        _stage(target, columns, merged, staged)
    n_bench = _write_benchmarks(data_dir, got.benchmarks, staged) if len(kept) else 0
    label = imp.name.upper() if imp.name in ("ks2", "ks4", "cfr") else imp.name
    said = [f"{got.academic_year} {label} of {trust.school(new).name} read from its "
            f"predecessor, URN {old}" for old, new in followed]
    measures = sorted(set(kept["indicator"])) if "indicator" in kept else [
        c for c in DOMAINS[imp.domain].schema.columns
        if c not in ("urn", "term", "source") and c in kept and kept[c].notna().any()]
    found = set(kept["urn"].astype(int))
    given = found | {int(r["urn"]) for r in own}
    return ImportReport(path, imp, target, got.academic_year, len(found), len(kept), replaced,
                        measures, left_out, sorted(set(trust.urns) - given), got.checks,
                        got.problems, said, n_bench, own, replaced_own, differs)


def _key(row: dict[str, str], by: tuple[str, ...]) -> tuple[str, ...]:
    """A row's key as merge_rows compares it: stripped, lower-cased text."""
    return tuple(str(row.get(c, "")).strip().lower() for c in by)


def _number(text: str) -> float | str:
    """A cell as a number where it reads as one ("1,361" -> 1361.0), else its text."""
    s = text.strip().replace(",", "")
    try:
        return float(s)
    except ValueError:
        return s


# A column an importer adds beside a figure: how far the file's figure can be from the
# school's own by the publisher's rounding (CFR's totals are per-pupil figures times
# pupils). Never a header (headers are normalised) and never written.
MARGIN = " within "


def margin(column: str) -> str:
    """The name of ``column``'s rounding margin in an importer's rows."""
    return MARGIN + column


def _own(row: dict[str, str]) -> bool:
    """A row the trust gave itself: no ``source``, not written by an import."""
    return not str(row.get("source", "")).strip()


def _same(ours: dict[str, str], theirs: pd.Series, figures: list[str]) -> bool:
    """Every figure of the trust's row as the file's row has it (blank where it is
    blank): a row an import wrote before imports named their source."""
    return all(_number(str(ours.get(c, "")).strip()) == _number(str(theirs[c]))
               for c in figures)


def _keyed(text: pd.DataFrame, by: tuple[str, ...]) -> list[tuple[str, ...]]:
    return [tuple(str(v).strip().lower() for v in k)
            for k in zip(*(text[c] for c in by), strict=True)]


def keep_own_rows(existing: list[dict[str, str]], new: pd.DataFrame, by: tuple[str, ...],
                  dated: tuple[str, ...], target: str, what: str, trust: Trust
                  ) -> tuple[pd.DataFrame, list[dict[str, str]], list[Problem]]:
    """The file's rows less those whose key a row of the trust's own already gives (no
    ``source``: written by the trust, not by an import), those rows, and a warning for
    each figure of a kept row that disagrees with the file on a term the file's figures
    are of (``dated``) by more than the file's rounding (its ``margin`` column, where it
    has one), naming the target's row and column. The trust's row is kept whole: a blank
    cell in it is a figure not given, not one for DfE to fill. A row of the trust's that
    is the file's own figure for figure is left for the file's row to replace."""
    own = {_key(r, by): r for r in existing if _own(r)}
    if not own or new.empty:
        return new, [], []
    text = _text_frame(new)
    keys = _keyed(text, by)
    figures = [c for c in new.columns if c not in (*by, "source")
               and not c.startswith(MARGIN)]
    mine = pd.Series([k in own and not _same(own[k], theirs, figures)
                      for k, (_, theirs) in zip(keys, text.iterrows(), strict=True)],
                     index=new.index)
    kept = [own[k] for k, m in zip(keys, mine, strict=True) if m]
    differs: list[Problem] = []
    for k, m, (i, theirs) in zip(keys, mine, text.iterrows(), strict=True):
        if not m or str(theirs.get("term", "")) not in dated:
            continue
        ours = own[k]
        for c in figures:
            given = str(ours.get(c, "")).strip()
            if not given or not str(theirs[c]):
                continue
            a, b = _number(given), _number(str(theirs[c]))
            room = new.at[i, margin(c)] if margin(c) in new else None
            room = 0.0 if room is None or pd.isna(room) else float(room)
            if a == b or (isinstance(a, float) and isinstance(b, float)
                          and abs(a - b) <= room):
                continue
            urn = int(theirs["urn"])
            name = trust.school(urn).name if urn in trust.urns else str(urn)
            allows = f", further apart than DfE's rounding allows ({room:,.0f})" \
                if room else ""
            differs.append(Problem(
                target, f"{name}, {theirs['term']}: {given} here, {theirs[c]} in "
                f"{what}{allows}; this row is the trust's own and is kept: if DfE's figure "
                "is right, correct the cell", row=int(ours.get(ROW, 0)) or None, column=c,
                severity="warning"))
    return new[~mine], kept, differs


def own_rows_replaced(existing: list[dict[str, str]], new: pd.DataFrame,
                      by: tuple[str, ...], key: tuple[str, ...]
                      ) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """For a file whose rows replace the trust's own (final results over provisional):
    the trust's rows (no ``source``) a row of the file replaces, same ``key``, other than
    those that are the file's own figure for figure; and the trust's rows under a ``by``
    the file gives (its school, year and key stage) that no row of the file replaces,
    which merge_rows keeps."""
    own = [r for r in existing if _own(r)]
    if not own or new.empty:
        return [], []
    text = _text_frame(new)
    rows = dict(zip(_keyed(text, key), (t for _, t in text.iterrows()), strict=True))
    under = set(_keyed(text, by))
    figures = [c for c in new.columns if c not in (*key, "source")
               and not c.startswith(MARGIN)]
    replaced = [r for r in own if _key(r, key) in rows
                and not _same(r, rows[_key(r, key)], figures)]
    spared = [r for r in own if _key(r, by) in under and _key(r, key) not in rows]
    return replaced, spared


def follow_predecessors(rows: pd.DataFrame, links: dict[int, int], key: tuple[str, ...]
                        ) -> tuple[pd.DataFrame, list[tuple[int, int]]]:
    """Rows DfE filed under a predecessor URN given to the academy it became (``links``:
    old URN -> academy), the old URN kept in ``source_urn`` where the layout has it. The
    academy's own row for the same key wins when it carries a figure; a row of its own
    with none (DfE's NEW, NA) gives way. Returns the rows and the (old, new) URNs
    followed."""
    if not links or rows.empty:
        return rows, []
    old = rows["urn"].isin(list(links))
    if not old.any():
        return rows, []
    moved = rows[old].copy()
    if "source_urn" in moved:
        moved["source_urn"] = moved["urn"].astype("Int64")
    moved["urn"] = moved["urn"].map(lambda u: links[int(u)]).astype(rows["urn"].dtype)
    rest = rows[~old]
    others = [c for c in key if c != "urn"]

    def keys(df: pd.DataFrame) -> pd.Series:
        return pd.Series(list(zip(*(df[c].astype(str) for c in ["urn", *others]),
                                  strict=True)), index=df.index, dtype=object)

    own = rest[rest["urn"].isin(moved["urn"])]
    figure = own["status"].isna() if "status" in own else pd.Series(True, index=own.index)
    own_keys = set(keys(own[figure])) if len(own) else set()
    moved = moved[~keys(moved).isin(own_keys)] if len(moved) else moved
    gone = set(keys(moved)) if len(moved) else set()
    rest = rest[~keys(rest).isin(gone)] if len(rest) else rest
    followed = sorted({(int(o), int(n)) for o, n in zip(
        rows.loc[moved.index, "urn"], moved["urn"], strict=True)})
    return pd.concat([rest, moved]).reset_index(drop=True), followed


def _write_benchmarks(data_dir: Path, rows: pd.DataFrame | None,
                      staged: Staged | None = None) -> int:
    """Keep a file's national and LA rows in benchmarks.csv, replacing the same year's."""
    if rows is None or rows.empty:
        return 0
    target = data_dir / "benchmarks.csv"
    existing, header = _read_existing(target, staged)
    merged, _ = merge_rows(existing, rows, ("academic_year", "key_stage", "pupil_group",
                                             "indicator", "area", "area_code"))
    columns = header + [c for c in DOMAINS["benchmarks"].schema.columns if c not in header]
    _stage(target, columns, merged, staged)
    return len(rows)


def _text(v: object) -> str:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return ""
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else format(v, ".10g")
    return str(v)


def merge_rows(existing: list[dict[str, str]], new: pd.DataFrame, by: tuple[str, ...],
               own_by: tuple[str, ...] | None = None) -> tuple[list[dict[str, str]], int]:
    """Rows as text: existing rows sharing ``by`` values with a new row replaced, every
    other row kept exactly as written; with ``own_by``, a row of the trust's own (no
    ``source``) is replaced only by a new row sharing its ``own_by`` values. Returns the
    rows and how many were replaced."""
    text = _text_frame(new)
    replaced = set(_keyed(text, by))
    theirs = set(_keyed(text, own_by)) if own_by else set()

    kept = [r for r in existing if _key(r, by) not in replaced
            or (own_by is not None and _own(r) and _key(r, own_by) not in theirs)]
    return kept + text.to_dict("records"), len(existing) - len(kept)


def _text_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Every cell as the CSV will hold it, a column at a time: 12 not 12.0, blank for
    missing (a national file is half a million rows)."""
    out = {}
    for c in df.columns:
        col = df[c]
        if col.dtype == "float64":
            shown = col.map(_text, na_action="ignore")
        else:
            shown = col.astype("string")
        out[c] = shown.astype(object).where(col.notna(), "").astype(str)
    return pd.DataFrame(out, index=df.index)


def _stage(target: Path, columns: list[str], rows: list[dict[str, str]],
           staged: Staged | None) -> None:
    """Write now, or hold for import_files."""
    if staged is None:
        _write(target, columns, rows)
    else:
        staged[target] = (columns, rows)


# Each row read from the target keeps its row number under this key (never a header:
# headers are normalised), so a message can name it; only the columns are written.
ROW = " row"


def _read_existing(target: Path, staged: Staged | None = None
                   ) -> tuple[list[dict[str, str]], list[str]]:
    """The target file as text rows keyed by normalised header (nothing reinterpreted),
    each with its row number under ROW; what an earlier file of the same import holds
    for it, if any."""
    if staged is not None and target in staged:
        columns, rows = staged[target]
        return list(rows), list(columns)
    if not target.exists():
        return [], []
    text, problems = decode_csv_bytes(target.read_bytes(), target.name)
    table, more = (None, []) if text is None else read_csv_text(
        Source(target.stem, target), text)
    errors = [p for p in problems + more if p.severity == "error"]
    if table is None or errors:
        raise DataError(errors or [Problem(target.name, "cannot be read")])
    rows = table.frame.to_dict("records")
    for n, r in zip(table.frame.index, rows, strict=True):
        r[ROW] = str(n)
    return rows, list(table.frame.columns)


def _write(target: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    with replacing(target) as f:
        w = csv.writer(f)
        w.writerow(columns)
        w.writerows([r.get(c, "") for c in columns] for r in rows)
