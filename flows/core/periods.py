"""Periods and times as officials type them: a month (2026-03), quarter (2026-Q1), half-year (2026-H1),
year (2026) or ISO week (2026-W10); a moment ('2026-03-05 06:15', '05/03/2026 06:15') or a day."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from .errors import InvalidPeriod, InvalidTime
from .status import PeriodKind

REPORT_KINDS = (
    PeriodKind.MONTH,
    PeriodKind.QUARTER,
    PeriodKind.HALF,
    PeriodKind.YEAR,
    PeriodKind.WEEK,
    PeriodKind.RANGE,
)


@dataclass(frozen=True)
class ReportPeriod:
    key: str
    kind: PeriodKind
    start: dt.date  # first day, inclusive
    end: dt.date  # first day after the period

    @property
    def months(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month

    def days_left(self, today: dt.date) -> int:
        return max(0, (self.end - max(today, self.start)).days)


def _month_add(year: int, month: int, months: int) -> dt.date:
    index = year * 12 + (month - 1) + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _parse(text: str) -> ReportPeriod | None:
    if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", text):
        try:
            first, last = dt.date.fromisoformat(m[1]), dt.date.fromisoformat(m[2])
        except ValueError:
            return None
        if last < first:
            return None
        return ReportPeriod(f"{first}..{last}", PeriodKind.RANGE, first, last + dt.timedelta(days=1))
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
        year, month = int(m[1]), int(m[2])
        if 1 <= month <= 12:
            start = dt.date(year, month, 1)
            return ReportPeriod(f"{year}-{month:02d}", PeriodKind.MONTH, start, _month_add(year, month, 1))
    elif m := re.fullmatch(r"(\d{4})-Q([1-4])", text):
        year, quarter = int(m[1]), int(m[2])
        start = dt.date(year, 3 * quarter - 2, 1)
        return ReportPeriod(f"{year}-Q{quarter}", PeriodKind.QUARTER, start, _month_add(year, start.month, 3))
    elif m := re.fullmatch(r"(\d{4})-H([12])", text):
        year, half = int(m[1]), int(m[2])
        start = dt.date(year, 1 if half == 1 else 7, 1)
        return ReportPeriod(f"{year}-H{half}", PeriodKind.HALF, start, _month_add(year, start.month, 6))
    elif m := re.fullmatch(r"(\d{4})-W(\d{1,2})", text):
        try:
            start = dt.date.fromisocalendar(int(m[1]), int(m[2]), 1)
        except ValueError:
            return None
        return ReportPeriod(f"{m[1]}-W{int(m[2]):02d}", PeriodKind.WEEK, start, start + dt.timedelta(days=7))
    elif m := re.fullmatch(r"(\d{4})", text):
        year = int(m[1])
        return ReportPeriod(str(year), PeriodKind.YEAR, dt.date(year, 1, 1), dt.date(year + 1, 1, 1))
    return None


def parse_period(text: str, allowed: tuple[PeriodKind, ...] = REPORT_KINDS) -> ReportPeriod:
    """The period `text` names, if it is one of the `allowed` kinds; else InvalidPeriod."""
    found = _parse(text.strip().upper())
    if found is None or found.kind not in allowed:
        raise InvalidPeriod(text.strip(), allowed)
    return found


def period_containing(day: dt.date, kind: str) -> ReportPeriod:
    """The month, quarter or year that contains `day` (for a quota's own period)."""
    if kind == "month":
        return parse_period(f"{day.year}-{day.month:02d}")
    if kind == "quarter":
        return parse_period(f"{day.year}-Q{(day.month - 1) // 3 + 1}")
    return parse_period(str(day.year))


_TIME_PATTERNS = (
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y %H:%M:%S",
)


def parse_local_time(text: str, tz: ZoneInfo) -> dt.datetime:
    """'2026-03-05 06:15', '2026-03-05T06:15' or '05/03/2026 06:15' (or ISO 8601), in the commune's zone."""
    text = text.strip()
    for pattern in _TIME_PATTERNS:
        try:
            return dt.datetime.strptime(text, pattern).replace(tzinfo=tz)
        except ValueError:
            continue
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        raise InvalidTime(text) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)


def parse_day(text: str) -> dt.date:
    """'2026-03-10' or '10/03/2026'."""
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise InvalidTime(text.strip(), date_only=True)
