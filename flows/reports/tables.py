"""The report for a period, as the province wants it: tables by rule, channel, topic and office, and the items
and activities behind every number."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .. import labels
from ..core.items import Item
from ..core.ledger import Ledger
from ..core.periods import ReportPeriod
from ..core.plan import CHANNELS, CommunePlan
from ..core.quota import Counted, QuotaStatus, counted_activities, counted_deliveries, quota_status


@dataclass
class Table:
    key: str  # file and sheet name
    title: str
    headers: list[str]
    rows: list[list[object]]
    totals: list[object] | None = None
    widths: list[int] = field(default_factory=list)


@dataclass
class Report:
    plan: CommunePlan
    period: ReportPeriod
    quotas: list[QuotaStatus]
    counted: dict[str, list[Counted]]
    activities: list[Counted]
    made_on: dt.date

    @property
    def items(self) -> list[Counted]:
        """Each item once (whatever channels it went out on), for the totals."""
        first: dict[str, Counted] = {}
        for entries in self.counted.values():
            for entry in entries:
                first.setdefault(entry.item_id, entry)
        return list(first.values())

    def tables(self) -> list[Table]:
        plan, tz = self.plan, self.plan.commune.tz
        topics = {t.id: t.name for t in plan.topics}
        units = {u.id: u.name for u in plan.units}
        kinds = plan.activity_kinds

        def per(key: str, names: dict[str, str]) -> list[list[object]]:
            rows = []
            for ident, name in names.items():
                counts = [sum(1 for c in self.counted[ch] if getattr(c, key) == ident) for ch in CHANNELS]
                rows.append([name, *counts, sum(1 for c in self.items if getattr(c, key) == ident)])
            return rows

        def totals(rows: list[list[object]]) -> list[object]:
            return ["Tổng cộng", *(sum(r[i] for r in rows) for i in range(1, len(rows[0])))] if rows else []

        channel_heads = [labels.CHANNELS[c] for c in CHANNELS]
        rules = [
            [
                s.label,
                labels.QUOTA_PERIODS[s.quota.period],
                s.required,
                s.actual,
                s.percent,
                labels.OUTLOOK[
                    s.outlook(
                        min(self.made_on, self.period.end - dt.timedelta(days=1))
                        if s.period.end > self.period.end
                        else self.made_on
                    )
                ].capitalize(),
                s.quota.source or "",
            ]
            for s in self.quotas
        ]
        by_topic, by_unit = per("topic", topics), per("unit", units)
        listing = [
            [
                labels.CHANNELS[channel],
                c.item_id,
                c.title,
                topics.get(c.topic or "", ""),
                units.get(c.unit or "", ""),
                c.at.astimezone(tz).strftime("%d/%m/%Y %H:%M"),
                c.url or "",
            ]
            for channel in CHANNELS
            for c in self.counted[channel]
        ]
        activities = [
            [
                a.at.strftime("%d/%m/%Y"),
                kinds.get(a.kind or "", a.kind),
                a.title,
                units.get(a.unit or "", ""),
                a.attendees if a.attendees is not None else "",
            ]
            for a in self.activities
        ]
        by_channel = [[labels.CHANNELS[c], len(self.counted[c])] for c in CHANNELS]
        return [
            Table(
                "chi-tieu",
                "Kết quả thực hiện chỉ tiêu",
                ["Chỉ tiêu", "Chỉ tiêu theo", "Kế hoạch", "Thực hiện", "Tỷ lệ (%)", "Kết quả", "Căn cứ"],
                rules,
                widths=[60, 12, 10, 10, 10, 22, 50],
            ),
            Table(
                "theo-kenh",
                "Tin, bài theo kênh",
                ["Kênh", "Số tin, bài"],
                by_channel,
                ["Tổng cộng (mỗi bài một lần)", len(self.items)],
                widths=[40, 14],
            ),
            Table(
                "theo-chu-de",
                "Tin, bài theo chủ đề",
                ["Chủ đề", *channel_heads, "Số tin, bài"],
                by_topic,
                totals(by_topic),
                widths=[70, 14, 14, 14, 14],
            ),
            Table(
                "theo-don-vi",
                "Tin, bài theo đơn vị",
                ["Đơn vị", *channel_heads, "Số tin, bài"],
                by_unit,
                totals(by_unit),
                widths=[45, 14, 14, 14, 14],
            ),
            Table(
                "danh-sach",
                "Danh sách tin, bài",
                ["Kênh", "Mã bài", "Tiêu đề", "Chủ đề", "Đơn vị", "Thời điểm", "Đường dẫn"],
                listing,
                widths=[22, 30, 60, 40, 35, 17, 60],
            ),
            Table(
                "hoat-dong",
                "Hoạt động",
                ["Ngày", "Loại", "Nội dung", "Đơn vị", "Số người tham dự"],
                activities,
                ["Tổng cộng", len(activities), "", "", sum(a.attendees or 0 for a in self.activities)],
                widths=[12, 40, 60, 35, 16],
            ),
        ]


def build_report(
    ledger: Ledger, plan: CommunePlan, items: dict[str, Item], period: ReportPeriod, made_on: dt.date | None = None
) -> Report:
    made_on = made_on or dt.datetime.now(plan.commune.tz).date()
    return Report(
        plan,
        period,
        quota_status(ledger, plan, items, period.start, period),
        counted_deliveries(ledger, plan, period, items),
        counted_activities(ledger, plan, period),
        made_on,
    )
