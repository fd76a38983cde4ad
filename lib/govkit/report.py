"""Small helpers the report notebooks call, so every report looks and reads the same.

A governor sees only cell outputs, so headings, paragraphs, tables, RAG badges and
charts are all produced here as rich display objects. Every piece of text that may
come from a data file or a plan is escaped before it reaches HTML.
"""

from __future__ import annotations

import html
import io
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from govkit import charts, fmt, narrative, paths
from govkit.errors import ConfigError
from govkit.terms import parse_term

RAG_BADGES: dict[str | None, tuple[str, str, str]] = {
    # rating -> (symbol, word, background colour); the word and symbol carry the meaning.
    "green": ("✔", "Green", charts.RAG_COLOURS["green"]),
    "amber": ("▲", "Amber", charts.RAG_COLOURS["amber"]),
    "red": ("✖", "Red", charts.RAG_COLOURS["red"]),
    None: ("–", "No rating", charts.RAG_COLOURS[None]),
}
TABLE_STYLE = (
    "border-collapse:collapse;font-size:0.92em;margin:0.4em 0 1em 0;"
)
CELL_STYLE = "border-bottom:1px solid #ddd;padding:4px 10px;text-align:left;vertical-align:top"
HEAD_STYLE = "border-bottom:2px solid #444;padding:4px 10px;text-align:left;background:#f4f4f4"


def esc(text: Any) -> str:
    """Escape text for HTML; a missing value becomes the dash."""
    return html.escape(fmt.MISSING if fmt.is_missing(text) else str(text))


def setup() -> None:
    """Silence warnings (a governor must never see one) and set the chart style."""
    warnings.filterwarnings("ignore")
    pd.set_option("display.max_columns", 50)
    charts.apply_style()


def _display(obj: Any, **kwargs: Any) -> None:
    from IPython.display import display

    display(obj, **kwargs)


def rag_key(rag: Any) -> str | None:
    """'Green', 'G', 'green' -> 'green'; anything else (None, NaN, '') -> None."""
    if fmt.is_missing(rag):
        return None
    key = str(rag).strip().lower()
    return {"g": "green", "a": "amber", "r": "red"}.get(key, key if key in RAG_BADGES else None)


def rag_badge(rag: Any) -> str:
    """HTML for a rating: symbol and word on a colour, so it never relies on colour alone."""
    symbol, word, colour = RAG_BADGES[rag_key(rag)]
    ink = "#000" if rag_key(rag) in ("amber", None) else "#fff"
    return (f'<span class="rag rag-{word.lower().replace(" ", "-")}" '
            f'style="background:{colour};color:{ink};padding:1px 7px;border-radius:3px;'
            f'font-weight:600;white-space:nowrap">{symbol} {word}</span>')


def rag_text(rag: Any) -> str:
    """The same rating as plain text, for alt text and printed lines."""
    symbol, word, _ = RAG_BADGES[rag_key(rag)]
    return f"{symbol} {word}"


def heading_html(text: str, level: int = 2) -> str:
    return f"<h{level}>{esc(text)}</h{level}>"


def heading(text: str, level: int = 2) -> None:
    """A heading built from parameters or data: an output, so the HTML export keeps it."""
    from IPython.display import HTML

    _display(HTML(heading_html(text, level)))


def paragraph_html(text: str, css_class: str | None = None) -> str:
    cls = f' class="{esc(css_class)}"' if css_class else ""
    return f"<p{cls}>{esc(text)}</p>"


def paragraph(text: str, css_class: str | None = None) -> None:
    from IPython.display import HTML

    _display(HTML(paragraph_html(text, css_class)))


def bullets(items: Iterable[str]) -> None:
    from IPython.display import HTML

    _display(HTML("<ul>" + "".join(f"<li>{esc(i)}</li>" for i in items) + "</ul>"))


def show_chart(chart: charts.Chart | Any, alt: str | None = None) -> None:
    """Show a figure as a PNG with its text alternative, then free it."""
    fig = chart.fig if isinstance(chart, charts.Chart) else chart
    alt = alt or (chart.alt if isinstance(chart, charts.Chart) else None)
    if not alt:
        raise ValueError("every chart needs a text alternative (alt)")
    # Render the PNG ourselves: works whatever the backend (inline, Agg, none selected).
    buf = io.BytesIO()
    # zlib level 1: a few per cent larger, a fifth quicker (every report draws up to 16)
    fig.savefig(buf, format="png", bbox_inches="tight", pad_inches=0.15,
                pil_kwargs={"compress_level": 1})
    _display({"image/png": buf.getvalue(), "text/plain": alt}, raw=True,
             metadata={"image/png": {"alt": alt}})
    import matplotlib.pyplot as plt

    if plt.fignum_exists(getattr(fig, "number", -1)):
        plt.close(fig)


def table_html(df: pd.DataFrame, html_columns: Sequence[str] = (),
               caption: str | None = None) -> str:
    """A plain HTML table. Every cell is escaped except columns named in ``html_columns``,
    which must hold HTML made by these helpers (such as rag_badge)."""
    head = "".join(f'<th style="{HEAD_STYLE}">{esc(c)}</th>' for c in df.columns)
    body = []
    for row in df.itertuples(index=False):
        cells = []
        for col, v in zip(df.columns, row, strict=True):
            inner = str(v) if col in html_columns else esc(v)
            # short figures such as "-GBP 44k" or "Summer 2025" must not break in two
            wrap = ";white-space:nowrap" if len(str(v)) <= 14 else ""
            cells.append(f'<td style="{CELL_STYLE}{wrap}">{inner}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption style='text-align:left;font-weight:600'>{esc(caption)}</caption>" \
        if caption else ""
    return (f'<table class="govkit" style="{TABLE_STYLE}">{cap}<thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>")


def show_table(df: pd.DataFrame, html_columns: Sequence[str] = (),
               caption: str | None = None) -> None:
    from IPython.display import HTML

    _display(HTML(table_html(df, html_columns, caption)))


def note(text: str) -> None:
    """A small grey line, e.g. the suppression footnote or a source."""
    from IPython.display import HTML

    _display(HTML(f'<p style="color:#555;font-size:0.88em">{esc(text)}</p>'))


def _is_total(measure: Any) -> bool:
    """A count or sum (exclusions, vacancies, GBP): the trust's is all schools added up."""
    from govkit.measures import MEASURES

    m = MEASURES.get(str(measure)) if not fmt.is_missing(measure) else None
    return getattr(m, "kind", None) == "total"


def kpi_table(kpis: pd.DataFrame, comparisons: bool = True,
              school: bool = True) -> pd.DataFrame:
    """The rows of ``Evaluator.kpis`` as a table people read: formatted, RAG as a badge.

    For a school, the trust column leaves totals blank (the trust's 16 vacancies beside a
    school's 1 compare nothing); for the trust itself it is dropped, as it would repeat
    the value.
    """
    rows = []
    for r in kpis.to_dict("records"):
        unit, status = r.get("unit"), r.get("status")
        row = {
            "Measure": r.get("label") or r.get("measure"),
            "Value": fmt.value(r.get("value"), unit, status),
            "Target": fmt.value(r.get("target"), unit),
            "Rating": rag_badge(r.get("rag") if status == "ok" else None),
            "Since last term": fmt.change(r.get("change_last_term"), unit),
        }
        if comparisons:
            if school:
                row["Trust"] = (fmt.MISSING if _is_total(r.get("measure"))
                                else fmt.value(r.get("trust_value"), unit))
            row["National"] = fmt.value(r.get("national_value"), unit)
        if status == "narrative":
            row["Value"] = "Narrative"
            row["Rating"] = rag_badge(r.get("rag"))
        rows.append(row)
    return pd.DataFrame(rows)


def show_kpis(kpis: pd.DataFrame, comparisons: bool = True, caption: str | None = None,
              school: bool = True) -> None:
    """A KPI table with badges, then a footnote if any value is suppressed."""
    show_table(kpi_table(kpis, comparisons, school), html_columns=("Rating",), caption=caption)
    if "status" in kpis and (kpis["status"] == "suppressed").any():
        note(fmt.SUPPRESSED_FOOTNOTE)


def kpi_sentences(kpis: pd.DataFrame) -> list[str]:
    return [narrative.kpi_sentence(r) for r in kpis.to_dict("records")]


def headline_line(label: str, value: Any, unit: str | None, term_id: str,
                  place: str, status: str | None = None) -> str:
    """A plain printed line whose figure must not drift (checked by nbval)."""
    return f"{place}: {label} {fmt.value(value, unit, status)} in {fmt.term_label(term_id)}"


def records(df: pd.DataFrame) -> list[Mapping[str, Any]]:
    return df.to_dict("records")


# --- One report's context: the evaluator, the trust, the term and the place ---------------

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

    ev: Any
    trust: Any
    plan: Any
    term: str
    urn: int | None
    audience: str
    params_dir: Path
    store_path: Path

    @property
    def place(self) -> str:
        """The school's name, or the trust's for a trust-wide report."""
        return self.trust.school(self.urn).name if self.urn else self.trust.name

    @property
    def terms(self) -> list[str]:
        """The trust's terms up to and including this report's term."""
        order = [parse_term(t) for t in self.trust.terms]
        return [t.id for t in order if t <= parse_term(self.term)]

    @property
    def phase(self) -> str | None:
        return self.trust.school(self.urn).phase if self.urn else None


def _urn(value: Any, trust: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        u = int(str(value).strip())
    except ValueError:
        raise ConfigError(f"urn {value!r} is not a number; give a school's 6-digit URN "
                          "or None for the whole trust") from None
    if u not in trust.urns:
        raise ConfigError(f"urn {u} is not a school of {trust.name}; its schools are "
                          + ", ".join(f"{s.urn} {s.name}" for s in trust.schools))
    return u


def open_report(params_dir: Any = None, data_dir: Any = None, store_path: Any = None,
                term: str | None = None, urn: Any = None, audience: str = "board") -> Context:
    """Set up a notebook from its parameters (None = the project's own folders)."""
    from govkit.config import load_params
    from govkit.evaluate import Evaluator
    from govkit.store import ensure_store, open_store

    setup()
    pdir = paths.params_dir(params_dir)
    trust, plan = load_params(pdir)
    ddir = paths.data_dir(data_dir)
    spath = ensure_store(pdir, ddir, paths.store_path(store_path))
    ev = Evaluator(trust, plan, open_store(spath), pdir / "commentary")
    term = term or trust.latest_term
    if term not in trust.terms:
        raise ConfigError(f"term {term!r} is not one of the trust's terms "
                          f"({trust.terms[0]} .. {trust.terms[-1]})")
    return Context(ev, trust, plan, term, _urn(urn, trust), audience, pdir, spath)


def title(ctx: Context, report_name: str) -> None:
    """The report's heading and a line saying whose, when and for whom."""
    from IPython.display import HTML

    who = ctx.place if ctx.urn else f"{ctx.trust.name}, all schools"
    sub = " · ".join(x for x in (who, fmt.term_label(ctx.term),
                                 AUDIENCE_WORDS.get(ctx.audience, "")) if x)
    _display(HTML(f"<h1>{esc(report_name)}</h1>"
                  f'<p style="color:#444;font-size:1.05em">{esc(sub)}</p>'))


def series(ctx: Context, measure: str, urn: Any = "same") -> pd.DataFrame:
    """A measure over the report's terms, one row per period (academic-year results once)."""
    u = ctx.urn if urn == "same" else urn
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


def _kpi_for(ctx: Context, measure: str, kpis: pd.DataFrame | None) -> dict[str, Any]:
    if kpis is None or "measure" not in kpis:
        return {}
    hit = kpis[kpis["measure"] == measure]
    return hit.iloc[0].to_dict() if len(hit) else {}


def _shown(values: pd.Series, statuses: pd.Series) -> list[Any]:
    """Values a chart may draw: suppressed or otherwise withheld ones become gaps."""
    return [v if s in (None, "ok") or fmt.is_missing(s) else None
            for v, s in zip(values, statuses, strict=True)]


def measure_chart(ctx: Context, measure: str, kpis: pd.DataFrame | None = None,
                  label: str | None = None) -> charts.Chart | None:
    """A trend for this place, with the trust's line (for a school), national and target."""
    m = _measure(measure)
    row = _kpi_for(ctx, measure, kpis)
    s = series(ctx, measure)
    if s.empty or not any(st == "ok" for st in s["status"]):
        return None
    comparison = None
    if ctx.urn and m["kind"] != "total":  # a trust total (GBP, counts) dwarfs one school's
        t = series(ctx, measure, urn=None).set_index("period")
        comparison = [t["value"].get(p) if t["status"].get(p) == "ok" else None
                      for p in s["period"]]
    return charts.trend_chart(
        list(s["period"]), _shown(s["value"], s["status"]), label or m["label"], m["unit"],
        national=row.get("national_value"), target=row.get("target"),
        comparison=comparison, comparison_label=f"Trust ({ctx.trust.name})",
        place=ctx.place if ctx.urn else None)


def _measure(measure: str) -> dict[str, Any]:
    from govkit.measures import MEASURES

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


def measure_sentence(ctx: Context, measure: str, kpis: pd.DataFrame | None = None) -> str:
    """The KPI's sentence if the plan has it, otherwise one built from the series."""
    row = _kpi_for(ctx, measure, kpis)
    if row:
        return narrative.kpi_sentence(row)
    m = _measure(measure)
    s = series(ctx, measure)
    r = current_row(ctx, s)
    if r is None:
        return narrative.kpi_sentence({"label": m["label"], "status": "no_data",
                                       "period": ctx.term})
    i = s.index[s["period"] == r["period"]][0]
    prev = s.iloc[i - 1] if i >= 1 else None
    change = (float(r["value"]) - float(prev["value"])
              if prev is not None and r.get("status") == "ok" and prev["status"] == "ok"
              and not fmt.is_missing(r.get("value")) and not fmt.is_missing(prev["value"])
              else None)
    # the previous row is last term's figure, or last year's for yearly results
    return narrative.kpi_sentence({**m, **r, "change_last_term": change,
                                   "change_last_year": change})


def measure_section(ctx: Context, measure: str, kpis: pd.DataFrame | None = None,
                    level: int = 3) -> bool:
    """Heading, sentence and trend chart for one measure; False if it has no figures here."""
    m = _measure(measure)
    s = series(ctx, measure)
    if s.empty or all(st in ("not_applicable", "no_data") for st in s["status"]):
        return False
    heading(m["label"], level)
    paragraph(measure_sentence(ctx, measure, kpis))
    chart = measure_chart(ctx, measure, kpis)
    if chart is not None:
        show_chart(chart)
    return True


def show_school_comparison(ctx: Context, measure: str,
                           kpis: pd.DataFrame | None = None) -> None:
    """Bars of every school for a measure, or a line saying there are none."""
    if not school_comparison(ctx, measure, kpis):
        paragraph(f"No school has a figure for {_measure(measure)['label'].lower()} "
                  f"in {fmt.term_label(ctx.term)}.")


def school_comparison(ctx: Context, measure: str, kpis: pd.DataFrame | None = None) -> bool:
    """Bars of every school for a measure this term, best first; False if none have one."""
    m = _measure(measure)
    df = ctx.ev.compare_schools(measure, ctx.term, ctx.audience)
    if df is None or len(df) == 0:
        return False
    names = df["school"] if "school" in df else [ctx.trust.school(int(u)).name
                                                  for u in df["urn"]]
    statuses = df["status"] if "status" in df else [None] * len(df)
    if not any(s in (None, "ok") for s in statuses):
        return False
    row = _kpi_for(ctx, measure, kpis)
    highlight = ctx.place if ctx.urn else None
    show_chart(charts.compare_chart(
        list(names), list(df["value"]), m["label"], m["unit"], statuses=list(statuses),
        reference=row.get("national_value"), highlight=highlight,
        higher_is_better=m["direction"] != "lower"))
    return True


# --- Trust overview -------------------------------------------------------------------------

def kpis(ctx: Context, urn: Any = "same", priority: str | None = None) -> pd.DataFrame:
    """``Evaluator.kpis`` for this report's term, place and audience."""
    u = ctx.urn if urn == "same" else urn
    return ctx.ev.kpis(ctx.term, urn=u, priority=priority, audience=ctx.audience)


def _grid_cell(row: Mapping[str, Any]) -> str:
    status = row.get("status")
    if status == "narrative":
        return rag_badge(row.get("rag"))
    shown = esc(fmt.value(row.get("value"), row.get("unit"), status))
    rag = row.get("rag") if status == "ok" else None
    if rag_key(rag) is None:
        return shown
    symbol, word, colour = RAG_BADGES[rag_key(rag)]
    ink = "#000" if rag_key(rag) == "amber" else "#fff"
    return (f'<span style="background:{colour};color:{ink};padding:1px 6px;border-radius:3px;'
            f'white-space:nowrap" title="{word}">{symbol} {shown}</span>')


def _grid_frames(ctx: Context) -> dict[str, pd.DataFrame]:
    """Every school's KPIs this term, then the trust's, keyed by the name shown."""
    frames = {s.name: kpis(ctx, urn=s.urn) for s in ctx.trust.schools}
    frames[f"Trust ({ctx.trust.name})"] = kpis(ctx, urn=None)
    return frames


def _is_red(r: Mapping[str, Any]) -> bool:
    return r.get("status") == "ok" and rag_key(r.get("rag")) == "red"


def rag_grid(ctx: Context, frames: Mapping[str, pd.DataFrame] | None = None,
             kpi_ids: Sequence[str] | None = None) -> pd.DataFrame:
    """Schools down (the trust last), KPIs across: each cell the value with its RAG symbol.

    Exceptions first: schools with the most red ratings (over every KPI, so the order is
    the same in every grid of a report) at the top, and the KPIs with the most reds on the
    left; ties keep the trust's and the plan's order. ``kpi_ids`` narrows the columns.
    Cells are HTML; school names are escaped here, column labels by ``table_html``.
    """
    frames = _grid_frames(ctx) if frames is None else frames
    trust_name = f"Trust ({ctx.trust.name})"
    first = frames[trust_name]
    data = first[first["status"] != "narrative"]
    if kpi_ids is not None:
        data = data[data["kpi_id"].isin(list(kpi_ids))]
    columns = list(zip(data["kpi_id"], data["label"].fillna(data["measure"]), strict=True))
    cells: dict[str, dict[str, str]] = {}
    red_by_kpi = {kid: 0 for kid, _ in columns}
    red_by_place = dict.fromkeys(frames, 0)
    for name, df in frames.items():
        cells[name] = {}
        for r in df.to_dict("records"):
            red_by_place[name] += _is_red(r)
            if r["kpi_id"] not in red_by_kpi:
                continue
            cells[name][r["kpi_id"]] = _grid_cell(r)
            red_by_kpi[r["kpi_id"]] += _is_red(r)
    columns.sort(key=lambda kv: -red_by_kpi[kv[0]])
    schools = sorted((n for n in frames if n != trust_name), key=lambda n: -red_by_place[n])
    rows = [{"School": esc(n), **{str(label): cells[n].get(kid, fmt.MISSING)
                                  for kid, label in columns}}
            for n in [*schools, trust_name]]
    return pd.DataFrame(rows, columns=["School", *[str(label) for _, label in columns]])


GRID_NOTE = ("Each cell shows the figure with its rating: ✔ green (on target), ▲ amber (close "
             "to target), ✖ red (below target); no symbol means no rating. Schools with the "
             "most red ratings come first, and in each table the KPIs with the most reds. "
             "z = does not apply to this school (for example, no key stage 2 at a secondary "
             "school). ")


def show_rag_grid(ctx: Context) -> None:
    """One grid per success criterion, under its priority: a few columns each, so every
    grid fits the page instead of running off its right edge."""
    frames = _grid_frames(ctx)
    trust_frame = frames[f"Trust ({ctx.trust.name})"]
    note(GRID_NOTE + fmt.SUPPRESSED_FOOTNOTE)
    for p in ctx.plan.priorities:
        rows = trust_frame[(trust_frame["priority_id"] == p.id)
                           & (trust_frame["status"] != "narrative")]
        if rows.empty:
            continue
        heading(p.title, 3)
        for c in p.success_criteria:
            ids = list(rows.loc[rows["criterion_id"] == c.id, "kpi_id"])
            if not ids:
                continue
            grid = rag_grid(ctx, frames, ids)
            # every cell was escaped or built by this module, so the cells are trusted HTML
            show_table(grid, html_columns=tuple(grid.columns[1:]) + ("School",),
                       caption=c.text)


def attention_table(frames: Mapping[str, pd.DataFrame],
                    triggers: pd.DataFrame | None) -> pd.DataFrame:
    """One row per place with a red KPI or a trigger, most reds first: what to look at first.

    Each row counts the reds among the place's rated KPIs, names the first few, and says
    which intervention triggers it meets, each once with how many KPIs set it off.
    """
    rows = []
    for name, f in frames.items():
        rated = [r for r in f.to_dict("records")
                 if r.get("status") == "ok" and rag_key(r.get("rag")) is not None]
        reds = [str(r.get("label") or r.get("measure")) for r in rated if _is_red(r)]
        fired: list[str] = []
        if triggers is not None and len(triggers) and "school" in triggers:
            mine = triggers[triggers["school"] == name]
            for desc, n in mine.groupby("description", sort=False).size().items():
                fired.append(f"{desc} ({n} KPIs)" if n > 1 else str(desc))
        if not reds and not fired:
            continue
        rows.append({"School": name, "Red KPIs": f"{len(reds)} of {len(rated)}",
                     "Which are red": narrative.join_list(reds, most=5) if reds else fmt.MISSING,
                     "Intervention triggers": "; ".join(fired) if fired else "None",
                     "_reds": len(reds), "_fired": len(fired)})
    out = pd.DataFrame(rows, columns=["School", "Red KPIs", "Which are red",
                                      "Intervention triggers", "_reds", "_fired"])
    out = out.sort_values(["_reds", "_fired"], ascending=False, kind="stable")
    return out.drop(columns=["_reds", "_fired"]).reset_index(drop=True)


def show_attention(ctx: Context) -> None:
    """The trust overview's first table: each school's reds and triggers in one row."""
    frames = _grid_frames(ctx)
    table = attention_table(frames, ctx.ev.triggers(ctx.term))
    if table.empty:
        paragraph("No KPI is rated red and no school meets an intervention trigger this term.")
        return
    schools = int((~table["School"].str.startswith("Trust (")).sum())
    paragraph(f"{fmt.count_words(schools).capitalize()} of {len(ctx.trust.schools)} schools "
              "have a KPI rated red or meet an intervention trigger; those with the most red "
              "ratings come first. Each school's priority reports give the figures.")
    show_table(table)


def show_triggers(ctx: Context) -> None:
    """Schools flagged for school-improvement attention."""
    df = ctx.ev.triggers(ctx.term)
    if ctx.urn is not None and df is not None and len(df):
        df = df[df["urn"] == ctx.urn]
    if df is None or len(df) == 0:
        paragraph("No school meets an intervention trigger this term.")
        return
    table = pd.DataFrame({"School": df["school"], "Trigger": df["description"],
                          "Detail": df["detail"]})
    show_table(table)


def _red_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    red = frame[(frame["status"] == "ok") & (frame["rag"].map(rag_key) == "red")]
    return red.to_dict("records")


def show_exceptions(ctx: Context, frame: pd.DataFrame | None = None) -> None:
    """The KPIs rated red, place by place, in one table: what to look at first."""
    frame = kpis(ctx) if frame is None else frame
    places = [(ctx.place, frame)]
    if ctx.urn is None:  # a trust report: the trust's reds, then each school's
        places = [(f"Trust ({ctx.trust.name})", frame)] + [
            (s.name, kpis(ctx, urn=s.urn)) for s in ctx.trust.schools]
    rows = []
    for name, f in places:
        for r in _red_rows(f):
            unit = r.get("unit")
            rows.append({"School": name, "KPI": r.get("label") or r.get("measure"),
                         "Value": fmt.value(r.get("value"), unit, r.get("status")),
                         "Target": fmt.value(r.get("target"), unit),
                         "Period": fmt.term_label(r.get("period")),
                         "Since last term": fmt.change(r.get("change_last_term"), unit)})
    if not rows:
        paragraph("No KPI is rated red this term.")
        return
    schools = len({r["School"] for r in rows})
    paragraph(f"{len(rows)} {'rating is' if len(rows) == 1 else 'ratings are'} red across "
              f"{schools} {'place' if schools == 1 else 'places'}.")
    show_table(pd.DataFrame(rows))


def priority_paragraphs(ctx: Context, frame: pd.DataFrame | None = None) -> None:
    """One heading and paragraph per priority of the plan, in the plan's order."""
    frame = kpis(ctx) if frame is None else frame
    for p in ctx.plan.priorities:
        rows = frame[frame["priority_id"] == p.id].to_dict("records")
        heading(p.title, 3)
        paragraph(narrative.priority_summary(rows))


def show_trust_vs_national(ctx: Context, frame: pd.DataFrame | None = None) -> None:
    """The place's KPIs that have a national figure, side by side with it."""
    frame = kpis(ctx) if frame is None else frame
    has = frame[frame["national_value"].notna() & (frame["status"] != "narrative")]
    if has.empty:
        paragraph("No KPI in the plan has a published national figure for this term.")
        return
    rows = []
    for r in has.to_dict("records"):
        unit = r.get("unit")
        better = narrative.versus(r.get("value"), r.get("national_value"), unit,
                                  str(r.get("direction")) != "lower", "national")
        rows.append({"Measure": r.get("label"),
                     ctx.place: fmt.value(r.get("value"), unit, r.get("status")),
                     "National": fmt.value(r.get("national_value"), unit),
                     "Compared with national": better.split(" than")[0].split(" with")[0]
                     if r.get("status") == "ok" else fmt.MISSING,
                     "Source": r.get("national_source") or fmt.MISSING})
    show_table(pd.DataFrame(rows))


def phase_table(ctx: Context) -> pd.DataFrame:
    """Each phase of the trust's schools against that phase's national figure, for the
    measures DfE publishes a national figure for: one column pair per phase."""
    df = ctx.ev.by_phase(ctx.term, ctx.audience)
    with_national = set(df.loc[df["national_value"].notna(), "measure"])
    df = df[df["measure"].isin(with_national)]
    if df.empty:
        return pd.DataFrame()
    phases = list(dict.fromkeys(df["phase"]))
    out = []
    for mid in dict.fromkeys(df["measure"]):
        rows = df[df["measure"] == mid].set_index("phase")
        first = rows.iloc[0]
        line = {"Measure": first["label"]}
        for ph in phases:
            n = int(df.loc[df["phase"] == ph, "schools"].iloc[0])
            head = f"{ph.capitalize()} ({n} school{'s' if n != 1 else ''})"
            if ph in rows.index:
                r = rows.loc[ph]
                line[head] = fmt.value(r["value"], r["unit"], r["status"])
                line[f"National, {ph}"] = fmt.national(r["national_value"], r["unit"],
                                                       r["national_like_for_like"])
            else:
                line[head] = line[f"National, {ph}"] = fmt.value(None, None, "not_applicable")
        out.append(line)
    return pd.DataFrame(out)


def show_by_phase(ctx: Context) -> None:
    table = phase_table(ctx)
    if table.empty:
        paragraph("No measure in the plan has a national figure for this term.")
        return
    paragraph("Each phase's figures are worked out from its schools' counts, so a large "
              "school counts for more than a small one; each is set beside the national "
              "figure for schools of that phase, or for all schools where DfE publishes "
              "no figure for the phase.")
    show_table(table)


def headline(ctx: Context, measure: str) -> str:
    """A plain line with this place's figure for a measure this term (nbval checks it)."""
    m = _measure(measure)
    r = current_row(ctx, series(ctx, measure))
    if r is None:
        return f"{ctx.place}: {m['label']} {fmt.MISSING} in {fmt.term_label(ctx.term)}"
    return headline_line(m["label"], r["value"], m["unit"], r.get("period") or ctx.term,
                         ctx.place, r["status"])


# --- Governance lists -------------------------------------------------------------------------

def _store_table(ctx: Context, name: str) -> pd.DataFrame:
    from govkit.store import open_store, read_table

    con = open_store(ctx.store_path)
    try:
        return read_table(con, name)
    finally:
        con.close()


def _this_place(ctx: Context, df: pd.DataFrame) -> pd.DataFrame:
    df = df[df["term"] == ctx.term]
    return df if ctx.urn is None else df[df["urn"] == ctx.urn]


def _school_name(ctx: Context, urn: Any) -> str:
    return "Trust" if fmt.is_missing(urn) else ctx.trust.school(int(urn)).name


COMPLIANCE_WORDS = {"met": "✔ Met", "partly_met": "▲ Partly met", "not_met": "✖ Not met",
                    "not_applicable": "– Not applicable"}


def show_compliance(ctx: Context) -> None:
    """The checklist items not fully met this term, then a count by area."""
    df = _this_place(ctx, _store_table(ctx, "compliance"))
    if df.empty:
        paragraph("No compliance checklist was returned for this term.")
        return
    open_items = df[df["status"].isin(["not_met", "partly_met"])]
    met = int((df["status"] == "met").sum())
    applicable = int((df["status"] != "not_applicable").sum())
    paragraph(f"{fmt.of(met, applicable, 'applicable items')} are met this term; "
              f"{len(open_items)} {'is' if len(open_items) == 1 else 'are'} not fully met.")
    if not open_items.empty:
        show_table(pd.DataFrame({
            "School": [_school_name(ctx, u) for u in open_items["urn"]],
            "Area": open_items["area"], "Item": open_items["item"],
            "Status": open_items["status"].map(COMPLIANCE_WORDS),
            "Due": [fmt.MISSING if fmt.is_missing(d) else pd.Timestamp(d).strftime("%d %b %Y")
                    for d in open_items["due_date"]],
        }), caption="Items not fully met")


def show_risks(ctx: Context, at_least: int = 12) -> None:
    """Open risks scoring at least ``at_least`` (likelihood x impact, out of 25), worst first."""
    df = _this_place(ctx, _store_table(ctx, "risks"))
    df = df[df["status"] == "open"]
    if df.empty:
        paragraph("No open risks are on the register for this term.")
        return
    score = df["likelihood"].astype("Int64") * df["impact"].astype("Int64")
    high = df.assign(score=score)[score >= at_least].sort_values("score", ascending=False)
    paragraph(f"{len(df)} open {'risk' if len(df) == 1 else 'risks'} on the register; "
              f"{len(high)} {'scores' if len(high) == 1 else 'score'} {at_least} or more "
              "(likelihood x impact, out of 25).")
    if not high.empty:
        show_table(pd.DataFrame({
            "School": [_school_name(ctx, u) for u in high["urn"]],
            "Area": high["area"], "Risk": high["title"],
            "Likelihood": high["likelihood"], "Impact": high["impact"], "Score": high["score"],
        }), caption=f"Open risks scoring {at_least} or more")


# --- Public report card -----------------------------------------------------------------------

def public_kpis(ctx: Context) -> pd.DataFrame:
    """The KPIs a public card may show: the plan's public ones, never a confidential measure."""
    frame = kpis(ctx)
    keep = (~frame["status"].isin(["narrative", "not_applicable"])
            & ~frame["measure"].isin(CONFIDENTIAL_MEASURES))
    return frame[keep].drop_duplicates("measure").reset_index(drop=True)


# The report card's plain headings, by the domain a measure is counted from.
CARD_GROUPS = {"attendance": "Attendance and behaviour", "behaviour": "Attendance and behaviour",
               "attainment": "Results", "surveys": "What pupils and parents say"}
CARD_OTHER = "Our school and its community"


def card_groups(frame: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """The card's measures under plain headings, in the order parents ask about them."""
    from govkit.measures import MEASURES

    def group(measure: Any) -> str:
        m = MEASURES.get(str(measure))
        return CARD_GROUPS.get(m.domain, CARD_OTHER) if m else CARD_OTHER

    labels = frame["measure"].map(group)
    order = [*dict.fromkeys(CARD_GROUPS.values()), CARD_OTHER]
    return [(g, frame[labels == g].reset_index(drop=True)) for g in order
            if (labels == g).any()]


def card_table(ctx: Context, frame: pd.DataFrame) -> pd.DataFrame:
    """Our school, the trust and national side by side, with a plain-words comparison."""
    rows = []
    for r in frame.to_dict("records"):
        unit, status = r.get("unit"), r.get("status")
        up = str(r.get("direction")) != "lower"
        cmp = narrative.versus(r.get("value"), r.get("national_value"), unit, up, "national")
        if not cmp and ctx.urn and not _is_total(r.get("measure")):
            cmp = narrative.versus(r.get("value"), r.get("trust_value"), unit, up, "the trust")
        rows.append({
            "What we measure": r.get("label"),
            ctx.place: fmt.value(r.get("value"), unit, status),
            "Trust": fmt.value(r.get("trust_value"), unit)
            if ctx.urn and not _is_total(r.get("measure")) else fmt.MISSING,
            "National": fmt.value(r.get("national_value"), unit),
            "How we compare": (cmp.split(" of ")[0] if status == "ok" and cmp
                               else fmt.MISSING).capitalize(),
        })
    out = pd.DataFrame(rows)
    return out if ctx.urn else out.drop(columns=["Trust"])


# --- Priority report ---------------------------------------------------------------------------

def _priority(ctx: Context, priority: str | None) -> Any:
    if priority is None:
        return ctx.plan.priorities[0]
    try:
        return ctx.plan.priority(str(priority))
    except KeyError as e:
        raise ConfigError(str(e.args[0])) from None


def priority_title(ctx: Context, priority: str | None) -> None:
    p = _priority(ctx, priority)
    title(ctx, p.title)
    if p.aim:
        paragraph(f"Aim: {p.aim}")


def priority_report(ctx: Context, priority: str | None) -> None:
    """Each success criterion: a KPI table, then a sentence and trend chart per KPI."""
    p = _priority(ctx, priority)
    frame = kpis(ctx, priority=p.id)
    heading("Summary", 2)
    paragraph(narrative.priority_summary(frame.to_dict("records")))
    for c in p.success_criteria:
        every = frame[frame["criterion_id"] == c.id]
        # KS4 at a primary school and the like: left out, with one line saying so
        rows = every[every["status"] != "not_applicable"]
        heading(c.text, 2)
        if rows.empty:
            paragraph(not_applicable_line(ctx) if len(every) else
                      f"No KPI of this criterion is shown {AUDIENCE_WORDS.get(ctx.audience)}.")
            continue
        data = rows[rows["status"] != "narrative"]
        if not data.empty:
            show_kpis(data, school=ctx.urn is not None)
            if len(rows) < len(every):
                note(not_applicable_line(ctx, every[every["status"] == "not_applicable"]))
        for r in rows.to_dict("records"):
            if r["status"] == "narrative":
                if str(r.get("label") or c.text) != c.text:
                    heading(str(r.get("label")), 3)
                comment = r.get("comment")
                if fmt.is_missing(comment) or not str(comment).strip():
                    paragraph(narrative.NEEDS_COMMENT, "needs-comment")
                else:
                    paragraph(f"Leaders' comment: {str(comment).strip()}")
                continue
            heading(str(r.get("label") or r.get("measure")), 3)
            paragraph(narrative.kpi_sentence(r))
            if r["status"] == "ok" and r.get("measure"):
                chart = measure_chart(ctx, r["measure"], rows)
                if chart is not None:
                    show_chart(chart)
            comment = r.get("comment")
            if not fmt.is_missing(comment) and str(comment).strip():
                paragraph(f"Leaders' comment: {str(comment).strip()}")


def not_applicable_line(ctx: Context, rows: pd.DataFrame | None = None) -> str:
    """Why some KPIs are missing: they do not apply to this school's phase."""
    what = f"a {ctx.phase} school" if ctx.phase else "this place"
    if rows is None or rows.empty:
        return f"The KPIs of this criterion do not apply to {ctx.place}, {what}."
    names = [str(r.get("label") or r.get("measure")) for r in rows.to_dict("records")]
    verb = "does" if len(names) == 1 else "do"
    return f"Not shown: {narrative.join_list(names)} {verb} not apply to {ctx.place}, {what}."


# --- Deep dives ----------------------------------------------------------------------------------

DEEP_DIVES: dict[str, list[tuple[str, list[str]]]] = {
    "education": [
        ("Attendance", ["attendance_rate", "persistent_absence", "severe_absence",
                        "unauthorised_absence", "attendance_disadvantaged_gap"]),
        ("Behaviour", ["suspension_rate", "permanent_exclusions"]),
        ("Early reading", ["phonics_pass"]),
        ("Key stage 2 results", ["ks2_rwm_expected", "ks2_rwm_higher", "ks2_read_scaled_score",
                                 "ks2_mat_scaled_score", "ks2_read_progress",
                                 "ks2_writ_progress", "ks2_mat_progress"]),
        ("Key stage 2 gaps: disadvantaged pupils and SEND",
         ["ks2_rwm_expected_disadvantaged", "ks2_rwm_expected_not_disadvantaged",
          "ks2_rwm_disadvantaged_gap", "ks2_rwm_expected_send"]),
        ("Key stage 4 results", ["ks4_attainment8", "ks4_progress8", "ks4_eng_mat_grade4",
                                 "ks4_eng_mat_grade5", "ks4_ebacc_entry",
                                 "ks4_progress8_disadvantaged"]),
    ],
    "workforce": [
        ("Staff wellbeing and absence", ["staff_absence_days_per_fte",
                                         "staff_survey_agreement"]),
        ("Recruitment and retention", ["staff_turnover", "vacancies"]),
        ("Development", ["cpd_hours_per_fte", "cpd_spend_per_fte", "appraisals_completed"]),
    ],
    "finance": [
        ("Balance and reserves", ["in_year_balance", "reserves_pct_income"]),
        ("Where the money goes", ["staff_costs_pct_expenditure", "top_slice_pct_income",
                                  "spend_per_pupil"]),
        ("Sustainability", ["energy_per_pupil"]),
    ],
    "governance": [
        ("Meetings", ["governance_attendance"]),
        ("Compliance and risk", ["compliance_met", "overdue_actions", "high_risks"]),
    ],
}
SCHOOL_BY_SCHOOL = {
    "education": ["attendance_rate", "persistent_absence", "suspension_rate"],
    "workforce": ["staff_absence_days_per_fte", "staff_turnover"],
    "finance": ["reserves_pct_income", "staff_costs_pct_expenditure"],
    "governance": ["governance_attendance", "compliance_met"],
}
KS2_SUBJECTS = [("Reading", "ks2_read_expected"), ("Writing", "ks2_writ_expected"),
                ("Maths", "ks2_mat_expected"), ("Grammar, punctuation and spelling",
                                                "ks2_gps_expected"),
                ("Reading, writing and maths", "ks2_rwm_expected")]


def subject_chart(ctx: Context) -> bool:
    """KS2 expected standard by subject for the latest results: one bar per subject."""
    names, values, statuses, period = [], [], [], None
    for name, measure in KS2_SUBJECTS:
        r = current_row(ctx, series(ctx, measure))
        if r is None or r.get("status") in ("not_applicable", "no_data"):
            continue
        names.append(name)
        values.append(r.get("value"))
        statuses.append(r.get("status"))
        period = period or r.get("period")
    if not any(s == "ok" for s in statuses):
        return False
    label = f"KS2 expected standard by subject, {fmt.term_label(period)}"
    pairs = [(n, v) for n, v, s in zip(names, values, statuses, strict=True) if s == "ok"]
    best = max(pairs, key=lambda p: float(p[1]))
    worst = min(pairs, key=lambda p: float(p[1]))
    title_text = (f"KS2 {fmt.term_label(period)}: {best[0].lower()} strongest at "
                  f"{fmt.percent(best[1])}, {worst[0].lower()} weakest at "
                  f"{fmt.percent(worst[1])}") if len(pairs) > 1 else None
    show_chart(charts.compare_chart(names, values, label, "percent", statuses=statuses,
                                    title=title_text))
    return True


def deep_dive(ctx: Context, name: str) -> None:
    """Each section's measures (sentence and trend), then school by school for the trust."""
    frame = kpis(ctx)
    any_suppressed = False
    for section, measures in DEEP_DIVES[name]:
        heading(section, 2)
        shown = [m for m in measures if measure_section(ctx, m, frame)]
        if section == "Key stage 2 results" and shown:
            subject_chart(ctx)
        if not shown:
            paragraph(f"No {section.lower()} figures for {ctx.place} up to "
                      f"{fmt.term_label(ctx.term)}.")
        any_suppressed |= any((series(ctx, m)["status"] == "suppressed").any() for m in shown)
    if ctx.urn is None:
        heading("School by school", 2)
        drawn = [m for m in SCHOOL_BY_SCHOOL[name] if school_comparison(ctx, m, frame)]
        if not drawn:
            paragraph("No school-by-school figures this term.")
    if any_suppressed:
        note(fmt.SUPPRESSED_FOOTNOTE)


# --- Report card ---------------------------------------------------------------------------------

def card_sentences(frame: pd.DataFrame) -> list[str]:
    """A plain sentence per shown measure; the ones withheld for privacy named once, last."""
    rows = frame.to_dict("records")
    # a trust total (all schools' partnerships added up) is no yardstick for one school
    out = [narrative.public_sentence({**r, "trust_value": None} if _is_total(r.get("measure"))
                                     else r)
           for r in rows if r.get("status") != "suppressed"]
    hidden = [str(r.get("label") or r.get("measure")) for r in rows
              if r.get("status") == "suppressed"]
    if hidden:
        out.append(f"Not shown ({fmt.SUPPRESSED}), because too few pupils are in the group "
                   f"to publish without identifying them: {narrative.join_list(hidden, most=99)}.")
    return out


def report_card(ctx: Context) -> None:
    """The public card: a welcome line, the table, a sentence per measure, attendance trend."""
    from IPython.display import HTML

    who = ctx.place
    _display(HTML(f"<h1>{esc(who)}: report card</h1>"
                  f'<p style="color:#444;font-size:1.05em">{esc(fmt.term_label(ctx.term))} · '
                  f"{esc(AUDIENCE_WORDS['public'])}</p>"))
    frame = public_kpis(ctx)
    compare = "the trust as a whole and " if ctx.urn else ""
    paragraph(f"This card shows how {who} is doing on the measures in "
              f"{ctx.trust.name}'s plan, next to {compare}schools across England. "
              "Figures for small groups of pupils are not shown, to protect their privacy.")
    if frame.empty:
        paragraph("There are no published figures for this term yet.")
        return
    heading("At a glance", 2)
    groups = card_groups(frame)
    for title, part in groups:
        heading(title, 3)
        show_table(card_table(ctx, part))
    heading("In words", 2)
    bullets(card_sentences(pd.concat([part for _, part in groups], ignore_index=True)))
    if "attendance_rate" in set(frame["measure"]):
        heading("Attendance over time", 2)
        chart = measure_chart(ctx, "attendance_rate", frame)
        if chart is not None:
            show_chart(chart)
    if (frame["status"] == "suppressed").any():
        note(fmt.SUPPRESSED_FOOTNOTE)
    sources = sorted({str(s) for s in frame["national_source"].dropna() if str(s).strip()})
    if sources:
        note("National figures: " + "; ".join(sources) + ".")
