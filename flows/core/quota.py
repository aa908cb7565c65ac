"""Counting what was delivered against the plan's quotas, with the items behind every number."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select

from .items import Item
from .ledger import Delivery, DeliveryState, Event, EventKind, Ledger
from .periods import ReportPeriod, period_containing
from .plan import CHANNELS, CommunePlan, Quota


@dataclass(frozen=True)
class Counted:
    """One item counted for a channel in a period, and the moment that made it count."""

    item_id: str
    channel: str
    at: dt.datetime
    url: str | None = None


@dataclass
class QuotaStatus:
    quota: Quota
    period: ReportPeriod
    counted: list[Counted] = field(default_factory=list)

    @property
    def required(self) -> int:
        """The minimum over this period: a monthly quota of 2 asks 6 of a quarter."""
        months = (self.period.end.year - self.period.start.year) * 12 + self.period.end.month - self.period.start.month
        per = _QUOTA_MONTHS[self.quota.period]
        return self.quota.minimum * max(1, months // per)

    @property
    def actual(self) -> int:
        return len(self.counted)

    @property
    def met(self) -> bool:
        return self.actual >= self.required

    @property
    def percent(self) -> int:
        return round(100 * self.actual / self.required)


_QUOTA_MONTHS = {"month": 1, "quarter": 3, "year": 12}


def _local_bounds(period: ReportPeriod, plan: CommunePlan) -> tuple[dt.datetime, dt.datetime]:
    tz = plan.commune.tz
    return (dt.datetime.combine(period.start, dt.time(), tz), dt.datetime.combine(period.end, dt.time(), tz))


def counted_deliveries(ledger: Ledger, plan: CommunePlan, period: ReportPeriod) -> dict[str, list[Counted]]:
    """Per channel, the distinct items that count in `period`.

    portal: a post published in the period and not retracted; loudspeaker: an item aired in the period
    (aired again next month, it counts again next month); infographic: an image produced in the period.
    """
    start, end = _local_bounds(period, plan)
    result: dict[str, dict[str, Counted]] = {channel: {} for channel in CHANNELS}
    with ledger.session() as session:
        for row in session.scalars(select(Delivery).where(Delivery.published_at.is_not(None))):
            if row.channel == "portal" and row.state != DeliveryState.RETRACTED and start <= row.published_at < end:
                result["portal"].setdefault(row.item_id, Counted(row.item_id, "portal", row.published_at, row.url))
        airings = session.scalars(select(Event).where(Event.kind == EventKind.AIRED).order_by(Event.at))
        for row in airings:
            if start <= row.at < end:
                result["loudspeaker"].setdefault(row.item_id, Counted(row.item_id, "loudspeaker", row.at))
        images = session.scalars(
            select(Delivery).where(Delivery.channel == "infographic").order_by(Delivery.produced_at)
        )
        for row in images:
            if start <= row.produced_at < end:
                result["infographic"].setdefault(row.item_id, Counted(row.item_id, "infographic", row.produced_at))
    return {channel: sorted(found.values(), key=lambda c: c.at) for channel, found in result.items()}


def quota_status(
    ledger: Ledger, plan: CommunePlan, items: dict[str, Item], day: dt.date, period: ReportPeriod | None = None
) -> list[QuotaStatus]:
    """Each quota for the period of its own kind that contains `day` (or for `period` when given)."""
    statuses = []
    cache: dict[str, dict[str, list[Counted]]] = {}
    for quota in plan.quotas:
        own = period or period_containing(day, quota.period)
        if own.key not in cache:
            cache[own.key] = counted_deliveries(ledger, plan, own)
        counted = [
            c
            for c in cache[own.key][quota.channel]
            if (quota.topic is None or (c.item_id in items and items[c.item_id].meta.topic == quota.topic))
            and (quota.unit is None or (c.item_id in items and items[c.item_id].meta.unit == quota.unit))
        ]
        statuses.append(QuotaStatus(quota, own, counted))
    return statuses
