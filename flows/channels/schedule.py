"""The loudspeaker schedule for a month: which bulletin plays in which slot, and the files the broadcast
operator and the smart-loudspeaker platform take (M3U8 per slot, CSV, iCalendar, a printable run sheet, JSON).

Deterministic: the same inputs give the same plan. Airings already confirmed stay where they were; khẩn cấp
items go first into the very next slot (pre-empting others if it is full), ưu tiên items first into the
next slot, thông thường items are spread over their validity with the configured spacing. No slot is ever
overfilled: durations plus gaps fit its length.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from html import escape

from ..core.plan import Broadcast, CommunePlan, Slot

PRIORITY_RANK = {"khan-cap": 0, "uu-tien": 1, "thuong": 2}
PRIORITY_NAMES_VI = {"khan-cap": "khẩn cấp", "uu-tien": "ưu tiên", "thuong": "thông thường"}
WEEKDAYS_VI = ["thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật"]


@dataclass(frozen=True)
class Bulletin:
    """An approved item's audio, ready to air."""

    item_id: str
    title: str
    path: str  # relative to output/
    duration: float  # seconds
    priority: str
    first_day: dt.date
    last_day: dt.date


@dataclass
class Entry:
    bulletin: Bulletin
    confirmed: bool = False
    note: str = ""


@dataclass
class SlotRun:
    """One slot on one day, and what plays in it."""

    day: dt.date
    slot: Slot
    start: dt.datetime
    end: dt.datetime
    entries: list[Entry] = field(default_factory=list)
    note: str = ""

    @property
    def key(self) -> str:
        return f"{self.day.isoformat()}-{self.slot.id}"

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()

    def used(self, gap: float) -> float:
        return sum(e.bulletin.duration for e in self.entries) + gap * max(0, len(self.entries) - 1)

    def fits(self, bulletin: Bulletin, gap: float) -> bool:
        extra = bulletin.duration + (gap if self.entries else 0)
        return self.used(gap) + extra <= self.seconds


@dataclass
class Schedule:
    month: str
    runs: list[SlotRun]
    problems: list[str] = field(default_factory=list)

    def airings(self, item_id: str) -> list[SlotRun]:
        return [r for r in self.runs if any(e.bulletin.item_id == item_id for e in r.entries)]


def slot_runs(plan: CommunePlan, first: dt.date, end: dt.date) -> list[SlotRun]:
    tz = plan.commune.tz
    runs = []
    day = first
    while day < end:
        for slot in sorted(plan.broadcast.slots, key=lambda s: s.start):
            if day.isoweekday() in slot.weekdays:
                start = dt.datetime.combine(day, dt.time.fromisoformat(slot.start), tz)
                runs.append(SlotRun(day, slot, start, dt.datetime.combine(day, dt.time.fromisoformat(slot.end), tz)))
        day += dt.timedelta(days=1)
    return runs


def plan_month(
    plan: CommunePlan,
    first: dt.date,
    end: dt.date,
    bulletins: list[Bulletin],
    confirmed: list[tuple[str, dt.datetime]],
    quota_minimum: int = 0,
) -> Schedule:
    """The schedule for [first, end). `confirmed` are (item id, time) airings already logged: they stay."""
    rules: Broadcast = plan.broadcast
    gap, spacing = float(rules.gap_seconds), dt.timedelta(hours=rules.min_spacing_hours)
    schedule = Schedule(first.strftime("%Y-%m"), slot_runs(plan, first, end))
    by_id = {b.item_id: b for b in bulletins}
    placed: dict[str, list[SlotRun]] = {b.item_id: [] for b in bulletins}
    for item_id, moment in sorted(confirmed, key=lambda c: c[1]):
        run = next((r for r in schedule.runs if r.start <= moment < r.end + dt.timedelta(minutes=30)), None)
        if run is not None and item_id in by_id:
            run.entries.append(Entry(by_id[item_id], confirmed=True))
            placed[item_id].append(run)

    ordered = sorted(bulletins, key=lambda b: (PRIORITY_RANK[b.priority], b.first_day, b.item_id))
    for bulletin in ordered:
        window = [r for r in schedule.runs if bulletin.first_day <= r.day <= bulletin.last_day]
        if not window:
            continue
        if bulletin.duration > window[0].seconds:
            schedule.problems.append(
                f"Bài '{bulletin.item_id}' dài {bulletin.duration / 60:.1f} phút, hơn cả khung "
                f"giờ ({window[0].seconds / 60:.0f} phút): cần rút ngắn bài hoặc mở rộng khung giờ."
            )
            continue
        needed = rules.airings_per_item - len(placed[bulletin.item_id])
        # spread the repeats over the item's days on air, never closer than the configured spacing
        span = window[-1].end - window[0].start
        step = max(spacing, span / max(1, rules.airings_per_item))
        earliest = window[0].start
        first_airing = True
        for run in window:
            if needed <= 0:
                break
            if run.start < earliest or any(e.bulletin.item_id == bulletin.item_id for e in run.entries):
                continue
            if any(abs(run.start - other.start) < spacing for other in placed[bulletin.item_id]):
                continue
            if bulletin.priority == "khan-cap" and first_airing:
                _pre_empt(run, bulletin, gap)
            elif not run.fits(bulletin, gap):
                continue
            entry = Entry(bulletin)
            if bulletin.priority == "khan-cap" and first_airing:
                entry.note = "khẩn cấp: phát ngay ở khung giờ gần nhất"
                run.entries.insert(0, entry)
            elif bulletin.priority == "uu-tien" and first_airing:
                position = sum(1 for e in run.entries if e.bulletin.priority == "khan-cap")
                run.entries.insert(position, entry)
            else:
                run.entries.append(entry)
            placed[bulletin.item_id].append(run)
            needed -= 1
            first_airing = False
            earliest = run.start + (spacing if bulletin.priority != "thuong" else step)
        if needed > 0:
            schedule.problems.append(
                f"Bài '{bulletin.item_id}' chỉ xếp được {rules.airings_per_item - needed}/"
                f"{rules.airings_per_item} lần phát trong thời gian lập lịch và còn hiệu lực (đến "
                f"{min(bulletin.last_day, end - dt.timedelta(days=1)):%d/%m/%Y})."
            )
    aired_items = {e.bulletin.item_id for r in schedule.runs for e in r.entries}
    if quota_minimum and len(aired_items) < quota_minimum:
        schedule.problems.append(
            f"Chưa đạt chỉ tiêu phát thanh tháng {first.month:02d}/{first.year}: cần ít nhất {quota_minimum} "
            f"tin, bài nhưng chỉ có {len(aired_items)} tin, bài có âm thanh đã duyệt còn hiệu lực trong tháng. "
            "Hãy duyệt thêm bài có kênh loa truyền thanh rồi chạy 'cchc produce' và 'cchc schedule' lại."
        )
    return schedule


def _pre_empt(run: SlotRun, urgent: Bulletin, gap: float) -> None:
    """Make room for a khẩn cấp item: the latest unconfirmed entries leave the slot."""
    while not run.fits(urgent, gap):
        movable = [e for e in run.entries if not e.confirmed and e.bulletin.priority != "khan-cap"]
        if not movable:
            return
        run.entries.remove(movable[-1])
        run.note = f"Phát khẩn cấp '{urgent.item_id}': đã bỏ '{movable[-1].bulletin.item_id}' khỏi khung giờ này."


# --- exports -----------------------------------------------------------------------------------------------
def m3u8(run: SlotRun) -> str:
    """The slot's playlist, paths relative to output/schedule/<month>/ (so the folder can be copied whole)."""
    lines = ["#EXTM3U", f"#PLAYLIST:{run.slot.name} {run.day:%d/%m/%Y}"]
    for entry in run.entries:
        lines.append(f"#EXTINF:{round(entry.bulletin.duration)},{entry.bulletin.title}")
        lines.append(f"../../{entry.bulletin.path}")
    return "\n".join(lines) + "\n"


def status_of(entry: Entry, run: SlotRun, now: dt.datetime) -> str:
    if entry.confirmed:
        return "đã phát"
    return "chưa xác nhận" if run.end <= now else "sẽ phát"


def csv_rows(schedule: Schedule, now: dt.datetime) -> list[list[object]]:
    rows: list[list[object]] = [
        [
            "Ngày",
            "Thứ",
            "Khung giờ",
            "Bắt đầu",
            "Thứ tự",
            "Mã bài",
            "Tiêu đề",
            "Thời lượng (giây)",
            "Mức ưu tiên",
            "Trạng thái",
            "Ghi chú",
        ]
    ]
    for run in schedule.runs:
        for position, entry in enumerate(run.entries, 1):
            rows.append(
                [
                    f"{run.day:%d/%m/%Y}",
                    WEEKDAYS_VI[run.day.weekday()],
                    run.slot.name,
                    run.start.strftime("%H:%M"),
                    position,
                    entry.bulletin.item_id,
                    entry.bulletin.title,
                    round(entry.bulletin.duration),
                    PRIORITY_NAMES_VI[entry.bulletin.priority],
                    status_of(entry, run, now),
                    entry.note or run.note,
                ]
            )
    return rows


def ics(schedule: Schedule, plan: CommunePlan) -> bytes:
    """One event per slot that has something to play, in Asia/Ho_Chi_Minh time."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//cchc//Lich phat thanh//VI")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Lịch phát thanh CCHC {plan.commune.full_name} {schedule.month}")
    calendar.add("x-wr-timezone", plan.commune.timezone)
    for run in schedule.runs:
        if not run.entries:
            continue
        event = Event()
        event.add("uid", f"{run.key}-{hashlib.sha256(plan.commune.full_name.encode()).hexdigest()[:8]}@cchc")
        event.add("dtstamp", dt.datetime.combine(run.day, dt.time(), dt.UTC))
        event.add("dtstart", run.start)
        event.add("dtend", run.end)
        event.add("summary", f"{run.slot.name}: {len(run.entries)} tin, bài CCHC")
        event.add("location", ", ".join(z.name for z in plan.broadcast.zones))
        event.add(
            "description",
            "\n".join(
                f"{n}. {e.bulletin.title} ({round(e.bulletin.duration)} giây)" for n, e in enumerate(run.entries, 1)
            ),
        )
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


RUN_SHEET_CSS = (
    'body{font-family:"Times New Roman",serif;margin:1.5cm}h1{font-size:18pt}h2{font-size:13pt;margin:1em 0 .3em}'
    "table{border-collapse:collapse;width:100%}td,th{border:1px solid #000;padding:3px 6px;font-size:11pt;"
    "text-align:left}.tick{width:2.5em}.note{color:#b71c1c}"
    "@media print{h2{break-after:avoid}table{break-inside:avoid}}"
)


def run_sheet(schedule: Schedule, plan: CommunePlan, now: dt.datetime) -> str:
    """A printable run sheet for the operator: one table per day."""
    days: dict[dt.date, list[SlotRun]] = {}
    for run in schedule.runs:
        days.setdefault(run.day, []).append(run)
    title = f"Lịch phát thanh chuyên mục {plan.commune.portal_category} tháng {schedule.month[5:]}/{schedule.month[:4]}"
    zones = ", ".join(z.name for z in plan.broadcast.zones)
    parts = [
        f'<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"<style>{RUN_SHEET_CSS}</style></head><body>\n<h1>{escape(title)}</h1>"
        f"<p>{escape(plan.commune.station_name)} · Cụm loa: {escape(zones)}</p>"
    ]
    if schedule.problems:
        parts.append('<ul class="note">' + "".join(f"<li>{escape(p)}</li>" for p in schedule.problems) + "</ul>")
    for day, runs in days.items():
        if not any(r.entries for r in runs):
            continue
        parts.append(
            f"<h2>{WEEKDAYS_VI[day.weekday()].capitalize()}, {day:%d/%m/%Y}</h2><table><tr><th>Giờ</th>"
            '<th>Bài</th><th>Thời lượng</th><th>Ưu tiên</th><th>Trạng thái</th><th class="tick">Đã phát</th></tr>'
        )
        for run in runs:
            for entry in run.entries:
                minutes, seconds = divmod(round(entry.bulletin.duration), 60)
                parts.append(
                    f"<tr><td>{run.start:%H:%M}</td><td>{escape(entry.bulletin.title)}</td>"
                    f"<td>{minutes}:{seconds:02d}</td><td>{PRIORITY_NAMES_VI[entry.bulletin.priority]}</td>"
                    f"<td>{status_of(entry, run, now)}</td><td></td></tr>"
                )
            if run.note:
                parts.append(f'<tr><td></td><td class="note" colspan="5">{escape(run.note)}</td></tr>')
        parts.append("</table>")
    parts.append("</body></html>\n")
    return "".join(parts)


def as_json(schedule: Schedule, now: dt.datetime) -> str:
    return json.dumps(
        {
            "month": schedule.month,
            "problems": schedule.problems,
            "slots": [
                {
                    "key": run.key,
                    "slot": run.slot.id,
                    "start": run.start.isoformat(),
                    "end": run.end.isoformat(),
                    "note": run.note,
                    "entries": [
                        {
                            "item": e.bulletin.item_id,
                            "title": e.bulletin.title,
                            "path": e.bulletin.path,
                            "duration_seconds": e.bulletin.duration,
                            "priority": e.bulletin.priority,
                            "status": status_of(e, run, now),
                        }
                        for e in run.entries
                    ],
                }
                for run in schedule.runs
            ],
        },
        ensure_ascii=False,
        indent=2,
    )
