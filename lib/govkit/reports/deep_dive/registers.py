"""The registers behind the KPIs: staff in post, the year's budget, meetings, the
compliance checklist and the risk register."""

from __future__ import annotations

import pandas as pd

from govkit.plan import fmt
from govkit.plan.measures import HIGH_RISK_SCORE, is_high_risk
from govkit.reports.blocks import paragraph, show_table
from govkit.reports.context import Context, _school_name, _store_table, _this_place
from govkit.reports.deep_dive.common import COMPLIANCE_WORDS


def staff_table(ctx: Context) -> pd.DataFrame:
    """Staff in post this term as counted: headcount, FTE, leavers, vacancies, appraisals."""
    df = _this_place(ctx, _store_table(ctx, "workforce"))
    if df.empty:
        return pd.DataFrame()
    df = df.sort_values("urn")
    return pd.DataFrame({
        "School": [_school_name(ctx, u) for u in df["urn"]],
        "Staff (headcount)": [fmt.number(v) for v in df["headcount"]],
        "Full-time equivalent": [fmt.number(v, 1) for v in df["fte"]],
        "Teachers (FTE)": [fmt.number(v, 1) for v in df["teachers_fte"]],
        "Leavers this term": [fmt.number(v) for v in df["leavers"]],
        "Vacant posts": [fmt.number(v) for v in df["vacancies"]],
        "Appraisals done": [fmt.of(a, b, "") for a, b in
                            zip(df["appraisals_completed"], df["appraisals_due"], strict=True)],
    })


def budget_table(ctx: Context) -> pd.DataFrame:
    """The year's forecast in pounds, as the finance return gives it."""
    df = _this_place(ctx, _store_table(ctx, "finance"))
    if df.empty:
        return pd.DataFrame()
    df = df.sort_values("urn")
    out = pd.DataFrame({"School": [_school_name(ctx, u) for u in df["urn"]]})
    cols = {"income": "Income", "expenditure": "Expenditure", "staff_costs": "Staff costs",
            "top_slice": "Central top slice", "revenue_reserve": "Revenue reserve"}
    for c, label in cols.items():
        out[label] = [fmt.money(v) for v in df[c]]
    out.insert(3, "In-year balance", [fmt.money(a - b) for a, b in
                                      zip(df["income"], df["expenditure"], strict=True)])
    return out


BODY_WORDS = {"board": "Trust board", "lgb": "Local governing body", "committee": "Committee"}


def meetings_table(ctx: Context) -> pd.DataFrame:
    """This term's meetings: body, date, who came, quorate."""
    df = _this_place(ctx, _store_table(ctx, "governance"))
    if df.empty:
        return pd.DataFrame()
    df = df.sort_values(["meeting_date", "body"])
    return pd.DataFrame({
        "Date": [pd.Timestamp(d).strftime("%d %b %Y") for d in df["meeting_date"]],
        "Where": [_school_name(ctx, u) for u in df["urn"]],
        "Body": [BODY_WORDS.get(str(b), str(b)) for b in df["body"]],
        "Present": [fmt.of(p, m, "") for p, m in zip(df["present"], df["members"], strict=True)],
        "Quorate": ["yes" if q else "no" for q in df["quorate"]],
    })


def show_register(ctx: Context, table: pd.DataFrame, caption: str, nothing: str) -> None:
    if table.empty:
        paragraph(nothing)
    else:
        show_table(table, caption=caption)


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


def high_risk_rows(ctx: Context) -> pd.DataFrame:
    """This place's open risks rated high (``measures.is_high_risk``, the rule the
    'Open risks rated high' KPI counts), worst first, with their score."""
    df = _this_place(ctx, _store_table(ctx, "risks"))
    if df.empty:
        return df.assign(score=pd.Series(dtype="Int64"))
    score = df["likelihood"].astype("Int64") * df["impact"].astype("Int64")
    return df.assign(score=score)[is_high_risk(df)].sort_values("score", ascending=False)


def show_risks(ctx: Context) -> None:
    """Open risks rated high, worst first: the same rows the KPI counts."""
    df = _this_place(ctx, _store_table(ctx, "risks"))
    df = df[df["status"] == "open"]
    if df.empty:
        paragraph("No open risks are on the register for this term.")
        return
    high = high_risk_rows(ctx)
    paragraph(f"{len(df)} open {'risk' if len(df) == 1 else 'risks'} on the register; "
              f"{len(high)} rated high (likelihood x impact {HIGH_RISK_SCORE} or more, "
              "out of 25).")
    if not high.empty:
        show_table(pd.DataFrame({
            "School": [_school_name(ctx, u) for u in high["urn"]],
            "Area": high["area"], "Risk": high["title"],
            "Likelihood": high["likelihood"], "Impact": high["impact"], "Score": high["score"],
        }), caption=f"Open risks rated high (scoring {HIGH_RISK_SCORE} or more)")
