"""The store: one embedded DuckDB file the notebooks read, rebuilt from a validated drop.

Built to a temporary file beside the target and moved into place with
os.replace, so a drop that fails validation (or a crash half-way) leaves the
previous store exactly as it was, and a reader never sees a half-built file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pandas as pd

import govkit
from govkit.config import Plan, Trust, load_plan, load_trust
from govkit.data.contract import DOMAINS, Domain
from govkit.data.readers import find_sources
from govkit.data.validate import load_drop, pandas_dtype
from govkit.errors import ConfigError, OutputError
from govkit.files import temp_path

META = "meta"
_SQL_TYPES = {"Int64": "BIGINT", "float64": "DOUBLE", "str": "VARCHAR", "boolean": "BOOLEAN",
              "datetime64[ns]": "DATE"}


def sql_type(dtype: str) -> str:
    """DuckDB type of a contract column dtype."""
    return _SQL_TYPES[dtype]


def _data_files(data_dir: Path) -> list[Path]:
    sources, _ = find_sources(data_dir)
    return sorted({s.path for s in sources.values()})


def drop_hash(data_dir: str | Path) -> str:
    """SHA-256 over the drop's data files (names and bytes): same drop, same hash."""
    h = hashlib.sha256()
    for path in _data_files(Path(data_dir)):
        h.update(path.name.encode() + b"\0")
        h.update(_file_digest(path))
    return h.hexdigest()


def _file_digest(path: Path) -> bytes:
    """SHA-256 of a file read in chunks (memory stays small whatever its size); a device
    or pipe planted in the drop is not read (validate says what it is)."""
    import stat

    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return b"not a regular file"
        with path.open("rb") as f:
            return hashlib.file_digest(f, "sha256").digest()
    except OSError as e:
        return f"unreadable: {e.strerror}".encode()


def contract_signature() -> str:
    """Short hash of every table's columns and types: a store built to another contract
    (or by another govkit version) is rebuilt rather than read wrongly."""
    text = ";".join(f"{d.name}:" + ",".join(f"{n} {pandas_dtype(c)}"
                                            for n, c in d.schema.columns.items())
                    for d in DOMAINS.values())
    return hashlib.sha256(f"{govkit.__version__}|{text}".encode()).hexdigest()[:16]


def _create(con: duckdb.DuckDBPyConnection, domain: Domain, frame: pd.DataFrame) -> None:
    cols = domain.schema.columns
    ddl = ", ".join(f'"{n}" {sql_type(pandas_dtype(c))}' for n, c in cols.items())
    con.execute(f'CREATE TABLE "{domain.name}" ({ddl})')
    if len(frame):
        df = frame[list(cols)].copy()
        for n, c in cols.items():  # hand DuckDB plain object columns it cannot misread
            if pandas_dtype(c) == "str":
                df[n] = df[n].astype(object).where(df[n].notna(), None)
        con.register("incoming", df)
        select = ", ".join(f'CAST("{n}" AS {sql_type(pandas_dtype(c))})'
                           for n, c in cols.items())
        con.execute(f'INSERT INTO "{domain.name}" SELECT {select} FROM incoming')
        con.unregister("incoming")


def build_store(data_dir: str | Path, trust: Trust, store_path: str | Path,
                plan: Plan | None = None, plan_file: str | Path = "params/plan.yaml"
                ) -> Path:
    """Validate the drop (against the plan too, if given) and (re)build the store
    atomically; DataError leaves the old one."""
    data_dir, store_path = Path(data_dir).resolve(), Path(store_path).resolve()
    _duckdb_can_open(store_path)
    # raises DataError before anything is written
    frames = load_drop(data_dir, trust, plan, str(plan_file))
    try:
        return _write_store(data_dir, trust, store_path, frames)
    except (duckdb.Error, OSError) as e:  # a full disk, no permission: one line, old store kept
        raise OutputError.writing(store_path, e, "the previous store, if any, is kept") \
            from None


def _duckdb_can_open(path: Path) -> None:
    """DuckDB takes a backslash in a path for a folder separator (out\\x is out/x): say
    so, naming the path, rather than fail at the write."""
    if "\\" in str(path):
        raise ConfigError(f"{path}: the store's path holds a backslash (\\), which DuckDB "
                          "reads as a folder separator: give --out (or --store) a folder "
                          "without one")


def _write_store(data_dir: Path, trust: Trust, store_path: Path,
                 frames: dict[str, pd.DataFrame]) -> Path:
    store_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(store_path)  # DuckDB writes it; renamed into place when whole
    try:
        con = duckdb.connect(str(tmp))
        try:
            for name, domain in DOMAINS.items():
                _create(con, domain, frames[name])
            con.execute(f"CREATE TABLE {META} (built_at TIMESTAMP, data_dir VARCHAR, "
                        "govkit_version VARCHAR, drop_hash VARCHAR, trust VARCHAR, "
                        "contract VARCHAR)")
            con.execute(f"INSERT INTO {META} VALUES (?, ?, ?, ?, ?, ?)",
                        [dt.datetime.now().replace(microsecond=0), str(data_dir),
                         govkit.__version__, drop_hash(data_dir), trust.name,
                         contract_signature()])
            con.execute("CHECKPOINT")
        finally:
            with contextlib.suppress(duckdb.Error):  # after a fatal error close fails too
                con.close()
        os.replace(tmp, store_path)
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            leftover.unlink(missing_ok=True)
    return store_path


def open_store(path: str | Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the store (several notebooks may read at once).

    Close it as soon as its tables are read (``with open_store(p) as con:``): DuckDB hands
    a later connect() the database it still has open for a path, even after the file there
    was replaced by a rebuild, so a connection kept open would serve the old store to the
    next reader in this process. Nothing in govkit keeps one (an Evaluator reads every
    table when it is made)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no store here; run `govkit build-store`")
    real = Path(os.path.realpath(path))
    _duckdb_can_open(real)
    return duckdb.connect(str(real), read_only=True)


def read_table(con: duckdb.DuckDBPyConnection, name: str) -> pd.DataFrame:
    """A domain's rows with the contract's pandas dtypes (or the meta table)."""
    if name == META:
        return con.execute(f"SELECT * FROM {META}").df()
    if name not in DOMAINS:
        raise KeyError(f"no table '{name}' in the store; tables: {', '.join(DOMAINS)}")
    df = con.execute(f'SELECT * FROM "{name}"').df()
    for n, c in DOMAINS[name].schema.columns.items():
        df[n] = df[n].astype(pandas_dtype(c))
    return df


def file_key(path: str | Path | None) -> tuple[str, int, int] | None:
    """A file as it is now: real path, modification time, size (a rebuilt store is a new
    key); None if there is no such file."""
    if not path:
        return None
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (os.path.realpath(path), st.st_mtime_ns, st.st_size)


def store_meta(path: str | Path) -> dict[str, object]:
    """The store's meta row (built_at, data_dir, govkit_version, drop_hash, trust, contract)."""
    with open_store(path) as con:
        row = read_table(con, META)
    return row.iloc[0].to_dict() if len(row) else {}


MetaReader = Callable[[Path], dict[str, object]]  # store_meta, or a batch worker's copy


def is_stale(store_path: Path, data_dir: Path, trust_file: Path | None = None,
             read_meta: MetaReader = store_meta, plan_file: Path | None = None) -> bool:
    """Missing, built from another folder or contract, or older than a data file,
    trust.yaml or the plan (the drop's actions are checked against it)."""
    if not store_path.is_file():
        return True
    try:
        meta = read_meta(store_path)
    except (duckdb.Error, FileNotFoundError):
        return True
    if meta.get("data_dir") != str(data_dir.resolve()) \
            or meta.get("contract") != contract_signature():
        return True
    built = store_path.stat().st_mtime
    inputs = _data_files(data_dir) + [f for f in (trust_file, plan_file) if f]
    return any(p.stat().st_mtime > built for p in inputs if p.exists())


def rebuild_reason(store_path: Path, data_dir: Path, trust_file: Path | None = None,
                   read_meta: MetaReader = store_meta, plan_file: Path | None = None
                   ) -> str | None:
    """Why the store must be (re)built from ``data_dir``, in words, or None if it is fresh."""
    if not is_stale(store_path, data_dir, trust_file, read_meta, plan_file):
        return None
    try:
        meta = read_meta(store_path) if store_path.is_file() else {}
    except (duckdb.Error, FileNotFoundError):
        meta = {}
    source = meta.get("data_dir")
    if not source:
        return f"building {store_path} from {data_dir}"
    if source != str(data_dir.resolve()):
        return (f"{store_path} was built from {source}; rebuilding it from {data_dir}, "
                "the data folder configured now")
    changed = "trust.yaml or the plan" if plan_file else "trust.yaml"
    return f"rebuilding {store_path}: {data_dir} or {changed} changed since it was built"


def ensure_store(params_dir: str | Path | None = None, data_dir: str | Path | None = None,
                 store_path: str | Path | None = None,
                 notify: Callable[[str], object] | None = None,
                 read_meta: MetaReader = store_meta, trust: Trust | None = None,
                 plan: Plan | None = None) -> Path:
    """The store path, (re)built first if missing, built from another folder, or older than
    the drop, trust.yaml or the plan; ``notify`` hears why (a notebook prints it: never
    silent). ``read_meta`` reads the store's meta row (a batch worker's kernels are given
    the worker's copy: govkit.batch.warm); ``trust`` and ``plan``, if the caller has
    them, save reading them again."""
    from govkit import paths

    params = paths.params_dir(params_dir)
    trust_file = params / "trust.yaml"
    trust = trust if trust is not None else load_trust(trust_file)
    if data_dir is None:
        data_dir = paths.data_dir(None, trust.data, params)
    data, store = paths.data_dir(data_dir), paths.store_path(store_path)
    plan_file = params / trust.plan if (params / trust.plan).is_file() else None
    if is_stale(store, data, trust_file, read_meta, plan_file):
        with _build_lock(store):  # parallel notebooks: one builds, the others then reuse it
            reason = rebuild_reason(store, data, trust_file, read_meta, plan_file)
            if reason:
                if notify is not None:
                    notify(reason)
                if plan is None and plan_file is not None:
                    plan = load_plan(plan_file)
                build_store(data, trust, store, plan,
                            plan_file or "params/plan.yaml")
    return store


@contextlib.contextmanager
def _build_lock(store: Path) -> Iterator[None]:
    """An exclusive lock on <store>.lock while building (a no-op where fcntl is missing)."""
    store.parent.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: atomic replace still keeps readers safe
        yield
        return
    with open(store.with_name(store.name + ".lock"), "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)
