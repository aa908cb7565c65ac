"""Commands of the reporting officer: quota progress, the period report, and activities."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from .. import labels
from ..channels import paths
from ..core.periods import parse_day, parse_period
from ..core.status import Outlook
from .common import PERIOD_HELP, JsonOption, WorkspaceOption, console, errors, fail, say, session

if TYPE_CHECKING:
    from ..core.quota import QuotaStatus


OUTLOOK_STYLE = {
    Outlook.MET: "green",
    Outlook.ON_TRACK: "cyan",
    Outlook.AT_RISK: "bold red",
    Outlook.MISSED: "red",
    Outlook.NOT_STARTED: "dim",
}

activity_app = typer.Typer(
    help="Hoạt động ngoài quy trình (đối thoại, hội nghị, cuộc thi, treo băng rôn): được tính vào chỉ tiêu.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.command()(quota)
    app.command()(report)
    app.add_typer(activity_app, name="activity")


def quota_table(statuses: list[QuotaStatus], title: str, today: dt.date) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("Chỉ tiêu", overflow="fold")
    for column in ("Kỳ", "Thực hiện", "", "Còn lại", "Tình hình"):
        table.add_column(column, no_wrap=True)
    for status in statuses:
        filled = min(10, round(10 * status.actual / status.required))
        outlook = status.outlook(today)
        table.add_row(
            escape(status.label),
            labels.period(status.period),
            f"{status.actual}/{status.required}",
            "█" * filled + "░" * (10 - filled),
            f"{status.period.days_left(today)} ngày",
            f"[{OUTLOOK_STYLE[outlook]}]{labels.OUTLOOK[outlook]}[/]",
        )
    return table


def quota_json(st: QuotaStatus, today: dt.date) -> dict[str, object]:
    outlook = st.outlook(today)
    return {
        "quota": st.quota.id,
        "label": st.label,
        "channels": list(st.quota.channels),
        "activity": st.quota.activity_kinds or None,
        "unit": st.unit.id if st.unit else None,
        "period": st.period.key,
        "period_label": labels.period(st.period),
        "required": st.required,
        "actual": st.actual,
        "met": st.met,
        "days_left": st.period.days_left(today),
        "outlook": outlook.value,
        "outlook_label": labels.OUTLOOK[outlook],
        "items": [c.item_id for c in st.counted],
    }


def quota(
    workspace: WorkspaceOption = Path("."),
    period: Annotated[str | None, typer.Option(help=PERIOD_HELP + " Mặc định: kỳ hiện tại của từng chỉ tiêu.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Xem tiến độ thực hiện chỉ tiêu, chỉ tiêu nào có nguy cơ không đạt, và hạn gửi báo cáo tiếp theo."""
    from ..core.quota import next_report, quota_status

    with session(workspace) as s:
        today = dt.datetime.now(s.plan.commune.tz).date()
        chosen = parse_period(period) if period else None
        statuses = quota_status(s.ledger, s.plan, s.items, today, chosen)
        due = next_report(today, s.plan)
        if as_json:
            payload = {
                "today": today.isoformat(),
                "next_report": {
                    "due_before": due.due.isoformat(),
                    "covers": [p.key for p in due.covers],
                    "label": labels.next_report(due),
                }
                if due
                else None,
                "quotas": [quota_json(st, today) for st in statuses],
            }
            print(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        console.print(quota_table(statuses, f"Tiến độ chỉ tiêu (hôm nay {today:%d/%m/%Y})", today))
        at_risk = [st for st in statuses if st.outlook(today) is Outlook.AT_RISK]
        if at_risk:
            errors.print(
                f"[bold red]Có nguy cơ không đạt ({len(at_risk)}):[/] " + escape("; ".join(st.label for st in at_risk)),
                highlight=False,
            )
        if due:
            say(
                f"{labels.next_report(due)}: hạn gửi trước ngày {due.due:%d/%m/%Y} (còn {(due.due - today).days} ngày)."
            )


def report(
    period: Annotated[str, typer.Option(help=PERIOD_HELP)],
    out: Annotated[Path, typer.Option(help="Thư mục ghi các tệp báo cáo.")] = Path("output") / paths.REPORTS,
    fmt: Annotated[
        str, typer.Option("--format", help="Định dạng, cách nhau bằng dấu phẩy: csv,xlsx,docx,png.")
    ] = "csv,xlsx,docx,png",
    dated: Annotated[
        str | None, typer.Option("--dated", help="Ngày ghi trên báo cáo, ví dụ 2026-04-03 (mặc định: hôm nay).")
    ] = None,
    unit: Annotated[
        str | None,
        typer.Option(help="Báo cáo của một đơn vị gửi UBND xã (mã trong units), hoặc 'tat-ca': mỗi đơn vị một bản."),
    ] = None,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Xuất báo cáo của một kỳ (các bảng, kèm các bài và hoạt động sau mỗi con số)."""
    from ..reports import FORMATS, build_report, write_report

    formats = tuple(f.strip().lower() for f in fmt.split(",") if f.strip())
    unknown = set(formats) - set(FORMATS)
    if unknown or not formats:
        fail(f"Định dạng không hỗ trợ: {', '.join(sorted(unknown)) or '(trống)'}. Chọn trong: {', '.join(FORMATS)}.")
    with session(workspace) as s:
        chosen = parse_period(period)
        target = out if out.is_absolute() else s.workspace.root / out
        if unit is not None and unit != "tat-ca" and unit not in s.plan.unit_ids:
            fail(f"Đơn vị '{unit}' không có trong commune.yaml; chọn một trong: {', '.join(sorted(s.plan.unit_ids))}.")
        offices = [None] if unit is None else [u for u in s.plan.units if unit in ("tat-ca", u.id)]
        made_on = parse_day(dated) if dated else None
        today = dt.datetime.now(s.plan.commune.tz).date()
        for office in offices:
            built = build_report(s.ledger, s.plan, s.items, chosen, made_on=made_on, unit=office)
            for path in write_report(built, target, formats):
                console.print(f"[green]Đã xuất[/] {escape(str(path))}", highlight=False)
            title = f"Chỉ tiêu {labels.period(chosen)}" + (f" — {office.name}" if office else "")
            console.print(quota_table(built.quotas, title, max(today, chosen.end)))


@activity_app.command("add")
def activity_add(
    kind: Annotated[str, typer.Option("--kind", help="Một loại trong activity_kinds của commune.yaml.")],
    day: Annotated[str, typer.Option("--date", help="Ngày, ví dụ 2026-03-10 hoặc 10/03/2026.")],
    title: Annotated[str, typer.Option("--title", help="Nội dung hoạt động.")],
    attendees: Annotated[int | None, typer.Option(min=0, help="Số người tham dự.")] = None,
    unit: Annotated[str | None, typer.Option(help="Đơn vị tổ chức (mã trong units).")] = None,
    by: Annotated[str, typer.Option("--by", help="Người ghi nhận.")] = "Cán bộ Phòng VH-XH",
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Ghi nhận một hoạt động; hoạt động được tính vào các chỉ tiêu đếm loại của nó."""
    with session(workspace) as s:
        kinds = s.plan.activity_kinds
        if kind not in kinds:
            fail(
                f"Loại hoạt động '{kind}' chưa có trong activity_kinds của commune.yaml; có: "
                f"{', '.join(f'{k} ({v})' for k, v in kinds.items()) or 'chưa có loại nào'}."
            )
        if unit is not None and unit not in s.plan.unit_ids:
            fail(f"Đơn vị '{unit}' không có trong commune.yaml; chọn một trong: {', '.join(sorted(s.plan.unit_ids))}.")
        when = parse_day(day)
        _, added = s.ledger.add_activity(kind, when, title, by, attendees, unit)
        if added:
            console.print(
                f"[green]Đã ghi nhận[/] {kinds[kind].lower()} ngày {when:%d/%m/%Y}: {escape(title)}", highlight=False
            )
        else:
            say("Hoạt động này đã được ghi nhận từ trước; không ghi lại.")


@activity_app.command("list")
def activity_list(
    workspace: WorkspaceOption = Path("."),
    period: Annotated[str | None, typer.Option(help=PERIOD_HELP)] = None,
) -> None:
    """Liệt kê các hoạt động đã ghi nhận."""
    with session(workspace) as s:
        chosen = parse_period(period) if period else None
        rows = s.ledger.activities(chosen.start if chosen else None, chosen.end if chosen else None)
        from ..core.ledger.corrections import voided_activities

        voided = voided_activities(s.ledger)
        table = Table(title=f"Hoạt động ({len(rows)})", title_justify="left")
        for column in ("Số", "Ngày", "Loại", "Nội dung", "Số người"):
            table.add_column(column)
        for row in rows:
            kind = s.plan.activity_kinds.get(row.kind, row.kind) + (" (đã hủy)" if row.id in voided else "")
            cells = (str(row.id), f"{row.day:%d/%m/%Y}", escape(kind), escape(row.title), str(row.attendees or ""))
            table.add_row(*cells)
        console.print(table)
