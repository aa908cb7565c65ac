"""The report for a period, as the province wants it: tables by rule, channel, topic and office, and the items
and activities behind every number."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .. import labels
from ..core.items import Item
from ..core.ledger import Ledger
from ..core.periods import ReportPeriod
from ..core.plan import CommunePlan, Unit
from ..core.quota import (
    Airtime,
    Counted,
    QuotaStatus,
    airtime,
    counted_activities,
    counted_deliveries,
    quota_status,
)
from ..core.tasks import TaskState, task_states


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
    tasks: list[TaskState] = field(default_factory=list)
    unit: Unit | None = None  # an office's own report to the commune, else the commune's
    airtime: list[Airtime] = field(default_factory=list)

    @property
    def channels(self) -> list[str]:
        return self.plan.report_channels

    @property
    def as_of(self) -> dt.date:
        """The day the tasks are shown as of: the report's date, or the period's close if that came first (a
        task due on the period's last day and not done by its close is late)."""
        return min(self.made_on, self.period.end)

    @property
    def stem(self) -> str:
        return f"bao-cao-cchc-{self.unit.id + '-' if self.unit else ''}{self.period.key}"

    @property
    def reporter(self) -> str:
        """Who reports: the office, or the commune's People's Committee."""
        return self.unit.name if self.unit else f"Ủy ban nhân dân {self.plan.commune.full_name}"

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
                counts = [sum(1 for c in self.counted[ch] if getattr(c, key) == ident) for ch in self.channels]
                rows.append([name, *counts, sum(1 for c in self.items if getattr(c, key) == ident)])
            return rows

        def totals(rows: list[list[object]]) -> list[object]:
            return ["Tổng cộng", *(sum(r[i] for r in rows) for i in range(1, len(rows[0])))] if rows else []

        channel_heads = [labels.CHANNELS[c] for c in self.channels]
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
                c.url or c.where or "",
            ]
            for channel in self.channels
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
        by_channel = [[labels.CHANNELS[c], len(self.counted[c])] for c in self.channels]
        tasks = [
            [
                t.task.id,
                t.task.name,
                "; ".join(units.get(u, u) for u in t.task.lead),
                "; ".join([*(units.get(u, u) for u in t.task.assisting), *filter(None, [t.task.assisting_text])]),
                t.task.time_frame + (f" (hạn {t.task.due:%d/%m/%Y})" if t.task.due else ""),
                t.task.product or "",
                labels.TASK_STATUS[t.status].capitalize() + (" — quá hạn" if t.late(self.as_of) else ""),
                t.note,
            ]
            for t in self.tasks
        ]
        task_table = Table(
            "nhiem-vu",
            "Tình hình thực hiện nhiệm vụ theo kế hoạch",
            ["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian", "Sản phẩm", "Tình trạng", "Ghi chú"],
            tasks,
            widths=[6, 60, 30, 30, 18, 35, 18, 30],
        )
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
                widths=[70, *[14] * len(self.channels), 14],
            ),
            Table(
                "theo-don-vi",
                "Tin, bài theo đơn vị",
                ["Đơn vị", *channel_heads, "Số tin, bài"],
                by_unit,
                totals(by_unit),
                widths=[45, *[14] * len(self.channels), 14],
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
            *([task_table] if self.plan.tasks else []),
            *([self._airtime_table()] if "loudspeaker" in self.channels else []),
        ]

    def _airtime_table(self) -> Table:
        rows = [[f"{a.month[5:]}/{a.month[:4]}", a.airings, round(a.seconds / 60, 1)] for a in self.airtime]
        total = ["Tổng cộng", sum(a.airings for a in self.airtime), round(sum(a.seconds for a in self.airtime) / 60, 1)]
        return Table(
            "thoi-luong-phat",
            "Thời lượng phát thanh trên loa",
            ["Tháng", "Số lượt phát", "Thời lượng (phút)"],
            rows,
            total,
            widths=[20, 16, 18],
        )


def _for_office(statuses: list[QuotaStatus], unit: Unit) -> list[QuotaStatus]:
    """The rules that bind one office: its own row of a rule made per office (or of a coverage rule), and the
    rules that name it."""
    mine = []
    for status in statuses:
        if status.parts:
            mine += [p for p in status.parts if p.unit and p.unit.id == unit.id]
        elif status.unit is not None:
            mine += [status] if status.unit.id == unit.id else []
        elif status.quota.unit == unit.id:
            mine.append(status)
    return mine


def build_report(
    ledger: Ledger,
    plan: CommunePlan,
    items: dict[str, Item],
    period: ReportPeriod,
    made_on: dt.date | None = None,
    unit: Unit | None = None,
) -> Report:
    """The commune's report for `period`, or with `unit` that office's own report to the commune (what it
    delivered as office in charge, against its own rules and tasks)."""
    made_on = made_on or dt.datetime.now(plan.commune.tz).date()
    statuses = quota_status(ledger, plan, items, period.start, period)
    counted = counted_deliveries(ledger, plan, period, items)
    activities = counted_activities(ledger, plan, period)
    until = dt.datetime.combine(min(period.end, made_on + dt.timedelta(days=1)), dt.time(), plan.commune.tz)
    tasks = task_states(ledger, plan, until)
    if unit is not None:
        statuses = _for_office(statuses, unit)
        counted = {channel: [c for c in entries if c.unit == unit.id] for channel, entries in counted.items()}
        activities = [a for a in activities if a.unit == unit.id]
        tasks = [t for t in tasks if t.involves(unit.id)]
    minutes = airtime(ledger, plan, period, items, unit.id if unit else None)
    return Report(plan, period, statuses, counted, activities, made_on, tasks, unit, minutes)
