import pytest

from govkit.terms import (
    Term,
    TermError,
    is_term,
    parse_academic_year,
    parse_term,
    terms_between,
)


def test_parse_and_print_round_trip():
    t = parse_term("2024-25-spring")
    assert (t.start_year, t.season, t.academic_year, t.id) == (2024, "spring", "2024-25", str(t))
    assert t.label == "Spring 2025"
    assert parse_term("2024-25-autumn").label == "Autumn 2024"


@pytest.mark.parametrize("bad", ["2024-26-autumn", "2024-25-winter", "24-25-autumn", "", "2024-25"])
def test_bad_term_ids_are_refused(bad):
    with pytest.raises(TermError):
        parse_term(bad)
    assert not is_term(bad)


def test_century_rollover():
    assert parse_term("2099-00-summer").next() == Term(2100, 0)


def test_previous_next_and_year_ago():
    autumn = parse_term("2024-25-autumn")
    assert autumn.previous().id == "2023-24-summer"
    assert autumn.next().id == "2024-25-spring"
    assert parse_term("2024-25-summer").next().id == "2025-26-autumn"
    assert parse_term("2024-25-spring").year_ago().id == "2023-24-spring"
    assert parse_term("2023-24-summer") < autumn


def test_an_academic_year_spans_two_consecutive_years():
    with pytest.raises(TermError):
        parse_academic_year("2023-25")


def test_terms_between_counts_three_a_year():
    terms = terms_between("2022-23-autumn", "2024-25-summer")
    assert len(terms) == 9
    assert terms[0].id == "2022-23-autumn" and terms[-1].id == "2024-25-summer"
