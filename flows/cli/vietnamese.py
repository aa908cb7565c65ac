"""Typer's own words on every `cchc` help screen, in Vietnamese: the panel titles, the usage line and the help
option. (Typer ships its own copy of Click, with these words as literals, so they are set here.)"""

from __future__ import annotations

HELP_OPTION = "Hiện hướng dẫn này rồi thoát."
USAGE = "Cách dùng: "
# Click's error sentences, which Typer writes as English literals
ERRORS = (
    (r"No such option: (\S+)", r"Không có tùy chọn \1."),
    (r"\s*Did you mean (.+)\?", r" Có phải ý bạn là \1?"),
    (r"\(Possible options: (.+)\)", r"(Các tùy chọn gần giống: \1)"),
    (r"No such command '(.+?)'\.?", r"Không có lệnh '\1'."),
    (r"Missing option '(.+?)'\.?", r"Thiếu tùy chọn '\1'."),
    (r"Missing argument '(.+?)'\.?", r"Thiếu tham số '\1'."),
    (r"Missing parameter: (\S+)", r"Thiếu tham số \1."),
    (r"Got unexpected extra argument(?:\(s\)|s)? \((.*)\)", r"Thừa tham số: \1."),
    (r"Option '(.+?)' requires an argument\.", r"Tùy chọn '\1' cần một giá trị."),
    (r"Invalid value for (.+?): ", r"Giá trị không hợp lệ cho \1: "),
    (r"Invalid value: ", r"Giá trị không hợp lệ: "),
    (r"'(.*?)' is not a valid integer( range)?\.", r"'\1' không phải số nguyên."),
    (r"'(.*?)' is not a valid float( range)?\.", r"'\1' không phải số."),
    (r"(.+?) is not in the range (.+)\.", r"\1 không nằm trong khoảng \2."),
    (r"'(.*?)' is not one of (.+)\.", r"'\1' không phải một trong \2."),
    (r"Path '(.+?)' does not exist\.", r"Không có đường dẫn '\1'."),
    (r"Input should be a valid integer.*", "phải là một số nguyên."),
    (r"Input should be a valid number.*", "phải là một số."),
    (r"Input should be a valid boolean.*", "phải là có hoặc không."),
    (r"Input should be greater than or equal to (\S+)", r"phải từ \1 trở lên"),
    (r"Input should be less than or equal to (\S+)", r"không được lớn hơn \1"),
    (r"Input should be greater than (\S+)", r"phải lớn hơn \1"),
)


def vietnamese_error(message: str) -> str:
    import re

    for english, words in ERRORS:
        message = re.sub(english, words, message)
    return message


def install() -> None:
    import typer.rich_utils as rich
    from typer._click import decorators, formatting

    rich.ARGUMENTS_PANEL_TITLE, rich.OPTIONS_PANEL_TITLE = "Tham số", "Tùy chọn"
    rich.COMMANDS_PANEL_TITLE, rich.ERRORS_PANEL_TITLE = "Lệnh", "Lỗi"
    rich.DEFAULT_STRING, rich.ENVVAR_STRING = "[mặc định: {}]", "[biến môi trường: {}]"
    rich.REQUIRED_LONG_STRING, rich.ABORTED_TEXT = "[bắt buộc]", "Đã dừng."
    rich.RICH_HELP = "Xem hướng dẫn: [blue]'{command_path} {help_option}'[/]."
    rich.OptionHighlighter.highlights = [*rich.OptionHighlighter.highlights, rf"(?P<usage>{USAGE})"]
    if not getattr(rich.rich_format_error, "vietnamese", False):
        english_error = rich.rich_format_error

        def rich_format_error(error):  # type: ignore[no-untyped-def]
            english_message = error.format_message
            error.format_message = lambda: vietnamese_error(english_message())
            english_error(error)

        rich_format_error.vietnamese = True  # type: ignore[attr-defined]
        rich.rich_format_error = rich_format_error

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
