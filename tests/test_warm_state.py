"""A batch worker reads and evaluates once; the report kernels it forks are handed that warm
state and start from it. Below the batch nothing is kept between calls: an edited
trust.yaml or a rebuilt store is read again at once."""

import os
import shutil
from pathlib import Path
from unittest import mock

import pytest
from drops import make_trust, write_drop

from govkit.batch.warm import WarmState, hand_down
from govkit.data import store as store_mod
from govkit.data.store import build_store, open_store, store_meta
from govkit.plan import evaluate, measures
from govkit.plan.params import load_params
from govkit.reports import context

ROOT = Path(__file__).resolve().parents[1]


def _store(tmp_path):
    drop = write_drop(tmp_path / "drop")
    return build_store(drop, make_trust(), tmp_path / "govkit.duckdb")


def _touch(path, seconds=1):
    """Move a file's modification time on, as a rebuild (or an edit) would."""
    st = os.stat(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + seconds * 10**9))


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo's params copied (so a test may edit them) and its store."""
    home = tmp_path_factory.mktemp("warm")
    params = home / "params"
    shutil.copytree(ROOT / "params", params, symlinks=False,
                    ignore=shutil.ignore_patterns("examples"))
    trust, _ = load_params(params)
    return params, build_store(ROOT / "data" / "demo", trust, home / "govkit.duckdb")


def test_tables_start_from_frames_already_read(tmp_path):
    path = _store(tmp_path)
    with open_store(path) as con:
        fresh = measures.Tables(con)
    with mock.patch.object(measures, "_read_frames", side_effect=AssertionError("read")):
        tables = measures.Tables(None, fresh.frames)
    assert set(tables.frames) == set(fresh.frames)
    assert all(tables.frames[n] is df for n, df in fresh.frames.items())
    assert tables.phase == fresh.phase == {100001: "primary", 100002: "primary"}


def test_the_store_meta_is_read_once_per_store_file(tmp_path):
    path = _store(tmp_path)
    warm = WarmState()
    first = warm.store_meta(path)
    assert first == store_meta(path) and first["drop_hash"]
    with mock.patch.object(store_mod, "open_store", side_effect=AssertionError("opened")):
        again = warm.store_meta(path)
    assert again == first
    again["drop_hash"] = "changed by a caller"
    assert warm.store_meta(path)["drop_hash"] == first["drop_hash"]  # callers get a copy
    _touch(path)  # a rebuilt store is read again
    with mock.patch.object(store_mod, "open_store", wraps=store_mod.open_store) as opened:
        assert warm.store_meta(path) == first
    assert opened.call_count == 1


def test_kernels_start_from_the_workers_evaluation_and_get_the_same_figures(demo):
    params, path = demo
    trust, plan = load_params(params)
    term, urn = trust.latest_term, trust.urns[2]
    with open_store(path) as con:
        cold = evaluate.Evaluator(trust, plan, con, params / "commentary")
    expected = {u: cold.kpis(term, u) for u in (None, urn)}
    worker = WarmState()
    warm = worker.warm({"store_path": str(path), "params_dir": str(params), "term": term})
    assert warm is worker.evaluator is not None
    with open_store(path) as con:
        ev = evaluate.Evaluator(trust, plan, con, params / "commentary", warm)
    assert ev.tables is warm.tables and len(ev._kpis) == len(warm._kpis) > 2 * len(trust.urns)
    with mock.patch.object(evaluate.Evaluator, "_evaluate", side_effect=AssertionError):
        for u, frame in expected.items():  # already worked out: not evaluated again
            assert ev.kpis(term, u).equals(frame)
    # another plan is lent the tables (same store), never the worker's results
    other = plan.model_copy(update={"name": plan.name + " (draft)"})
    with open_store(path) as con, \
            mock.patch.object(measures, "_read_frames", side_effect=AssertionError("read")):
        draft = evaluate.Evaluator(trust, other, con, params / "commentary", warm)
    assert draft._kpis == {} and draft.tables is not warm.tables
    assert draft.tables.frames["census"] is warm.tables.frames["census"]


def test_a_rebuilt_store_is_read_again_not_lent_the_workers_tables(tmp_path):
    path = _store(tmp_path)
    trust = make_trust()
    plan = load_params(ROOT / "params")[1]
    with open_store(path) as con:
        warm = evaluate.Evaluator(trust, plan, con)
    _touch(path)
    with open_store(path) as con, \
            mock.patch.object(measures, "_read_frames", wraps=measures._read_frames) as read:
        ev = evaluate.Evaluator(trust, plan, con, None, warm)
    assert read.call_count == 1 and ev.tables is not warm.tables


def test_open_report_starts_from_what_its_kernel_was_handed(demo):
    """As a kernel forked from a batch worker: the warm state is in its namespace, and the
    report opens without parsing YAML, reading the meta row or the tables again."""
    from IPython.core.interactiveshell import InteractiveShell

    params, path = demo
    trust, _ = load_params(params)
    args = {"params_dir": params, "data_dir": ROOT / "data" / "demo", "store_path": path,
            "term": trust.latest_term, "urn": trust.urns[0]}
    cold = context.open_report(**args)
    worker = WarmState()
    worker.warm({"store_path": str(path), "params_dir": str(params),
                 "term": trust.latest_term})
    shell = InteractiveShell.instance()
    try:
        hand_down(shell.user_ns, worker)
        assert context.handed_down() is worker
        with mock.patch("govkit.plan.params.load_trust", side_effect=AssertionError("yaml")), \
                mock.patch.object(store_mod, "read_table", side_effect=AssertionError("meta")), \
                mock.patch.object(measures, "_read_frames", side_effect=AssertionError("read")):
            ctx = context.open_report(**args)
        assert ctx.ev.tables is worker.evaluator.tables
        assert context.kpis(ctx).equals(context.kpis(cold))
    finally:
        shell.user_ns.pop(context.WARM_NAME, None)
        InteractiveShell.clear_instance()
    assert context.handed_down() is None
