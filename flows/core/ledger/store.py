"""The ledger: reads and writes one commune's rows (see schema.py for the tables)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql import Select

from ..errors import AiringRefused, CchcError, NotAWebAddress, NotProducedYet
from ..items import Item
from ..status import ApprovalStatus, DeliveryState, EventKind
from ..text import plain_text
from .connection import open_engine
from .feedmemory import FeedMemory
from .schema import (
    Activity,
    Approval,
    Base,
    Delivery,
    Event,
    ProducedFile,
    Slug,
    now_utc,
)


class Ledger(FeedMemory):
    def __init__(self, url: str, commune: str = ""):
        # One database may hold many communes (a province's Postgres); each reads and writes only its own rows.
        self.commune = commune
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        self.engine = open_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def select(self, model: type[Base]) -> Select:
        """A query on this commune's rows of `model`."""
        return select(model).where(model.commune == self.commune)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions.begin() as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()

    def _insert_new(self, session: Session, model: type[Base], values: dict[str, Any]) -> bool:
        """Insert this commune's row unless one with the same unique key is there already (written by another
        process a moment ago, say): never an IntegrityError, never a duplicate. True if it was inserted."""
        if self.engine.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        table = model.__table__
        statement = insert(table).values(**values, commune=self.commune).on_conflict_do_nothing()
        # RETURNING says whether a row went in, on both databases (psycopg gives no rowcount here)
        return session.execute(statement.returning(*table.primary_key.columns)).first() is not None

    # events -----------------------------------------------------------------------------------------
    def _event(
        self,
        session: Session,
        kind: EventKind,
        item_id: str,
        actor: str,
        *,
        at: dt.datetime | None = None,
        channel: str | None = None,
        content_hash: str | None = None,
        delivery_id: int | None = None,
        detail: dict[str, Any] | None = None,
    ) -> Event:
        row = Event(
            commune=self.commune,
            at=at or now_utc(),
            kind=kind,
            item_id=item_id,
            actor=actor,
            channel=channel,
            content_hash=content_hash,
            delivery_id=delivery_id,
            detail=json.dumps(detail, ensure_ascii=False, sort_keys=True) if detail else None,
        )
        session.add(row)
        return row

    def record_note(self, item_id: str, actor: str, kind: str, detail: dict[str, Any] | None = None) -> None:
        """An action for the audit trail (an edit, an inbox decision, a user added), under who did it."""
        with self.session() as session:
            self._event(session, EventKind(kind), item_id, actor, detail=detail)

    def events(self, item_id: str | None = None, kind: EventKind | None = None) -> list[Event]:
        with self.session() as session:
            query = self.select(Event).order_by(Event.at, Event.id)
            if item_id:
                query = query.where(Event.item_id == item_id)
            if kind:
                query = query.where(Event.kind == kind)
            return list(session.scalars(query))

    # approval ---------------------------------------------------------------------------------------
    def approve(self, item: Item, by: str) -> None:
        """Approve the item's current content; its text is kept so a later re-approval can show what changed."""
        detail: dict[str, Any] = {"title": item.title}
        if item.path.is_file():
            detail["text"] = item.path.read_text(encoding="utf-8")
        with self.session() as session:
            self._event(session, EventKind.APPROVED, item.id, by, content_hash=item.content_hash, detail=detail)

    def reject(self, item: Item, by: str, reason: str) -> None:
        with self.session() as session:
            self._event(
                session,
                EventKind.REJECTED,
                item.id,
                by,
                content_hash=item.content_hash,
                detail={"reason": reason, "title": item.title},
            )

    def approvals(self) -> dict[str, list[Event]]:
        """Every approval decision, per item, oldest first (one query for the whole workspace)."""
        decisions: dict[str, list[Event]] = {}
        with self.session() as session:
            query = (
                self.select(Event)
                .where(Event.kind.in_([EventKind.APPROVED, EventKind.REJECTED]))
                .order_by(Event.at, Event.id)
            )
            for row in session.scalars(query):
                decisions.setdefault(row.item_id, []).append(row)
        return decisions

    @staticmethod
    def approval_of(item: Item, decisions: list[Event]) -> Approval:
        """Only an approval of the item's current content counts; an edit voids it."""
        current = [e for e in decisions if e.content_hash == item.content_hash]
        if current:
            last = current[-1]
            status = ApprovalStatus.APPROVED if last.kind == EventKind.APPROVED else ApprovalStatus.REJECTED
            return Approval(status, last.actor, last.at, last.details.get("reason"))
        earlier = [e for e in decisions if e.kind == EventKind.APPROVED]
        if earlier:
            return Approval(ApprovalStatus.NEEDS_REAPPROVAL, earlier[-1].actor, earlier[-1].at)
        return Approval(ApprovalStatus.DRAFT)

    def approval(self, item: Item) -> Approval:
        return self.approval_of(item, self.approvals().get(item.id, []))

    def approval_states(self, items: list[Item]) -> dict[str, Approval]:
        """Each item's approval for its current content, from one query (the only approval filter there is)."""
        decisions = self.approvals()
        return {item.id: self.approval_of(item, decisions.get(item.id, [])) for item in items}

    # activities -------------------------------------------------------------------------------------
    def add_activity(
        self, kind: str, day: dt.date, title: str, actor: str, attendees: int | None = None, unit: str | None = None
    ) -> tuple[Activity, bool]:
        """Record an activity; the same kind, day and title recorded again (or at once elsewhere) is kept once."""
        if attendees is not None and attendees < 0:
            raise CchcError("Số người tham dự không thể là số âm.")
        with self.session() as session:
            values = dict(kind=kind, day=day, title=title, attendees=attendees, unit=unit, actor=actor)
            added = self._insert_new(session, Activity, values | {"recorded_at": now_utc()})
            row = session.scalars(
                self.select(Activity).where(Activity.kind == kind, Activity.day == day, Activity.title == title)
            ).one()
            return row, added

    def activities(self, start: dt.date | None = None, end: dt.date | None = None) -> list[Activity]:
        with self.session() as session:
            query = self.select(Activity).order_by(Activity.day, Activity.id)
            if start is not None:
                query = query.where(Activity.day >= start)
            if end is not None:
                query = query.where(Activity.day < end)
            return list(session.scalars(query))

    # slugs ------------------------------------------------------------------------------------------
    def slugs(self) -> dict[str, str]:
        with self.session() as session:
            return {row.item_id: row.slug for row in session.scalars(self.select(Slug))}

    def assign_slugs(self, items: list[Item]) -> dict[str, str]:
        """Each item's slug: the one it already has, else one made from its title, unique in the workspace
        (a repeated title gets -2, -3…, in date order). Two runs at once agree: the first slug written wins."""
        from slugify import slugify

        with self.session() as session:
            for _attempt in range(5):
                taken = {row.item_id: row.slug for row in session.scalars(self.select(Slug))}
                used = set(taken.values())
                lost = False
                for item in sorted(items, key=lambda i: (i.meta.date, i.id)):
                    if item.id in taken:
                        continue
                    base = slugify(plain_text(item.title), max_length=80, word_boundary=True) or item.id
                    candidate, number = base, 2
                    while candidate in used:
                        candidate, number = f"{base}-{number}", number + 1
                    values = {"item_id": item.id, "slug": candidate, "assigned_at": now_utc()}
                    if not self._insert_new(session, Slug, values):
                        lost = True  # another run wrote this item's slug, or took this slug: read again
                        break
                    taken[item.id] = candidate
                    used.add(candidate)
                if not lost:
                    return taken
            raise RuntimeError("slugs kept changing under concurrent runs")

    # deliveries -------------------------------------------------------------------------------------
    def deliveries(self, item_id: str | None = None, channel: str | None = None) -> list[Delivery]:
        with self.session() as session:
            query = self.select(Delivery).order_by(Delivery.item_id, Delivery.channel, Delivery.produced_at)
            if item_id:
                query = query.where(Delivery.item_id == item_id)
            if channel:
                query = query.where(Delivery.channel == channel)
            return list(session.scalars(query))

    def current_deliveries(self) -> dict[tuple[str, str], Delivery]:
        """The newest delivery of each item × channel: the one whose file is on disk now."""
        latest: dict[tuple[str, str], Delivery] = {}
        for row in self.deliveries():
            key = (row.item_id, row.channel)
            if key not in latest or (row.produced_at, row.id) >= (latest[key].produced_at, latest[key].id):
                latest[key] = row
        return latest

    def record_produced(
        self, item: Item, channel: str, produced: ProducedFile, actor: str = "cchc", at: dt.datetime | None = None
    ) -> Delivery:
        """Insert the delivery for this content version, or refresh its file facts when remade."""
        at = at or now_utc()
        with self.session() as session:
            key = {"item_id": item.id, "channel": channel, "version": item.content_hash}
            initial = {"path": produced.path, "sha256": produced.sha256, "bytes": produced.bytes}
            self._insert_new(session, Delivery, key | initial | {"state": DeliveryState.PRODUCED, "produced_at": at})
            row = session.scalars(
                self.select(Delivery).where(
                    Delivery.item_id == item.id, Delivery.channel == channel, Delivery.version == item.content_hash
                )
            ).one()
            row.path, row.sha256, row.bytes = produced.path, produced.sha256, produced.bytes
            row.duration_seconds, row.engine, row.note = produced.duration_seconds, produced.engine, produced.note
            row.produced_at = at
            row.meta = item.meta.model_dump_json()
            row.recipe = produced.recipe
            row.companions = json.dumps(produced.companions, sort_keys=True) if produced.companions else None
            if row.state == DeliveryState.FAILED:
                row.state = DeliveryState.PRODUCED
            session.flush()
            self._event(
                session,
                EventKind.PRODUCED,
                item.id,
                actor,
                at=at,
                channel=channel,
                content_hash=item.content_hash,
                delivery_id=row.id,
                detail={"path": produced.path, "sha256": produced.sha256, "engine": produced.engine},
            )
            return row

    def record_failure(self, item: Item, channel: str, reason: str, actor: str = "cchc") -> None:
        with self.session() as session:
            self._event(
                session,
                EventKind.FAILED,
                item.id,
                actor,
                channel=channel,
                content_hash=item.content_hash,
                detail={"reason": reason},
            )

    def _current(self, session: Session, item_id: str, channel: str) -> Delivery:
        row = session.scalars(
            self.select(Delivery)
            .where(Delivery.item_id == item_id, Delivery.channel == channel)
            .order_by(Delivery.produced_at.desc(), Delivery.id.desc())
            .limit(1)
        ).first()
        if row is None:
            raise NotProducedYet(item_id, channel)
        return row

    def changed_since_publication(self, items: list[Item]) -> list[Item]:
        """Items whose portal post went live for an earlier version than the one on disk now."""
        live: dict[str, set[str]] = {}
        with self.session() as session:
            query = self.select(Delivery).where(Delivery.channel == "portal", Delivery.state == DeliveryState.PUBLISHED)
            for row in session.scalars(query):
                live.setdefault(row.item_id, set()).add(row.version)
        return [item for item in items if item.id in live and item.content_hash not in live[item.id]]

    def mark_published(
        self, item_id: str, url: str, actor: str, at: dt.datetime | None = None
    ) -> tuple[Delivery, bool]:
        """Record that the current portal post went live at `url`. Returns (delivery, changed)."""
        NotAWebAddress.check(url)
        with self.session() as session:
            row = self._current(session, item_id, "portal")
            if row.state == DeliveryState.PUBLISHED and row.url == url:
                return row, False
            row.state, row.url, row.published_at, row.retracted_at = DeliveryState.PUBLISHED, url, at or now_utc(), None
            self._event(
                session,
                EventKind.PUBLISHED,
                item_id,
                actor,
                at=row.published_at,
                channel="portal",
                content_hash=row.version,
                delivery_id=row.id,
                detail={"url": url},
            )
            return row, True

    def mark_unpublished(self, item_id: str, reason: str, actor: str) -> Delivery:
        with self.session() as session:
            row = self._current(session, item_id, "portal")
            row.state, row.retracted_at = DeliveryState.RETRACTED, now_utc()
            self._event(
                session,
                EventKind.UNPUBLISHED,
                item_id,
                actor,
                channel="portal",
                content_hash=row.version,
                delivery_id=row.id,
                detail={"reason": reason},
            )
            return row

    def first_produced(self, session: Session, item_id: str, channel: str) -> dt.datetime | None:
        """When the item's first file on `channel` was made (from the append-only events)."""
        return session.scalar(
            select(func.min(Event.at)).where(
                Event.commune == self.commune,
                Event.kind == EventKind.PRODUCED,
                Event.item_id == item_id,
                Event.channel == channel,
            )
        )

    def check_airing(self, item_id: str, at: dt.datetime, backfill: bool = False) -> None:
        """Raise AiringRefused if this airing cannot have happened (before a file's airings are recorded)."""
        at_utc = at.astimezone(dt.UTC)
        if at_utc > now_utc() + dt.timedelta(minutes=10):  # a clock a little fast is no reason to refuse
            raise AiringRefused(item_id, at, "future")
        with self.session() as session:
            row = self._current(session, item_id, "loudspeaker")
            made = self.first_produced(session, item_id, "loudspeaker") or row.produced_at
            if not backfill and at_utc < made - dt.timedelta(minutes=1):
                raise AiringRefused(item_id, at, "before_audio", made)

    def mark_aired(
        self,
        item_id: str,
        at: dt.datetime,
        actor: str,
        backfill: bool = False,
        duration_seconds: float | None = None,
    ) -> tuple[Delivery, bool]:
        """Record one airing of the current audio. The same airing recorded twice, even by two processes at
        once, is kept once (a unique key on the delivery and the moment). An airing before the audio existed
        is refused, unless `backfill` says the log of an earlier broadcast (read from another file) is being
        entered afterwards."""
        self.check_airing(item_id, at, backfill)
        at_utc = at.astimezone(dt.UTC)
        with self.session() as session:
            row = self._current(session, item_id, "loudspeaker")
            detail: dict[str, Any] = {"backfill": True} if backfill else {}
            detail |= {"duration_seconds": round(duration_seconds, 1)} if duration_seconds else {}
            values = {
                "at": at_utc,
                "kind": EventKind.AIRED.value,
                "item_id": item_id,
                "actor": actor,
                "channel": "loudspeaker",
                "content_hash": row.version,
                "delivery_id": row.id,
                "detail": json.dumps(detail, sort_keys=True) if detail else None,
            }
            if not self._insert_new(session, Event, values):
                return row, False
            if row.aired_at is None or at_utc < row.aired_at:
                row.aired_at = at_utc  # the first airing is the one the quota counts
            row.state = DeliveryState.AIRED
            return row, True
