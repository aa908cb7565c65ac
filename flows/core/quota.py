"""Counting what was delivered against the plan's quotas, with the items behind every number.

What counts: a portal post published in the period and not retracted; an item aired on the loudspeakers in
the period (aired again next month, it counts again next month); an infographic produced in the period;
a logged activity on its day. An item counts once per rule and period, whatever the channels it went out on.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from .items import Item
from .ledger import Delivery, DeliveryState, Event, EventKind, Ledger
from .ledger.corrections import voided_activities, voided_events
from .periods import ReportPeriod, parse_period, period_containing
from .plan import CHANNELS, CommunePlan, Quota, Unit
from .status import Outlook

_QUOTA_MONTHS = {"month": 1, "quarter": 3, "year": 12}


@dataclass(frozen=True)
class Counted:
    """One thing counted in a period: an item on a channel, or an activity, and the moment that made it count."""

    item_id: str
    channel: str  # portal, infographic, loudspeaker, or "activity"
    at: dt.datetime
    title: str = ""
    unit: str | None = None
    topic: str | None = None
    url: str | None = None
    kind: str | None = None  # the activity's kind
    attendees: int | None = None
    topics: tuple[str, ...] = ()  # every topic of the item (the main one is `topic`)
    areas: tuple[str, ...] = ()  # its reform areas
    assisting: tuple[str, ...] = ()  # the offices that assisted
    where: str | None = None  # the platform posted on, or the paper sent to


@dataclass
class QuotaStatus:
    quota: Quota
    period: ReportPeriod
    counted: list[Counted] = field(default_factory=list)
    unit: Unit | None = None  # the office, for a rule made per office
    # a coverage rule ("100% of offices"): one status per office; the rule counts the offices that met theirs
    parts: list[QuotaStatus] = field(default_factory=list)

    @property
    def is_coverage(self) -> bool:
        """The rule's one row for all offices (each office's own row is an ordinary status)."""
        return self.quota.coverage is not None and self.unit is None

    @property
    def label(self) -> str:
        if self.is_coverage:
            missing = [p.unit.name for p in self.parts if not p.met and p.unit]
            reached = f"{self.actual}/{len(self.parts)} đơn vị đạt"
            return f"{self.quota.name} ({reached}{'; chưa đạt: ' + ', '.join(missing) if missing else ''})"
        return f"{self.quota.name} ({self.unit.name})" if self.unit else self.quota.name

    @property
    def required(self) -> int:
        """The minimum over this period: a monthly quota of 2 asks 6 of a quarter; for a coverage rule, the
        number of offices that must meet theirs."""
        if self.is_coverage:
            return max(1, -(-len(self.parts) * (self.quota.coverage or 100) // 100))
        return self.quota.minimum * max(1, self.period.months // _QUOTA_MONTHS[self.quota.period])

    @property
    def actual(self) -> int:
        if self.is_coverage:
            return sum(1 for p in self.parts if p.met)
        return len(self.counted)

    @property
    def met(self) -> bool:
        return self.actual >= self.required

    @property
    def percent(self) -> int:
        """Of the minimum; for a coverage rule, the share of offices that met theirs."""
        if self.is_coverage:
            return round(100 * self.actual / len(self.parts)) if self.parts else 0
        return round(100 * self.actual / self.required)

    def outlook(self, today: dt.date) -> Outlook:
        """Met; or, while the period runs, whether the pace so far reaches the minimum by its end."""
        if self.met:
            return Outlook.MET
        if today >= self.period.end:
            return Outlook.MISSED
        if today < self.period.start:
            return Outlook.NOT_STARTED
        if self.is_coverage:
            likely = sum(1 for p in self.parts if p.outlook(today) in (Outlook.MET, Outlook.ON_TRACK))
            return Outlook.ON_TRACK if likely >= self.required else Outlook.AT_RISK
        elapsed = (today - self.period.start).days + 1
        total = (self.period.end - self.period.start).days
        return Outlook.AT_RISK if self.actual / elapsed * total < self.required else Outlook.ON_TRACK


def _local_bounds(period: ReportPeriod, plan: CommunePlan) -> tuple[dt.datetime, dt.datetime]:
    tz = plan.commune.tz
    return dt.datetime.combine(period.start, dt.time(), tz), dt.datetime.combine(period.end, dt.time(), tz)


@dataclass(frozen=True)
class _Facts:
    title: str = ""
    unit: str | None = None
    topic: str | None = None
    topics: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    assisting: tuple[str, ...] = ()

    def counted(self, item_id: str, channel: str, at: dt.datetime, **extra: object) -> Counted:
        return Counted(
            item_id,
            channel,
            at,
            self.title,
            self.unit,
            self.topic,
            topics=self.topics or ((self.topic,) if self.topic else ()),
            areas=self.areas,
            assisting=self.assisting,
            **extra,  # type: ignore[arg-type]
        )


def _facts(meta: dict) -> _Facts:
    return _Facts(
        meta.get("title", ""),
        meta.get("unit"),
        meta.get("topic"),
        tuple(meta.get("topics") or ()),
        tuple(meta.get("areas") or ()),
        tuple(meta.get("assisting") or ()),
    )


def _facts_of(row: Delivery | None, item_id: str, items: dict[str, Item]) -> _Facts:
    """Title, offices, topics and areas of the version delivered (kept in the ledger), else of the item on
    disk."""
    if row is not None and row.meta:
        return _facts(json.loads(row.meta))
    item = items.get(item_id)
    return _facts(item.meta.model_dump(mode="json")) if item else _Facts()


def _item_day(row: Delivery, items: dict[str, Item], plan: CommunePlan) -> dt.datetime:
    """The moment an infographic counts: its item's date (a documented choice: the image serves the news of
    that day, whenever it was drawn or redrawn), else when it was produced."""
    day = json.loads(row.meta).get("date") if row.meta else None
    if day is None and row.item_id in items:
        day = items[row.item_id].meta.date.isoformat()
    if day is None:
        return row.produced_at
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(), plan.commune.tz)


def counted_deliveries(
    ledger: Ledger, plan: CommunePlan, period: ReportPeriod, items: dict[str, Item] | None = None
) -> dict[str, list[Counted]]:
    """Per channel, the distinct items that count in `period`, oldest first."""
    items = items or {}
    start, end = _local_bounds(period, plan)
    found: dict[str, dict[str, Counted]] = {channel: {} for channel in CHANNELS}
    with ledger.session() as session:
        rows = {row.id: row for row in session.scalars(ledger.select(Delivery))}
        for row in sorted(rows.values(), key=lambda r: (r.published_at or r.produced_at, r.id)):
            facts = _facts_of(row, row.item_id, items)
            if (
                row.channel == "portal"
                and row.published_at is not None
                and row.state != DeliveryState.RETRACTED
                and start <= row.published_at < end
            ):
                found["portal"].setdefault(
                    row.item_id, facts.counted(row.item_id, "portal", row.published_at, url=row.url)
                )
            if row.channel == "infographic" and start <= (counts_at := _item_day(row, items, plan)) < end:
                found["infographic"].setdefault(row.item_id, facts.counted(row.item_id, "infographic", counts_at))
        # airings, postings and sendings count on their own moment
        events = session.scalars(
            ledger.select(Event)
            .where(Event.kind.in_([EventKind.AIRED, EventKind.POSTED]), Event.at >= start, Event.at < end)
            .order_by(Event.at, Event.id)
        )
        voided = voided_events(ledger)
        for event in events:
            channel = "loudspeaker" if event.kind == EventKind.AIRED else event.channel
            if event.id in voided or channel not in found:
                continue
            facts = _facts_of(rows.get(event.delivery_id), event.item_id, items)
            extra = event.details
            found[channel].setdefault(
                event.item_id,
                facts.counted(event.item_id, channel, event.at, url=extra.get("url"), where=extra.get("where")),
            )
    return {channel: sorted(entries.values(), key=lambda c: c.at) for channel, entries in found.items()}


@dataclass(frozen=True)
class Airtime:
    """The loudspeakers' airings in one month of a period: how many, and for how long."""

    month: str  # YYYY-MM
    airings: int
    seconds: float


def airtime(
    ledger: Ledger, plan: CommunePlan, period: ReportPeriod, items: dict[str, Item], unit: str | None = None
) -> list[Airtime]:
    """Every airing (not only each item's first) per month, with its length: the log's, else the audio's."""
    start, end = _local_bounds(period, plan)
    voided = voided_events(ledger)
    months: dict[str, list[float]] = {}
    with ledger.session() as session:
        rows = {
            row.id: row for row in session.scalars(ledger.select(Delivery).where(Delivery.channel == "loudspeaker"))
        }
        events = session.scalars(
            ledger.select(Event).where(Event.kind == EventKind.AIRED, Event.at >= start, Event.at < end)
        )
        for event in events:
            row = rows.get(event.delivery_id)
            if event.id in voided or (unit and _facts_of(row, event.item_id, items).unit != unit):
                continue
            seconds = event.details.get("duration_seconds") or (row.duration_seconds if row else 0) or 0
            months.setdefault(event.at.astimezone(plan.commune.tz).strftime("%Y-%m"), []).append(float(seconds))
    return [Airtime(month, len(lengths), sum(lengths)) for month, lengths in sorted(months.items())]


def counted_activities(ledger: Ledger, plan: CommunePlan, period: ReportPeriod) -> list[Counted]:
    tz = plan.commune.tz
    voided = voided_activities(ledger)
    return [
        Counted(
            f"hoat-dong-{row.id}",
            "activity",
            dt.datetime.combine(row.day, dt.time(), tz),
            row.title,
            row.unit,
            kind=row.kind,
            attendees=row.attendees,
        )
        for row in ledger.activities(period.start, period.end)
        if row.id not in voided
    ]


def _on_own_ground(entry: Counted, unit: Unit) -> bool:
    """About one of the office's own topics or reform areas (an office with neither: anything)."""
    if not unit.topics and not unit.areas:
        return True
    return bool(set(entry.topics) & set(unit.topics) or set(entry.areas) & set(unit.areas))


def _matches(entry: Counted, quota: Quota, unit: Unit | None, plan: CommunePlan) -> bool:
    """Whether the entry counts for the rule (for `unit`, in a rule made per office). An item counts for its
    office in charge, not for the offices that assisted; it counts for a topic or an area it names among
    others."""
    if quota.topic and quota.topic not in entry.topics:
        return False
    if quota.area and quota.area not in entry.areas:
        return False
    if quota.unit and entry.unit != quota.unit:
        return False
    if quota.unit and quota.own_topics and not _on_own_ground(entry, plan.unit(quota.unit)):
        return False
    if unit is not None:
        if entry.unit != unit.id:
            return False
        if quota.own_topics and not _on_own_ground(entry, unit):
            return False
    return True


def quota_status(
    ledger: Ledger, plan: CommunePlan, items: dict[str, Item], day: dt.date, period: ReportPeriod | None = None
) -> list[QuotaStatus]:
    """Each quota (one per office for a rule made per office) over the period of its own kind that
    contains `day`, or over `period` when given."""
    statuses = []
    deliveries: dict[str, dict[str, list[Counted]]] = {}
    activities: dict[str, list[Counted]] = {}
    for quota in plan.quotas:
        own = period or period_containing(day, quota.period)
        window = own
        if own.months < _QUOTA_MONTHS[quota.period]:
            # a yearly rule in a quarterly report: shown over its own year, counted to the end of the quarter
            own = period_containing(own.start, quota.period)
            window = ReportPeriod(f"{own.key}..{window.end}", own.kind, own.start, window.end)
        if not plan.applies_to(window.start, window.end):
            continue  # the plan is not in force in this period: its rules do not apply
        pool: list[Counted] = []
        if quota.activity_kinds:
            if window.key not in activities:
                activities[window.key] = counted_activities(ledger, plan, window)
            pool += [a for a in activities[window.key] if a.kind in quota.activity_kinds]
        if quota.channels:
            if window.key not in deliveries:
                deliveries[window.key] = counted_deliveries(ledger, plan, window, items)
            first: dict[str, Counted] = {}  # an item counts once, on the first channel that made it count
            for channel in quota.channels:
                for entry in deliveries[window.key][channel]:
                    if entry.item_id not in first or entry.at < first[entry.item_id].at:
                        first[entry.item_id] = entry
            pool += first.values()
        pool.sort(key=lambda c: c.at)
        chosen = [u for u in plan.units if not quota.units or u.id in quota.units]
        per_office = [
            QuotaStatus(quota, own, [e for e in pool if _matches(e, quota, unit, plan)], unit)
            for unit in (chosen if quota.per_unit else [None])
        ]
        if quota.coverage is not None:
            counted = sorted({id(e): e for p in per_office for e in p.counted}.values(), key=lambda c: c.at)
            statuses.append(QuotaStatus(quota, own, counted, None, per_office))
        else:
            statuses += per_office
    return statuses


@dataclass(frozen=True)
class NextReport:
    """The next report due and the periods it covers (the quarter, and the half-year or the year that quarter
    closes; or the month)."""

    due: dt.date
    covers: tuple[ReportPeriod, ...]


def next_report(today: dt.date, plan: CommunePlan) -> NextReport | None:
    """The next report due, or None when the plan sets no due day or cadence."""
    due_day, cadence = plan.reporting.due_day, plan.reporting.cadence
    if due_day is None or cadence is None:
        return None
    if cadence == "month":
        for months_ahead in range(0, 14):
            index = today.year * 12 + today.month - 1 + months_ahead
            due = dt.date(index // 12, index % 12 + 1, due_day)
            if due >= today:
                covered = (due.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
                return NextReport(due, (parse_period(covered),))
    for year in (today.year, today.year + 1):
        for month in (3, 6, 9, 12):
            due = dt.date(year, month, due_day)
            if due >= today:
                covers = [parse_period(f"{year}-Q{month // 3}")]
                if month == 6:
                    covers.append(parse_period(f"{year}-H1"))
                if month == 12:
                    covers.append(parse_period(str(year)))
                return NextReport(due, tuple(covers))
    raise AssertionError("unreachable")
