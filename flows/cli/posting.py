"""Recording where an item went out beyond the portal and the loudspeakers: its post on the fanpage or Zalo OA,
its video on YouTube or TikTok, the news sent to the provincial paper. Each counts on its channel."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from .. import labels
from ..core.periods import parse_local_time
from .common import ItemArgument, WorkspaceOption, console, fail, local, say, session


def register(app: typer.Typer) -> None:
    app.command()(posted)


def posted(
    item_id: ItemArgument,
    channel: Annotated[
        str,
        typer.Option("--channel", help="social (Fanpage, Zalo OA), video (YouTube, TikTok) hoặc newspaper (gửi báo)."),
    ],
    where: Annotated[
        str, typer.Option("--where", help="Nơi đăng hoặc nơi nhận, ví dụ 'Fanpage Facebook', 'Báo Gia Lai'.")
    ],
    url: Annotated[str | None, typer.Option("--url", help="Địa chỉ bài đăng, nếu có.")] = None,
    at: Annotated[str | None, typer.Option("--at", help="Thời điểm đăng hoặc gửi (mặc định: bây giờ).")] = None,
    by: Annotated[str, typer.Option("--by", help="Người ghi nhận.")] = "Biên tập viên",
    backfill: Annotated[
        bool, typer.Option("--ghi-bu", help="Nhập bù lần đăng từ trước khi có tệp trong hệ thống.")
    ] = False,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Ghi nhận bài đã đăng mạng xã hội, video đã đăng, hoặc tin đã gửi báo, cổng thông tin tỉnh."""
    import datetime as dt

    from ..core.ledger.postings import record_posted
    from ..core.plan import RECORDED_CHANNELS

    if channel not in RECORDED_CHANNELS:
        fail(f"Kênh '{channel}' không ghi nhận bằng lệnh này; chọn: {', '.join(RECORDED_CHANNELS)}.")
    if not where.strip():
        fail("Cần ghi nơi đăng hoặc nơi nhận (--where).")
    with session(workspace) as s:
        item = s.item(item_id)
        when = parse_local_time(at, s.plan.commune.tz) if at else dt.datetime.now(s.plan.commune.tz)
        if record_posted(s.ledger, item, channel, where, when, by, url, backfill=backfill):
            console.print(
                f"[green]Đã ghi nhận[/] {labels.CHANNEL_TEXT[channel]}: '{item.id}' ở {escape(where)} "
                f"lúc {local(when, s.plan)}.",
                highlight=False,
            )
        else:
            say(f"Lần đăng này của '{item.id}' đã được ghi nhận từ trước; không ghi lại.")
