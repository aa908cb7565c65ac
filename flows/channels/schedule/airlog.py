"""Airings to confirm: every item of a scheduled slot, or the rows of a log exported by a loudspeaker system.

A log is a CSV file, as loudspeaker systems export it (README, "Loudspeaker logs"): comma, semicolon or tab
between columns; UTF-8 (with or without BOM), UTF-16 or windows-1258; headers in Vietnamese or English; times
as 2026-04-17 06:00, 17/04/2026 06:00 or 17/04/2026 06:00:05. A file is taken whole or not at all: one row
that cannot be read (an unknown item, a bad time) and nothing of the file is recorded, each such row listed
with why. A row whose status says it failed or was interrupted is read, and not counted."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ...core.errors import AirLogUnreadable, CchcError, InvalidTime, ScheduleMissing, SlotNotFound
from ...core.periods import parse_local_time
from ...core.plan import CommunePlan
from .. import paths

MAX_LOG_BYTES = 5 * 1024 * 1024
ITEM_COLUMNS = ("item", "mã bài", "ma bai", "file", "tệp", "tep", "tên tệp", "ten tep", "filename", "tên file")
TIME_COLUMNS = (
    "time", "at", "thời điểm", "thoi diem", "played_at", "thời gian phát", "thoi gian phat", "thời gian",
    "start", "bắt đầu", "ngày giờ",
)  # fmt: skip
STATUS_COLUMNS = ("status", "trạng thái", "trang thai", "result", "kết quả", "ket qua")
DURATION_COLUMNS = ("duration", "thời lượng", "thoi luong", "độ dài", "do dai", "seconds", "số giây")
# a row whose status says it did not play (or only in part) is not an airing
NOT_AIRED = (
    "fail", "error", "lỗi", "loi", "không phát", "khong phat", "thất bại", "that bai", "interrupt", "gián đoạn",
    "gian doan", "skip", "bỏ qua", "bo qua", "cancel", "hủy", "huy", "dừng", "dung giua", "chưa phát",
)  # fmt: skip


@dataclass(frozen=True)
class Airing:
    item_id: str
    at: dt.datetime
    origin: str  # "khung giờ 2026-03-05-sang", "nhat-ky.csv dòng 4", "dòng lệnh"
    duration_seconds: float | None = None


@dataclass
class AirLog:
    airings: list[Airing] = field(default_factory=list)
    not_aired: list[str] = field(default_factory=list)  # rows read whose status says they did not play
    rejected: list[str] = field(default_factory=list)  # rows that could not be read: the file is not taken

    @property
    def skipped(self) -> list[str]:
        return self.not_aired + self.rejected


def slot_airings(output_dir: Path, key: str, plan: CommunePlan) -> list[Airing]:
    """The items scheduled in a slot, one after another from its start, as the schedule planned them."""
    month = key[:7]
    plan_file = output_dir / paths.schedule_folder(month) / "lich-phat.json"
    if not plan_file.is_file():
        raise ScheduleMissing(month)
    slots = {entry["key"]: entry for entry in json.loads(plan_file.read_text(encoding="utf-8"))["slots"]}
    chosen = slots.get(key.replace("/", "-"))
    if chosen is None or not chosen["entries"]:
        raise SlotNotFound(key, month)
    moment = dt.datetime.fromisoformat(chosen["start"])
    found = []
    for entry in chosen["entries"]:
        found.append(Airing(entry["item"], moment, f"khung giờ {key}", entry["duration_seconds"]))
        moment += dt.timedelta(seconds=round(entry["duration_seconds"]) + plan.broadcast.gap_seconds)
    return found


def decode_log(data: bytes) -> str:
    """The log's text, whichever of the encodings loudspeaker software writes."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if len(data) > 1 and data.count(b"\x00") > len(data) // 4:  # UTF-16 without its mark
        return data.decode("utf-16-le" if data[1:2] == b"\x00" else "utf-16-be")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1258")  # Windows Vietnamese: tones as combining marks, composed below


def _column(columns: dict[str, str], names: tuple[str, ...]) -> str | None:
    return next((columns[name] for name in names if name in columns), None)


def _seconds(text: str) -> float | None:
    """'95', '95.5', '1:35' or '00:01:35' → seconds; anything else: unknown."""
    text = text.strip().replace(",", ".")
    try:
        if ":" in text:
            total = 0.0
            for part in text.split(":"):
                total = total * 60 + float(part)
            return total
        return float(text) if text else None
    except ValueError:
        return None


def read_air_log(path: Path, plan: CommunePlan, item_ids: set[str]) -> AirLog:
    """A loudspeaker system's log: a column with the item (its id, or the MP3's file name), one with the time,
    and optionally the status and the duration."""
    try:
        if not path.is_file():
            raise AirLogUnreadable(path, "không phải tệp thường")
        with path.open("rb") as handle:
            data = handle.read(MAX_LOG_BYTES + 1)
    except OSError as exc:
        raise AirLogUnreadable(path, str(exc)) from exc
    if len(data) > MAX_LOG_BYTES:
        raise AirLogUnreadable(path, "tệp lớn hơn 5 MB")
    try:
        text = unicodedata.normalize("NFC", decode_log(data)).replace("\x00", "")
    except UnicodeDecodeError:
        raise AirLogUnreadable(path, "bảng mã không đọc được; lưu lại tệp với bảng mã UTF-8") from None
    lines = text.splitlines()
    if not lines:
        raise AirLogUnreadable(path, "columns", [])
    delimiter = max((",", ";", "\t"), key=lines[0].count)
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)
    header = [unicodedata.normalize("NFC", name).strip().strip('"').lower() for name in next(reader, [])]
    columns = {name: name for name in header}
    item_column, time_column = _column(columns, ITEM_COLUMNS), _column(columns, TIME_COLUMNS)
    if item_column is None or time_column is None:
        raise AirLogUnreadable(path, "columns", header)
    index = {name: header.index(name) for name in header}
    status_column, duration_column = _column(columns, STATUS_COLUMNS), _column(columns, DURATION_COLUMNS)
    log = AirLog()
    for line, cells in enumerate(reader, 2):
        if not any(cell.strip() for cell in cells):
            continue  # a blank line
        row = {name: cells[i].strip() if i < len(cells) else "" for name, i in index.items()}
        where = f"{path.name}, dòng {line}"
        status = row.get(status_column, "") if status_column else ""
        if status and any(word in status.lower() for word in NOT_AIRED):
            log.not_aired.append(f"{where}: trạng thái '{status}', không tính là đã phát.")
            continue
        item = Path(row[item_column]).stem if row[item_column] else ""
        if not item:
            log.rejected.append(f"{where}: thiếu tên tệp hoặc mã bài (cột '{item_column}').")
            continue
        if item not in item_ids:
            log.rejected.append(f"{where}: không có bài '{item}'.")
            continue
        try:
            at = parse_local_time(row[time_column], plan.commune.tz)
            at.astimezone(dt.UTC)  # a year the clock cannot hold (0001-01-01) is refused here, not later
            if not 2000 <= at.year <= 2100:
                raise InvalidTime(row[time_column])
        except (CchcError, OverflowError, ValueError):
            log.rejected.append(f"{where}: thời gian '{row[time_column]}' không hợp lệ (ví dụ: 17/04/2026 06:00:05).")
            continue
        seconds = _seconds(row.get(duration_column, "")) if duration_column else None
        log.airings.append(Airing(item, at, f"{path.name} dòng {line}", seconds))
    return log
