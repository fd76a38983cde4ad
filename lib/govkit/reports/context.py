"""What a report notebook opens: the trust, plan, store and evaluated KPIs for one
school (or the trust), term and audience, checked before any data is read.
"""

from __future__ import annotations

import difflib
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pandas as pd

from govkit import paths
from govkit.config import Plan, Trust
from govkit.errors import ConfigError, GovkitError
from govkit.plan import fmt, narrative
from govkit.plan.evaluate import Evaluator
from govkit.plan.result import KpiResult, KpiRows, as_results
from govkit.reports import charts
from govkit.reports.blocks import _display, esc, headline_line, show_pyplot_figures
from govkit.terms import parse_term


def setup() -> None:
    """The chart style, a leader's own matplotlib or pandas charts shown as the report
    shows its own (SVG, alt text from the title: blocks.show_pyplot_figures), and govkit's
    own errors shown as one line in a notebook.

    Warnings stay on for a leader's own cells in Lab (the batch export drops stderr, so a
    governor never sees one: govkit.reports.for_readers.ForReaders); deprecations raised inside
    govkit itself are hidden, as she can do nothing about them.
    """
    pd.set_option("display.max_columns", 50)
    show_pyplot_figures()  # before the style: the inline backend sets some rcParams
    charts.apply_style()
    show_errors_as_one_line()
    # a deprecation inside govkit is ours to fix, not a leader's: hide only those
    for category in (DeprecationWarning, FutureWarning):
        warnings.filterwarnings("ignore", category=category, module=r"govkit\.")


def _one_line(shell: Any, etype: type, value: BaseException, tb: Any,
              tb_offset: int | None = None) -> list[str]:
    """IPython custom handler: a govkit error as its own lines, not a 20-line traceback.

    The cell still fails (papermill and nbval see an error); only the display is short.
    """
    lines = value.lines() if isinstance(value, GovkitError) else [str(value)]
    stb = [f"{etype.__name__}: {lines[0] if lines else ''}", *lines[1:]]
    shell._showtraceback(etype, value, stb)
    return stb


def show_errors_as_one_line() -> bool:
    """Register ``_one_line`` for GovkitError in the running IPython kernel (if any)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipykernel
        return False
    shell = get_ipython()
    if shell is None:
        return False
    shell.set_custom_exc((GovkitError,), _one_line)
    return True


AUDIENCE_WORDS = {"board": "for the trust board", "trust_leaders": "for trust leaders",
                  "lgb": "for the local governing body", "school_leaders": "for school leaders",
                  "public": "for parents and the community"}


# Never on a public report card, whatever a plan says: money, risk and staffing detail.
CONFIDENTIAL_MEASURES = frozenset({
    "in_year_balance", "reserves_pct_income", "staff_costs_pct_expenditure",
    "top_slice_pct_income", "spend_per_pupil", "energy_per_pupil", "high_risks",
    "overdue_actions", "compliance_met", "staff_absence_days_per_fte", "staff_turnover",
    "vacancies", "cpd_hours_per_fte", "cpd_spend_per_fte", "appraisals_completed",
    "staff_survey_agreement", "governance_attendance",
})


@dataclass
class Context:
    """What every cell of a report needs: built once by ``open_report``."""

    ev: Evaluator
    trust: Trust
    plan: Plan
    term: str
    urn: int | None
    audience: str
    params_dir: Path
    store_path: Path
    priority: str | None = None
    data_dir: Path | None = None  # the folder the store was built from

    @property
    def place(self) -> str:
        """The school's name, or the trust's for a trust-wide report."""
        return self.trust.label(self.urn) if self.urn else self.trust.name

    @property
    def terms(self) -> list[str]:
        """The trust's terms up to and including this report's term."""
        order = [parse_term(t) for t in self.trust.terms]
        return [t.id for t in order if t <= parse_term(self.term)]

    @property
    def phase(self) -> str | None:
        return self.trust.school(self.urn).phase if self.urn else None


def _urn(value: Any, trust: Trust) -> int | None:
    """A school's URN from a parameter: 148127, "148127" and 148127.0 (a spreadsheet's
    number) alike; None or "" for the whole trust."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(str(value).strip())
        if isinstance(value, bool) or not number.is_integer():
            raise ValueError
        u = int(number)
    except (ValueError, OverflowError):
        raise ConfigError(f"urn {value!r} is not a URN; give a school's 6-digit URN "
                          "or None for the whole trust") from None
    if u not in trust.urns:
        raise ConfigError(f"urn {u} is not a school of {trust.name}; its schools are "
                          + ", ".join(f"{s.urn} {s.name}" for s in trust.schools))
    return u


def _term(value: Any, trust: Trust) -> str:
    term = str(value).strip() if value is not None and str(value).strip() else trust.latest_term
    if term not in trust.terms:
        raise ConfigError(f"term {value!r} is not one of the trust's terms: "
                          + ", ".join(trust.terms))
    return term


def _audience(value: Any, trust: Trust) -> str:
    """One of the trust's audiences; anything else is refused (a typo must never fall back
    to a confidential audience's threshold)."""
    if value not in trust.audiences:
        raise ConfigError(f"audience {value!r} is not one of "
                          + ", ".join(trust.audiences))
    return str(value)


def check_parameters(trust: Trust, plan: Plan, term: Any = None, urn: Any = None,
                     audience: Any = "board", priority: Any = None
                     ) -> tuple[str, int | None, str, str | None]:
    """A notebook's parameters checked against the trust and plan, before any data is read:
    (term, urn, audience, priority id), or a ConfigError listing the valid values."""
    pid = None
    if priority is not None and str(priority).strip():
        pid = str(priority).strip()
        try:
            plan.priority(pid)
        except KeyError as e:
            raise ConfigError(str(e.args[0])) from None
    return _term(term, trust), _urn(urn, trust), _audience(audience, trust), pid


class Warm(Protocol):
    """What a batch worker read and worked out before it forked this report's kernel
    (govkit.batch.warm.WarmState): the kernel starts from it instead of reading again."""

    evaluator: Evaluator | None

    def params(self, params_dir: str | Path) -> tuple[Trust, Plan]: ...

    def store_meta(self, store_path: str | Path) -> dict[str, object]: ...


# The name a batch worker gives its warm state in the namespace of a kernel it forks (as
# papermill gives a kernel its parameters). A kernel Lab or papermill started has none.
WARM_NAME = "__govkit_warm__"


def handed_down() -> Warm | None:
    """The warm state this kernel was handed by the batch worker that forked it, if any."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipykernel
        return None
    shell = get_ipython()
    return shell.user_ns.get(WARM_NAME) if shell is not None else None


def open_report(params_dir: Any = None, data_dir: Any = None, store_path: Any = None,
                term: str | None = None, urn: Any = None, audience: str = "board",
                priority: str | None = None, warm: Warm | None = None) -> Context:
    """Set up a notebook from its parameters (None = the configured folders; see
    govkit.paths). Every parameter is checked before the store is opened or built.

    ``warm``: what a batch worker already read (default: what this kernel was handed,
    ``handed_down``); everything else is read from the files now."""
    from govkit.data.store import ensure_store, open_store, store_meta
    from govkit.plan.evaluate import Evaluator
    from govkit.plan.params import load_params

    setup()
    warm = warm if warm is not None else handed_down()
    pdir = paths.params_dir(params_dir)
    trust, plan = warm.params(pdir) if warm is not None else load_params(pdir)
    term, u, audience, pid = check_parameters(trust, plan, term, urn, audience, priority)
    ddir = paths.data_dir(data_dir, trust.data, pdir)
    spath = ensure_store(pdir, ddir, paths.store_path(store_path), notify=print,
                         read_meta=warm.store_meta if warm is not None else store_meta,
                         trust=trust, plan=plan)
    with open_store(spath) as con:
        ev = Evaluator(trust, plan, con, pdir / "commentary",
                       warm.evaluator if warm is not None else None)
    return Context(ev, trust, plan, term, u, audience, pdir, spath, pid, ddir)


# Set by the batch (govkit.batch.runner.run_job) for the kernels it starts: a leader's
# preview cell run as part of a report does nothing, or a preview would preview itself.
IN_BATCH_ENV = "GOVKIT_IN_BATCH"


if TYPE_CHECKING:
    _ConcretePath = Path
else:
    _ConcretePath = type(Path())  # PosixPath, or WindowsPath: Path itself can't be a base


class ShownPath(_ConcretePath):
    """A path already shown to the reader: as a cell's last value it adds no second
    "Out[]" line (IPython asks ``_ipython_display_`` and is told there is nothing more)."""

    def _ipython_display_(self) -> None:
        return None


def preview(ctx: Context, notebook: str | Path | None = None, report: str | None = None
            ) -> Path | None:
    """Write this notebook's page as governors get it, exactly as the batch builds it (the
    notebook as last saved: save first), under outputs/preview/, and say where.

    ``notebook``: its file (in JupyterLab, the one this kernel runs is found by itself);
    ``report``: the report it builds if its name is not the report's (e.g. "priority").
    Returns the page's path, or None (with the reason shown) if the report failed. In a
    batch run (the preview's own, or `govkit run` of her copy) it does nothing.
    """
    import subprocess
    import sys

    if os.environ.get(IN_BATCH_ENV):  # this notebook is being built: nothing on the page
        return None
    path = notebook or os.environ.get("JPY_SESSION_NAME")
    if not path:
        raise ConfigError("give the notebook to preview: context.preview(ctx, "
                          "\"notebooks/mine/priority.ipynb\")")
    path = Path(path).resolve()
    govkit = Path(sys.executable).with_name("govkit")
    args = [str(govkit) if govkit.exists() else "govkit", "preview", str(path),
            "--params", str(ctx.params_dir), "--term", ctx.term,
            "--out", str(ctx.store_path.parent / "preview")]
    args += ["--data", str(ctx.data_dir)] if ctx.data_dir else []
    args += ["--school", str(ctx.urn)] if ctx.urn else []
    args += ["--priority", ctx.priority] if ctx.priority else []
    args += ["--report", report] if report else []
    run = subprocess.run(args, capture_output=True, text=True, check=False)
    said = (run.stdout + run.stderr).strip()
    if run.returncode != 0:
        print(said)
        return None
    page = ShownPath(run.stdout.strip().splitlines()[-1])
    link = os.path.relpath(page, path.parent)
    _display({"text/html": f'<p>Preview written: <a href="{esc(link)}">{esc(page)}</a> '
                           "(opens here in JupyterLab; or open the file in a browser)</p>",
              "text/plain": f"Preview written: {page}"}, raw=True)
    return page


def title(ctx: Context, report_name: str) -> None:
    """The report's heading and a line saying whose, when and for whom."""
    from IPython.display import HTML

    who = ctx.place if ctx.urn else f"{ctx.trust.name}, all schools"
    sub = " · ".join(x for x in (who, fmt.term_label(ctx.term),
                                 AUDIENCE_WORDS.get(ctx.audience, "")) if x)
    _display(HTML(f"<h1>{esc(report_name)}</h1>"
                  f'<p class="gk-subtitle">{esc(sub)}</p>'))


def check_measure(measure_id: Any) -> str:
    """``measure_id`` if govkit has that measure, else a ConfigError naming the closest and
    listing them all (one line)."""
    from govkit.plan.measures import MEASURES

    if measure_id in MEASURES:
        return str(measure_id)
    near = difflib.get_close_matches(str(measure_id), list(MEASURES), n=1)
    hint = f" (did you mean {near[0]!r}?)" if near else ""
    raise ConfigError(f"measure {measure_id!r} is not one of govkit's measures{hint}; they "
                      "are: " + ", ".join(MEASURES))


def series(ctx: Context, measure: str, urn: Any = "same") -> pd.DataFrame:
    """A measure over the report's terms, one row per period (academic-year results once).
    An unknown measure or URN is one line listing the valid ones."""
    check_measure(measure)
    u = ctx.urn if urn == "same" else _urn(urn, ctx.trust)
    s = ctx.ev.series(measure, urn=u, terms=ctx.terms, audience=ctx.audience)
    if s is None or len(s) == 0:
        return pd.DataFrame(columns=["term", "period", "value", "status"])
    s = s.copy()
    if "period" not in s:
        s["period"] = s["term"]
    s["period"] = s["period"].fillna(s["term"])
    s = s.drop_duplicates("period", keep="last").reset_index(drop=True)
    has = s.index[s["status"] != "no_data"]
    return s.iloc[has[0]:].reset_index(drop=True) if len(has) else s  # no empty lead-in


def _kpi_for(measure: str, kpis: KpiRows | None) -> KpiResult | None:
    """The first of ``kpis`` on ``measure``, if any."""
    if kpis is None:
        return None
    return next((r for r in as_results(kpis) if r.measure == measure), None)


def _shown(values: pd.Series, statuses: pd.Series) -> list[Any]:
    """Values a chart may draw: suppressed or otherwise withheld ones become gaps."""
    return [v if s in (None, "ok") or fmt.is_missing(s) else None
            for v, s in zip(values, statuses, strict=True)]


def _measure(measure: str) -> dict[str, Any]:
    from govkit.plan.measures import MEASURES

    m = MEASURES[measure]
    return {"label": m.label, "unit": m.unit, "direction": getattr(m, "direction", "higher"),
            "kind": getattr(m, "kind", "rate")}


def current_row(ctx: Context, s: pd.DataFrame) -> dict[str, Any] | None:
    """This term's row of a series, or else its latest with a figure (results come yearly)."""
    if s.empty:
        return None
    now = s[(s["term"] == ctx.term) & (s["status"] != "no_data")] if "term" in s else s[0:0]
    if not now.empty:
        return now.iloc[-1].to_dict()
    ok = s[s["status"] == "ok"]
    return ok.iloc[-1].to_dict() if not ok.empty else s.iloc[-1].to_dict()


def kpis(ctx: Context, urn: Any = "same", priority: str | None = None) -> pd.DataFrame:
    """``Evaluator.kpis`` for this report's term, place and audience."""
    u = ctx.urn if urn == "same" else _urn(urn, ctx.trust)
    return ctx.ev.kpis(ctx.term, urn=u, priority=priority, audience=ctx.audience)


def results(ctx: Context, urn: Any = "same", priority: str | None = None) -> list[KpiResult]:
    """``Evaluator.results`` for this report's term, place and audience: what ``kpis``
    is a table of, as the typed results the renderers read."""
    u = ctx.urn if urn == "same" else _urn(urn, ctx.trust)
    return ctx.ev.results(ctx.term, urn=u, priority=priority, audience=ctx.audience)


def priority_summary(ctx: Context, rows: KpiRows) -> str:
    """A priority's paragraph (``narrative.priority_summary``) and, where it rates the
    in-year balance, the schools here whose deficit is larger than their reserves: a
    trust total in surplus never hides a school that cannot pay its way."""
    rows = as_results(rows)
    text = narrative.priority_summary(rows)
    if ctx.audience != "public" and any(r.measure == "in_year_balance" for r in rows):
        from govkit.plan.exceptions import deficit_exceptions

        short = deficit_exceptions(ctx.ev, ctx.term, "all" if ctx.urn is None else ctx.urn)
        more = narrative.deficits_sentence(short)
        text += f" {more}" if more else ""
    return text


def headline(ctx: Context, measure: str) -> str:
    """A plain line with this place's figure for a measure this term (nbval checks it)."""
    m = _measure(measure)
    r = current_row(ctx, series(ctx, measure))
    if r is None:
        return f"{ctx.place}: {m['label']} {fmt.MISSING} in {fmt.term_label(ctx.term)}"
    return headline_line(m["label"], r["value"], m["unit"], r.get("period") or ctx.term,
                         ctx.place, r["status"])


def _store_table(ctx: Context, name: str) -> pd.DataFrame:
    from govkit.data.store import open_store, read_table

    con = open_store(ctx.store_path)
    try:
        return read_table(con, name)
    finally:
        con.close()


def _this_place(ctx: Context, df: pd.DataFrame) -> pd.DataFrame:
    df = df[df["term"] == ctx.term]
    return df if ctx.urn is None else df[df["urn"] == ctx.urn]


def _school_name(ctx: Context, urn: Any) -> str:
    return "Trust" if fmt.is_missing(urn) else ctx.trust.label(int(urn))


def _priority(ctx: Context, priority: str | None = None) -> Any:
    """The plan's priority ``priority``, else the one the report was opened for, else the
    plan's first."""
    priority = priority if priority is not None else ctx.priority
    if priority is None:
        return ctx.plan.priorities[0]
    try:
        return ctx.plan.priority(str(priority))
    except KeyError as e:
        raise ConfigError(str(e.args[0])) from None


def not_applicable_line(ctx: Context, rows: KpiRows | None = None) -> str:
    """Why some KPIs are missing: they do not apply to this school's phase."""
    what = f"a {ctx.phase} school" if ctx.phase else "this place"
    results = [] if rows is None else as_results(rows)
    if not results:
        return f"The KPIs of this criterion do not apply to {ctx.place}, {what}."
    names = [r.name for r in results]
    verb = "does" if len(names) == 1 else "do"
    return f"Not shown: {narrative.join_list(names)} {verb} not apply to {ctx.place}, {what}."
