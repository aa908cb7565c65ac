"""What every command shares: the consoles, the common options, opening the workspace, and wording failures."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from ..core.errors import SourceProblem

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..core.plan import CommunePlan
    from ..core.session import Session

console = Console()
errors = Console(stderr=True)

WorkspaceOption = Annotated[
    Path,
    typer.Option(
        "--workspace", "-w", envvar="CCHC_WORKSPACE", help="Thư mục làm việc của xã (mặc định: thư mục hiện tại)."
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="In kết quả dạng JSON (cho chương trình khác đọc).")]
ItemArgument = Annotated[str, typer.Argument(help="Mã bài (tên tệp .md, không có đuôi).")]


@contextmanager
def session(workspace: Path) -> Iterator[Session]:
    """The workspace opened (plan, items, ledger); imported only by a command that needs it, so `cchc --help`
    and the commands that need no ledger start at once."""
    from ..core.session import open_session

    with open_session(workspace) as opened:
        yield opened


PERIOD_HELP = (
    "Kỳ: 2026-03 (tháng), 2026-Q1 (quý), 2026-H1 (6 tháng), 2026 (năm), 2026-W10 (tuần) "
    "hoặc 2026-03-01..2026-03-15 (từ ngày đến ngày)."
)


def say(text: str) -> None:
    """A line for the official; user text inside it is never read as markup."""
    console.print(text, highlight=False, markup=False)


def fail(message: str, code: int = 1) -> None:
    errors.print(f"[bold red]Lỗi:[/] {escape(message)}", highlight=False)
    raise typer.Exit(code)


def problem_lines(problems: list[SourceProblem]) -> list[str]:
    if not problems:
        return []
    head = f"[yellow]Có {len(problems)} lỗi trong dữ liệu đầu vào; các bài khác vẫn được xử lý:[/]"
    return [head, *(f"  • {escape(str(problem))}" for problem in problems)]


def warn_problems(problems: list[SourceProblem]) -> None:
    for line in problem_lines(problems):
        errors.print(line, highlight=False)


def local(at: dt.datetime | None, plan: CommunePlan) -> str:
    return at.astimezone(plan.commune.tz).strftime("%d/%m/%Y %H:%M") if at else ""
