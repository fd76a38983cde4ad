"""A batch worker reads the store once; the report kernels it forks start from that copy,
and a rebuilt store is never served from the old one."""

import os
from unittest import mock

from drops import make_trust, write_drop

from govkit.data import store as store_mod
from govkit.data.store import build_store, file_key, open_store, store_meta
from govkit.plan import measures


def _store(tmp_path):
    drop = write_drop(tmp_path / "drop")
    return build_store(drop, make_trust(), tmp_path / "govkit.duckdb")


def test_tables_start_from_the_workers_preloaded_frames(tmp_path):
    path = _store(tmp_path)
    fresh = measures.Tables(open_store(path))
    measures._SHARED_FRAMES.clear()
    measures.preload_tables(str(path))
    shared = next(iter(measures._SHARED_FRAMES.values()))
    con = open_store(path)
    with mock.patch.object(measures, "_read_frames", side_effect=AssertionError("read")):
        tables = measures.Tables(con)
    assert set(tables.frames) == set(fresh.frames)
    for name, df in fresh.frames.items():
        assert tables.frames[name] is shared[name]
        assert tables.frames[name].equals(df), name
    assert tables.phase == fresh.phase


def test_a_rebuilt_store_is_read_again_not_served_from_the_preload(tmp_path):
    path = _store(tmp_path)
    measures._SHARED_FRAMES.clear()
    measures.preload_tables(str(path))
    old = file_key(path)
    st = os.stat(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))  # as a rebuild would
    assert file_key(path) != old
    with mock.patch.object(measures, "_read_frames", wraps=measures._read_frames) as read:
        measures.Tables(open_store(path))
    assert read.call_count == 1


def test_store_meta_is_read_once_per_store_file(tmp_path):
    path = _store(tmp_path)
    store_mod._META.clear()
    first = store_meta(path)
    assert first["drop_hash"]
    with mock.patch.object(store_mod, "open_store", side_effect=AssertionError("opened")):
        again = store_meta(path)
    assert again == first
    again["drop_hash"] = "changed by a caller"
    assert store_meta(path)["drop_hash"] == first["drop_hash"]  # callers get a copy
    st = os.stat(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    with mock.patch.object(store_mod, "open_store", wraps=store_mod.open_store) as opened:
        assert store_meta(path) == first
    assert opened.call_count == 1


def test_kernels_start_from_the_workers_evaluation_and_get_the_same_figures(tmp_path):
    from pathlib import Path

    from govkit.batch.warm import WarmState
    from govkit.plan import evaluate
    from govkit.plan.params import load_params

    root = Path(__file__).resolve().parents[1]
    params = root / "params"
    trust, plan = load_params(params)
    path = build_store(root / "data" / "demo", trust, tmp_path / "govkit.duckdb")
    term, urn = trust.latest_term, trust.urns[2]
    cold = evaluate.Evaluator(trust, plan, open_store(path), params / "commentary")
    expected = {u: cold.kpis(term, u) for u in (None, urn)}
    evaluate._SHARED.clear()
    WarmState().warm({"store_path": str(path), "params_dir": str(params), "term": term})
    (warm,) = evaluate._SHARED
    assert warm.con is None  # nothing a forked kernel could inherit a handle from
    ev = evaluate.Evaluator(trust, plan, open_store(path), params / "commentary")
    assert ev.tables is warm.tables and len(ev._kpis) == len(warm._kpis) > 2 * len(trust.urns)
    with mock.patch.object(evaluate.Evaluator, "_evaluate", side_effect=AssertionError):
        for u, frame in expected.items():  # already worked out: not evaluated again
            assert ev.kpis(term, u).equals(frame)
    # another plan (or trust, store, commentary) is never served the worker's results
    other = plan.model_copy(update={"name": plan.name + " (draft)"})
    assert evaluate.Evaluator(trust, other, open_store(path), params / "commentary")._kpis == {}
    evaluate._SHARED.clear()
