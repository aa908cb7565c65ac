"""The loudspeaker schedule: plan a month (planner.py), write its files (exports.py), and confirm what aired
(airlog.py). Entry point: `plan_month`, then `files` for what to write under output/."""

from __future__ import annotations

import csv
import datetime as dt
import io

from ...core.plan import CommunePlan
from ...core.text import safe_cell
from .. import paths
from .exports import as_json, csv_rows, ics, m3u8, run_sheet
from .planner import Bulletin, Entry, Schedule, SlotRun, plan_month, slot_runs, status_of


def files(schedule: Schedule, plan: CommunePlan, now: dt.datetime) -> dict[str, bytes]:
    """Every file of the schedule, by path under output/: an M3U8 per slot with something to play, CSV,
    iCalendar, the printable run sheet and JSON."""
    folder = paths.schedule_folder(schedule.month)
    made = {f"{folder}/{run.key}.m3u8": m3u8(run).encode("utf-8") for run in schedule.runs if run.entries}
    table = io.StringIO()
    csv.writer(table, lineterminator="\r\n").writerows(
        [safe_cell(v) for v in row] for row in csv_rows(schedule, now, plan)
    )
    made[f"{folder}/lich-phat.csv"] = table.getvalue().encode("utf-8-sig")
    made[f"{folder}/lich-phat.ics"] = ics(schedule, plan)
    made[f"{folder}/lich-phat.html"] = run_sheet(schedule, plan, now).encode("utf-8")
    made[f"{folder}/lich-phat.json"] = as_json(schedule, now).encode("utf-8")
    return made


__all__ = ["Bulletin", "Entry", "Schedule", "SlotRun", "files", "plan_month", "slot_runs", "status_of"]
