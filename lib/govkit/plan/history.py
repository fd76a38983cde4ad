"""What a trend's years count: the schools in the trust's figure each year (as it was, or
like for like) and the years of a school's results DfE filed under its predecessor's URN,
in words beside the chart."""

from __future__ import annotations

from govkit.plan import fmt
from govkit.plan.figures import Figures
from govkit.plan.measures import MEASURES, results_year


class History(Figures):
    """The notes that say which schools and years a trend line stands for."""

    def predecessor_years(self, urn: int, measure: str) -> dict[str, int]:
        """The academic years whose results of this school DfE filed under a predecessor
        URN (the school before it converted) -> that URN."""
        key = MEASURES[measure].attainment
        df = self.tables.frames.get("attainment")
        if key is None or df is None or "source_urn" not in df or not len(df):
            return {}
        rows = df[(df["urn"] == urn) & (df["key_stage"] == key[0])
                  & (df["indicator"] == key[1]) & (df["pupil_group"] == key[2])
                  & df["source_urn"].notna()]
        return {str(y): int(u) for y, u in sorted(zip(rows["academic_year"],
                                                       rows["source_urn"], strict=True))}

    def membership_varies(self) -> bool:
        """Whether the trust's figures count different schools in different terms (a school
        joined or left within the trust's terms, and history is as it was)."""
        return len({self.members(t) for t in self.trust.terms}
                   | {self.members(results_year(t)) for t in self.trust.terms}) > 1

    def history_note(self, urn: int | None, measure: str) -> str | None:
        """What a trend's years are: for the trust, which schools each year counts; for a
        school, the years that are its predecessor's results, and what the trust's line
        beside it counts when that changed over the years."""
        if urn is None:
            return self.trust_history(measure)
        trust_line = self.trust_history(measure) if self.membership_varies() \
            and MEASURES[measure].kind != "total" else None
        years = self.predecessor_years(urn, measure)
        if not years:
            return trust_line
        by_urn: dict[int, list[str]] = {}
        for y, u in years.items():
            by_urn.setdefault(u, []).append(y)
        name = self.trust.label(urn)
        parts = [f"{fmt.words_list(ys)} {'is' if len(ys) == 1 else 'are'} filed by DfE "
                 f"under URN {u}, {name}'s URN before it converted" for u, ys in
                 by_urn.items()]
        own = "Results for " + "; ".join(parts) + ": shown as the school's own history."
        return own + (" " + trust_line if trust_line else "")

    def trust_history(self, measure: str) -> str:
        """Which schools the trust's line counts over the trust's terms, named where that
        changed: "Richmond School from 2017-18 (joined December 2017)"."""
        note = self.trust.history_note
        if self.trust.history == "like_for_like" or not self.membership_varies():
            return note
        periods = list(dict.fromkeys(self.measure_period(measure, t)
                                     for t in self.trust.terms))
        changes = []
        for s in self.trust.schools:
            counted = [p for p in periods if s.urn in self.members(p)]
            if len(counted) == len(periods):
                continue
            why = "; ".join(x for x in (
                f"joined {s.joined_trust:%B %Y}" if s.joined_trust else "",
                f"left {s.left_trust:%B %Y}" if s.left_trust else "") if x)
            why = f" ({why})" if why else ""
            name = self.trust.label(s.urn)
            if not counted:
                changes.append(f"{name} in none of these years{why}")
            elif counted[0] != periods[0] and counted[-1] != periods[-1]:
                changes.append(f"{name} from {fmt.term_label(counted[0])} to "
                               f"{fmt.term_label(counted[-1])}{why}")
            elif counted[0] != periods[0]:
                changes.append(f"{name} from {fmt.term_label(counted[0])}{why}")
            else:
                changes.append(f"{name} until {fmt.term_label(counted[-1])}{why}")
        return note + (" Here: " + "; ".join(changes) + "." if changes else "")
