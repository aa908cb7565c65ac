"""The loudspeaker schedule for a month: which bulletin plays in which slot, and the files the broadcast
operator and the smart-loudspeaker platform take (M3U8 per slot, CSV, iCalendar, a printable run sheet, JSON).

Deterministic: the same inputs give the same plan. Airings already confirmed stay where they were; khẩn cấp
items go first into the very next slot (pre-empting others if it is full), ưu tiên items first into the
next slot, thông thường items are spread over their validity with the configured spacing. No slot is ever
overfilled: durations plus gaps fit its length.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ...core.plan import CommunePlan
from ...core.settings import Broadcast, Slot
from ...core.status import AiringStatus

PRIORITY_RANK = {"khan-cap": 0, "uu-tien": 1, "thuong": 2}


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
    aired_at: str = ""  # a confirmed airing's moment, ISO 8601 in the commune's time zone


@dataclass
class SlotRun:
    """One slot on one day, and what plays in it."""

    day: dt.date
    slot: Slot
    start: dt.datetime
    end: dt.datetime
    entries: list[Entry] = field(default_factory=list)
    note: str = ""
    zones: tuple[str, ...] = ()  # the loudspeaker zones this slot plays in

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
                finish = dt.datetime.combine(day, dt.time.fromisoformat(slot.end), tz)
                zones = tuple(slot.zones or [z.id for z in plan.broadcast.zones])
                runs.append(SlotRun(day, slot, start, finish, zones=zones))
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
            aired = moment.astimezone(plan.commune.tz).isoformat()
            run.entries.append(Entry(by_id[item_id], confirmed=True, aired_at=aired))
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
        if bulletin.priority == "khan-cap":
            # an emergency goes out at once everywhere: first in the next slot of every zone, pre-empting
            for zone in [z.id for z in rules.zones]:
                if any(zone in r.zones for r in placed[bulletin.item_id]):
                    continue
                run = next((r for r in window if zone in r.zones), None)
                if run is None or any(e.bulletin.item_id == bulletin.item_id for e in run.entries):
                    continue
                _pre_empt(run, bulletin, gap)
                if run.fits(bulletin, gap):
                    run.entries.insert(0, Entry(bulletin, note="khẩn cấp: phát ngay ở khung giờ gần nhất"))
                    placed[bulletin.item_id].append(run)
                    needed -= 1
                    first_airing = False
            if not first_airing:
                earliest = max(r.start for r in placed[bulletin.item_id]) + spacing
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


def status_of(entry: Entry, run: SlotRun, now: dt.datetime) -> AiringStatus:
    if entry.confirmed:
        return AiringStatus.AIRED
    return AiringStatus.UNCONFIRMED if run.end <= now else AiringStatus.PLANNED
