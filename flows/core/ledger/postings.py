"""Postings: an item's social post or video put on a platform, or its news sent to the provincial paper —
recorded by hand like an airing, counted on its channel on its own moment."""

from __future__ import annotations

import datetime as dt
import json

from ..errors import NotAWebAddress, PostingRefused
from ..items import Item
from ..status import EventKind
from .schema import Event, now_utc
from .store import Ledger


def record_posted(
    ledger: Ledger,
    item: Item,
    channel: str,
    where: str,
    at: dt.datetime,
    actor: str,
    url: str | None = None,
    backfill: bool = False,
) -> bool:
    """Record that the item went out on a recorded channel: its social post or video put on `where` (a
    platform), or the news sent to `where` (a paper). Needs the file for social and video, and refuses
    what cannot have happened (as airings); the same posting recorded twice is kept once."""
    if url:
        NotAWebAddress.check(url)
    at_utc = at.astimezone(dt.UTC)
    if at_utc > now_utc() + dt.timedelta(minutes=10):
        raise PostingRefused(item.id, channel, at, "future")
    with ledger.session() as session:
        row = None
        if channel != "newspaper":
            row = ledger._current(session, item.id, channel)
            made = ledger.first_produced(session, item.id, channel) or row.produced_at
            if not backfill and at_utc < made - dt.timedelta(minutes=1):
                raise PostingRefused(item.id, channel, at, "before_file", made)
        detail = {
            "where": where.strip(),
            **({"url": url} if url else {}),
            **({"backfill": True} if backfill else {}),
        }
        values = {
            "at": at_utc,
            "kind": EventKind.POSTED.value,
            "item_id": item.id,
            "actor": actor,
            "channel": channel,
            "content_hash": item.content_hash,
            "delivery_id": row.id if row is not None else None,
            "detail": json.dumps(detail, ensure_ascii=False, sort_keys=True),
        }
        return ledger._insert_new(session, Event, values)  # False: recorded already, here or by another process
