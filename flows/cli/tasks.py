"""The plan's task list (Phụ lục): who leads, who assists, when, and how far each task has got."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from .. import labels
from ..core.periods import parse_day
from ..core.status import TaskStatus
from .common import WorkspaceOption, console, fail, say, session

task_app = typer.Typer(help="Danh mục nhiệm vụ của kế hoạch (phụ lục) và tình hình thực hiện.", no_args_is_help=True)
STATUS_WORDS = {"chua": TaskStatus.NOT_STARTED, "dang": TaskStatus.IN_PROGRESS, "xong": TaskStatus.DONE}


def register(app: typer.Typer) -> None:
    app.add_typer(task_app, name="task")


@task_app.command("list")
def task_list(
    unit: Annotated[str | None, typer.Option(help="Chỉ các nhiệm vụ đơn vị này chủ trì hoặc phối hợp.")] = None,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Liệt kê các nhiệm vụ và tình trạng."""
    from ..core.tasks import task_states

    with session(workspace) as s:
        if not s.plan.tasks:
            say("Kế hoạch chưa có danh mục nhiệm vụ (mục tasks trong content/commune.yaml).")
            return
        today = dt.datetime.now(s.plan.commune.tz).date()
        names = {u.id: u.short or u.name for u in s.plan.units}
        states = [t for t in task_states(s.ledger, s.plan) if unit is None or t.involves(unit)]
        table = Table(title=f"Nhiệm vụ ({len(states)})", title_justify="left")
        for column in ("TT", "Nhiệm vụ", "Chủ trì", "Thời gian", "Tình trạng"):
            table.add_column(column, overflow="fold")
        for state in states:
            status = labels.TASK_STATUS[state.status] + (" — quá hạn" if state.late(today) else "")
            table.add_row(
                state.task.id,
                escape(state.task.name),
                escape(", ".join(names.get(u, u) for u in state.task.lead)),
                escape(state.task.time_frame),
                escape(status + (f" ({state.note})" if state.note else "")),
            )
        console.print(table)


@task_app.command("set")
def task_set(
    task_id: Annotated[str, typer.Argument(help="Số thứ tự nhiệm vụ trong kế hoạch, ví dụ 4.2.")],
    status: Annotated[str, typer.Option("--status", help="chua (chưa thực hiện), dang (đang thực hiện), xong.")],
    note: Annotated[str, typer.Option("--note", help="Ghi chú: kết quả, sản phẩm, lý do chậm.")] = "",
    by: Annotated[str, typer.Option("--by", help="Người cập nhật.")] = "Cán bộ Phòng VH-XH",
    day: Annotated[str | None, typer.Option("--date", help="Tình trạng này tính từ ngày, ví dụ 2026-04-30.")] = None,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Cập nhật tình trạng một nhiệm vụ (lịch sử được giữ lại trong sổ theo dõi)."""
    from ..core.tasks import set_status

    if status not in STATUS_WORDS:
        fail(f"Tình trạng '{status}' không có; chọn: chua, dang hoặc xong.")
    with session(workspace) as s:
        at = dt.datetime.combine(parse_day(day), dt.time(12), s.plan.commune.tz) if day else None
        if at is not None and at > dt.datetime.now(s.plan.commune.tz):
            fail("Ngày cập nhật tình trạng chưa đến; kiểm tra lại --date.")
        task = set_status(s.ledger, s.plan, task_id, STATUS_WORDS[status], by, note, at)
        console.print(
            f"[green]Đã cập nhật[/] nhiệm vụ {task.id}: {labels.TASK_STATUS[STATUS_WORDS[status]]}.", highlight=False
        )
