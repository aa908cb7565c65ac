"""`cchc web` (the web app alone, for one commune) and `cchc user add` (accounts for it)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..core.status import Role
from .common import WorkspaceOption, fail, say, session

user_app = typer.Typer(help="Người dùng của trang web: thêm tài khoản, đặt lại mật khẩu.", no_args_is_help=True)
ROLE_HELP = "Vai trò: " + ", ".join(f"{r.value}" for r in Role) + "."


def register(app: typer.Typer) -> None:
    app.command("web")(web_command)
    app.add_typer(user_app, name="user")


@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Argument(help="Tên đăng nhập, chữ không dấu.")],
    name: Annotated[str, typer.Option("--name", help="Họ và tên (sổ theo dõi ghi tên này).")],
    role: Annotated[str, typer.Option("--role", help=ROLE_HELP)],
    password: Annotated[
        str, typer.Option("--password", prompt="Mật khẩu", hide_input=True, confirmation_prompt=True, help="Mật khẩu.")
    ],
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Thêm một người dùng cho trang web, với vai trò của họ."""
    from ..core.status import EventKind
    from ..core.users import add_user

    try:
        chosen = Role(role)
    except ValueError:
        fail(f"Vai trò '{role}' không có. {ROLE_HELP}")
    with session(workspace) as s:
        person = add_user(s.ledger, username, name, chosen, password)
        s.ledger.record_note("", "cchc user add", EventKind.USER_ADDED, {"user": person.username, "role": chosen})
        say(f"Đã thêm người dùng '{person.username}' ({person.full_name}).")


def web_command(
    workspace: WorkspaceOption = Path("."),
    host: Annotated[str, typer.Option(help="Địa chỉ lắng nghe (mặc định chỉ máy này).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Cổng.")] = 8080,
) -> None:
    """Chạy trang web cho cán bộ xã (biên tập, duyệt, phát thanh, báo cáo) trên máy này."""
    import uvicorn

    from ..web import create_app

    say(f"Trang web: http://{host}:{port}/ (Ctrl+C để dừng)")
    uvicorn.run(create_app(workspace), host=host, port=port, log_level="warning")
