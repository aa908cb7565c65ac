"""Commands on items: create a workspace, list and show items, approve and reject."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from .. import labels
from ..core.status import ApprovalStatus
from ..core.workspace import init_workspace
from .common import ItemArgument, JsonOption, WorkspaceOption, console, fail, local, say, session, warn_problems


def register(app: typer.Typer) -> None:
    app.command()(init)
    app.command()(items)
    app.command()(show)
    app.command()(approve)
    app.command()(reject)


def init(
    directory: Annotated[Path, typer.Argument(help="Thư mục cho nơi làm việc mới.")],
    empty: Annotated[
        bool,
        typer.Option(
            "--empty", help="Cấu hình trống, có chú thích (không chép kế hoạch và bài mẫu của xã Bình Giang)."
        ),
    ] = False,
) -> None:
    """Tạo thư mục làm việc mới (content/commune.yaml, bài, mẫu trình bày, tệp tĩnh) từ bộ khung có sẵn."""
    ws = init_workspace(directory, with_samples=not empty, blank=empty)
    console.print(f"[green]Đã tạo thư mục làm việc mới:[/] {ws.root}")
    say(f"Bước tiếp theo: sửa {ws.config_path} cho đúng thông tin của xã, rồi viết bài trong {ws.items_dir}.")


def items(
    workspace: WorkspaceOption = Path("."),
    status: Annotated[
        str | None, typer.Option(help="Chỉ các bài ở trạng thái: draft | approved | rejected | needs_reapproval.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Liệt kê các bài và trạng thái duyệt."""
    wanted = None
    if status is not None:
        try:
            wanted = ApprovalStatus(status)
        except ValueError:
            fail(f"Trạng thái '{status}' không hợp lệ; chọn một trong: {', '.join(s.value for s in ApprovalStatus)}.")
    with session(workspace) as s:
        approvals = s.approvals()
        rows = [(i, approvals[i.id]) for i in s.read.items if wanted is None or approvals[i.id].status is wanted]
        edited = {i.id for i in s.ledger.changed_since_publication([i for i, _ in rows])}
        if as_json:
            listing = [
                {
                    "id": i.id,
                    "title": i.title,
                    "date": i.meta.date.isoformat(),
                    "topic": i.meta.topic,
                    "unit": i.meta.unit,
                    "channels": i.meta.channels,
                    "status": a.status.value,
                    "status_label": labels.APPROVAL[a.status],
                    "edited_since_publication": i.id in edited,
                    "path": str(i.path.relative_to(s.workspace.root)),
                }
                for i, a in rows
            ]
            print(json.dumps(listing, ensure_ascii=False, indent=2))
            return
        table = Table(title=f"Tin, bài ({len(rows)})", title_justify="left")
        table.add_column("Mã bài", overflow="fold")
        for column in ("Ngày", "Tiêu đề", "Đơn vị", "Trạng thái"):
            table.add_column(column)
        for item, approval in rows:
            status_text = labels.APPROVAL[approval.status] + (" · đã sửa sau khi đăng" if item.id in edited else "")
            unit = s.plan.unit(item.meta.unit)
            table.add_row(
                item.id,
                item.meta.date.strftime("%d/%m/%Y"),
                escape(item.title),
                escape(unit.short or unit.name),
                status_text,
            )
        console.print(table)
        warn_problems(s.read.problems)


def show(item_id: ItemArgument, workspace: WorkspaceOption = Path(".")) -> None:
    """Xem một bài: thông tin, lịch sử duyệt và các sản phẩm đã tạo."""
    with session(workspace) as s:
        item = s.item(item_id)
        approval = s.ledger.approval(item)
        console.print(Text(item.title, style="bold"), highlight=False)
        say(f"Mã: {item.id} · Tệp: {item.path.relative_to(s.workspace.root)}")
        say(
            f"Ngày: {item.meta.date:%d/%m/%Y} · Chủ đề: {s.plan.topic(item.meta.topic).name} · "
            f"Đơn vị: {s.plan.unit(item.meta.unit).name}"
        )
        say(f"Kênh: {', '.join(labels.CHANNELS[c] for c in item.meta.channels)}")
        console.print(
            f"Trạng thái: [bold]{labels.APPROVAL[approval.status]}[/]"
            + (f" ({escape(approval.by)}, {local(approval.at, s.plan)})" if approval.by else ""),
            highlight=False,
        )
        say(f"\n{item.meta.summary}\n")
        table = Table(title="Lịch sử", title_justify="left")
        for column in ("Thời điểm", "Việc", "Kênh", "Người thực hiện", "Chi tiết"):
            table.add_column(column)
        for event in s.ledger.events(item.id):
            detail = event.details.get("reason") or event.details.get("url") or event.details.get("path") or ""
            table.add_row(
                local(event.at, s.plan),
                labels.EVENTS.get(event.kind, event.kind),
                labels.CHANNELS.get(event.channel or "", ""),
                escape(event.actor),
                escape(str(detail)),
            )
        console.print(table)


def approve(
    item_ids: Annotated[list[str], typer.Argument(help="Một hoặc nhiều mã bài.")],
    by: Annotated[str, typer.Option("--by", help="Họ tên người duyệt.")],
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Duyệt bài theo nội dung hiện tại (sửa bài sau khi duyệt thì phải duyệt lại)."""
    with session(workspace) as s:
        for item_id in item_ids:
            item = s.item(item_id)
            s.ledger.approve(item, by)
            console.print(f"[green]Đã duyệt[/] '{item.id}' ({escape(by)}).", highlight=False)
        from ..service import after_approval

        if after_approval(s.workspace):
            say("Dịch vụ cchc đang chạy: đã yêu cầu sản xuất ngay các bài vừa duyệt.")


def reject(
    item_id: ItemArgument,
    by: Annotated[str, typer.Option("--by", help="Họ tên người duyệt.")],
    reason: Annotated[str, typer.Option("--reason", help="Lý do trả lại.")],
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Trả lại bài cho người viết, kèm lý do."""
    with session(workspace) as s:
        item = s.item(item_id)
        s.ledger.reject(item, by, reason)
        console.print(f"[yellow]Đã trả lại[/] '{item.id}' ({escape(by)}): {escape(reason)}", highlight=False)
