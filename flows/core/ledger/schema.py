"""The ledger's tables: an append-only event log plus one delivery row per item × channel × content version.

Superdesk keeps an item's state apart from a delivery queue per output; we do the same. Events say who did
what and when (approvals, productions, publications, airings); deliveries say what exists and where, and a
unique key on (item, channel, version) makes counting a delivery twice impossible.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    event,
    inspect,
    text,
    true,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ..status import ApprovalStatus, DeliveryState


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UtcDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, on SQLite and Postgres alike."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the ledger")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        return value.replace(tzinfo=dt.UTC) if value is not None else None


class Base(DeclarativeBase):
    pass


class Event(Base):
    """Append-only: rows are inserted, never updated or deleted."""

    __tablename__ = "events"
    __table_args__ = (
        Index(
            "uq_aired_once",
            "commune",
            "delivery_id",
            "at",
            unique=True,
            sqlite_where=text("kind = 'aired'"),
            postgresql_where=text("kind = 'aired'"),
        ),
        # the same posting (item, channel, moment, and where with its link) recorded twice, even at once, is one
        Index(
            "uq_posted_once",
            "commune",
            "item_id",
            "channel",
            "at",
            "detail",
            unique=True,
            sqlite_where=text("kind = 'posted'"),
            postgresql_where=text("kind = 'posted'"),
        ),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commune: Mapped[str] = mapped_column(String(100), default="", server_default="", index=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime, index=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    item_id: Mapped[str] = mapped_column(String(200), index=True)
    channel: Mapped[str | None] = mapped_column(String(20))
    content_hash: Mapped[str | None] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(200))
    delivery_id: Mapped[int | None] = mapped_column(ForeignKey("deliveries.id"))
    detail: Mapped[str | None] = mapped_column(Text)

    @property
    def details(self) -> dict[str, Any]:
        return json.loads(self.detail) if self.detail else {}


class Delivery(Base):
    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("commune", "item_id", "channel", "version", name="uq_delivery_item_channel_version"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commune: Mapped[str] = mapped_column(String(100), default="", server_default="", index=True)
    item_id: Mapped[str] = mapped_column(String(200), index=True)
    channel: Mapped[str] = mapped_column(String(20), index=True)
    version: Mapped[str] = mapped_column(String(64))  # the item's content hash
    path: Mapped[str] = mapped_column(String(500))  # relative to the workspace's output/
    sha256: Mapped[str] = mapped_column(String(64))
    bytes: Mapped[int] = mapped_column(Integer)
    duration_seconds: Mapped[float | None] = mapped_column(Float)
    engine: Mapped[str | None] = mapped_column(String(50))
    state: Mapped[str] = mapped_column(String(20), default=DeliveryState.PRODUCED)
    produced_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    published_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    url: Mapped[str | None] = mapped_column(String(1000))
    aired_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    retracted_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    note: Mapped[str | None] = mapped_column(Text)
    # the front matter of the version produced: the category site lists what was approved, not later edits
    meta: Mapped[str | None] = mapped_column(Text)
    # what else the file was made from (templates, settings, lexicon): a change there re-renders it
    recipe: Mapped[str | None] = mapped_column(String(64))
    # the delivery's other files, {path under output/: sha256}, as JSON
    companions: Mapped[str | None] = mapped_column(Text)

    @property
    def companion_hashes(self) -> dict[str, str]:
        return json.loads(self.companions) if self.companions else {}


class Slug(Base):
    """A post's address, fixed the first time it is produced: editing the title never breaks a link."""

    __tablename__ = "slugs"
    __table_args__ = (UniqueConstraint("commune", "slug", name="uq_slug_per_commune"),)
    commune: Mapped[str] = mapped_column(String(100), primary_key=True, default="", server_default="")
    item_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    slug: Mapped[str] = mapped_column(String(200))
    assigned_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class Activity(Base):
    """Work outside the pipeline that counts toward a quota: a dialogue, a conference, a contest, banners hung."""

    __tablename__ = "activities"
    __table_args__ = (UniqueConstraint("commune", "kind", "day", "title", name="uq_activity"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commune: Mapped[str] = mapped_column(String(100), default="", server_default="", index=True)
    kind: Mapped[str] = mapped_column(String(50), index=True)
    day: Mapped[dt.date] = mapped_column(Date, index=True)
    title: Mapped[str] = mapped_column(String(500))
    attendees: Mapped[int | None] = mapped_column(Integer)
    unit: Mapped[str | None] = mapped_column(String(50))
    actor: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class FeedEntry(Base):
    """A feed entry already taken in, by guid, link and normalised title: a later run adds it again never."""

    __tablename__ = "feed_entries"
    __table_args__ = (UniqueConstraint("commune", "key", name="uq_feed_entry"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commune: Mapped[str] = mapped_column(String(100), default="", server_default="", index=True)
    key: Mapped[str] = mapped_column(String(700))
    feed: Mapped[str] = mapped_column(String(500))
    item_id: Mapped[str | None] = mapped_column(String(200))
    seen_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class FeedState(Base):
    """What a feed's server last said, for conditional GET (ETag, Last-Modified)."""

    __tablename__ = "feed_states"
    commune: Mapped[str] = mapped_column(String(100), primary_key=True, default="", server_default="")
    feed: Mapped[str] = mapped_column(String(500), primary_key=True)
    etag: Mapped[str | None] = mapped_column(String(500))
    modified: Mapped[str | None] = mapped_column(String(100))


class Lease(Base):
    """Who holds a commune's produce run: renewed while it works, taken over when its holder is gone."""

    __tablename__ = "leases"
    commune: Mapped[str] = mapped_column(String(100), primary_key=True, default="", server_default="")
    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))  # host:pid
    acquired_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    renewed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class User(Base):
    """Someone who signs in to the web app; what they do is recorded under their full name."""

    __tablename__ = "users"
    commune: Mapped[str] = mapped_column(String(100), primary_key=True, default="", server_default="")
    username: Mapped[str] = mapped_column(String(100), primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(30))
    password_hash: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


@dataclass(frozen=True)
class Approval:
    status: ApprovalStatus
    by: str | None = None
    at: dt.datetime | None = None
    reason: str | None = None


@dataclass(frozen=True)
class ProducedFile:
    """What a channel made for one item, once written to disk."""

    path: str  # relative to output/
    sha256: str
    bytes: int
    duration_seconds: float | None = None
    engine: str | None = None
    note: str | None = None
    recipe: str | None = None
    companions: dict[str, str] = field(default_factory=dict)  # path → sha256


def _sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def add_missing_columns(engine: Engine) -> None:
    """A ledger made before migrations existed gets the columns its tables lacked at the baseline."""
    existing = inspect(engine)
    tables = set(existing.get_table_names())
    with engine.begin() as connection:
        for table in Base.metadata.sorted_tables:
            if table.name not in tables:
                continue
            have = {column["name"] for column in existing.get_columns(table.name)}
            for column in table.columns:
                if column.name not in have:
                    kind = column.type.compile(dialect=engine.dialect)
                    default = f" DEFAULT '{column.server_default.arg}'" if column.server_default is not None else ""
                    connection.execute(text(f'ALTER TABLE {table.name} ADD COLUMN "{column.name}" {kind}{default}'))
