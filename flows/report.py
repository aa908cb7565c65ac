"""The quota report for a period: what counted, per quota and per item (basic CSV for now)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from .core.atomic import write_atomic
from .core.items import Item
from .core.ledger import Ledger
from .core.periods import ReportPeriod
from .core.plan import CHANNEL_NAMES_VI, CommunePlan
from .core.quota import Counted, QuotaStatus, counted_deliveries, quota_status


@dataclass
class Report:
    period: ReportPeriod
    quotas: list[QuotaStatus]
    counted: dict[str, list[Counted]]


def build_report(ledger: Ledger, plan: CommunePlan, items: dict[str, Item], period: ReportPeriod) -> Report:
    return Report(
        period, quota_status(ledger, plan, items, period.start, period), counted_deliveries(ledger, plan, period)
    )


def _csv(rows: list[list[object]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")  # the BOM lets Excel open Vietnamese text correctly


def write_csv(report: Report, plan: CommunePlan, items: dict[str, Item], out_dir: Path) -> list[Path]:
    tz = plan.commune.tz
    quota_rows: list[list[object]] = [
        ["Chỉ tiêu", "Kênh", "Kỳ", "Tối thiểu", "Thực hiện", "Tỷ lệ (%)", "Đạt", "Căn cứ"]
    ]
    for status in report.quotas:
        quota_rows.append(
            [
                status.quota.name,
                CHANNEL_NAMES_VI[status.quota.channel],
                report.period.label_vi,
                status.required,
                status.actual,
                status.percent,
                "Đạt" if status.met else "Chưa đạt",
                status.quota.source or "",
            ]
        )
    item_rows: list[list[object]] = [["Kênh", "Mã bài", "Tiêu đề", "Chủ đề", "Đơn vị", "Thời điểm", "Đường dẫn"]]
    for channel, counted in report.counted.items():
        for entry in counted:
            item = items.get(entry.item_id)
            item_rows.append(
                [
                    CHANNEL_NAMES_VI[channel],
                    entry.item_id,
                    item.title if item else "(bài đã bị xóa khỏi content/items)",
                    plan.topic(item.meta.topic).name if item else "",
                    plan.unit(item.meta.unit).name if item else "",
                    entry.at.astimezone(tz).strftime("%d/%m/%Y %H:%M"),
                    entry.url or "",
                ]
            )
    paths = [out_dir / f"chi-tieu-{report.period.key}.csv", out_dir / f"danh-sach-{report.period.key}.csv"]
    write_atomic(paths[0], _csv(quota_rows))
    write_atomic(paths[1], _csv(item_rows))
    return paths
