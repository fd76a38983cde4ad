"""No small count can be worked back from a public page: every rate of pupils or of
events a report card shows is tried against every denominator a reader can know (the
figure's own cohort, which DfE publishes; the school's roll, which GIAS publishes)
by differencing (rate x denominator), and no count, nor for a
share of pupils its complement, comes out between 1 and the public threshold - 1."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from govkit.plan import fmt
from govkit.plan.evaluate import Evaluator
from govkit.plan.measures import MEASURES, compute_from

ROOT = Path(__file__).resolve().parents[1]
# rates whose numerator counts pupils or events: their count is what must stay hidden
COUNTED = {mid for mid, m in MEASURES.items()
           if m.kind == "rate" and (m.numerator_pupils or m.numerator_events)}


@pytest.fixture(scope="module")
def ev(demo_term: Path) -> Evaluator:
    return Evaluator.from_paths(ROOT / "params", ROOT / "data" / "demo",
                                ROOT / "outputs" / "test-demo" / "public-counts.duckdb")


def _denominators(ev: Evaluator, measure: str, term: str, urns: list[int] | None
                  ) -> set[int]:
    """What a reader can divide by: the figure's own cohort or base (DfE publishes
    cohorts) and the roll (GIAS publishes it), for the schools the figure covers."""
    out = set()
    for mid in (measure, "pupils_on_roll"):
        mv = compute_from(ev.tables, mid, term, urns)
        for v in (mv.denominator, mv.value if mid == "pupils_on_roll" else None, mv.base):
            if v is not None and v > 0:
                out.add(round(v))
    return out


def recoverable(pages: dict[str, BeautifulSoup], ev: Evaluator, threshold: int) -> list[str]:
    """Every (page, figure, denominator) that gives back a count of 1..threshold-1."""
    problems = []
    for name, soup in pages.items():
        for td in soup.select("td[data-measure][data-value]"):
            measure = td["data-measure"]
            if measure not in COUNTED:
                continue
            shown = td["data-value"]
            if shown in (fmt.SUPPRESSED, fmt.MISSING, fmt.NOT_AVAILABLE):
                continue
            m = MEASURES[measure]
            urns = (ev.peers(int(td["data-peers"])) if td.get("data-peers")
                    else None if td["data-urn"] == "trust" else [int(td["data-urn"])])
            for d in _denominators(ev, measure, td["data-term"], urns):
                for k in range(1, threshold):
                    if k > d:
                        break
                    counts = [k] + ([d - k] if m.numerator_pupils else [])
                    for c in counts:
                        if fmt.value(m.scale * c / d, m.unit) == shown:
                            problems.append(f"{name}: {measure} {shown} at {td['data-urn']} "
                                            f"x {d} gives {k}")
    return problems


def _cards(term_dir: Path) -> dict[str, BeautifulSoup]:
    return {str(p.relative_to(term_dir)): BeautifulSoup(p.read_text(encoding="utf-8"),
                                                        "html.parser")
            for p in sorted(term_dir.glob("*/report_card.html"))}


def test_no_public_count_is_recoverable_by_differencing(demo_term: Path, ev: Evaluator):
    cards = _cards(demo_term)
    assert len(cards) == len(ev.trust.schools)
    threshold = ev.trust.suppression.public_threshold
    problems = recoverable(cards, ev, threshold)
    assert not problems, "\n".join(problems[:20])
    # the check ran: every card shows rates of pupils or events it tried
    tried = sum(1 for soup in cards.values()
                for td in soup.select("td[data-measure][data-value]")
                if td["data-measure"] in COUNTED)
    assert tried > 5 * len(cards)


def test_differencing_catches_a_rate_of_one_suspension(demo_term: Path, ev: Evaluator):
    # Thornwick Green's card once showed 1.5 suspensions per 100 pupils beside a roll of
    # 68: rate x roll = 1 suspension. A page showing it again is caught.
    term = ev.trust.latest_term
    roll = round(ev.raw("pupils_on_roll", term, 148192).value)
    shown = fmt.value(100 * 1 / roll, "per100")
    page = BeautifulSoup(
        f'<table><tr><td data-measure="suspension_rate" data-term="{term}" '
        f'data-urn="148192" data-value="{shown}">{shown}</td></tr></table>', "html.parser")
    problems = recoverable({"card": page}, ev, ev.trust.suppression.public_threshold)
    assert any(f"x {roll} gives 1" in p for p in problems), problems
