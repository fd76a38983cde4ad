"""What a batch worker shares between its reports, built in one place for both executors.

The warm state (``WarmState``, one per worker process: ``WORKER``): the trust's params,
the store's meta row and tables and the term's evaluation, worked out once in the worker
before it forks its reports' kernels. Each kernel is handed it in its namespace
(``WARM_NAME``, as papermill hands it parameters) and ``open_report`` starts from it; the
worker's job reads its reports' headline ratings from it. Nothing below the batch keeps
the trust's data between calls: only what a batch process holds here.

The processes that hold it are made by govkit.batch.pool.
"""

from __future__ import annotations

import contextlib
import copy
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govkit.plan.config import Plan, Trust

if TYPE_CHECKING:
    from govkit.plan.evaluate import Evaluator


class WarmState:
    """What this worker has read and worked out for its kernels: trust.yaml and the plan
    (by their bytes), the store's meta row (by the store file's identity) and the
    Evaluator of the term. The one process-wide cache of the trust's data: data/ and plan/
    keep none. A kernel forked from the worker is handed it (govkit.batch.forkkernel) and
    gives it to ``govkit.reports.context.open_report``."""

    def __init__(self) -> None:
        self.key: tuple[Any, ...] | None = None
        self.evaluator: Evaluator | None = None
        self._params: dict[str, tuple[bytes, bytes, Trust, Plan]] = {}
        self._meta: tuple[tuple[str, int, int], dict[str, object]] | None = None

    def clear(self) -> None:
        self.key, self.evaluator, self._meta = None, None, None
        self._params.clear()

    def params(self, params_dir: str | Path) -> tuple[Trust, Plan]:
        """trust.yaml and its plan as ``load_params`` reads them, parsed once while their
        bytes stay the same (25-30 ms of YAML a report, more with more schools; a
        modification time can stay the same over two quick edits). Each call gets its
        own copies: a report may change them without touching another's."""
        from govkit.plan.params import load_params

        params_dir = Path(params_dir)
        where = os.path.realpath(params_dir / "trust.yaml")
        held = self._params.get(where)
        if held is not None and held[0] == _bytes(params_dir / "trust.yaml") \
                and held[1] == _bytes(params_dir / held[2].plan):
            return copy.deepcopy(held[2]), copy.deepcopy(held[3])
        trust_bytes = _bytes(params_dir / "trust.yaml")
        trust, plan = load_params(params_dir)
        plan_bytes = _bytes(params_dir / trust.plan)
        if trust_bytes is not None and plan_bytes is not None:
            self._params = {where: (trust_bytes, plan_bytes, copy.deepcopy(trust),
                                    copy.deepcopy(plan))}
        return trust, plan

    def store_meta(self, store_path: str | Path) -> dict[str, object]:
        """The store's meta row as ``store_meta`` reads it, read once per store file (a
        rebuilt store is read again): a kernel checking the store is fresh does not open
        DuckDB for it."""
        from govkit.data.store import file_key, store_meta

        key = file_key(store_path)
        if key is not None and self._meta is not None and self._meta[0] == key:
            return dict(self._meta[1])
        meta = store_meta(store_path)
        if key is not None and key == file_key(store_path):  # not rebuilt while read
            self._meta = (key, meta)
        return dict(meta)

    def warm(self, parameters: Mapping[str, Any]) -> Evaluator | None:
        """Once per worker (and again only if the store is rebuilt): read the store's meta
        row and tables, and evaluate the term's KPIs for the trust and every school, here,
        so every kernel forked from this worker starts with them in memory: no report
        opens DuckDB to read every table, or works out a KPI another report of the batch
        needed too. Only pandas frames and results are kept; the connection is closed
        before any fork. A kernel whose inputs differ (another trust or plan) is lent the
        tables alone; another store, nothing.

        Returns the worker's Evaluator (its reports' headline ratings come from it), or
        None if the store could not be read here (the kernel then reports why).
        """
        from govkit.data.store import file_key, open_store
        from govkit.plan.evaluate import Evaluator

        store_path = str(parameters["store_path"])
        with contextlib.suppress(Exception):
            self.store_meta(store_path)
            key = (file_key(store_path), parameters["params_dir"], parameters["term"])
            if self.key == key:
                return self.evaluator
            params_dir = Path(parameters["params_dir"])
            trust, plan = self.params(params_dir)
            with open_store(store_path) as con:
                ev = Evaluator(trust, plan, con, params_dir / "commentary")
            for urn in [None, *trust.urns]:
                for audience in ("board", "public") if urn else ("board",):
                    ev.kpis(parameters["term"], urn, None, audience)
            warm_board_summary(ev, parameters["term"])
            self.key, self.evaluator = key, ev
            return ev
        return None


def _bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def warm_board_summary(ev: Evaluator, term: str) -> None:
    """What every board summary reads besides the term's KPIs: each place's KPIs at the
    last meeting, and the triggers of each term back to the first (for 'since when')."""
    from govkit.plan.since import last_meeting
    from govkit.terms import parse_term

    then = last_meeting(ev.trust, term)
    if then is not None:
        for urn in [None, *ev.trust.urns]:
            ev.results(then, urn)
    for t in ev.trust.terms:
        if parse_term(t) <= parse_term(term):
            ev.triggers(t)


def hand_down(user_ns: dict[str, Any], state: WarmState | None = None) -> None:
    """Give a kernel forked from this worker the worker's warm state (``state``: this
    process's, ``WORKER``), in its namespace (as papermill gives it parameters): the
    report's ``open_report`` starts from it."""
    from govkit.reports.context import WARM_NAME

    user_ns[WARM_NAME] = state if state is not None else WORKER


#: this worker process's warm state (a local pool's worker, or a Dask worker's pool's)
WORKER = WarmState()
