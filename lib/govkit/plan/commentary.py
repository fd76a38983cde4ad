"""Leaders' comments on KPIs: params/commentary/<term>.yaml.

The format is ``{<urn or 'trust'>: {<kpi id>: text}}``. Narrative KPIs show the comment
given here (and nothing without one: ``comments_due`` lists those for the analyst); a
data KPI may carry one too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from govkit.errors import ConfigError
from govkit.plan.config import Plan, Trust, parse_yaml

Comments = dict[str, dict[str, str]]


def load_commentary(commentary_dir: str | Path | None, term: str) -> Comments:
    """The term's comments keyed by 'trust' or the URN as text; {} if there is no file."""
    if commentary_dir is None:
        return {}
    path = Path(commentary_dir) / f"{term}.yaml"
    if not path.is_file():
        return {}
    data = parse_yaml(path)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of 'trust' or a URN to KPI comments")
    out: Comments = {}
    for place, items in data.items():
        key = str(place).strip()
        if key != "trust" and not (key.isdigit() and len(key) == 6):
            raise ConfigError(f"{path}: {place}: expected 'trust' or a school's 6-digit URN")
        if not isinstance(items, dict):
            raise ConfigError(f"{path}: {place}: expected a mapping of KPI id to comment")
        for kpi_id, text in items.items():
            if not isinstance(text, str):
                raise ConfigError(f"{path}: {place}.{kpi_id}: a comment must be text")
            out.setdefault(key, {})[str(kpi_id)] = text.strip()
    return out


def comment_for(comments: Comments, urn: int | None, kpi_id: str | None) -> str | None:
    if kpi_id is None:
        return None
    return comments.get("trust" if urn is None else str(urn), {}).get(kpi_id)


@dataclass(frozen=True)
class CommentDue:
    """A leader's comment the plan asks for and the term's commentary file lacks."""

    urn: int | None  # None: the trust's own
    place: str
    priority: str
    kpi_id: str
    label: str


DUE_FILE = "comments-due.csv"  # the run's full list, beside the term's index
DUE_COLUMNS = ("urn", "school", "priority", "kpi", "asks")


def write_comments_due(path: Path, due: list[CommentDue]) -> Path:
    """The comments still due as CSV (one row each, the trust's own with no URN), for the
    analyst to open in Excel and send to each school: written whole, even with none, so
    the file never lists what an earlier run lacked. Text Excel would run as a formula
    is written as text (govkit.text.cell)."""
    import csv

    from govkit.files import replacing
    from govkit.text import cell

    with replacing(path) as f:
        w = csv.writer(f)
        w.writerow(DUE_COLUMNS)
        w.writerows(["" if d.urn is None else d.urn, *map(cell, (
            d.place, d.priority, d.kpi_id, d.label))] for d in due)
    return path


def comments_due(trust: Trust, plan: Plan, commentary_dir: str | Path | None,
                 term: str) -> list[CommentDue]:
    """Every narrative KPI without a comment this term, for the trust and each school, in
    the plan's order: the analyst's list of what to ask leaders for (the board's pages show
    nothing where a comment is missing)."""
    comments = load_commentary(commentary_dir, term)
    places: list[tuple[int | None, str]] = [(None, trust.name)] + [
        (s.urn, s.name) for s in trust.schools]
    out = []
    for urn, place in places:
        for p, c, k in plan.kpis():
            if k.evidence != "narrative" and k.measure is not None:
                continue
            if k.audience and "board" not in k.audience:
                continue
            if (comment_for(comments, urn, str(k.id)) or "").strip():
                continue
            out.append(CommentDue(urn, place, p.title, str(k.id), k.label or c.text))
    return out
