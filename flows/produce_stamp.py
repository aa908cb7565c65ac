"""A produce with nothing to do answers at once: the last full check that found nothing to make left its answer
here with a stamp of everything it read, and while the stamp still matches the answer is the same. No SQLAlchemy,
no item parsed, no Prefect: about a third of a second instead of a second.

The stamp has two parts. The inputs: every file under content/, templates/ and assets/ (the workspace's and the
built-in ones) and the program's own modules, by path, size, modification time and inode (what the hash memo
trusts too), and the CCHC_* environment. The state a run changes: every file under output/ the same way, and the
ledger's rows that planning reads (deliveries and slugs whole, the append-only events by count and last id, the
schema's version), read with the standard library's sqlite3. After a run that made files, the inputs unchanged
mean the plan and items it read are still true, so it plans once more with them and keeps that answer.
A Postgres ledger, a produce in progress (its lease), no ledger yet, anything unreadable, an input edited in the
last seconds (a second edit within the same clock tick could keep its stat): no stamp, and the full check runs.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from contextlib import closing
from dataclasses import asdict, dataclass
from pathlib import Path

from .core.atomic import write_atomic
from .core.workspace import BUILTIN_ROOT, DATABASE_URL_ENV, Workspace

STAMP_NAME = "produce-stamp.json"
PROGRAM = Path(__file__).resolve().parent
FORMAT = 1
RACY_SECONDS = 2.0  # an input modified this recently may change again without changing its stat

LEDGER_QUERIES = (
    "SELECT version_num FROM alembic_version",
    "SELECT count(*), max(id) FROM events",  # append-only: rows are inserted, never updated or deleted
    "SELECT * FROM deliveries ORDER BY id",  # updated when published, aired, retracted
    "SELECT * FROM slugs ORDER BY commune, item_id",
)


@dataclass(frozen=True)
class Answer:
    """What the check said: lines of Rich markup for standard output ("out") or errors ("err"), the same as
    JSON for `--json`, and the exit code."""

    lines: list[tuple[str, str]]
    json: str
    exit_code: int


Stamp = tuple[str, str]  # (what the user edits: content, templates, assets, the program, CCHC_*; the state)


def stamp(workspace: Workspace) -> Stamp | None:
    """Everything a produce reads, in two digests: its inputs, and the state (ledger, output/) that a run
    changes; None when the shortcut must not be taken."""
    if os.environ.get(DATABASE_URL_ENV) or (workspace.output_dir / "ledger.sqlite").exists():
        return None  # a province's Postgres, or an old ledger the full check adopts first
    inputs = hashlib.sha256(f"{FORMAT}|{workspace.root}|".encode())
    state = hashlib.sha256()
    try:
        if not workspace.ledger_path.is_file() or not _ledger_rows(workspace.ledger_path, state):
            return None
        recent = time.time_ns() - int(RACY_SECONDS * 1e9)
        folders = [workspace.root / "content"]
        for root in dict.fromkeys((workspace.root, BUILTIN_ROOT)):
            folders += [root / "templates", root / "assets"]
        for folder in folders:
            if _tree(folder, inputs) > recent:
                return None
        _tree(PROGRAM, inputs)
        _tree(workspace.output_dir, state)
    except (OSError, sqlite3.Error):
        return None
    inputs.update(repr(sorted((k, v) for k, v in os.environ.items() if k.startswith("CCHC_"))).encode())
    return inputs.hexdigest(), state.hexdigest()


def _key(stamp_: Stamp) -> str:
    return hashlib.sha256("|".join(stamp_).encode()).hexdigest()


def _ledger_rows(path: Path, digest: hashlib._Hash) -> bool:
    with closing(sqlite3.connect(path, timeout=10)) as db:
        if db.execute("SELECT 1 FROM leases WHERE name = 'produce'").fetchone():
            return False  # a produce runs (or died): the full check waits for it or takes over
        for query in LEDGER_QUERIES:
            for row in db.execute(query):
                digest.update(repr(row).encode())
    return True


def _tree(folder: Path, digest: hashlib._Hash) -> int:
    """Add every file under `folder` (path, size, mtime, inode) to the digest; the newest mtime seen."""
    newest = 0
    if not folder.is_dir():
        digest.update(f"{folder}|absent\n".encode())
        return newest
    pending = [folder]
    while pending:
        with os.scandir(pending.pop()) as found:
            entries = sorted(found, key=lambda e: e.name)
        for entry in entries:
            if entry.name == "__pycache__":
                continue
            if entry.is_dir(follow_symlinks=False):
                pending.append(Path(entry.path))
                continue
            info = entry.stat()
            newest = max(newest, info.st_mtime_ns)
            digest.update(f"{entry.path}|{info.st_size}|{info.st_mtime_ns}|{info.st_ino}\n".encode())
    return newest


def recall(workspace: Workspace) -> Answer | None:
    """The last check's answer if nothing it read has changed since, else None."""
    try:
        kept = json.loads((workspace.state_dir / STAMP_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(kept, dict) or kept.get("format") != FORMAT:
        return None
    now = stamp(workspace)
    if now is None or kept.get("stamp") != _key(now):
        return None
    return Answer([tuple(line) for line in kept["lines"]], kept["json"], kept["exit_code"])


def keep(workspace: Workspace, before: Stamp | None, answer: Answer) -> bool:
    """Keep the answer of a check that found nothing to make, if nothing changed while it ran (`before` is the
    stamp taken before it read anything)."""
    if before is None or stamp(workspace) != before:
        return False
    kept = {"format": FORMAT, "stamp": _key(before), **asdict(answer)}
    write_atomic(workspace.state_dir / STAMP_NAME, json.dumps(kept, ensure_ascii=False).encode("utf-8"))
    return True
