"""The schedule's files for the operator and the smart-loudspeaker platform: an M3U8 playlist per slot, CSV,
iCalendar, a printable run sheet and JSON."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from html import escape

from ... import labels
from ...core.plan import CommunePlan
from .planner import Schedule, SlotRun, status_of


def m3u8(run: SlotRun) -> str:
    """The slot's playlist, paths relative to output/schedule/<month>/ (so the folder can be copied whole)."""
    lines = ["#EXTM3U", f"#PLAYLIST:{run.slot.name} {run.day:%d/%m/%Y}"]
    for entry in run.entries:
        lines.append(f"#EXTINF:{round(entry.bulletin.duration)},{entry.bulletin.title}")
        lines.append(f"../../{entry.bulletin.path}")
    return "\n".join(lines) + "\n"


def zone_names(run: SlotRun, plan: CommunePlan) -> str:
    names = {z.id: z.name for z in plan.broadcast.zones}
    return ", ".join(names.get(z, z) for z in run.zones) or ", ".join(names.values())


def csv_rows(schedule: Schedule, now: dt.datetime, plan: CommunePlan | None = None) -> list[list[object]]:
    by_zone = plan is not None and len(plan.broadcast.zones) > 1  # a column only when zones differ
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
            *(["Cụm loa"] if by_zone else []),
        ]
    ]
    for run in schedule.runs:
        for position, entry in enumerate(run.entries, 1):
            rows.append(
                [
                    f"{run.day:%d/%m/%Y}",
                    labels.WEEKDAYS[run.day.weekday()],
                    run.slot.name,
                    run.start.strftime("%H:%M"),
                    position,
                    entry.bulletin.item_id,
                    entry.bulletin.title,
                    round(entry.bulletin.duration),
                    labels.PRIORITY[entry.bulletin.priority],
                    labels.AIRING[status_of(entry, run, now)],
                    entry.note or run.note,
                    *([zone_names(run, plan)] if by_zone and plan else []),
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
        event.add("location", zone_names(run, plan))
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
            f"<h2>{labels.WEEKDAYS[day.weekday()].capitalize()}, {day:%d/%m/%Y}</h2><table><tr><th>Giờ</th>"
            '<th>Bài</th><th>Thời lượng</th><th>Ưu tiên</th><th>Trạng thái</th><th class="tick">Đã phát</th></tr>'
        )
        for run in runs:
            for entry in run.entries:
                minutes, seconds = divmod(round(entry.bulletin.duration), 60)
                where = f"<br><small>{escape(zone_names(run, plan))}</small>" if len(plan.broadcast.zones) > 1 else ""
                parts.append(
                    f"<tr><td>{run.start:%H:%M}{where}</td><td>{escape(entry.bulletin.title)}</td>"
                    f"<td>{minutes}:{seconds:02d}</td><td>{labels.PRIORITY[entry.bulletin.priority]}</td>"
                    f"<td>{labels.AIRING[status_of(entry, run, now)]}</td><td></td></tr>"
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
                    "zones": list(run.zones),
                    "entries": [
                        {
                            "item": e.bulletin.item_id,
                            "title": e.bulletin.title,
                            "path": e.bulletin.path,
                            "duration_seconds": e.bulletin.duration,
                            "priority": e.bulletin.priority,
                            "status": labels.AIRING[status_of(e, run, now)],
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
