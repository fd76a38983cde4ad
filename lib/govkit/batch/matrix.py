"""Which reports a term needs: schools x reports from the trust and its plan.

Per school: its ``board_summary`` (the first page of its board pack), a ``priority``
report for each priority of the plan, the deep dive the
priority names (once per school even if two priorities name it) and a
``report_card``. At trust level: the ``trust_overview`` and a trust-wide
``priority`` per priority.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict

from govkit.errors import ConfigError
from govkit.plan.config import Plan, Trust

TRUST = "trust"  # folder and row name of trust-level reports
REPORTS = ("trust_overview", "board_summary", "priority", "education", "workforce", "finance",
           "governance", "report_card")
# notebooks/ that are not reports: a leader's workbench, never built by the batch
WORKBOOKS = ("explore",)


class JobSpec(TypedDict):
    """One report as a worker receives it (govkit.batch.worker.run_job): plain values, so
    a worker process or a Dask worker unpickles it without the main process's objects."""

    key: str  # "<folder>/<report>", the manifest's key
    notebook: str  # the notebook to run, an absolute path
    parameters: dict[str, Any]  # papermill's, as the notebook's parameters cell names them
    html: str  # the page to write
    failed: str  # where a failed run's notebook is kept
    work: str  # the running notebook, in the term's working folder
    title: str
    index_href: str | None  # None on a public page: it never links to the board's pages
    audience: str
    timeout: float  # seconds
    fork: bool  # a forked kernel (govkit.batch.forkkernel) or a new process
    max_output: int  # bytes of printed text allowed


@dataclass(frozen=True)
class Job:
    """One report to produce: a notebook, its parameters, and where its HTML goes."""

    notebook: str  # name in notebooks/, without .ipynb
    term: str
    urn: int | None  # None: the whole trust
    priority: str | None = None
    audience: str = "board"
    title: str = ""
    parameters: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def folder(self) -> str:
        return TRUST if self.urn is None else str(self.urn)

    @property
    def report(self) -> str:
        """The report's name in the grid and the file name: priority-<id> or the notebook."""
        return f"priority-{self.priority}" if self.priority else self.notebook

    @property
    def key(self) -> str:
        """Unique within a term: '<folder>/<report>'."""
        return f"{self.folder}/{self.report}"

    def html_path(self, out_dir: Path) -> Path:
        return out_dir / self.term / self.folder / f"{self.report}.html"

    def work_path(self, out_dir: Path) -> Path:
        """Where the report's working files go while it runs (its executing notebook, its
        page before it is renamed into place): outputs/.work/<term>/<folder>/<report>,
        outside the published folder."""
        return work_dir(out_dir, self.term) / self.folder / self.report

    def failed_path(self, out_dir: Path) -> Path:
        """A failed run's executed notebook (tracebacks, paths): apart from what is
        published, under outputs/<term>/_failed/, and never linked from the index."""
        return failed_path(out_dir / self.term, f"{self.folder}/{self.report}.html")


FAILED = "_failed"  # outputs/<term>/_failed/: failed notebooks, never published
WORK = ".work"  # outputs/.work/<term>/: a run's working files, never published


def work_dir(out_dir: Path, term: str) -> Path:
    """A term's working folder: beside the published term folders (the same file system,
    so a page is renamed into place), emptied when a run of the term starts."""
    return out_dir / WORK / term


def failed_path(term_dir: Path, output: str) -> Path:
    """Where the failed notebook of the report at ``output`` (relative HTML path) is kept."""
    return term_dir / FAILED / Path(output).with_suffix(".failed.ipynb")


def _title(notebook: str, priority_title: str | None, where: str) -> str:
    names = {"trust_overview": "Trust overview", "report_card": "School report card",
             "board_summary": "Board summary",
             "education": "Education deep dive", "workforce": "Workforce deep dive",
             "finance": "Finance deep dive", "governance": "Governance deep dive"}
    what = f"Priority: {priority_title}" if priority_title else names.get(notebook, notebook)
    return f"{what} — {where}"


def build_matrix(trust: Trust, plan: Plan, term: str, params_dir: Path, data_dir: Path,
                 store_path: Path, schools: list[int] | None = None,
                 reports: list[str] | None = None) -> list[Job]:
    """Every report for ``term``, trust level first; ``schools``/``reports`` narrow it.

    ``reports`` names notebooks (``priority``, ``education``...) or single priority
    reports (``priority-<id>``); ``schools`` keeps those schools and drops trust level.
    """
    if term not in trust.terms:
        raise ConfigError(f"term '{term}' is not one of the trust's terms: "
                          + ", ".join(trust.terms))
    known_urns = set(trust.urns)
    for urn in schools or []:
        if urn not in known_urns:
            raise ConfigError(f"URN {urn} is not a school of {trust.name}")
    known_reports = set(REPORTS) | {f"priority-{p.id}" for p in plan.priorities}
    for r in reports or []:
        if r not in known_reports:
            raise ConfigError(f"no report '{r}'; choose from: " + ", ".join(sorted(known_reports)))

    base = {"params_dir": str(Path(params_dir).resolve()),
            "data_dir": str(Path(data_dir).resolve()),
            "store_path": str(Path(store_path).resolve()), "term": term}

    def job(notebook: str, urn: int | None, where: str, priority: str | None = None,
            priority_title: str | None = None) -> Job:
        audience = "public" if notebook == "report_card" else "board"
        params = {**base, "urn": urn, "audience": audience}
        if notebook == "priority":
            params["priority"] = priority
        return Job(notebook, term, urn, priority, audience,
                   _title(notebook, priority_title, where), params)

    jobs = [job("trust_overview", None, trust.name)]
    jobs += [job("priority", None, trust.name, p.id, p.title) for p in plan.priorities]
    for school in trust.schools_in(term):  # none for a school that has left the trust
        jobs.append(job("board_summary", school.urn, school.name))
        jobs += [job("priority", school.urn, school.name, p.id, p.title)
                 for p in plan.priorities]
        dives = dict.fromkeys(p.deep_dive for p in plan.priorities if p.deep_dive)
        jobs += [job(d, school.urn, school.name) for d in dives]
        jobs.append(job("report_card", school.urn, school.name))

    def wanted(j: Job) -> bool:
        if schools and j.urn not in schools:  # --school: those schools, no trust level
            return False
        return not reports or j.notebook in reports or j.report in reports

    return [j for j in jobs if wanted(j)]
