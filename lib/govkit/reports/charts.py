"""The house chart style: one look for every report, safe for colour-blind readers.

Each chart function returns a ``Chart`` (the figure, its title and its text
alternative). The title states the finding, not the axis ("Attendance has risen
for three terms and is now above national"); the alt text lists the figures so a
screen-reader user gets the same facts as a sighted one.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, cast

import matplotlib as mpl
from cycler import cycler
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.ticker import Formatter, MaxNLocator

from govkit.plan import fmt, narrative
from govkit.terms import is_academic_year

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

# Okabe-Ito hues: distinguishable with the common forms of colour blindness. Green and
# vermilion darkened (#009E73, #D55E00 carried white text at only 3.4:1 and 3.9:1): white
# on them is now 5.3:1 and 5.5:1. Orange is a fill behind black text (9.3:1); lines and bars
# on white use dark orange (3.8:1; WCAG asks 3:1 of a graphic). The house stylesheet's
# --gk-rag-* colours are RAG_COLOURS (tests/test_palette.py holds them together).
PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "dark_orange": "#B87400",
    "sky": "#56B4E9",
    "green": "#007A5A",
    "yellow": "#F0E442",
    "vermilion": "#B34700",
    "purple": "#CC79A7",
    "grey": "#6E6E6E",
    "ink": "#1F1F1F",
}
SERIES = [PALETTE[k] for k in ("blue", "dark_orange", "green", "purple", "sky", "vermilion")]
# RAG colours chosen from the same palette; reports always print the word beside them.
RAG_COLOURS = {"green": PALETTE["green"], "amber": PALETTE["orange"],
               "red": PALETTE["vermilion"], None: "#E0E0E0"}
# the text each RAG colour carries
RAG_INK = {"green": "#FFFFFF", "amber": "#000000", "red": "#FFFFFF", None: "#000000"}

STYLE: dict[RcKeyType, Any] = {
    "figure.figsize": (7.5, 3.2),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "font.size": 10,
    "axes.titlesize": 11.5,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": PALETTE["grey"],
    "axes.labelcolor": PALETTE["ink"],
    "axes.grid": True,
    "axes.grid.axis": "y",
    "grid.color": "#E3E3E3",
    "grid.linewidth": 0.8,
    "axes.prop_cycle": cycler(color=SERIES),
    "xtick.color": PALETTE["ink"],
    "ytick.color": PALETTE["ink"],
    "legend.frameon": False,
    "legend.fontsize": 9,
    "lines.linewidth": 2.2,
    "lines.markersize": 6,
    # SVG: text stays text (searchable, sharp, read by the browser's own font fallback),
    # and the same chart gives the same bytes (ids from a fixed salt, no date stamp)
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Arial", "Helvetica"],
    "svg.fonttype": "none",
    "svg.hashsalt": "govkit",
    # Text on a chart comes from data (a school named '$\frac{a}{b}$' or 'Oak $ School'):
    # drawn as written, never parsed as mathtext or handed to LaTeX.
    "text.parse_math": False,
    "text.usetex": False,
}
# what a figure needs at draw time too (tick labels are made then, from rcParams)
DRAW_RC: tuple[RcKeyType, ...] = ("svg.fonttype", "svg.hashsalt", "text.parse_math", "text.usetex")
SVG_METADATA = {"Date": None, "Creator": None}  # savefig(..., metadata=SVG_METADATA)
_PAD = 0.08  # inches between the figure's edge and what is drawn nearest it
# a trend chart's height in inches: printed at the page's width its labels stay 9-10 pt,
# and a priority report's many charts take two or three to a page
TREND_HEIGHT = 2.7


class Chart(NamedTuple):
    fig: Figure
    alt: str
    title: str


def apply_style() -> None:
    """Set the house style for every figure drawn after this call."""
    mpl.rcParams.update(STYLE)


def _figure(height: float | None = None, **rc: Any) -> tuple[Figure, Any]:
    """A figure in the house style, ``rc`` (rcParams by name) over it."""
    # Figure() (not pyplot) so a chart never lingers in pyplot's registry. No layout
    # engine: _place works the margins out from the text, so the figure is drawn once.
    with mpl.rc_context({**STYLE, **cast("dict[RcKeyType, Any]", rc)}):
        fig = Figure(figsize=(STYLE["figure.figsize"][0], height or STYLE["figure.figsize"][1]))
        ax = fig.add_subplot()
    return fig, ax


@functools.cache
def _measurer() -> RendererAgg:
    """A renderer used only to measure text (FreeType layout, nothing is drawn)."""
    return RendererAgg(10, 10, STYLE["figure.dpi"])


@functools.lru_cache(maxsize=4096)  # a report sets the same tick and legend labels often
def text_size(text: str, size: float, weight: str = "normal") -> tuple[float, float]:
    """(width, height) in inches of ``text`` set in the house font: the widest line and
    all lines, as matplotlib will lay it out."""
    prop = FontProperties(size=size, weight=weight)
    lines = str(text).split("\n") or [""]
    widths = [_measurer().get_text_width_height_descent(ln or " ", prop, ismath=False)[0]
              for ln in lines]
    # 4% over: hinting and another reader's fallback font can set it a little wider
    return max(widths) * 1.04 / STYLE["figure.dpi"], len(lines) * size * 1.2 / 72


def _tick_labels(ax: Any, axis: str) -> list[str]:
    """The labels this axis will show, from its locator and formatter (no draw needed)."""
    along = getattr(ax, f"{axis}axis")
    lo, hi = sorted(ax.get_ylim() if axis == "y" else ax.get_xlim())
    locs = [v for v in along.get_major_locator()() if lo - 1e-9 <= v <= hi + 1e-9]
    fmtr = along.get_major_formatter()
    fmtr.set_locs(locs)
    return [fmtr(v, i) for i, v in enumerate(locs)]


def _place(fig: Figure, ax: Any, *, left: float, right: float, bottom: float,
           title_lines: int) -> None:
    """Fix the axes inside the figure from margins in inches, leaving room at the top for
    the title: one layout, worked out before the only draw."""
    w, h = fig.get_size_inches()
    top = _PAD + title_lines * STYLE["axes.titlesize"] * 1.25 / 72 + _PAD
    fig.subplots_adjust(left=left / w, right=1 - right / w, bottom=bottom / h, top=1 - top / h)


class _TickFormatter(Formatter):
    """As few decimals as show every tick exactly: 92%, 92.5%, 105.25; never two alike.

    matplotlib hands a formatter this draw's tick positions (set_locs) before it asks for
    labels: keeping them here, not asking the locator per label, keeps it linear.
    """

    def __init__(self, along: Any, unit: str | None) -> None:
        self.along, self.unit = along, unit
        self.given: list[float] = []

    def set_locs(self, locs: Any) -> None:
        self.given = list(locs)
        super().set_locs(locs)

    def __call__(self, v: float, pos: int | None = None) -> str:
        locs = self.given or list(self.along.get_majorticklocs())
        dp = next((d for d in range(3) if all(abs(round(t, d) - t) < 1e-9 for t in locs)), 3)
        if (self.unit or "").lower() == "per100":  # the label says "per 100 pupils" once
            return fmt.number(v, dp)
        return fmt.value(v, self.unit, dp=dp)


def _axis_format(ax: Any, unit: str | None, axis: str = "y") -> None:
    along = getattr(ax, f"{axis}axis")
    along.set_major_formatter(_TickFormatter(along, unit))
    if (unit or "").lower() in {"count", "pupils", "number"}:
        along.set_major_locator(MaxNLocator(integer=True))  # no "2.5 exclusions"


def _set_title(fig: Figure, title: str) -> int:
    """A figure title, left-aligned at the top edge; returns how many lines it takes."""
    text = _wrap_title(title)
    h = fig.get_size_inches()[1]
    fig.suptitle(text, x=0.01, y=1 - _PAD / h, ha="left", va="top",
                 fontsize=STYLE["axes.titlesize"], fontweight="bold")
    return text.count("\n") + 1


def _min_span(ax: Any, unit: str | None, values: Sequence[float]) -> None:
    """Keep a flat line flat: tiny wobbles (4.9599% to 4.9601%) must not fill the chart."""
    u = (unit or "").lower()
    if not values:
        return
    mid = sum(values) / len(values)
    span = {"percent": 2.0, "points": 2.0, "score": 2.0, "count": 4.0, "per100": 2.0}.get(
        u, max(abs(mid) * 0.1, 1.0))
    lo, hi = ax.get_ylim()
    if hi - lo < span:
        centre = (hi + lo) / 2
        lo, hi = centre - span / 2, centre + span / 2
        if min(values) >= 0 > lo:  # no axis below zero for figures that cannot be negative
            lo, hi = 0.0, span
        ax.set_ylim(lo, hi)


def _wrap_title(title: str, width: int = 64) -> str:
    words, lines, line = title.split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    lines.append(line)
    return "\n".join(lines)


LEGEND_WIDTH = 26  # characters of a legend line: a long school name wraps, never squeezes


def bar_label(name: str, width: int = 34, lines: int = 2) -> str:
    """A bar's name as its axis shows it: wrapped, at most ``lines`` lines, the rest cut
    with an ellipsis (the alt text and the tables keep it whole). A school's name from
    GIAS can run to 100 characters, which would leave the bars no room."""
    wrapped = _wrap_title(name, width).split("\n")
    if len(wrapped) > lines or any(len(w) > width for w in wrapped):
        wrapped = [w if len(w) <= width else w[:width - 1] + "\u2026"
                   for w in wrapped[:lines]]
        last = wrapped[-1]
        if not last.endswith("\u2026"):
            if len(last) >= width:  # room for the ellipsis, cut at a word if there is one
                last = last[:width - 1]
                last = last.rsplit(" ", 1)[0] if " " in last else last
            wrapped[-1] = last.rstrip() + "\u2026"
    return "\n".join(wrapped)


def trend_chart(terms: Sequence[str], values: Sequence[Any], label: str,
                unit: str | None = None, *, national: Any = None, target: Any = None,
                comparison: Sequence[Any] | None = None, comparison_label: str = "Trust",
                national_label: str = "National", place: str | None = None,
                title: str | None = None) -> Chart:
    """A line over the terms, with national and target as labelled reference lines."""
    # "Autumn\n2023" on two lines; "Aut\n2023" when there are many terms, so none collide.
    x_labels = [fmt.term_label(t).replace(" ", "\n", 1) for t in terms]
    if len(terms) > 6:
        x_labels = [x[:3] + x[x.index("\n"):] if "\n" in x else x for x in x_labels]
    xs = list(range(len(terms)))
    pts = [(x, float(v)) for x, v in zip(xs, values, strict=True) if not fmt.is_missing(v)]
    step = "year" if terms and all(is_academic_year(str(t)) for t in terms) else "term"
    title = title or narrative.trend_title(label, [v for _, v in pts], national, unit,
                                           step=step)
    with mpl.rc_context(STYLE):
        fig, ax = _figure(height=TREND_HEIGHT)
        name = place or label
        if pts:
            ax.plot([x for x, _ in pts], [v for _, v in pts], marker="o",
                    color=PALETTE["blue"], label=bar_label(name, LEGEND_WIDTH))
            lx, lv = pts[-1]
            # the last point is at the right edge: the figure reads leftwards from just
            # past it, inside the plot ("1.7 per 100 pupils" centred ran into the legend),
            # on a white edge so a reference line under it does not strike it through
            ax.annotate(fmt.value(lv, unit), (lx, lv), textcoords="offset points",
                        xytext=(4, 8), ha="right", fontsize=9, color=PALETTE["blue"],
                        fontweight="bold",
                        # a white box, not a stroke path effect: a stroked text is drawn
                        # in SVG as glyph outlines (+10 KB a chart, pages over 400 KB)
                        bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none"})
        if comparison is not None:
            cpts = [(x, float(v)) for x, v in zip(xs, comparison, strict=True)
                    if not fmt.is_missing(v)]
            if cpts:
                ax.plot([x for x, _ in cpts], [v for _, v in cpts], marker="s",
                        linestyle="--", color=PALETTE["dark_orange"],
                        label=bar_label(comparison_label, LEGEND_WIDTH))
        same = (not fmt.is_missing(national) and not fmt.is_missing(target)
                and fmt.value(national, unit) == fmt.value(target, unit))
        if same:  # a target of "national" would hide one line under the other: draw one
            ax.axhline(float(national), color=PALETTE["grey"], linestyle=":", linewidth=1.8,
                       label=f"{national_label} and target {fmt.value(national, unit)}")
        elif not fmt.is_missing(national):
            ax.axhline(float(national), color=PALETTE["grey"], linestyle=":", linewidth=1.8,
                       label=f"{national_label} {fmt.value(national, unit)}")
        if not fmt.is_missing(target) and not same:
            ax.axhline(float(target), color=PALETTE["green"], linestyle="-.", linewidth=1.5,
                       label=f"Target {fmt.value(target, unit)}")
        ax.set_xticks(xs, x_labels, fontsize=9 if len(xs) > 7 else 10)
        ax.set_xlim(-0.4, len(xs) - 0.4)
        _min_span(ax, unit, [v for _, v in pts])
        _axis_format(ax, unit)
        lines = _set_title(fig, title)
        right = 0.25
        if len(ax.get_lines()) > 1:  # one line alone: the title already names it
            legend = ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
            widest = max(text_size(t.get_text(), STYLE["legend.fontsize"])[0]
                         for t in legend.get_texts())
            right = widest + 3.2 * STYLE["legend.fontsize"] / 72 + _PAD
        ylabels = _tick_labels(ax, "y")
        left = max((text_size(t, 10)[0] for t in ylabels), default=0.3) + 0.12 + _PAD
        xlabel_h = 2 * (9 if len(xs) > 7 else 10) * 1.2 / 72
        _place(fig, ax, left=left, right=right, bottom=xlabel_h + 0.1 + _PAD,
               title_lines=lines)
    alt = trend_alt(terms, values, label, unit, national=national, target=target,
                    comparison=comparison, comparison_label=comparison_label, place=place)
    return Chart(fig, alt, title)


def trend_alt(terms: Sequence[str], values: Sequence[Any], label: str, unit: str | None,
              *, national: Any = None, target: Any = None,
              comparison: Sequence[Any] | None = None, comparison_label: str = "Trust",
              place: str | None = None) -> str:
    """The text alternative of a trend chart: every point, then the reference lines."""
    who = f" for {place}" if place else ""
    pairs = [f"{fmt.term_label(t)} {fmt.value(v, unit)}" for t, v in zip(terms, values,
                                                                           strict=True)]
    by = "year" if terms and all(is_academic_year(str(t)) for t in terms) else "term"
    text = f"Line chart of {label.lower()}{who} by {by}: " + "; ".join(pairs) + "."
    if comparison is not None:
        text += f" {comparison_label}: " + "; ".join(
            f"{fmt.term_label(t)} {fmt.value(v, unit)}"
            for t, v in zip(terms, comparison, strict=True)) + "."
    if not fmt.is_missing(national):
        text += f" National: {fmt.value(national, unit)}."
    if not fmt.is_missing(target):
        text += f" Target: {fmt.value(target, unit)}."
    return text


def bar_start(values: Sequence[float], unit: str | None) -> float:
    """Where a bar chart's axis starts: zero, except for shares bunched high (attendance at
    89.8% and 95.5%), whose bars from zero would look the same: then a round 5 below the
    lowest, and the chart says the axis does not start at zero."""
    vals = [float(v) for v in values if not fmt.is_missing(v)]
    if (unit or "").lower() != "percent" or not vals or min(vals) < 60 \
            or max(vals) - min(vals) > 20:
        return 0.0
    return float(max(0, 5 * math.floor((min(vals) - 2) / 5)))


def compare_chart(names: Sequence[str], values: Sequence[Any], label: str,
                  unit: str | None = None, *, statuses: Sequence[Any] | None = None,
                  reference: Any = None, reference_label: str = "National",
                  highlight: str | None = None, higher_is_better: bool = True,
                  title: str | None = None,
                  references: Sequence[Any] | None = None) -> Chart:
    """Horizontal bars, one per school (or subject), best at the top, with a reference line.

    A suppressed or missing value gets no bar and the label 'c' or '–', never a zero.
    ``references``: each bar's own comparison (national for its school's phase), counted
    in the title instead of the one line drawn.
    """
    own = dict(zip(names, references, strict=True)) if references is not None else None
    statuses = list(statuses) if statuses is not None else [None] * len(names)
    rows = list(zip(names, values, statuses, strict=True))
    shown = [r for r in rows if not fmt.is_missing(r[1]) and r[2] in (None, "ok")]
    others = [r for r in rows if r not in shown]
    shown.sort(key=lambda r: float(r[1]), reverse=higher_is_better)
    # barh draws index 0 at the bottom: missing ones there, then worst up to best at the top.
    order = others + shown[::-1]
    if title is None:
        title = compare_title(label, [(n, v) for n, v, _ in shown], unit, reference,
                              reference_label, higher_is_better,
                              [own[n] for n, _, _ in shown] if own is not None else None)
    start = bar_start([v for _, v, _ in shown] + ([] if fmt.is_missing(reference)
                                                  else [reference]), unit)
    with mpl.rc_context({**STYLE, "axes.grid.axis": "x"}):
        fig, ax = _figure(height=max(2.4, 1.2 + 0.38 * len(order)), **{"axes.grid.axis": "x"})
        ax.set_axisbelow(True)
        for i, (name, v, status) in enumerate(order):
            if (name, v, status) in others:
                mark = fmt.value(v, unit, status="suppressed" if status == "suppressed"
                                 else status)
                ax.text(start, i, f" {mark}", va="center", fontsize=9, color=PALETTE["ink"])
                continue
            colour = PALETTE["dark_orange"] if name == highlight else PALETTE["blue"]
            ax.barh(i, float(v) - start, left=start, color=colour, height=0.65)
            ax.text(float(v), i, f" {fmt.value(v, unit)}", va="center", fontsize=9)
        labels = [bar_label(str(r[0])) for r in order]
        ax.set_yticks(range(len(order)), labels)
        _axis_format(ax, unit, axis="x")
        ax.margins(x=0.15)
        if start:
            ax.set_xlim(left=start)
        lines = _set_title(fig, title)
        ticks_h = 10 * 1.2 / 72 + 0.1  # the x tick labels under the axes
        legend_h = 0.0
        if not fmt.is_missing(reference):
            ax.axvline(float(reference), color=PALETTE["ink"], linestyle=":", linewidth=1.6,
                       label=f"{reference_label} {fmt.value(reference, unit)}")
            legend_h = STYLE["legend.fontsize"] * 2.2 / 72
        note_h = 9 * 1.5 / 72 if start else 0.0
        names_w = max((text_size(n, 10)[0] for n in labels), default=0.3)
        bottom = ticks_h + legend_h + note_h + _PAD
        left = names_w + 0.12 + _PAD
        _place(fig, ax, left=left, right=0.25, bottom=bottom, title_lines=lines)
        if legend_h:  # under the tick labels, in the room left for it
            axes_h = fig.get_size_inches()[1] * ax.get_position().height
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -ticks_h / axes_h), ncols=1)
        if start:  # the axis is cut: a break mark on it, and a line saying so
            for dx in (-0.012, 0.0):
                ax.plot([dx - 0.006, dx + 0.006], [-0.03, 0.03], transform=ax.transAxes,
                        color=PALETTE["ink"], linewidth=1.2, clip_on=False)
            w, h = fig.get_size_inches()
            fig.text(left / w, _PAD / h, f"The axis starts at {fmt.value(start, unit)}, "
                     "not at zero, so that the differences show.", fontsize=9,
                     color=PALETTE["ink"], va="bottom")
    alt = f"Bar chart of {label.lower()}: " + "; ".join(
        f"{n} {fmt.value(v, unit, status=s if s not in (None, 'ok') else None)}"
        for n, v, s in rows) + "."
    if not fmt.is_missing(reference):
        alt += f" {reference_label}: {fmt.value(reference, unit)}."
    if start:
        alt += f" The axis starts at {fmt.value(start, unit)}, not at zero."
    return Chart(fig, alt, title)


def compare_title(label: str, pairs: Sequence[tuple[str, Any]], unit: str | None,
                  reference: Any = None, reference_label: str = "national",
                  higher_is_better: bool = True,
                  references: Sequence[Any] | None = None) -> str:
    """'3 of 5 schools are above national for attendance; highest: Oak 96.1%'.

    ``references``: each school's own comparison (national for its phase), so a trust of
    primaries and secondaries counts each against its own; '... better than national for
    their phase' when they differ."""
    if not pairs:
        return f"{label}: no figures to compare"
    best = max(pairs, key=lambda p: float(p[1])) if higher_is_better else \
        min(pairs, key=lambda p: float(p[1]))
    lead = "highest" if higher_is_better else "lowest"
    refs = list(references) if references is not None else [reference] * len(pairs)
    if all(fmt.is_missing(r) for r in refs):
        return f"{label}: {lead} is {best[0]} at {fmt.value(best[1], unit)}"
    better = sum(1 for (_, v), r in zip(pairs, refs, strict=True) if not fmt.is_missing(r)
                 and (float(v) > float(r)) == higher_is_better
                 and fmt.value(v, unit) != fmt.value(r, unit))
    counted = sum(1 for r in refs if not fmt.is_missing(r))
    mixed = len({fmt.value(r, unit) for r in refs if not fmt.is_missing(r)}) > 1
    against = reference_label.lower() + (" for their phase" if mixed else "")
    return (f"{label}: {better} of {counted} better than {against}; "
            f"{lead} is {best[0]} at {fmt.value(best[1], unit)}")
