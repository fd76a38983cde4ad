"""Executors: the same batch on the local process pool and on a Dask LocalCluster gives
the same pages, and the Dask run keeps the runner's promises (manifest, skip if unchanged,
failure isolation)."""
# ruff: noqa: F811 - demo_drop is test_batch_e2e's fixture, imported for pytest to find

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from test_batch_e2e import FIXTURES, TERM, demo_drop, project  # noqa: F401

from govkit.batch.executors import EXECUTORS, DaskExecutor, LocalExecutor, get_executor
from govkit.batch.runner import run_batch
from govkit.errors import ConfigError

pytest.importorskip("distributed")


def test_registry_names_both_executors_and_refuses_an_unknown_one():
    assert EXECUTORS["local"] is LocalExecutor and EXECUTORS["dask"] is DaskExecutor
    assert get_executor("dask") is DaskExecutor
    with pytest.raises(ConfigError, match="no executor 'spark'; choose from: dask, local"):
        get_executor("spark")


def _chart_project(tmp_path: Path, demo_drop: Path, name: str, broken: bool = False) -> Path:
    root = project(tmp_path / name, demo_drop)
    for nb in ("trust_overview", "report_card"):  # a real house chart, drawn in the kernel
        shutil.copy(FIXTURES / "chart.ipynb", root / "notebooks" / f"{nb}.ipynb")
    if broken:
        shutil.copy(FIXTURES / "broken.ipynb", root / "notebooks" / "report_card.ipynb")
    return root


def _pages(root: Path) -> dict[str, str]:
    term_dir = root / "outputs" / TERM
    return {str(p.relative_to(term_dir)): p.read_text(encoding="utf-8")
            for p in sorted(term_dir.rglob("*.html")) if p.name != "index.html"}


def test_dask_local_cluster_gives_the_local_pools_pages(tmp_path, demo_drop):
    local = _chart_project(tmp_path, demo_drop, "local")
    dask = _chart_project(tmp_path, demo_drop, "dask")
    kw = {"reports": ["trust_overview", "report_card"], "jobs": 2}
    a = run_batch(local / "params", local / "data", local / "outputs", **kw)
    b = run_batch(dask / "params", dask / "data", dask / "outputs", executor="dask", **kw)
    assert [e.status for e in a.entries] == ["ok"] * 3
    assert [e.status for e in b.entries] == ["ok"] * 3 and b.started == 3
    for root in (local, dask):  # ipykernel's warning at every kernel's start is not logged
        log = root / "outputs" / TERM / "run.log"
        assert "without encryption" not in (log.read_text() if log.exists() else "")
    pa, pb = _pages(local), _pages(dask)
    assert sorted(pa) == ["148101/report_card.html", "148114/report_card.html",
                          "trust/trust_overview.html"]
    assert sorted(pb) == sorted(pa)
    for name in pa:
        assert "data:image/svg+xml;base64," in pa[name]
        assert pb[name] == pa[name], name
    manifest = json.loads((dask / "outputs" / TERM / "manifest.json").read_text())
    assert [r["status"] for r in manifest["reports"]] == ["ok"] * 3
    assert all(set(r["timings"]) == {"kernel", "execute", "export"}
               for r in manifest["reports"])
    # nothing changed: a second Dask run starts no cluster work and skips all three
    again = run_batch(dask / "params", dask / "data", dask / "outputs", executor="dask", **kw)
    assert again.started == 0 and [e.status for e in again.entries] == ["skipped"] * 3


def test_dask_run_isolates_a_failing_report(tmp_path, demo_drop):
    root = _chart_project(tmp_path, demo_drop, "broken", broken=True)
    result = run_batch(root / "params", root / "data", root / "outputs", executor="dask",
                       reports=["trust_overview", "report_card"], jobs=2)
    status = {e.key: e.status for e in result.entries}
    assert status == {"trust/trust_overview": "ok", "148101/report_card": "failed",
                      "148114/report_card": "failed"}
    assert all(e.error for e in result.failures)
    term_dir = root / "outputs" / TERM
    assert (term_dir / "_failed" / "148101" / "report_card.failed.ipynb").is_file()
    assert not (term_dir / "148101" / "report_card.html").exists()
    assert not list(term_dir.rglob(".*.running.ipynb"))


def test_unreachable_scheduler_is_a_clear_error(tmp_path, demo_drop):
    root = _chart_project(tmp_path, demo_drop, "nowhere")
    with pytest.raises(ConfigError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        run_batch(root / "params", root / "data", root / "outputs", executor="dask",
                  scheduler="tcp://127.0.0.1:9", reports=["trust_overview"], jobs=1)


def _probe_kernels(tmp_path: Path, demo_drop: Path, name: str) -> Path:
    """A project whose report card writes, from its kernel, whether ipykernel's launcher
    started it and whether it was handed a worker's warm evaluation."""
    import nbformat

    root = _chart_project(tmp_path, demo_drop, name)
    nb = nbformat.read(FIXTURES / "chart.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(
        "import pathlib\n"
        "from govkit.reports.context import handed_down\n"
        "launched = b'ipykernel_launcher' in pathlib.Path('/proc/self/cmdline').read_bytes()\n"
        "warm = handed_down()\n"
        f"pathlib.Path({str(tmp_path)!r}, f'kernel-{{urn}}.txt')"
        ".write_text(f'{launched} {warm is not None and warm.evaluator is not None}')"))
    nbformat.write(nb, root / "notebooks" / "report_card.ipynb")
    return root


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="reads /proc")
def test_dask_workers_fork_warm_kernels_as_the_local_pool_does(tmp_path, demo_drop):
    """On a LocalCluster each report's kernel is forked from a warmed worker process (not
    started by ipykernel's launcher) and starts with the worker's evaluation in memory."""
    root = _probe_kernels(tmp_path, demo_drop, "warm")
    result = run_batch(root / "params", root / "data", root / "outputs", executor="dask",
                       reports=["report_card"], jobs=2)
    assert [e.status for e in result.entries] == ["ok"] * 2
    seen = sorted(p.read_text() for p in tmp_path.glob("kernel-*.txt"))
    assert seen == ["False True", "False True"]


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="reads /proc")
def test_a_clusters_daemonic_workers_start_each_kernel_as_a_new_process(tmp_path, demo_drop):
    """A cluster of her own whose workers are daemonic (Dask's default: they may not have
    child processes) cannot hold a warm pool: each report's kernel is started by
    ipykernel's launcher, with nothing handed down, and the pages are still written."""
    from distributed import LocalCluster

    root = _probe_kernels(tmp_path, demo_drop, "daemonic")
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=True,
                      dashboard_address=None) as cluster:
        result = run_batch(root / "params", root / "data", root / "outputs",
                           executor="dask", scheduler=cluster.scheduler_address,
                           reports=["report_card"], jobs=2)
    assert [e.status for e in result.entries] == ["ok"] * 2
    assert sorted(p.read_text() for p in tmp_path.glob("kernel-*.txt")) == \
        ["True False", "True False"]
    assert len(list((root / "outputs" / TERM).rglob("report_card.html"))) == 2
