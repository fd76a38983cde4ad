"""Narrative sentences, checked word for word against figures worked by hand."""

from memstore import kpi

from govkit.plan import narrative

ATTENDANCE = kpi(label="Attendance", unit="percent", direction="higher", value=94.06,
                 target=95.0, rag="amber", status="ok", period="2024-25-spring",
                 change=0.31, change_basis="last term", national_value=93.0,
                 national_source="DfE 2023-24")


def test_amber_kpi_with_trend_and_national():
    # 95.0 - 94.06 = 0.94 -> "0.9 percentage points"; +0.31 -> "rose by 0.3"
    assert narrative.kpi_sentence(ATTENDANCE) == (
        "Attendance: 94.1% in Spring 2025, just 0.9 percentage points short of the target "
        "of 95.0%. Up 0.3 percentage points on last term, an improvement, and "
        "better than the national figure of 93.0% (DfE 2023-24).")


def test_lower_is_better_reads_a_fall_as_an_improvement():
    row = kpi(label="Persistent absence", unit="percent", direction="lower", value=18.0,
              target=15.0, rag="red", status="ok", period="2024-25-autumn",
              change=-2.0, change_basis="last term", national_value=20.0)
    # 18.0 - 15.0 = 3.0 above a lower-is-better target; falling 2.0 is good; 18 < 20 better
    assert narrative.kpi_sentence(row) == (
        "Persistent absence: 18.0% in Autumn 2024, 3.0 percentage points above the "
        "target of 15.0%. Down 2.0 percentage points on last term, an improvement, "
        "and better than the national figure of 20.0%.")
    assert narrative.kpi_sentence(row._replace(value=15.8, rag="amber", rating="amber")) == (
        "Persistent absence: 15.8% in Autumn 2024, just 0.8 percentage points above the "
        "target of 15.0%. Down 2.0 percentage points on last term, an improvement, "
        "and better than the national figure of 20.0%.")


def test_green_on_the_same_term_last_year_with_small_numbers():
    row = kpi(label="Phonics pass", unit="percent", value=75.0, target=70.0, rag="green",
              status="ok", period="2024-25-summer", change=-5.0,
              change_basis="the same term last year", small_number=True, numerator=21,
              denominator=28)
    # 21 / 28 = 75.0%; last year 80.0% -> fell by 5.0
    assert narrative.kpi_sentence(row) == (
        "Phonics pass: 75.0% (21 of 28 pupils) in Summer 2025, meeting the target of 70.0%."
        " Down 5.0 percentage points on the same term last year, a decline.")


def test_in_line_with_national_at_shown_precision():
    row = ATTENDANCE._replace(value=93.04, change=None, change_basis=None, target=None)
    assert narrative.kpi_sentence(row) == (
        "Attendance: 93.0% in Spring 2025. In line with the national figure of "
        "93.0% (DfE 2023-24).")


def test_statuses_other_than_ok():
    base = kpi(label="KS2 reading progress", period="2023-24-summer")
    assert narrative.kpi_sentence(base._replace(status="suppressed")) == (
        "KS2 reading progress: not shown (c) for Summer 2024 because it covers too few "
        "pupils to publish.")
    assert narrative.kpi_sentence(base._replace(status="not_published")) == (
        "KS2 reading progress: not published for Summer 2024.")
    assert narrative.kpi_sentence(base._replace(status="not_applicable")) == (
        "KS2 reading progress: does not apply here.")
    assert narrative.kpi_sentence(base._replace(status="no_data")) == (
        "KS2 reading progress: no figure yet for Summer 2024.")
    assert narrative.kpi_sentence(base._replace(status="narrative")) == ""  # no placeholder
    assert narrative.kpi_sentence(base._replace(status="narrative",
                                                comment=" Going well. ")) == (
        "Leaders report: Going well.")


def test_priority_summary_counts_and_names_reds():
    rows = [
        kpi(label="Attendance", rag="amber", status="ok"),
        kpi(label="Persistent absence", rag="red", status="ok"),
        kpi(label="Suspensions", rag="green", status="ok"),
        kpi(label="Phonics", rag=None, status="suppressed"),
        kpi(label="Culture", status="narrative"),
    ]
    # rated: 3 (green 1, amber 1, red 1); a narrative without a comment says nothing
    assert narrative.priority_summary(rows, "Attendance and behaviour") == (
        "Attendance and behaviour: of 3 KPIs with a rating, 1 green (on target), 1 amber "
        "(close to target or not clearly off it) and 1 red (clearly off target). Needs "
        "attention: Persistent absence.")
    assert narrative.priority_summary([kpi(label="A", rag="green", status="ok")]) == (
        "Of 1 KPI with a rating, 1 green (on target). Every rated KPI is on target.")
    assert narrative.priority_summary([]) == "No KPI has a rating for this term yet."


def test_trend_phrase_counts_the_latest_run():
    # steps: +0.5, -0.2, +0.3, +0.4 -> run of two rises at the end
    assert narrative.trend_phrase([92.0, 92.5, 92.3, 92.6, 93.0]) == "up for two terms running"
    assert narrative.trend_phrase([5, 4, 3, 2]) == "down for three terms running"
    assert narrative.trend_phrase([5, 6]) == "up last term"
    assert narrative.trend_phrase([5, None, 5]) == "unchanged on last term"
    assert narrative.trend_phrase([5]) == ""


def test_trend_title_states_the_finding():
    # 92 -> 92.5 -> 93.1 -> 93.4: three rises; 93.1 < 93.2 national < 93.4: crossed it
    assert narrative.trend_title("Attendance", [92, 92.5, 93.1, 93.4], 93.2, "percent") == (
        "Attendance: up for three terms running, now above national")
    assert narrative.trend_title("Attendance", [94, 93.5], 93.2, "percent") == (
        "Attendance: down last term, above national")
    assert narrative.trend_title("Attendance", [93.5], None, "percent") == (
        "Attendance: 93.5%")
    # a plural label reads as well as a singular one
    assert narrative.trend_title("Permanent exclusions", [0, 0], None, "count") == (
        "Permanent exclusions: unchanged on last term")
    assert narrative.trend_title("Attendance", [], 93.0) == "Attendance: no figures yet"


def test_yearly_results_say_last_year():
    # the summer term's results against the year before (the evaluator's basis for a
    # yearly result: test_one_result): 62.0 - 58.5 = +3.5
    row = kpi(label="KS2 RWM", unit="percent", value=62.0, status="ok", period="2024-25",
              change=3.5, change_basis="last year")
    assert narrative.kpi_sentence(row) == (
        "KS2 RWM: 62.0% in 2024-25. Up 3.5 percentage points on last year, "
        "an improvement.")
    assert narrative.trend_phrase([58.5, 60.0, 62.0], step="year") == "up for two years running"


def test_a_move_too_small_to_show_is_no_move():
    # 75.41 -> 75.44 both show as 75.4%: the title must not claim a rise
    assert narrative.trend_phrase([75.0, 75.41, 75.44], unit="percent") == (
        "unchanged on last term")
    assert narrative.trend_phrase([75.0, 75.41, 75.44]) == "up for two terms running"


def test_public_sentence_compares_without_targets_or_sources():
    # 95.2 > 93.0 national: better; no target and no source on a card for parents
    row = ATTENDANCE._replace(value=95.2, period="2024-25-summer", trust_value=93.2)
    assert narrative.public_sentence(row) == (
        "Attendance: 95.2% in Summer 2025, better than the national figure of 93.0%.")
    # no national figure: the trust's; 39.1 < 49.6 is worse for a higher-is-better measure
    row = kpi(label="Pupils taking part in enrichment", unit="percent", value=39.1,
              status="ok", period="2024-25-summer", trust_value=49.6, target=75.0,
              rag="red")
    assert narrative.public_sentence(row) == (
        "Pupils taking part in enrichment: 39.1% in Summer 2025, worse than the trust's "
        "figure of 49.6%.")
    # neither: which way it moved (0 -> 0 exclusions, lower is better)
    row = kpi(label="Permanent exclusions", unit="count", value=0, status="ok",
              direction="lower", period="2024-25-summer", change=0, change_basis="last term")
    assert narrative.public_sentence(row) == (
        "Permanent exclusions: 0 in Summer 2025, unchanged at 0 on last term.")
    assert narrative.public_sentence(row._replace(status="suppressed")) == (
        "Permanent exclusions: not shown (c) for Summer 2025 because it covers too few "
        "pupils to publish.")


def test_a_miss_too_small_to_show_is_said_without_a_number():
    # severe absence 2.04% against 2.0% (lower is better): amber, and 0.04 shows as "0.0"
    row = kpi(label="Severe absence", unit="percent", direction="lower", value=2.04,
              target=2.0, rag="amber", status="ok", period="2024-25-summer")
    assert narrative.target_clause(row) == "just above the target of 2.0%"
    assert narrative.target_clause(row._replace(direction="higher", value=1.96)) == (
        "just short of the target of 2.0%")


def test_a_board_charts_title_names_what_it_shows():
    assert narrative.chart_name(
        "Attendance", ["2022-23-autumn", "2023-24-spring", "2024-25-summer"],
        ["Calder Moor Primary School", "the trust", "national", "target"]) == (
        "Attendance by term, Autumn 2022 to Summer 2025: Calder Moor Primary School, the "
        "trust, national and target")
    assert narrative.chart_name("KS2 gap", ["2022-23", "2023-24", "2024-25"],
                                ["the trust", "national, which is the target"]) == (
        "KS2 gap by year, 2022-23 to 2024-25: the trust and national, which is the target")
