"""The `cchc` command: argument → call into the core → print. Every word an official sees is Vietnamese."""

from __future__ import annotations

import sys

import typer
from rich.markup import escape

from ..core.errors import CchcError, ConfigError
from . import broadcast, items, ledger, posting, production, reporting, tasks, web
from .common import errors
from .demo import demo
from .vietnamese import install as _vietnamese

_vietnamese()

app = typer.Typer(
    help="cchc: tin, bài cải cách hành chính của xã ra cổng thông tin, infographic và loa truyền thanh.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
items.register(app)
production.register(app)
ledger.register(app)
broadcast.register(app)
reporting.register(app)
posting.register(app)
tasks.register(app)
web.register(app)
app.command()(demo)


def main(argv: list[str] | None = None) -> int:
    """Run `cchc` with `argv` (default: the command line) and return its exit code."""
    try:
        app(args=argv, prog_name="cchc")  # Typer prints its own usage errors, and always ends in SystemExit
        return 0
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except ConfigError as exc:
        errors.print("[bold red]Lỗi cấu hình:[/]", highlight=False)
        for problem in exc.problems:
            errors.print(f"  • {escape(str(problem))}", highlight=False)
        return 1
    except CchcError as exc:
        errors.print(f"[bold red]Lỗi:[/] {escape(str(exc))}", highlight=False)
        return 1


def run() -> None:
    """The console script."""
    sys.exit(main())
