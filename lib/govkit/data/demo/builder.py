"""The generator: each school's rows term by term, drawn from its profile and seed."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

from govkit.data.demo.schools import (
    ATTENDANCE_NATIONAL,
    COMPLIANCE_ITEMS,
    KS2_RWM_NATIONAL,
    PARENT_QUESTIONS,
    PUPIL_QUESTIONS,
    SCHOOL_RISKS,
    SESSIONS_PER_TERM,
    STAFF_QUESTIONS,
    TERMS,
    TOP_SLICE_RATE,
    YEARS,
    DemoSchool,
    _binom,
    _clip,
    _profile,
    _r,
    _season,
    _term_window,
    _weekday,
)

# --- the generator --------------------------------------------------------------------------

class _Builder:
    """Draws every domain's rows for one school, term by term, from its own Generator."""

    def __init__(self, school: DemoSchool, seed: int, rows: dict[str, list[dict]]):
        self.s = school
        self.rng = np.random.default_rng([seed, school.urn])
        self.p = _profile(school, self.rng)
        self.rows = rows
        self.roll: dict[str, int] = {}
        self.census_rows: dict[str, dict] = {}
        self.headcount: dict[str, int] = {}

    # census and rolls
    def census(self) -> None:
        s, p, rng = self.s, self.p, self.rng
        roll = s.capacity * p.fill
        for ti, term in enumerate(TERMS):
            if ti and ti % 3 == 0:
                roll *= 1 + p.roll_trend + float(rng.normal(0, 0.006))
            wobble = {"autumn": 0.0, "spring": 0.003, "summer": 0.005}[_season(term)]
            n = max(8, round(roll * (1 + wobble)))
            self.roll[term] = n
            # shares drift slowly from term to term, as a real census does
            shares = [max(0.0, v + float(rng.normal(0, 0.004)))
                      for v in (p.disadvantaged, p.send, p.ehcp, p.eal)]
            p.disadvantaged, p.send, p.ehcp, p.eal = shares
            dis, send, ehcp, eal = (min(n, round(n * v)) for v in shares)
            send = min(send, n - ehcp)
            row = {"urn": s.urn, "term": term, "pupils_on_roll": n, "disadvantaged": dis,
                   "send_support": send, "ehcp": ehcp, "eal": eal}
            self.census_rows[term] = row
            self.rows["census"].append(row)

    # attendance: a 2x2 of disadvantaged x SEND cells, so both splits add up to "all"
    def attendance(self) -> None:
        s, p, rng = self.s, self.p, self.rng
        dis_gap, send_gap = 2.8, 2.0
        for ti, term in enumerate(TERMS):
            c = self.census_rows[term]
            n, d = c["pupils_on_roll"], c["disadvantaged"]
            sn = c["send_support"] + c["ehcp"]
            both = int(_clip(round(d * sn / n * 1.4), max(0, d + sn - n), min(d, sn)))
            cells = {(1, 1): both, (1, 0): d - both, (0, 1): sn - both,
                     (0, 0): n - d - sn + both}
            year = ti // 3
            national = ATTENDANCE_NATIONAL[s.phase]
            att = national + 0.25 + 0.35 * p.quality + 0.25 * year
            if s.struggling:
                att = national - 2.6 + 0.1 * year
            att += {"autumn": 0.35, "spring": -0.3, "summer": -0.05}[_season(term)]
            att += float(rng.normal(0, 0.2))
            absence = 100 - att
            mean_extra = (dis_gap * d + send_gap * sn) / n
            base = max(1.0, absence - mean_extra)
            spp = SESSIONS_PER_TERM[_season(term)]
            f = float(rng.uniform(0.975, 0.995))  # joiners and leavers mid-term
            totals: dict[str, dict[str, int]] = {
                g: dict.fromkeys(("pupils", "possible", "absent", "unauth", "pa", "severe"), 0)
                for g in ("all", "disadvantaged", "not_disadvantaged", "send", "not_send")}
            for (is_dis, is_send), k in cells.items():
                rate = base + dis_gap * is_dis + send_gap * is_send
                possible = round(k * spp * f)
                absent = round(possible * rate / 100)
                unauth = round(absent * _clip(p.unauthorised + 0.08 * is_dis, 0, 0.9))
                pa = _binom(rng, k, 2.7 * rate / 100)
                severe = min(pa, _binom(rng, k, max(0.1, 0.35 * rate - 0.8) / 100))
                cell = {"pupils": k, "possible": possible, "absent": absent,
                        "unauth": unauth, "pa": pa, "severe": severe}
                groups = ("all", "disadvantaged" if is_dis else "not_disadvantaged",
                          "send" if is_send else "not_send")
                for g in groups:
                    for key, v in cell.items():
                        totals[g][key] += v
            for g, t in totals.items():
                if t["pupils"] == 0:
                    continue  # e.g. no pupil without SEND in a special school
                self.rows["attendance"].append({
                    "urn": s.urn, "term": term, "pupil_group": g, "pupils": t["pupils"],
                    "sessions_possible": t["possible"], "sessions_absent": t["absent"],
                    "sessions_unauthorised": t["unauth"],
                    "persistent_absentees": t["pa"], "severe_absentees": t["severe"]})

    def behaviour(self) -> None:
        s, rng = self.s, self.rng
        rate = {"primary": 0.006, "secondary": 0.07, "special": 0.04}[s.phase]
        pex = {"primary": 0.00007, "secondary": 0.0007, "special": 0.0003}[s.phase]
        if s.struggling:
            rate *= 2.2
        for term in TERMS:
            n = self.roll[term]
            susp = int(rng.poisson(n * rate * math.exp(-0.25 * self.p.quality)))
            pupils = min(susp, max(1 if susp else 0, round(susp / rng.uniform(1.3, 1.9))))
            self.rows["behaviour"].append({
                "urn": s.urn, "term": term, "suspensions": susp, "pupils_suspended": pupils,
                "permanent_exclusions": int(rng.poisson(n * pex))})

    # results
    def _cohort(self, year: str, divisor: float) -> int:
        n = round(self.roll[f"{year}-summer"] / divisor * self.rng.uniform(0.92, 1.06))
        return int(_clip(n, 6, 9)) if self.s.small else max(n, 10)

    def _count_row(self, year: str, ks: str, group: str, ind: str, cohort: int,
                   pupils: int) -> None:
        self.rows["attainment"].append({
            "urn": self.s.urn, "academic_year": year, "key_stage": ks, "pupil_group": group,
            "indicator": ind, "cohort": cohort, "pupils": int(_clip(pupils, 0, cohort))})

    def _score_row(self, year: str, ks: str, group: str, ind: str, cohort: int,
                   score: float | None, lower: float | None = None,
                   upper: float | None = None, status: str | None = None,
                   note: str | None = None) -> None:
        self.rows["attainment"].append({
            "urn": self.s.urn, "academic_year": year, "key_stage": ks, "pupil_group": group,
            "indicator": ind, "cohort": cohort, "score": score, "lower": lower,
            "upper": upper, "status": status, "note": note})

    def ks2(self) -> None:
        s, p, rng = self.s, self.p, self.rng
        if s.phase == "special":
            for year in YEARS:
                self.rows["attainment"].append({
                    "urn": s.urn, "academic_year": year, "key_stage": "ks2",
                    "pupil_group": "all", "indicator": "rwm_expected", "status": "z",
                    "note": "not applicable: pupils working below the test standard"})
            return
        if s.phase != "primary":
            return
        for yi, year in enumerate(YEARS):
            n = self._cohort(year, 7)
            rwm = KS2_RWM_NATIONAL[year] + 0.06 * p.quality + 0.012 * yi
            if s.struggling:
                rwm = KS2_RWM_NATIONAL[year] - 0.11 + 0.01 * yi
            rwm = _clip(rwm + float(rng.normal(0, 0.025)), 0.47, 0.79)
            all_pupils = round(rwm * n)
            # disadvantaged pupils ~21 points behind the others, and the two add up
            nd = _binom(rng, n, p.disadvantaged)
            gap = 0.21
            p_nd = rwm + gap * nd / n
            dis_pupils = int(_clip(round((p_nd - gap) * nd), 0, min(nd, all_pupils)))
            not_dis = int(_clip(all_pupils - dis_pupils, 0, n - nd))
            dis_pupils = all_pupils - not_dis
            ns = max(1, _binom(rng, n, p.send + p.ehcp)) if n >= 10 else _binom(rng, n, 0.15)
            send_pupils = int(_clip(round(_clip(rwm - 0.42, 0.05, 1) * ns), 0,
                                    min(ns, all_pupils)))
            not_send = int(_clip(all_pupils - send_pupils, 0, n - ns))
            send_pupils = all_pupils - not_send
            self._count_row(year, "ks2", "all", "rwm_expected", n, all_pupils)
            for group, cohort, pupils in (("disadvantaged", nd, dis_pupils),
                                          ("not_disadvantaged", n - nd, not_dis),
                                          ("send", ns, send_pupils),
                                          ("not_send", n - ns, not_send)):
                if cohort:
                    self._count_row(year, "ks2", group, "rwm_expected", cohort, pupils)
            higher = _clip(0.08 + 0.025 * p.quality + float(rng.normal(0, 0.015)), 0.02, 0.16)
            self._count_row(year, "ks2", "all", "rwm_higher", n, min(round(higher * n),
                                                                     all_pupils))
            for ind, lift in (("read_expected", 0.145), ("writ_expected", 0.135),
                              ("mat_expected", 0.14), ("gps_expected", 0.135)):
                rate = _clip(rwm + lift + float(rng.normal(0, 0.02)), rwm + 0.04, 0.95)
                self._count_row(year, "ks2", "all", ind, n, max(round(rate * n), all_pupils))
            for ind, centre in (("read_scaled_score", 105.3), ("mat_scaled_score", 104.6),
                                ("gps_scaled_score", 105.1)):
                score = centre + 14 * (rwm - KS2_RWM_NATIONAL[year]) + rng.normal(0, 0.4)
                self._score_row(year, "ks2", "all", ind, n, _r(_clip(score, 101.5, 108.5)))
            for ind in ("read_progress", "writ_progress", "mat_progress"):
                if year == "2022-23":
                    score = _clip(0.9 * p.quality + float(rng.normal(0, 0.8)), -3.5, 3.5)
                    half = 1.96 * 6.0 / math.sqrt(n)
                    self._score_row(year, "ks2", "all", ind, n, _r(score, 2),
                                    _r(score - half, 2), _r(score + half, 2))
                else:
                    self._score_row(year, "ks2", "all", ind, n, None, status="x",
                                    note="not published")

    def phonics(self) -> None:
        s, p, rng = self.s, self.p, self.rng
        if s.phase != "primary":
            return
        for yi, year in enumerate(YEARS):
            n = self._cohort(year, 7)
            rate = 0.79 + 0.035 * p.quality + 0.008 * yi + float(rng.normal(0, 0.02))
            if s.struggling:
                rate = 0.72 + 0.01 * yi + float(rng.normal(0, 0.015))
            self._count_row(year, "phonics", "all", "phonics_pass", n,
                            round(_clip(rate, 0.6, 0.95) * n))

    def ks4(self) -> None:
        s, p, rng = self.s, self.p, self.rng
        if s.phase != "secondary":
            return
        for yi, year in enumerate(YEARS):
            n = self._cohort(year, 5)
            nd = _binom(rng, n, p.disadvantaged)
            lift = 0.12 * p.quality + 0.05 * yi + float(rng.normal(0, 0.08))
            att8 = _clip(45.5 + 6.0 * lift + float(rng.normal(0, 0.8)), 38, 53)
            self._score_row(year, "ks4", "all", "att8", n, _r(att8, 2))
            p8 = _clip(0.8 * lift - 0.05 + float(rng.normal(0, 0.05)), -0.45, 0.45)
            # disadvantaged pupils ~0.72 behind the others (DfE 2023: -0.57 vs +0.16),
            # weighted so that the two groups average to the whole cohort's score
            share = nd / n
            for group, cohort, value in (("all", n, p8),
                                         ("disadvantaged", nd, p8 - 0.72 * (1 - share)),
                                         ("not_disadvantaged", n - nd, p8 + 0.72 * share)):
                if year == "2024-25":
                    self._score_row(year, "ks4", group, "p8", cohort, None, status="x",
                                    note="not published: no KS2 baseline (2020)")
                    continue
                half = 1.96 * 1.25 / math.sqrt(max(cohort, 1))
                self._score_row(year, "ks4", group, "p8", cohort, _r(value, 2),
                                _r(value - half, 2), _r(value + half, 2))
            for ind, centre in (("eng_mat_grade4", 0.65), ("eng_mat_grade5", 0.45),
                                ("ebacc_entered", 0.38)):
                rate = _clip(centre + 0.06 * lift + float(rng.normal(0, 0.02)), 0.2, 0.9)
                self._count_row(year, "ks4", "all", ind, n, round(rate * n))

    # workforce and money
    def workforce(self) -> None:
        s, p, rng = self.s, self.p, self.rng
        ratio, fte_share, ptr = {"primary": (6.5, 0.76, 21.0), "secondary": (9.0, 0.85, 16.5),
                                 "special": (1.8, 0.8, 6.5)}[s.phase]
        headcount = 0
        for ti, term in enumerate(TERMS):
            season = _season(term)
            if season == "autumn":
                headcount = round(self.roll[term] / ratio * rng.uniform(0.93, 1.07)) + 3
            hc = max(4, headcount + int(rng.integers(-1, 2)))
            self.headcount[term] = hc
            fte = _r(hc * fte_share * rng.uniform(0.96, 1.04))
            teachers = _r(min(fte * 0.9, self.roll[term] / ptr + 1))
            days_per_fte = rng.uniform(2.2, 3.4) + (0.5 if season == "spring" else 0)
            days_per_fte += 0.8 if s.struggling else -0.15 * p.quality
            leave_p = {"autumn": 0.02, "spring": 0.02, "summer": 0.055}[season]
            leave_p *= 1.7 if s.struggling else 1.0
            due = {"autumn": round(hc * 0.95), "spring": round(hc * 0.1),
                   "summer": round(hc * 0.9)}[season]
            done_rate = 0.8 if s.struggling else rng.uniform(0.88, 1.0)
            self.rows["workforce"].append({
                "urn": s.urn, "term": term, "headcount": hc, "fte": fte,
                "teachers_fte": teachers,
                "staff_absence_days": _r(fte * _clip(days_per_fte, 1.5, 4.8)),
                "leavers": _binom(rng, hc, leave_p),
                "vacancies": int(rng.poisson(hc * (0.03 if s.struggling else 0.012))),
                "cpd_hours": _r(fte * rng.uniform(9, 16) * (1 + 0.04 * (ti // 3))),
                "cpd_spend": float(round(fte * rng.uniform(60, 140))),
                "appraisals_due": due, "appraisals_completed": min(due, round(due * done_rate))})

    def finance(self) -> None:
        s, rng = self.s, self.rng
        per_pupil = {"primary": 6150.0, "secondary": 7050.0, "special": 23500.0}[s.phase]
        if s.small:
            per_pupil = 8400.0  # the lump sum weighs heavily on a small roll
        per_pupil *= rng.uniform(0.95, 1.05)
        reserve = None
        energy_pp = {"primary": 600.0, "secondary": 650.0, "special": 1500.0}[s.phase]
        for ti, term in enumerate(TERMS):
            yi, season = ti // 3, _season(term)
            if season == "autumn":
                income = self.roll[term] * per_pupil * 1.035 ** yi
                if reserve is None:
                    reserve = income * (0.1 if s.struggling else rng.uniform(0.05, 0.12))
                margin = -(0.025 + 0.005 * yi) if s.struggling else rng.normal(0.012, 0.01)
                staff_share = rng.uniform(0.72, 0.79)
                opening = reserve
            year_income = income * (1 + rng.normal(0, 0.004))
            expenditure = year_income * (1 - margin + rng.normal(0, 0.002))
            closing = opening + year_income - expenditure
            share = {"autumn": 0.37, "spring": 0.41, "summer": 0.22}[season]
            energy = self.roll[term] * energy_pp * share * 0.97 ** yi * rng.uniform(0.9, 1.1)
            self.rows["finance"].append({
                "urn": s.urn, "term": term, "income": float(round(year_income)),
                "expenditure": float(round(expenditure)),
                "staff_costs": float(round(expenditure * staff_share)),
                "revenue_reserve": float(round(closing)),
                "top_slice": float(round(year_income * TOP_SLICE_RATE[s.phase])),
                "energy_kwh": float(round(energy))})
            if season == "summer":
                reserve = closing

    # governance, compliance, risks
    def governance(self, index: int) -> None:
        s, rng = self.s, self.rng
        members = int(rng.integers(9, 13))
        for term in TERMS:
            start, _ = _term_window(term)
            offset = {"autumn": 70, "spring": 55, "summer": 60}[_season(term)] + index % 14
            when = _weekday(start + dt.timedelta(days=offset))
            share = rng.uniform(0.7, 0.85) if s.struggling else rng.uniform(0.75, 1.0)
            present = min(members, max(math.ceil(0.7 * members), round(members * share)))
            self.rows["governance"].append({
                "urn": s.urn, "term": term, "meeting_date": when, "body": "lgb",
                "members": members, "present": present, "quorate": present * 2 >= members})

    def compliance(self) -> None:
        s, rng = self.s, self.rng
        p_met = 0.72 if s.struggling else 0.9
        for term in TERMS:
            start, end = _term_window(term)
            for area, item in COMPLIANCE_ITEMS:
                if item == "Provider access statement published (careers)" \
                        and s.phase != "secondary":
                    status = "not_applicable"
                else:
                    u = rng.uniform()
                    status = ("met" if u < p_met else "partly_met" if u < p_met + 0.05
                              else "not_met")
                if status == "met":
                    due = end - dt.timedelta(days=14)
                elif status == "not_applicable":
                    due = None
                elif rng.uniform() < 0.6:  # overdue: its date has passed
                    due = start + dt.timedelta(days=int(rng.integers(20, 60)))
                else:
                    due = end + dt.timedelta(days=int(rng.integers(20, 50)))
                self.rows["compliance"].append({
                    "urn": s.urn, "term": term, "area": area, "item": item, "status": status,
                    "due_date": due})

    def risks(self) -> None:
        s, rng = self.s, self.rng
        chosen = [SCHOOL_RISKS[int(i)] for i in
                  sorted(rng.choice(len(SCHOOL_RISKS), size=4, replace=False))]
        if s.struggling:
            chosen[0] = ("standards", "Outcomes at KS2 remain below national")
            chosen[1] = ("finance", "In-year deficit as pupil numbers fall")
        for k, (area, title) in enumerate(chosen, 1):
            like = int(rng.integers(2, 4)) + (2 if s.struggling and k <= 2 else 0)
            impact = int(rng.integers(2, 5)) + (1 if s.struggling and k <= 2 else 0)
            closes = None if k < 4 or s.struggling else int(rng.integers(4, 9))
            for ti, term in enumerate(TERMS):
                drift = int(rng.integers(-1, 2)) if ti % 3 == 0 and ti else 0
                like = int(_clip(like + drift, 1, 5))
                self.rows["risks"].append({
                    "urn": s.urn, "term": term, "risk_id": f"R{k:02d}", "area": area,
                    "title": title, "likelihood": like, "impact": int(_clip(impact, 1, 5)),
                    "status": "closed" if closes is not None and ti >= closes else "open"})

    # voice and community
    def surveys(self) -> None:
        s, p, rng = self.s, self.p, self.rng
        for yi, year in enumerate(YEARS):
            term = f"{year}-spring"
            roll = self.roll[term]
            staff = self.headcount[term]
            pupils = round(roll * (4 / 7 if s.phase == "primary" else 0.8))
            for respondent, population, share, questions in (
                    ("staff", staff, 0.8, STAFF_QUESTIONS),
                    ("pupil", pupils, 0.85, PUPIL_QUESTIONS),
                    ("parent", roll, 0.4, PARENT_QUESTIONS)):
                answered = _binom(rng, population, share * rng.uniform(0.85, 1.1))
                for q, base in questions:
                    responses = max(0, answered - int(rng.integers(0, 3)))
                    rate = base + 0.03 * p.quality + 0.01 * yi - (0.1 if s.struggling else 0)
                    self.rows["surveys"].append({
                        "urn": s.urn, "term": term, "respondent": respondent, "question": q,
                        "responses": responses,
                        "agree": _binom(rng, responses, _clip(rate, 0.3, 0.98))})

    def partnerships(self) -> None:
        s, p, rng = self.s, self.p, self.rng
        count = 3 + round(p.quality) + (4 if s.phase == "secondary" else 0)
        for ti, term in enumerate(TERMS):
            if ti % 3 == 0 and ti:
                count += int(rng.integers(0, 2))
            share = _clip(0.45 + 0.06 * p.quality + 0.03 * (ti // 3), 0.2, 0.85)
            self.rows["partnerships"].append({
                "urn": s.urn, "term": term, "partnerships": max(0, count),
                "enrichment_pupils": _binom(rng, self.roll[term], share)})
