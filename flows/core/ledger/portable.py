"""A ledger as JSON lines, to move it between databases or restore it: `cchc ledger export` and `import`.

One line per row, tables in dependency order; times in ISO 8601 UTC. Importing is idempotent: rows already
there (by their unique keys, or identical events) are skipped, so a file imported twice counts nothing twice.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Date

from .schema import Activity, Base, Delivery, Event, FeedEntry, FeedState, Slug, UtcDateTime
from .store import Ledger

FORMAT = "cchc-ledger/1"
TABLES: tuple[type[Base], ...] = (Delivery, Event, Slug, Activity, FeedEntry, FeedState)
BY_NAME = {model.__tablename__: model for model in TABLES}


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date | dt.datetime) else value


def export_lines(ledger: Ledger) -> Iterator[str]:
    yield json.dumps({"format": FORMAT, "commune": ledger.commune}, ensure_ascii=False)
    with ledger.session() as session:
        for model in TABLES:
            for row in session.scalars(ledger.select(model)):
                values = {c.name: _plain(getattr(row, c.key)) for c in model.__table__.columns if c.name != "commune"}
                yield json.dumps({"table": model.__tablename__, "row": values}, ensure_ascii=False, sort_keys=True)


def _typed(model: type[Base], values: dict[str, Any]) -> dict[str, Any]:
    typed = {}
    for name, value in values.items():
        column = model.__table__.columns[name]
        if value is not None and isinstance(column.type, UtcDateTime):
            value = dt.datetime.fromisoformat(value)
        elif value is not None and isinstance(column.type, Date):
            value = dt.date.fromisoformat(value)
        typed[name] = value
    return typed


@dataclass
class Imported:
    added: dict[str, int] = field(default_factory=dict)
    skipped: int = 0


def import_lines(ledger: Ledger, lines: Iterable[str]) -> Imported:
    """Rows of an export into this ledger's commune, in one transaction (all or nothing)."""
    result = Imported()
    delivery_ids: dict[int, int] = {}  # the export's id → this ledger's
    with ledger.session() as session:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            record = json.loads(line)
            if number == 1:
                if record.get("format") != FORMAT:
                    raise ValueError(f"dòng 1: không phải tệp xuất sổ theo dõi của cchc ({FORMAT})")
                continue
            model = BY_NAME[record["table"]]
            values = _typed(model, record["row"])
            old_id = values.pop("id", None)
            if model is Event:
                if values.get("delivery_id") is not None:
                    values["delivery_id"] = delivery_ids.get(values["delivery_id"])
                same = ledger.select(Event).filter_by(**values)
                if session.scalars(same).first() is not None:
                    result.skipped += 1
                    continue
                session.add(Event(commune=ledger.commune, **values))
                added = True
            else:
                added = ledger._insert_new(session, model, values)
            if model is Delivery:
                key = {k: values[k] for k in ("item_id", "channel", "version")}
                delivery_ids[old_id] = session.scalars(ledger.select(Delivery).filter_by(**key)).one().id
            if added:
                result.added[model.__tablename__] = result.added.get(model.__tablename__, 0) + 1
            else:
                result.skipped += 1
            session.flush()
    return result


def backup_sqlite(url: str, target: str) -> None:
    """An online copy of a SQLite ledger (consistent while others write), via SQLite's backup API."""
    import sqlite3

    source = sqlite3.connect(url.removeprefix("sqlite:///"))
    copy = sqlite3.connect(target)
    try:
        with copy:
            source.backup(copy)
    finally:
        copy.close()
        source.close()
