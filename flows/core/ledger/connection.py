"""Opening the ledger's database: SQLite tuned for several processes, or Postgres; brought to the newest
schema; any failure to connect said as a LedgerUnavailable that never shows a password."""

from __future__ import annotations

import re

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.exc import ArgumentError, InterfaceError, OperationalError

from ..errors import LedgerUnavailable
from .migrate import migrate
from .schema import _sqlite_pragmas


def open_engine(url: str) -> Engine:
    try:
        engine = create_engine(url, pool_pre_ping=not url.startswith("sqlite"))
    except (ImportError, ArgumentError):
        raise LedgerUnavailable(printable(url), "driver") from None
    if engine.dialect.name == "sqlite":
        _sqlite_pragmas(engine)
    try:
        migrate(engine)
    except (OperationalError, InterfaceError) as exc:
        engine.dispose()
        raise LedgerUnavailable(printable(url), _diagnose(exc)) from None
    return engine


def printable(text: str) -> str:
    """A database address (or a driver's message quoting one) with any password masked."""
    return re.sub(r"(://[^:/@\s]+:)[^@\s]+@", r"\1***@", text)


def _diagnose(exc: Exception) -> str:
    message = str(getattr(exc, "orig", exc)).lower()
    if "password" in message or "authentication" in message:
        return "password"
    if "does not exist" in message and "database" in message:
        return "no_database"
    if "connect" in message or "refused" in message or "timeout" in message or "resolve" in message:
        return "unreachable"
    return "other"
