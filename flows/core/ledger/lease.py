"""One produce per commune at a time, across processes and machines: a lease row in the ledger, renewed while
its holder works and taken over when the holder is gone (its process died on this machine, or it stopped
renewing), so a kill -9 never blocks the next run for long."""

from __future__ import annotations

import datetime as dt
import os
import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import update

from .schema import Lease, now_utc
from .store import Ledger

RENEW_SECONDS = 15.0
STALE_SECONDS = 60.0  # a holder on another machine that has not renewed for this long is gone
HOST = socket.gethostname()


def holder_id() -> str:
    return f"{HOST}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _alive(holder: str) -> bool | None:
    """Whether the holder's process runs (None: on another machine, we cannot tell)."""
    host, pid, *_ = holder.split(":")
    if host != HOST:
        return None
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, ValueError):
        return True
    return True


def _stale(row: Lease, now: dt.datetime) -> bool:
    alive = _alive(row.holder)
    if alive is False:
        return True
    return (now - row.renewed_at).total_seconds() > STALE_SECONDS


def _acquire(ledger: Ledger, name: str, me: str) -> bool:
    now = now_utc()
    with ledger.session() as session:
        values = {"name": name, "holder": me, "acquired_at": now, "renewed_at": now}
        if ledger._insert_new(session, Lease, values):
            return True
        row = session.scalars(ledger.select(Lease).where(Lease.name == name)).one_or_none()
        if row is None or not _stale(row, now):
            return False
        taken = session.execute(  # compare and set: of two runs taking over a dead holder's lease, one wins
            update(Lease)
            .where(Lease.commune == ledger.commune, Lease.name == name, Lease.holder == row.holder)
            .values(holder=me, acquired_at=now, renewed_at=now)
        )
        return taken.rowcount == 1


def _renew(ledger: Ledger, name: str, me: str, stop: threading.Event) -> None:
    while not stop.wait(RENEW_SECONDS):
        with ledger.session() as session:
            session.execute(
                update(Lease)
                .where(Lease.commune == ledger.commune, Lease.name == name, Lease.holder == me)
                .values(renewed_at=now_utc())
            )


@contextmanager
def lease(ledger: Ledger, name: str) -> Iterator[bool]:
    """Hold `name` for this commune while the block runs; yields False (and holds nothing) when someone else
    alive holds it."""
    me = holder_id()
    if not _acquire(ledger, name, me):
        yield False
        return
    stop = threading.Event()
    renewer = threading.Thread(target=_renew, args=(ledger, name, me, stop), daemon=True, name=f"lease-{name}")
    renewer.start()
    try:
        yield True
    finally:
        stop.set()
        renewer.join()
        with ledger.session() as session:
            session.query(Lease).filter(
                Lease.commune == ledger.commune, Lease.name == name, Lease.holder == me
            ).delete()
