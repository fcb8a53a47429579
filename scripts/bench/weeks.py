"""Which diary weeks the requests ask for: the current week (hot: the server has it cached after
the first request) or a different (student, weekStart, weekEnd) each time (cold)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

SPANS = 7  # a request asks for 1..7 days


def monday_saturday(today: date | None = None) -> tuple[str, str]:
    today = today or date.today()
    monday = today - timedelta(days=today.weekday())
    return monday.isoformat(), (monday + timedelta(days=5)).isoformat()


def school_year(today: date | None = None) -> tuple[date, date]:
    """1 September .. 31 May of the academic year `today` falls in (June–August: the one that
    just ended, which is what a diary client would browse back through)."""
    today = today or date.today()
    first = today.year if today.month >= 9 else today.year - 1
    return date(first, 9, 1), date(first + 1, 5, 31)


@dataclass(frozen=True)
class ColdSpace:
    """Every (student, start day, span) of the school year, numbered 0..n-1, and a walk through
    them that visits each exactly once in n steps.

    Request counter c asks for week number (c * p) mod n. Since p and n are coprime, c ↦ c·p mod n
    is a bijection on 0..n-1: counters that differ mod n ask for different student-weeks, so as
    long as fewer than n requests are made every one is a new (student, weekStart, weekEnd) —
    distinct by construction, no bookkeeping needed. p near n·0.618 (the golden ratio) makes
    consecutive requests land far apart in student and date instead of walking day by day.
    """

    students: int
    days: tuple[str, ...]  # the start days, then SPANS - 1 more so that every end exists
    p: int

    @staticmethod
    def build(students: int, today: date | None = None) -> ColdSpace:
        first, last = school_year(today)
        count = (last - first).days + 1
        days = tuple((first + timedelta(days=i)).isoformat() for i in range(count + SPANS - 1))
        n = students * count * SPANS
        p = max(1, round(n * 0.6180339887))
        while math.gcd(p, n) != 1:
            p += 1
        return ColdSpace(students=students, days=days, p=p)

    @property
    def start_days(self) -> int:
        return len(self.days) - (SPANS - 1)

    @property
    def n(self) -> int:
        return self.students * self.start_days * SPANS

    def week(self, counter: int) -> tuple[int, str, str]:
        """(student index, weekStart, weekEnd) of request `counter`."""
        idx = (counter * self.p) % self.n
        student, rest = idx % self.students, idx // self.students
        start, span = rest % self.start_days, rest // self.start_days
        return student, self.days[start], self.days[start + span]

    def distinct(self, counters: list[int]) -> int:
        """How many distinct student-weeks the counters asked for."""
        return len({c % self.n for c in counters})
