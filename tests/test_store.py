import os

import pytest
from drops import CENSUS_LINES_BAD, URN_A, make_trust, write_drop
from typer.testing import CliRunner

from govkit.cli import app
from govkit.data.store import build_store, drop_hash, ensure_store, open_store, read_table
from govkit.errors import DataError


def test_build_store_tables_types_and_meta(tmp_path):
    drop = write_drop(tmp_path / "drop")
    path = build_store(drop, make_trust(), tmp_path / "out" / "govkit.duckdb")
    con = open_store(path)
    try:
        types = dict(con.execute("SELECT column_name, data_type FROM information_schema.columns "
                                 "WHERE table_name = 'schools'").fetchall())
        assert types == {"urn": "BIGINT", "name": "VARCHAR", "phase": "VARCHAR",
                         "capacity": "BIGINT", "local_authority": "VARCHAR",
                         "joined_trust": "DATE"}
        census = read_table(con, "census")
        # 200 + 1000 pupils on roll in the two rows of the good drop
        assert int(census["pupils_on_roll"].sum()) == 1200
        assert str(census["urn"].dtype) == "Int64"
        assert read_table(con, "behaviour").empty  # optional domain: empty, with columns
        assert "suspensions" in read_table(con, "behaviour").columns
        meta = read_table(con, "meta").iloc[0]
        assert meta["drop_hash"] == drop_hash(drop)
        assert meta["data_dir"] == str(drop.resolve())
        with pytest.raises(Exception, match="read-only"):
            con.execute("DELETE FROM census")
    finally:
        con.close()
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["govkit.duckdb"]


def test_failed_rebuild_leaves_previous_store_untouched(tmp_path):
    drop = write_drop(tmp_path / "drop")
    store = build_store(drop, make_trust(), tmp_path / "govkit.duckdb")
    before = store.read_bytes()
    (drop / "census.csv").write_text("\n".join(CENSUS_LINES_BAD) + "\n")
    with pytest.raises(DataError):
        build_store(drop, make_trust(), store)
    assert store.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["drop", "govkit.duckdb"]


def test_drop_hash_follows_content_not_time(tmp_path):
    a = write_drop(tmp_path / "a")
    b = write_drop(tmp_path / "b")
    assert drop_hash(a) == drop_hash(b)
    os.utime(b / "census.csv", (1, 1))
    assert drop_hash(a) == drop_hash(b)
    (b / "census.csv").write_text((b / "census.csv").read_text().replace("200,50", "201,50"))
    assert drop_hash(a) != drop_hash(b)


def test_ensure_store_rebuilds_only_when_inputs_are_newer(tmp_path):
    params = tmp_path / "params"
    params.mkdir()
    (params / "trust.yaml").write_text(
        "name: Test Trust\nterms: [2023-24-summer, 2024-25-autumn, 2024-25-spring, "
        "2024-25-summer]\nschools:\n"
        f"  - {{urn: {URN_A}, name: Oak, phase: primary}}\n"
        "  - {urn: 100002, name: Elm, phase: primary}\n")
    drop = write_drop(tmp_path / "drop")
    store = tmp_path / "out" / "govkit.duckdb"
    assert ensure_store(params, drop, store) == store.resolve()
    os.utime(store, (2_000_000_000, 2_000_000_000))  # store newer than every input
    first = store.stat().st_mtime
    ensure_store(params, drop, store)
    assert store.stat().st_mtime == first  # nothing changed: not rebuilt
    os.utime(drop / "census.csv", (2_000_000_100, 2_000_000_100))  # the drop is newer
    ensure_store(params, drop, store)
    assert store.stat().st_mtime != first


def test_build_store_command(tmp_path):
    params = tmp_path / "params"
    params.mkdir()
    (params / "trust.yaml").write_text(
        "name: Test Trust\nterms: [2024-25-autumn]\nschools:\n"
        f"  - {{urn: {URN_A}, name: Oak, phase: primary}}\n"
        "  - {urn: 100002, name: Elm, phase: primary}\n")
    drop = write_drop(tmp_path / "drop")
    store = tmp_path / "s.duckdb"
    args = ["build-store", "--data", str(drop), "--params", str(params), "--store", str(store)]
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 0, r.output
    assert store.is_file()
    (drop / "census.csv").write_text("\n".join(CENSUS_LINES_BAD) + "\n")
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 2
    assert "census.csv:2:pupils_on_roll: '53%' is a percentage" in r.output


def test_store_from_another_contract_or_folder_is_stale(tmp_path):
    import duckdb

    from govkit.data.store import is_stale

    drop = write_drop(tmp_path / "drop")
    store = build_store(drop, make_trust(), tmp_path / "govkit.duckdb")
    assert not is_stale(store, drop)
    assert is_stale(store, write_drop(tmp_path / "other"))  # same files, another folder
    con = duckdb.connect(str(store))
    con.execute("UPDATE meta SET contract = 'older'")
    con.close()
    assert is_stale(store, drop)


def _ensure(args):
    from govkit.data.store import ensure_store, store_meta

    path = ensure_store(*args)
    # a second build would os.replace the file: a new inode for the workers after it
    return path.stat().st_ino, str(store_meta(path)["built_at"])


def test_parallel_ensure_store_builds_once(tmp_path):
    import multiprocessing

    params = tmp_path / "params"
    params.mkdir()
    (params / "trust.yaml").write_text(
        "name: T\nterms: [2024-25-autumn]\nschools:\n"
        f"  - {{urn: {URN_A}, name: Oak, phase: primary}}\n"
        "  - {urn: 100002, name: Elm, phase: primary}\n")
    drop = write_drop(tmp_path / "drop")
    args = (params, drop, tmp_path / "out" / "s.duckdb")
    with multiprocessing.get_context("fork").Pool(3) as pool:
        built = pool.map(_ensure, [args] * 6)
    assert len(set(built)) == 1  # every worker read the one store that was built
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["s.duckdb", "s.duckdb.lock"]
