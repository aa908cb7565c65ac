"""Write files whole or not at all: a temp file in the same folder, then an atomic rename."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class HashMemo:
    """Digests of files already hashed, kept in the workspace's state folder by path, size, modification time
    and inode: a produce with nothing to do reads no file twice across runs. `ledger verify` never uses it,
    it always reads every byte."""

    def __init__(self, store: Path):
        self.store, self.changed = store, False
        try:
            self.known: dict[str, list] = json.loads(store.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.known = {}

    def sha256(self, path: Path) -> str:
        info = path.stat()
        stamp = [info.st_size, info.st_mtime_ns, info.st_ino]
        seen = self.known.get(str(path))
        if seen and seen[:3] == stamp:
            return seen[3]
        digest = sha256_file(path)
        self.known[str(path)] = [*stamp, digest]
        self.changed = True
        return digest

    def remember(self, path: Path, digest: str) -> None:
        """A file just written, whose digest is known: the next check need not read it."""
        if path.is_file():
            info = path.stat()
            self.known[str(path)] = [info.st_size, info.st_mtime_ns, info.st_ino, digest]
            self.changed = True

    def save(self) -> None:
        if self.changed:
            write_atomic(self.store, json.dumps(self.known, separators=(",", ":")).encode("utf-8"))
            self.changed = False
