"""The house chart style: one look for every report, safe for colour-blind readers.

Each chart function returns a ``Chart`` (the figure, its title and its text
alternative). The title states the finding, not the axis ("Attendance has risen
for three terms and is now above national"); the alt text lists the figures so a
screen-reader user gets the same facts as a sighted one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import matplotlib as mpl
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from govkit.plan import fmt, narrative
from govkit.terms import is_academic_year

# Okabe-Ito: distinguishable with the common forms of colour blindness.
PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "vermilion": "#D55E00",
    "purple": "#CC79A7",
    "grey": "#6E6E6E",
    "ink": "#1F1F1F",
}
SERIES = [PALETTE[k] for k in ("blue", "orange", "green", "purple", "sky", "vermilion")]
# RAG colours chosen from the same palette; reports always print the word beside them.
RAG_COLOURS = {"green": PALETTE["green"], "amber": PALETTE["orange"],
               "red": PALETTE["vermilion"], None: "#BDBDBD"}

STYLE = {
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
    "axes.prop_cycle": mpl.cycler(color=SERIES),
    "xtick.color": PALETTE["ink"],
    "ytick.color": PALETTE["ink"],
    "legend.frameon": False,
    "legend.fontsize": 9,
    "lines.linewidth": 2.2,
    "lines.markersize": 6,
}


class Chart(NamedTuple):
    fig: Figure
    alt: str
    title: str


def apply_style() -> None:
    """Set the house style for every figure drawn after this call."""
    mpl.rcParams.update(STYLE)


def _figure(height: float | None = None, **rc: Any) -> tuple[Figure, Any]:
    # Figure() (not pyplot) so a chart never lingers in pyplot's registry.
    with mpl.rc_context(STYLE | rc):
        fig = Figure(figsize=(STYLE["figure.figsize"][0], height or STYLE["figure.figsize"][1]),
                     layout="constrained")
        ax = fig.add_subplot()
    return fig, ax


def _axis_format(ax: Any, unit: str | None, axis: str = "y") -> None:
    along = getattr(ax, f"{axis}axis")

    def tick(v: float, _pos: int) -> str:
        # As few decimals as show every tick exactly: 92%, 92.5%, 105.25; never two alike.
        # matplotlib hands the formatter this draw's tick positions (set_locs) before it
        # asks for labels: reading them there, not from the locator, keeps it linear.
        locs = formatter.locs if len(formatter.locs) else along.get_majorticklocs()
        dp = next((d for d in range(3) if all(abs(round(t, d) - t) < 1e-9 for t in locs)), 3)
        return fmt.value(v, unit, dp=dp)

    formatter = FuncFormatter(tick)
    along.set_major_formatter(formatter)
    if (unit or "").lower() in {"count", "pupils", "number"}:
        along.set_major_locator(MaxNLocator(integer=True))  # no "2.5 exclusions"


def _set_title(fig: Figure, title: str) -> None:
    # A figure title, left-aligned: long axis labels cannot push it off the edge.
    fig.suptitle(_wrap_title(title), x=0.01, ha="left", fontsize=STYLE["axes.titlesize"],
                 fontweight="bold")


def _min_span(ax: Any, unit: str | None, values: Sequence[float]) -> None:
    """Keep a flat line flat: tiny wobbles (4.9599% to 4.9601%) must not fill the chart."""
    u = (unit or "").lower()
    if not values:
        return
    mid = sum(values) / len(values)
    span = {"percent": 2.0, "points": 2.0, "score": 2.0, "count": 4.0}.get(
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
        fig, ax = _figure()
        name = place or label
        if pts:
            ax.plot([x for x, _ in pts], [v for _, v in pts], marker="o",
                    color=PALETTE["blue"], label=name)
            lx, lv = pts[-1]
            ax.annotate(fmt.value(lv, unit), (lx, lv), textcoords="offset points",
                        xytext=(0, 8), ha="center", fontsize=9, color=PALETTE["blue"],
                        fontweight="bold")
        if comparison is not None:
            cpts = [(x, float(v)) for x, v in zip(xs, comparison, strict=True)
                    if not fmt.is_missing(v)]
            if cpts:
                ax.plot([x for x, _ in cpts], [v for _, v in cpts], marker="s",
                        linestyle="--", color=PALETTE["orange"], label=comparison_label)
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
        _set_title(fig, title)
        if len(ax.get_lines()) > 1:  # one line alone: the title already names it
            ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
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


def compare_chart(names: Sequence[str], values: Sequence[Any], label: str,
                  unit: str | None = None, *, statuses: Sequence[Any] | None = None,
                  reference: Any = None, reference_label: str = "National",
                  highlight: str | None = None, higher_is_better: bool = True,
                  title: str | None = None) -> Chart:
    """Horizontal bars, one per school (or subject), best at the top, with a reference line.

    A suppressed or missing value gets no bar and the label 'c' or '–', never a zero.
    """
    statuses = list(statuses) if statuses is not None else [None] * len(names)
    rows = list(zip(names, values, statuses, strict=True))
    shown = [r for r in rows if not fmt.is_missing(r[1]) and r[2] in (None, "ok")]
    others = [r for r in rows if r not in shown]
    shown.sort(key=lambda r: float(r[1]), reverse=higher_is_better)
    # barh draws index 0 at the bottom: missing ones there, then worst up to best at the top.
    order = others + shown[::-1]
    if title is None:
        title = compare_title(label, [(n, v) for n, v, _ in shown], unit, reference,
                              reference_label, higher_is_better)
    with mpl.rc_context(STYLE | {"axes.grid.axis": "x"}):
        fig, ax = _figure(height=max(2.4, 1.2 + 0.38 * len(order)), **{"axes.grid.axis": "x"})
        ax.set_axisbelow(True)
        for i, (name, v, status) in enumerate(order):
            if (name, v, status) in others:
                mark = fmt.value(v, unit, status="suppressed" if status == "suppressed"
                                 else status)
                ax.text(0, i, f" {mark}", va="center", fontsize=9, color=PALETTE["ink"])
                continue
            colour = PALETTE["orange"] if name == highlight else PALETTE["blue"]
            ax.barh(i, float(v), color=colour, height=0.65)
            ax.text(float(v), i, f" {fmt.value(v, unit)}", va="center", fontsize=9)
        ax.set_yticks(range(len(order)), [str(r[0]) for r in order])
        if not fmt.is_missing(reference):
            ax.axvline(float(reference), color=PALETTE["ink"], linestyle=":", linewidth=1.6,
                       label=f"{reference_label} {fmt.value(reference, unit)}")
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=1)
        _axis_format(ax, unit, axis="x")
        ax.margins(x=0.15)
        _set_title(fig, title)
    alt = f"Bar chart of {label.lower()}: " + "; ".join(
        f"{n} {fmt.value(v, unit, status=s if s not in (None, 'ok') else None)}"
        for n, v, s in rows) + "."
    if not fmt.is_missing(reference):
        alt += f" {reference_label}: {fmt.value(reference, unit)}."
    return Chart(fig, alt, title)


def compare_title(label: str, pairs: Sequence[tuple[str, Any]], unit: str | None,
                  reference: Any = None, reference_label: str = "national",
                  higher_is_better: bool = True) -> str:
    """'3 of 5 schools are above national for attendance; highest: Oak 96.1%'."""
    if not pairs:
        return f"{label}: no figures to compare"
    best = max(pairs, key=lambda p: float(p[1])) if higher_is_better else \
        min(pairs, key=lambda p: float(p[1]))
    lead = "highest" if higher_is_better else "lowest"
    if fmt.is_missing(reference):
        return f"{label}: {lead} is {best[0]} at {fmt.value(best[1], unit)}"
    ref = float(reference)
    better = sum(1 for _, v in pairs if (float(v) > ref) == higher_is_better
                 and fmt.value(v, unit) != fmt.value(ref, unit))
    return (f"{label}: {better} of {len(pairs)} better than {reference_label.lower()}; "
            f"{lead} is {best[0]} at {fmt.value(best[1], unit)}")
