"""Corrections: an airing, a publication or an activity recorded by mistake is voided with a reason. The
ledger keeps both the record and its void (append-only events); only the count drops."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from ..errors import CchcError
from ..status import DeliveryState, EventKind
from .schema import Activity, Delivery, Event
from .store import Ledger


class NothingToVoid(CchcError):
    """There is no such record (or it was voided already)."""


def _voided(session: Session, ledger: Ledger, key: str) -> set[int]:
    events = session.scalars(ledger.select(Event).where(Event.kind == EventKind.VOIDED))
    return {int(e.details[key]) for e in events if key in e.details}


def voided_events(ledger: Ledger) -> set[int]:
    with ledger.session() as session:
        return _voided(session, ledger, "event")


def voided_activities(ledger: Ledger) -> set[int]:
    with ledger.session() as session:
        return _voided(session, ledger, "activity")


def _void(session: Session, ledger: Ledger, item_id: str, actor: str, reason: str, **what: object) -> None:
    if not reason.strip():
        raise NothingToVoid("Hủy một bản ghi cần ghi lý do.")
    ledger._event(session, EventKind.VOIDED, item_id, actor, detail={**what, "reason": reason.strip()})


def void_airing(ledger: Ledger, item_id: str, at: dt.datetime, reason: str, actor: str) -> None:
    """The airing of `item_id` at `at` did not happen: it stops counting; the delivery's first airing is
    worked out again from the airings that remain."""
    at_utc = at.astimezone(dt.UTC)
    with ledger.session() as session:
        voided = _voided(session, ledger, "event")
        airings = [
            e
            for e in session.scalars(
                ledger.select(Event).where(Event.kind == EventKind.AIRED, Event.item_id == item_id)
            )
            if e.id not in voided
        ]
        target = next((e for e in airings if e.at == at_utc), None)
        if target is None:
            raise NothingToVoid(f"Không có lần phát nào của bài '{item_id}' lúc {at:%d/%m/%Y %H:%M} để hủy.")
        _void(session, ledger, item_id, actor, reason, event=target.id)
        row = session.get(Delivery, target.delivery_id)
        left = sorted(e.at for e in airings if e.id != target.id and e.delivery_id == target.delivery_id)
        if row is not None:
            row.aired_at = left[0] if left else None
            if not left and row.state == DeliveryState.AIRED:
                row.state = DeliveryState.PRODUCED


def void_publication(ledger: Ledger, item_id: str, reason: str, actor: str) -> None:
    """The post was recorded as live by mistake: it stops counting (unlike `unpublish`, which says it was live
    and was taken down)."""
    with ledger.session() as session:
        row = ledger._current(session, item_id, "portal")
        if row.published_at is None:
            raise NothingToVoid(f"Bài '{item_id}' chưa được ghi nhận đăng nên không có gì để hủy.")
        publication = session.scalars(
            ledger.select(Event)
            .where(Event.kind == EventKind.PUBLISHED, Event.delivery_id == row.id)
            .order_by(Event.at.desc(), Event.id.desc())
        ).first()
        _void(session, ledger, item_id, actor, reason, event=publication.id if publication else None)
        row.published_at, row.url = None, None
        if row.state == DeliveryState.PUBLISHED:
            row.state = DeliveryState.PRODUCED


def void_activity(ledger: Ledger, activity_id: int, reason: str, actor: str) -> None:
    with ledger.session() as session:
        row = session.scalars(ledger.select(Activity).where(Activity.id == activity_id)).one_or_none()
        if row is None or activity_id in _voided(session, ledger, "activity"):
            raise NothingToVoid(f"Không có hoạt động số {activity_id} để hủy.")
        _void(session, ledger, f"hoat-dong-{activity_id}", actor, reason, activity=activity_id)


def void_posting(ledger: Ledger, item_id: str, event_id: int, reason: str, actor: str) -> None:
    """A posting or sending recorded by mistake stops counting on its channel."""
    with ledger.session() as session:
        event = session.scalars(
            ledger.select(Event).where(Event.id == event_id, Event.kind == EventKind.POSTED, Event.item_id == item_id)
        ).one_or_none()
        if event is None or event.id in _voided(session, ledger, "event"):
            raise NothingToVoid(f"Không có lần đăng, gửi số {event_id} của bài '{item_id}' để hủy.")
        _void(session, ledger, item_id, actor, reason, event=event.id)
