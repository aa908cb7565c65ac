"""Airings to confirm: every item of a scheduled slot, or the rows of a log exported by a loudspeaker system."""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from ...core.errors import AirLogUnreadable, CchcError, ScheduleMissing, SlotNotFound
from ...core.periods import parse_local_time
from ...core.plan import CommunePlan
from .. import paths

ITEM_COLUMNS = ("item", "mã bài", "ma bai", "file", "tệp", "tep", "tên tệp", "ten tep", "filename")
TIME_COLUMNS = ("time", "at", "thời điểm", "thoi diem", "played_at", "thời gian phát", "thoi gian phat", "thời gian")
STATUS_COLUMNS = ("status", "trạng thái", "trang thai", "result", "kết quả", "ket qua")
# a row whose status says it did not play (or only in part) is not an airing
NOT_AIRED = (
    "fail",
    "error",
    "lỗi",
    "loi",
    "không phát",
    "khong phat",
    "thất bại",
    "that bai",
    "interrupt",
    "gián đoạn",
    "gian doan",
    "skip",
    "bỏ qua",
    "bo qua",
    "cancel",
    "hủy",
    "huy",
)


@dataclass(frozen=True)
class Airing:
    item_id: str
    at: dt.datetime
    origin: str  # "khung giờ 2026-03-05-sang", "nhat-ky.csv dòng 4", "dòng lệnh"


@dataclass
class AirLog:
    airings: list[Airing] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "nhat-ky.csv, dòng 4: không có bài 'x'."


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
        found.append(Airing(entry["item"], moment, f"khung giờ {key}"))
        moment += dt.timedelta(seconds=round(entry["duration_seconds"]) + plan.broadcast.gap_seconds)
    return found


def read_air_log(path: Path, plan: CommunePlan, item_ids: set[str]) -> AirLog:
    """A loudspeaker system's log: a column with the item (its id, or the MP3's file name) and one with the
    time. Rows naming an unknown item or a bad time are skipped and listed."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise AirLogUnreadable(path, str(exc)) from exc
    reader = csv.DictReader(text.splitlines())
    columns = {name.strip().lower(): name for name in reader.fieldnames or []}
    item_column = next((columns[c] for c in ITEM_COLUMNS if c in columns), None)
    time_column = next((columns[c] for c in TIME_COLUMNS if c in columns), None)
    status_column = next((columns[c] for c in STATUS_COLUMNS if c in columns), None)
    if item_column is None or time_column is None:
        raise AirLogUnreadable(path, "columns", list(reader.fieldnames or []))
    log = AirLog()
    for line, row in enumerate(reader, 2):
        status = (row.get(status_column) or "").strip().lower() if status_column else ""
        if status and any(word in status for word in NOT_AIRED):
            log.skipped.append(
                f"{path.name}, dòng {line}: trạng thái '{row[status_column].strip()}', không tính là đã phát."
            )
            continue
        item = Path(row[item_column].strip()).stem
        try:
            at = parse_local_time(row[time_column], plan.commune.tz)
        except CchcError as exc:
            log.skipped.append(f"{path.name}, dòng {line}: {exc}")
            at = None
        if item not in item_ids:
            log.skipped.append(f"{path.name}, dòng {line}: không có bài '{item}'.")
        elif at is not None:
            log.airings.append(Airing(item, at, f"{path.name} dòng {line}"))
    return log
