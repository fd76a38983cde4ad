"""What a term's built pages judge: how many reds, ambers, triggers and schools needing
attention first, read from the pages as a governor sees them (not from the evaluator).

Counts, for a term folder written by ``govkit run``:

- reds and ambers: KPI rows rated red or amber in the priority reports' tables, school
  pages and trust pages apart;
- reds whose own sentence says the gap to target is not clear ("Not a clear difference");
- triggers: the intervention triggers in the overview's "Needs attention first" table (a
  rule that fired on several KPIs of one school counts once per KPI: "(19 KPIs)");
- attention: the schools (not the trust) in that table, "Needs attention first".

    .venv/bin/python benchmarks/rating_census.py outputs/2024-25-summer
    .venv/bin/python benchmarks/rating_census.py /tmp/before /tmp/after   # side by side
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from bs4 import BeautifulSoup


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def census(term_dir: Path) -> dict[str, int]:
    """The counts above for one built term folder."""
    out = dict.fromkeys(("school reds", "school ambers", "trust reds", "trust ambers",
                         "reds saying not clear", "triggers", "needs attention first"), 0)
    for page in sorted(term_dir.glob("*/priority-*.html")):
        soup = _soup(page)
        where = "trust" if page.parent.name == "trust" else "school"
        for tr in soup.select("tr[data-kpi]"):
            rating = tr.get("data-rating")
            if rating in ("red", "amber"):
                out[f"{where} {rating}s"] += 1
        for p in soup.select('p.kpi-sentence[data-rating="red"]'):
            out["reds saying not clear"] += "Not a clear difference" in p.get_text(" ")
    overview = term_dir / "trust" / "trust_overview.html"
    tables = _soup(overview).find_all("table") if overview.exists() else []
    # the "Needs attention first" table: the one with a column of triggers
    first = next((t for t in tables if "Intervention triggers" in
                  [th.get_text(strip=True) for th in t.select("thead th")]), None)
    if first is not None:
        heads = [th.get_text(strip=True) for th in first.select("thead th")]
        if "Intervention triggers" in heads:
            at = heads.index("Intervention triggers")
            for tr in first.select("tbody tr"):
                cells = [td.get_text(" ", strip=True) for td in tr.find_all("td")]
                if not cells[0].startswith("Trust ("):
                    out["needs attention first"] += 1
                if cells[at] == "None":
                    continue
                for fired in cells[at].split("; "):
                    many = re.search(r"\((\d+) KPIs\)$", fired)
                    out["triggers"] += int(many.group(1)) if many else 1
    return out


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    results = [(a, census(Path(a))) for a in argv]
    names = list(results[0][1])
    width = max(len(n) for n in names)
    print(" " * width + "".join(f"  {Path(a).resolve().parent.name[-12:]:>12}"
                                for a, _ in results))
    for n in names:
        print(f"{n:<{width}}" + "".join(f"  {r[n]:>12}" for _, r in results))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
