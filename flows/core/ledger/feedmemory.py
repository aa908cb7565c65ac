"""What the ledger remembers of the feeds: entries already taken in, and each server's ETag/Last-Modified."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .schema import FeedEntry, FeedState, now_utc

if TYPE_CHECKING:
    from .store import Ledger


class FeedMemory:
    """Part of Ledger (kept apart to keep the store short)."""

    def seen_keys(self: Ledger) -> set[str]:
        with self.session() as session:
            return set(session.scalars(self.select(FeedEntry).with_only_columns(FeedEntry.key)))

    def remember_many(self: Ledger, entries: list[tuple[list[str], str | None]], feed: str) -> None:
        """Every entry of a feed run in one transaction (one commit, not one per entry)."""
        with self.session() as session:
            seen = set()
            for entry_keys, item_id in entries:
                for key in dict.fromkeys(entry_keys):
                    if key not in seen:
                        seen.add(key)
                        values = {"key": key, "feed": feed, "item_id": item_id, "seen_at": now_utc()}
                        self._insert_new(session, FeedEntry, values)

    def feed_state(self: Ledger, feed: str) -> tuple[str | None, str | None]:
        with self.session() as session:
            row = session.scalars(self.select(FeedState).where(FeedState.feed == feed)).first()
            return (row.etag, row.modified) if row else (None, None)

    def save_feed_state(self: Ledger, feed: str, etag: str | None, modified: str | None) -> None:
        with self.session() as session:
            self._insert_new(session, FeedState, {"feed": feed, "etag": etag, "modified": modified})
            row = session.scalars(self.select(FeedState).where(FeedState.feed == feed)).one()
            row.etag, row.modified = etag, modified
