"""The report for a period, as the province wants it: tables by rule, channel, topic and office, the items
and activities behind every number; written as CSV, XLSX, DOCX (Nghị định 30/2020) and a PNG chart."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

from .core.atomic import write_atomic
from .core.items import Item
from .core.ledger import Ledger
from .core.periods import ReportPeriod
from .core.plan import CHANNEL_NAMES_VI, CHANNELS, PERIOD_NAMES_VI, CommunePlan
from .core.quota import Counted, QuotaStatus, counted_activities, counted_deliveries, quota_status

FORMATS = ("csv", "xlsx", "docx", "png")


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

        channel_heads = [CHANNEL_NAMES_VI[c] for c in CHANNELS]
        rules = [
            [
                s.label,
                PERIOD_NAMES_VI[s.quota.period],
                s.required,
                s.actual,
                s.percent,
                s.outlook(
                    min(self.made_on, self.period.end - dt.timedelta(days=1))
                    if s.period.end > self.period.end
                    else self.made_on
                ).capitalize(),
                s.quota.source or "",
            ]
            for s in self.quotas
        ]
        by_topic, by_unit = per("topic", topics), per("unit", units)
        listing = [
            [
                CHANNEL_NAMES_VI[channel],
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
        by_channel = [[CHANNEL_NAMES_VI[c], len(self.counted[c])] for c in CHANNELS]
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


# --- writers -----------------------------------------------------------------------------------------------
def to_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.headers)
    writer.writerows(table.rows)
    if table.totals:
        writer.writerow(table.totals)
    return buffer.getvalue().encode("utf-8-sig")  # the BOM lets Excel open Vietnamese text correctly


def to_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    bold, header_fill = Font(bold=True), PatternFill("solid", fgColor="DDE6F4")
    for table in report.tables():
        sheet = book.create_sheet(table.title[:31])
        sheet.append(table.headers)
        for cell in sheet[1]:
            cell.font, cell.fill = bold, header_fill
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for row in table.rows:
            sheet.append(row)
        if table.totals:
            sheet.append(table.totals)
            for cell in sheet[sheet.max_row]:
                cell.font = bold
        sheet.freeze_panes = "A2"
        for index, width in enumerate(table.widths, 1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, int):
                    cell.number_format = "#,##0"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_png(report: Report) -> bytes:
    """Plan against actual per rule, as horizontal bars."""
    from PIL import Image, ImageDraw

    from .channels.layout import font, rgb

    palette = report.plan.style.palette
    rows = report.quotas
    width, row_height, left = 1400, 70, 620
    image = Image.new("RGB", (width, 140 + row_height * len(rows) + 60), "white")
    pen = ImageDraw.Draw(image)
    pen.text(
        (40, 30),
        f"Thực hiện chỉ tiêu tuyên truyền CCHC {report.period.label_vi}",
        font=font("Bold", 34),
        fill=rgb("ink", palette),
    )
    legend = font("Regular", 24)
    pen.rectangle((40, 86, 64, 106), fill=(190, 190, 190))
    pen.text((74, 80), "Kế hoạch", font=legend, fill=rgb("ink", palette))
    pen.rectangle((220, 86, 244, 106), fill=rgb("primary", palette))
    pen.text((254, 80), "Thực hiện", font=legend, fill=rgb("ink", palette))
    top = 140
    scale = (width - left - 120) / max(max(s.required for s in rows), max(s.actual for s in rows), 1)
    for number, status in enumerate(rows):
        y = top + number * row_height
        name = f"   {status.unit.name}" if status.unit else status.quota.name  # per-office rows by the office
        label = name if len(name) <= 46 else name[:45] + "…"
        pen.text((40, y + 12), label, font=font("Regular", 22), fill=rgb("ink", palette))
        pen.rectangle((left, y + 6, left + status.required * scale, y + 28), fill=(190, 190, 190))
        colour = rgb("primary", palette) if status.met else (198, 40, 40)
        pen.rectangle((left, y + 32, left + max(2, status.actual * scale), y + 54), fill=colour)
        pen.text(
            (left + max(status.required, status.actual) * scale + 12, y + 18),
            f"{status.actual}/{status.required}",
            font=font("SemiBold", 22),
            fill=rgb("ink", palette),
        )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def write_report(report: Report, out_dir: Path, formats: tuple[str, ...]) -> list[Path]:
    stem = f"bao-cao-cchc-{report.period.key}"
    written: list[Path] = []
    if "csv" in formats:
        for table in report.tables():
            written.append(out_dir / f"{stem}-{table.key}.csv")
            write_atomic(written[-1], to_csv(table))
    if "xlsx" in formats:
        written.append(out_dir / f"{stem}.xlsx")
        write_atomic(written[-1], to_xlsx(report))
    if "docx" in formats:
        from .report_docx import to_docx

        written.append(out_dir / f"{stem}.docx")
        write_atomic(written[-1], to_docx(report))
    if "png" in formats:
        written.append(out_dir / f"{stem}.png")
        write_atomic(written[-1], to_png(report))
    return written
