"""Why a figure is missing: the reason most of the trust's schools give."""

from memstore import URN_A, URN_B, URN_C, memstore, result, schools

from govkit.plan.measures import compute


def test_a_trust_figure_missing_says_why_most_schools_give():
    # Two schools suppressed (SUPP), one blank: before, any blank made it "not published".
    y = "2023-24"
    con = memstore(schools=schools("primary", "primary", "primary"), attainment=[
        result(URN_A, y, "read_progress", None, status="c", note="SUPP"),
        result(URN_B, y, "read_progress", None, status="c", note="SUPP"),
        result(URN_C, y, "read_progress", None, status="x", note="blank")])
    assert compute(con, "ks2_read_progress", "2024-25-autumn").status == "suppressed"
