"""Typer's own words on every `cchc` help screen, in Vietnamese: the panel titles, the usage line and the help
option. (Typer ships its own copy of Click, with these words as literals, so they are set here.)"""

from __future__ import annotations

HELP_OPTION = "Hiện hướng dẫn này rồi thoát."
USAGE = "Cách dùng: "


def install() -> None:
    import typer.rich_utils as rich
    from typer._click import decorators, formatting

    rich.ARGUMENTS_PANEL_TITLE, rich.OPTIONS_PANEL_TITLE = "Tham số", "Tùy chọn"
    rich.COMMANDS_PANEL_TITLE, rich.ERRORS_PANEL_TITLE = "Lệnh", "Lỗi"
    rich.DEFAULT_STRING, rich.ENVVAR_STRING = "[mặc định: {}]", "[biến môi trường: {}]"
    rich.REQUIRED_LONG_STRING, rich.ABORTED_TEXT = "[bắt buộc]", "Đã dừng."
    rich.RICH_HELP = "Xem hướng dẫn: [blue]'{command_path} {help_option}'[/]."
    rich.OptionHighlighter.highlights = [*rich.OptionHighlighter.highlights, rf"(?P<usage>{USAGE})"]

    if getattr(decorators.help_option, "vietnamese", False):
        return
    english_help_option = decorators.help_option

    def help_option(param_decls: list[str]):  # type: ignore[no-untyped-def]
        add = english_help_option(param_decls)

        def apply(command):  # type: ignore[no-untyped-def]
            command = add(command)
            command.params[-1].help = HELP_OPTION
            return command

        return apply

    help_option.vietnamese = True  # type: ignore[attr-defined]
    decorators.help_option = help_option
    english_usage = formatting.HelpFormatter.write_usage

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:  # type: ignore[no-untyped-def]
        english_usage(self, prog, args, USAGE if prefix is None else prefix)

    formatting.HelpFormatter.write_usage = write_usage  # type: ignore[method-assign]
