"""Term ids such as ``2024-25-autumn``: parsing, order, and the terms to compare with."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

SEASONS = ("autumn", "spring", "summer")
_TERM_RE = re.compile(r"^(\d{4})-(\d{2})-(autumn|spring|summer)$")
_YEAR_RE = re.compile(r"^(\d{4})-(\d{2})$")


class TermError(ValueError):
    """A term or academic-year id is malformed."""


@dataclass(frozen=True, order=True)
class Term:
    start_year: int
    season_index: int

    @property
    def season(self) -> str:
        return SEASONS[self.season_index]

    @property
    def academic_year(self) -> str:
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d}"

    @property
    def id(self) -> str:
        return f"{self.academic_year}-{self.season}"

    @property
    def label(self) -> str:
        """How people write it: 'Autumn 2024', 'Spring 2025'."""
        year = self.start_year if self.season_index == 0 else self.start_year + 1
        return f"{self.season.capitalize()} {year}"

    def previous(self) -> Term:
        if self.season_index == 0:
            return Term(self.start_year - 1, 2)
        return Term(self.start_year, self.season_index - 1)

    def next(self) -> Term:
        if self.season_index == 2:
            return Term(self.start_year + 1, 0)
        return Term(self.start_year, self.season_index + 1)

    def year_ago(self) -> Term:
        return Term(self.start_year - 1, self.season_index)

    def __str__(self) -> str:
        return self.id


@lru_cache(maxsize=4096)  # evaluation parses the same few dozen ids thousands of times
def parse_term(text: str) -> Term:
    """Parse ``2024-25-autumn``; refuse ``2024-26-autumn`` and ``2024-25-winter``."""
    m = _TERM_RE.match(str(text).strip())
    if not m:
        raise TermError(
            f"'{text}' is not a term id like 2024-25-autumn (year-yy-autumn|spring|summer)"
        )
    start, end, season = int(m.group(1)), int(m.group(2)), m.group(3)
    if (start + 1) % 100 != end:
        raise TermError(f"'{text}': {end:02d} does not follow {start}")
    return Term(start, SEASONS.index(season))


def parse_academic_year(text: str) -> str:
    """Check ``2023-24``; return it unchanged."""
    m = _YEAR_RE.match(str(text).strip())
    if not m or (int(m.group(1)) + 1) % 100 != int(m.group(2)):
        raise TermError(f"'{text}' is not an academic year like 2023-24")
    return str(text).strip()


def _accepts(parse: Callable[[str], object], text: str) -> bool:
    """Whether ``parse`` takes ``text`` without a TermError."""
    try:
        parse(text)
    except TermError:
        return False
    return True


def is_term(text: str) -> bool:
    return _accepts(parse_term, text)


def is_academic_year(text: str) -> bool:
    return _accepts(parse_academic_year, text)


def terms_between(first: str, last: str) -> list[Term]:
    a, b = parse_term(first), parse_term(last)
    out = []
    while a <= b:
        out.append(a)
        a = a.next()
    return out


def period_dates(period: str) -> tuple[datetime.date, datetime.date]:
    """The first and last day of a term (autumn to December, spring to March, summer to
    July) or of an academic year (September to August)."""
    if is_term(period):
        t = parse_term(period)
        y = t.start_year
        return [(datetime.date(y, 9, 1), datetime.date(y, 12, 31)),
                (datetime.date(y + 1, 1, 1), datetime.date(y + 1, 3, 31)),
                (datetime.date(y + 1, 4, 1), datetime.date(y + 1, 7, 31))][t.season_index]
    y = int(parse_academic_year(period)[:4])
    return datetime.date(y, 9, 1), datetime.date(y + 1, 8, 31)
