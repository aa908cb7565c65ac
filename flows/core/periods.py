"""Reporting periods: a month (2026-03), quarter (2026-Q1), half-year (2026-H1) or year (2026)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .errors import CchcError


@dataclass(frozen=True)
class ReportPeriod:
    key: str
    start: dt.date  # first day, inclusive
    end: dt.date  # first day after the period

    @property
    def label_vi(self) -> str:
        year = self.start.year
        if re.fullmatch(r"\d{4}-\d{2}", self.key):
            return f"tháng {self.start.month:02d}/{year}"
        if "-Q" in self.key:
            return f"quý {['I', 'II', 'III', 'IV'][(self.start.month - 1) // 3]} năm {year}"
        if "-H" in self.key:
            return f"{'6 tháng đầu' if self.start.month == 1 else '6 tháng cuối'} năm {year}"
        return f"năm {year}"

    def days_left(self, today: dt.date) -> int:
        return max(0, (self.end - max(today, self.start)).days)


def _month_add(year: int, month: int, months: int) -> dt.date:
    index = year * 12 + (month - 1) + months
    return dt.date(index // 12, index % 12 + 1, 1)


def parse_period(text: str) -> ReportPeriod:
    text = text.strip().upper()
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
        year, month = int(m[1]), int(m[2])
        if 1 <= month <= 12:
            return ReportPeriod(f"{year}-{month:02d}", dt.date(year, month, 1), _month_add(year, month, 1))
    elif m := re.fullmatch(r"(\d{4})-Q([1-4])", text):
        year, quarter = int(m[1]), int(m[2])
        start = dt.date(year, 3 * quarter - 2, 1)
        return ReportPeriod(f"{year}-Q{quarter}", start, _month_add(year, start.month, 3))
    elif m := re.fullmatch(r"(\d{4})-H([12])", text):
        year, half = int(m[1]), int(m[2])
        start = dt.date(year, 1 if half == 1 else 7, 1)
        return ReportPeriod(f"{year}-H{half}", start, _month_add(year, start.month, 6))
    elif m := re.fullmatch(r"(\d{4})", text):
        year = int(m[1])
        return ReportPeriod(str(year), dt.date(year, 1, 1), dt.date(year + 1, 1, 1))
    raise CchcError(
        f"Kỳ báo cáo '{text}' không hợp lệ. Dùng dạng 2026-03 (tháng), 2026-Q1 (quý), "
        "2026-H1 (6 tháng) hoặc 2026 (năm)."
    )


def period_containing(day: dt.date, kind: str) -> ReportPeriod:
    """The month, quarter or year that contains `day` (for a quota's own period)."""
    if kind == "month":
        return parse_period(f"{day.year}-{day.month:02d}")
    if kind == "quarter":
        return parse_period(f"{day.year}-Q{(day.month - 1) // 3 + 1}")
    return parse_period(str(day.year))
