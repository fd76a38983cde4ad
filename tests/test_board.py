"""The board summary: exceptions, changes since the last meeting and questions, worked out
by hand on a tiny trust (govkit.plan.exceptions, .since, .questions, .board)."""

from __future__ import annotations

import datetime as dt

import pytest
from memstore import URN_A, URN_B, attendance, memstore, plan, schools, trust

from govkit.errors import ConfigError
from govkit.plan.board import board_summary
from govkit.plan.config import Trust, _validate
from govkit.plan.evaluate import Evaluator
from govkit.plan.exceptions import board_exceptions
from govkit.plan.since import kind_of, last_meeting

TERMS = ["2023-24-autumn", "2023-24-spring", "2023-24-summer", "2024-25-autumn",
         "2024-25-spring", "2024-25-summer"]
NOW, BEFORE = "2024-25-summer", "2024-25-spring"


def item(urn, term, area, name, status, due=None):
    return {"urn": urn, "term": term, "area": area, "item": name, "status": status,
            "due_date": dt.datetime.strptime(due, "%d/%m/%Y") if due else None}


def risk(urn, term, rid, area, title, likelihood, impact, status="open"):
    return {"urn": urn, "term": term, "risk_id": rid, "area": area, "title": title,
            "likelihood": likelihood, "impact": impact, "status": status}


def money(urn, term, income, expenditure, reserve):
    return {"urn": urn, "term": term, "income": income, "expenditure": expenditure,
            "staff_costs": expenditure * 0.7, "revenue_reserve": reserve, "top_slice": None,
            "energy_kwh": None}


@pytest.fixture
def ev() -> Evaluator:
    con = memstore(
        schools=schools("primary", "primary"),
        compliance=[
            # safeguarding: met in part counts, and has been unmet since spring
            item(URN_A, BEFORE, "Safeguarding", "Single central record checked", "not_met"),
            item(URN_A, NOW, "Safeguarding", "Single central record checked", "partly_met",
                 "01/09/2025"),
            # statutory: not met counts; met in part only once past its due date (the
            # summer term ends 31 July 2025)
            item(URN_A, NOW, "website", "Statutory information published", "not_met",
                 "01/09/2025"),
            item(URN_B, NOW, "health and safety", "Fire drill held", "partly_met",
                 "01/05/2025"),
            item(URN_B, NOW, "health and safety", "Legionella checks", "partly_met",
                 "01/09/2025"),
            item(URN_B, NOW, "health and safety", "Asbestos register", "met", "01/05/2025"),
            item(None, NOW, "statutory policies", "Trust accounts filed", "not_met"),
        ],
        risks=[
            risk(URN_B, "2024-25-autumn", "R1", "estates", "Roof leaks", 3, 5),
            risk(URN_B, BEFORE, "R1", "estates", "Roof leaks", 3, 4),  # 12: not high
            risk(URN_B, NOW, "R1", "estates", "Roof leaks", 4, 4),  # 16: high since summer
            risk(URN_A, NOW, "R2", "finance", "Falling rolls", 5, 3, "closed"),
            risk(URN_A, NOW, "R3", "finance", "Falling rolls", 2, 5),  # 10: not high
        ],
        finance=[
            money(URN_A, BEFORE, 1_000_000, 1_030_000, 20_000),  # 30k deficit > 20k reserve
            money(URN_A, NOW, 1_000_000, 1_050_000, 40_000),  # 50k > 40k
            money(URN_B, NOW, 1_000_000, 1_050_000, 60_000),  # 50k < 60k: not an exception
        ],
        attendance=[attendance(URN_A, BEFORE, 1000, 40), attendance(URN_A, NOW, 1000, 80),
                    attendance(URN_B, BEFORE, 1000, 80), attendance(URN_B, NOW, 1000, 40)],
    )
    p = plan([{"measure": "attendance_rate", "target": 95, "tolerance": 1}])
    return Evaluator(trust("primary", "primary", terms=TERMS), p, con)


def test_exceptions_name_each_item_with_its_finding_and_since_when(ev):
    found = [(e.area, e.place, e.item_and_source, e.detail, e.since)
             for e in board_exceptions(ev, NOW)]
    assert found == [
        ("safeguarding", "School 1", "Single central record checked (Safeguarding)",
         "partly met, due 1 Sep 2025", BEFORE),
        ("statutory_compliance", "School 1", "Statutory information published (website)",
         "not met, due 1 Sep 2025", NOW),
        ("statutory_compliance", "School 2", "Fire drill held (health and safety)",
         "partly met, due 1 May 2025 (overdue)", NOW),
        ("statutory_compliance", "Test Trust", "Trust accounts filed (statutory policies)",
         "not met", NOW),
        ("high_risks", "School 2", "Roof leaks (estates risk R1)",
         "scores 16 of 25 (likelihood 4 x impact 4)", NOW),
        ("deficits", "School 1", "In-year deficit larger than the reserves",
         "forecast deficit £50k against reserves of £40k", BEFORE),
    ]
    # one school's: its own only
    assert {e.place for e in board_exceptions(ev, NOW, URN_B)} == {"School 2"}


def test_which_areas_count_is_the_trusts_choice(ev):
    ev.trust = ev.trust.model_copy(update={"board": ev.trust.board.model_copy(
        update={"exceptions": ["safeguarding"]})})
    assert [e.area for e in board_exceptions(ev, NOW)] == ["safeguarding"]


def test_since_the_last_meeting_compares_ratings_with_the_term_before(ev):
    s = board_summary(ev, NOW)
    assert s.last_meeting == BEFORE
    # School 1: 96.0% (green) then 92.0% (red); School 2: 92.0% red then 96.0% green
    assert [(c.kind, c.place, c.before, c.after, c.value) for c in s.changes] == [
        ("turned_red", "School 1", "green", "red", "92.0%"),
        ("recovered", "School 2", "red", "green", "96.0%"),
    ]


def test_a_school_summary_says_what_a_kpi_no_longer_red_is_now(ev):
    # Calder Moor's "No longer red: persistent absence 21.2% against a target of 18.0%"
    # read as a contradiction: the line now says the rating it has
    from govkit.reports.board import since_html

    html = since_html(board_summary(ev, NOW, URN_B))
    assert "No longer red (1)" in html
    assert "96.0% against a target of 95.0%, now green</li>" in html
    assert ", now red" not in since_html(board_summary(ev, NOW, URN_A))


def test_questions_come_from_the_evidence_weightiest_first(ev):
    s = board_summary(ev, NOW, URN_A)
    assert [q.rule for q in s.questions] == ["safeguarding", "turned_red", "deficits"]
    assert s.questions[1].text == (
        "Attendance at School 1 turned red since the last meeting (92.0% against a target "
        "of 95.0%). What changed, and is it a one-off or a trend?")


def test_rating_changes_need_a_rating_at_both_meetings():
    assert kind_of("green", "red") == "turned_red"
    assert kind_of("red", "amber") == "recovered"
    assert kind_of("amber", "green") == "moved"
    assert kind_of(None, "red") is None and kind_of("red", "red") is None


def test_last_meeting_is_configurable_and_must_be_a_term_of_the_trust():
    t = trust("primary", terms=TERMS)
    assert last_meeting(t, NOW) == BEFORE and last_meeting(t, TERMS[0]) is None
    data = t.model_dump(mode="json")
    data["board"] = {"last_meeting": "2024-25-autumn"}
    moved = Trust.model_validate(data)
    assert last_meeting(moved, NOW) == "2024-25-autumn"
    # a report on that term or before it: the term before the report's
    assert last_meeting(moved, "2024-25-autumn") == "2023-24-summer"
    data["board"] = {"last_meeting": "2019-20-autumn"}
    with pytest.raises(ConfigError, match="board.last_meeting: 2019-20-autumn is not one of"):
        _validate(Trust, data, "trust.yaml")


def test_the_run_prints_the_comments_still_due_by_school_and_writes_the_full_list(
        tmp_path, capsys):
    """`govkit run` ends with how many comments are due at each school, before the index:
    the board's pages show nothing where a leader's comment is missing. Schools with the
    same number share a row; the list in full is a CSV beside the index."""
    import csv
    import shutil
    from pathlib import Path

    from govkit.cli import print_comments_due
    from govkit.plan.commentary import comments_due, write_comments_due
    from govkit.plan.params import load_params

    root = Path(__file__).resolve().parents[1]
    params = tmp_path / "params"
    params.mkdir()
    for name in ("trust.yaml", "plan.yaml"):
        shutil.copy(root / "params" / name, params / name)
    (params / "commentary").mkdir()
    # the demo plan asks the trust and each school for six comments: Calder Moor answers
    # two (a blank one does not count), Riverstone High one
    (params / "commentary" / "2024-25-summer.yaml").write_text(
        "148127:\n  education.curriculum.1: Reading is the first priority.\n"
        "  civic.dividend.1: A shared science week with the secondary.\n"
        "  colleagues.pathways.1: '  '\n"
        "148231:\n  governance.leadership.1: '=HYPERLINK(\"x\")'\n", encoding="utf-8")
    trust, plan = load_params(params)
    due = comments_due(trust, plan, params / "commentary", "2024-25-summer")
    full = write_comments_due(tmp_path / "comments-due.csv", due)
    commentary = params / "commentary" / "2024-25-summer.yaml"
    print_comments_due(due, full, commentary)
    lines = capsys.readouterr().out.splitlines()
    # (the trust and 12 schools) x 6 = 78, less 2 and 1 answered: 75, in 14 lines, not 76
    assert "Leaders' comments still due: 75" in lines[0]

    def rows(lines: list[str]) -> list[tuple[str, str]]:
        """The table's rows as (due each, at), a wrapped cell joined up again."""
        got: list[tuple[str, str]] = []
        for ln in lines:
            if ln.startswith("│"):
                n, at = (c.strip() for c in ln.split("│")[1:3])
                got += [(n, at)] if n else []
                got[-1] = (got[-1][0], f"{got[-1][1]} {at}".strip()) if not n else got[-1]
        return got

    six, five, four = rows(lines)
    # the trust and ten schools with six each share a row
    assert six[0] == "6" and six[1].startswith(
        "Kestrel Valley Learning Trust (the trust's own), Ashcombe Primary School, ")
    assert six[1].endswith("Cedarwood Park School (11)")
    assert (five, four) == (("5", "Riverstone High School"),
                            ("4", "Calder Moor Primary School"))
    assert lines[-1] == f"the list in full (school, priority, KPI): {full}; add them to " \
        f"{commentary}"
    assert len(lines) == 14
    # the full list: one row per comment due, the school's URN and name, the priority and
    # KPI; nothing Excel would run as a formula
    with full.open(encoding="utf-8") as f:
        listed = list(csv.DictReader(f))
    assert len(listed) == 75
    assert [r["urn"] for r in listed[:6]] == [""] * 6  # the trust's own: no URN
    calder = [r for r in listed if r["urn"] == "148127"]
    assert {r["kpi"] for r in calder} == {"education.improvement.1", "colleagues.pathways.1",
                                          "governance.leadership.1",
                                          "civic.local-authority.1"}
    assert calder[0]["school"] == "Calder Moor Primary School"
    assert calder[0]["priority"] == "High quality and inclusive education"
    # one school only (--school): its row, nothing else
    print_comments_due(due, full, commentary, [148127])
    lines = capsys.readouterr().out.splitlines()
    assert "Leaders' comments still due: 4" in lines[0]
    assert rows(lines) == [("4", "Calder Moor Primary School")]
    # nothing due: nothing printed
    print_comments_due(due, full, commentary, [999999])
    assert capsys.readouterr().out == ""


def test_a_trust_summary_counts_the_kpis_it_lists_and_the_ratings_behind_them():
    """'Turned red (11)' headed a list of 7 KPIs: the 11 were school-and-KPI pairs. The
    heading now counts the lines beneath it (KPIs) and says how many ratings they hold.

    Three primaries, attendance against 95% and against a stretch target of 97% (both
    tolerance 1: amber from 94% and from 96%), spring then summer:
    School 1: 98.0% (green, green) -> 92.0% (red, red): turned red on both;
    School 2: 97.0% (green, green) -> 95.5% (green, red): turned red on the stretch;
    School 3: 92.0% (red, red) -> 98.0% (green, green): no longer red on both;
    the trust: 130 of 3,000 sessions missed (95.7%) -> 145 (95.2%): green and red both
    times, no change. Turned red: 2 KPIs, 3 ratings; no longer red: 2 KPIs, 2 ratings."""
    from memstore import URN_C

    from govkit.reports.board import since_html

    con = memstore(schools=schools("primary", "primary", "primary"), attendance=[
        attendance(URN_A, BEFORE, 1000, 20), attendance(URN_A, NOW, 1000, 80),
        attendance(URN_B, BEFORE, 1000, 30), attendance(URN_B, NOW, 1000, 45),
        attendance(URN_C, BEFORE, 1000, 80), attendance(URN_C, NOW, 1000, 20)])
    p = plan([{"measure": "attendance_rate", "target": 95, "tolerance": 1},
              {"id": "stretch", "measure": "attendance_rate", "target": 97, "tolerance": 1,
               "label": "Attendance against the stretch target"}])
    ev = Evaluator(trust("primary", "primary", "primary", terms=TERMS), p, con)
    html = since_html(board_summary(ev, NOW))
    assert ('<strong>Turned red (2 KPIs, 3 ratings)</strong></p><ul>'
            '<li><strong>Attendance against the stretch target</strong>: School 1 (92.0%) '
            'and School 2 (95.5%)</li><li><strong>Attendance</strong>: School 1 (92.0%)</li>'
            '</ul>') in html
    assert ('<strong>No longer red (2 KPIs, 2 ratings)</strong></p><p>Attendance (1 place) '
            'and Attendance against the stretch target (1 place)</p>') in html
    # a school's page lists each KPI once, one rating each: its count is its lines
    school = since_html(board_summary(ev, NOW, URN_A))
    assert "<strong>Turned red (2)</strong>" in school and school.count("<li>") == 2
