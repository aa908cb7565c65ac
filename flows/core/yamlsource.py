"""Load YAML keeping line numbers, so a validation error can name the line it comes from."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from .errors import ConfigError, SourceProblem
from .text import clean_text

M = TypeVar("M", bound=BaseModel)


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml's parser when PyYAML has it: ~10× faster
    """SafeLoader that leaves dates as text: PyYAML raises a bare ValueError on 2026-13-45, pydantic
    reports it with the key and line like any other mistake; and strings without control characters, even
    those written as escapes ("\\u0007") that only appear once the YAML is read."""

    def construct_scalar(self, node: yaml.ScalarNode) -> Any:  # type: ignore[override]
        value = super().construct_scalar(node)
        return clean_text(value) if isinstance(value, str) else value


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class LocatedYaml:
    """Parsed YAML data plus the node tree it came from (for line look-ups)."""

    def __init__(self, text: str, path: Path, line_offset: int = 0):
        self.path = path
        self.line_offset = line_offset
        try:
            loader = _Loader(text)  # parsed once: the node tree (for lines), then the data built from it
            try:
                self.node = loader.get_single_node()
                self.data = loader.construct_document(self.node) if self.node is not None else None
            finally:
                loader.dispose()
        except yaml.YAMLError as fast:
            exc = fast
            try:  # libyaml's words are terser: the pure-Python parser says what is wrong more exactly
                yaml.compose(text, Loader=yaml.SafeLoader)
            except yaml.YAMLError as exact:
                exc = exact
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 + line_offset if mark else None
            problem = getattr(exc, "problem", None) or str(exc)
            raise ConfigError([SourceProblem(path, f"YAML không hợp lệ: {yaml_problem(problem)}", line)]) from fast

    def line_of(self, loc: Sequence[str | int]) -> int | None:
        """1-based line of the deepest node found along `loc` (keys and list indexes)."""
        node = self.node
        line = node.start_mark.line + 1 if node is not None else None
        for part in loc:
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    if key_node.value == str(part):
                        line = key_node.start_mark.line + 1
                        node = value_node
                        break
                else:
                    break
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
                node = node.value[part]
                line = node.start_mark.line + 1
            else:
                break
        return line + self.line_offset if line is not None else None

    def validate(self, model: type[M], data: Any = None) -> M:
        """Validate into `model`; a ValidationError becomes a ConfigError naming file, key and line."""
        try:
            return model.model_validate(self.data if data is None else data)
        except ValidationError as exc:
            raise ConfigError(self.problems_from(exc)) from exc

    def problems_from(self, exc: ValidationError) -> list[SourceProblem]:
        problems = []
        for err in exc.errors():
            loc = [p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
            key = ".".join(str(p) for p in loc) or None
            problems.append(SourceProblem(self.path, _vietnamese(err), self.line_of(loc), key))
        return problems


_MESSAGES = {
    "missing": "thiếu mục bắt buộc",
    "extra_forbidden": "mục không được hỗ trợ (kiểm tra lỗi chính tả)",
    "int_parsing": "phải là số nguyên",
    "int_type": "phải là số nguyên",
    "greater_than_equal": "giá trị quá nhỏ",
    "date_from_datetime_parsing": "ngày không hợp lệ (dạng YYYY-MM-DD)",
    "date_parsing": "ngày không hợp lệ (dạng YYYY-MM-DD)",
    "date_type": "ngày không hợp lệ (dạng YYYY-MM-DD)",
    "string_type": "phải là một chuỗi chữ",
    "list_type": "phải là một danh sách",
    "dict_type": "phải là một nhóm mục (key: value)",
    "model_type": "phải là một nhóm mục (key: value)",
    "literal_error": "giá trị không hợp lệ",
    "enum": "giá trị không hợp lệ",
    "url_parsing": "địa chỉ web không hợp lệ",
    "url_scheme": "địa chỉ web phải bắt đầu bằng http:// hoặc https://",
    "string_too_short": "không được để trống",
    "too_short": "cần ít nhất một mục",
    "string_pattern_mismatch": "không đúng dạng",
    "less_than_equal": "giá trị quá lớn",
    "greater_than": "giá trị quá nhỏ",
    "float_parsing": "phải là một số",
    "float_type": "phải là một số",
    "bool_parsing": "phải là true hoặc false",
    "bool_type": "phải là true hoặc false",
    "string_too_long": "quá dài",
}
# what a pattern stands for, in words an official can act on
_PATTERNS = {
    "^https?://": "phải là địa chỉ web bắt đầu bằng http:// hoặc https://",
    "^[a-z0-9-]+$": "chỉ dùng chữ thường không dấu, số và dấu '-'",
}


def _vietnamese(err: dict[str, Any]) -> str:
    kind = err.get("type", "")
    if kind == "value_error":
        # our own validators raise ValueError with a Vietnamese message already
        return str(err.get("ctx", {}).get("error", err["msg"]))
    base = _MESSAGES.get(kind)
    if base is None:
        return err["msg"]
    if kind in ("literal_error", "enum") and "ctx" in err:
        return f"{base}; chọn một trong: {err['ctx'].get('expected', '')}"
    if kind == "greater_than_equal" and "ctx" in err:
        return f"{base}; tối thiểu là {err['ctx'].get('ge')}"
    if kind == "less_than_equal" and "ctx" in err:
        return f"{base}; tối đa là {err['ctx'].get('le')}"
    if kind == "string_pattern_mismatch":
        return _PATTERNS.get(str(err.get("ctx", {}).get("pattern")), base)
    return base


MAX_YAML_BYTES = 1024 * 1024
# the YAML parser's English, in words an official can act on
YAML_PROBLEMS = (
    ("found unexpected end of stream", "tệp hết mà dấu nháy (\" hoặc ') vẫn chưa đóng"),
    ("found character '\\t' that cannot start any token", "có ký tự Tab; chỉ dùng dấu cách để thụt lề"),
    ("mapping values are not allowed here", "dấu ':' đặt sai chỗ; một giá trị có dấu ':' cần đặt trong dấu nháy"),
    ("could not find expected ':'", "thiếu dấu ':' sau tên mục"),
    ("did not find expected key", "thụt lề không đều, hoặc thiếu tên mục"),
    ("did not find expected '-' indicator", "thụt lề của danh sách (dòng bắt đầu bằng '-') không đều"),
    ("expected ',' or ']'", "danh sách trong [ ] thiếu dấu phẩy hoặc chưa đóng ']'"),
    ("expected ',' or '}'", "nhóm trong { } thiếu dấu phẩy hoặc chưa đóng '}'"),
    ("found duplicate key", "một tên mục được ghi hai lần"),
    ("found undefined alias", "dùng '*' mà không có '&' tương ứng; đặt giá trị trong dấu nháy"),
    ("expected alphabetic or numeric character", "dùng '&', '*' hoặc '!' ở đầu giá trị; đặt giá trị trong dấu nháy"),
    ("found unknown escape character", "dấu '\\' trong dấu nháy kép; dùng dấu nháy đơn hoặc viết '\\\\'"),
)


def yaml_problem(english: str) -> str:
    for words, vietnamese in YAML_PROBLEMS:
        if words in english:
            return vietnamese
    return "cú pháp sai ở dòng này (kiểm tra dấu nháy, dấu ':' và thụt lề)"


def load_yaml_file(path: Path) -> LocatedYaml:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_YAML_BYTES + 1)
        if len(data) > MAX_YAML_BYTES:
            raise ConfigError([SourceProblem(path, "tệp cấu hình lớn hơn 1 MB")])
        text = clean_text(data.decode("utf-8-sig"))
    except FileNotFoundError as exc:
        raise ConfigError([SourceProblem(path, "không tìm thấy tệp")]) from exc
    except UnicodeDecodeError as exc:
        raise ConfigError([SourceProblem(path, "tệp phải được lưu với bảng mã UTF-8")]) from exc
    return LocatedYaml(text, path)
