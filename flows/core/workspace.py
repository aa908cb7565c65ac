"""A workspace: one commune's content/, templates/, assets/ and output/ folders."""

from __future__ import annotations

import contextlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import AlreadyAWorkspace, NotAWorkspace

if TYPE_CHECKING:  # the plan and items (pydantic models) load when read: `cchc --help` needs neither
    from .items import ItemsRead
    from .plan import CommunePlan

# The repository itself is the sample workspace (xã Bình Giang) and the skeleton `cchc init` copies.
BUILTIN_ROOT = Path(__file__).resolve().parents[2]
DATABASE_URL_ENV = "CCHC_DATABASE_URL"


@dataclass(frozen=True)
class Workspace:
    root: Path

    @classmethod
    def at(cls, root: Path | str) -> Workspace:
        root = Path(root).expanduser().resolve()
        if not (root / "content" / "commune.yaml").is_file():
            raise NotAWorkspace(root)
        return cls(root)

    @property
    def config_path(self) -> Path:
        return self.root / "content" / "commune.yaml"

    @property
    def items_dir(self) -> Path:
        return self.root / "content" / "items"

    @property
    def output_dir(self) -> Path:
        return self.root / "output"

    @property
    def state_dir(self) -> Path:
        """What the program keeps and cannot make again: the ledger, Prefect's own files, logs. Never generated
        output: `make clean` and `rm -rf output` leave it alone."""
        return self.root / ".cchc"

    @property
    def ledger_path(self) -> Path:
        return self.state_dir / "ledger.sqlite"

    @property
    def database_url(self) -> str:
        """CCHC_DATABASE_URL (a province's Postgres), else the workspace's own SQLite ledger."""
        if os.environ.get(DATABASE_URL_ENV):
            return os.environ[DATABASE_URL_ENV]
        adopt_legacy_ledger(self.output_dir / "ledger.sqlite", self.ledger_path)
        return f"sqlite:///{self.ledger_path}"

    def load_plan(self) -> CommunePlan:
        from .plan import load_plan

        return load_plan(self.config_path)

    def read_items(self, plan: CommunePlan) -> ItemsRead:
        from .items import read_items

        return read_items(self.items_dir, plan)

    def search_path(self, folder: str) -> list[Path]:
        """The workspace's own templates/ or assets/ first, then the built-in ones (like a theme)."""
        dirs = [self.root / folder, BUILTIN_ROOT / folder]
        return [d for i, d in enumerate(dirs) if d.is_dir() and d not in dirs[:i]]

    def asset(self, name: str) -> Path | None:
        for folder in self.search_path("assets"):
            if (folder / name).is_file():
                return folder / name
        return None


def adopt_legacy_ledger(old: Path, new: Path) -> None:
    """Earlier versions kept the ledger in output/, which is deleted as generated: move it to the state folder,
    its write-ahead log folded in first, so no approval, publication or airing is lost."""
    if not old.is_file() or new.exists():
        return
    import sqlite3

    with contextlib.closing(sqlite3.connect(old)) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    new.parent.mkdir(parents=True, exist_ok=True)
    os.replace(old, new)
    for suffix in ("-wal", "-shm"):
        Path(f"{old}{suffix}").unlink(missing_ok=True)


def init_workspace(target: Path, with_samples: bool = True, blank: bool = False) -> Workspace:
    """Create a new workspace from the built-in skeleton; never overwrites an existing one. `blank`: a commented
    commune.yaml with nothing filled in (templates/workspace/commune.yaml) instead of xã Bình Giang's plan."""
    target = target.expanduser().resolve()
    if (target / "content" / "commune.yaml").exists():
        raise AlreadyAWorkspace(target)
    (target / "content" / "items").mkdir(parents=True, exist_ok=True)
    plan = BUILTIN_ROOT / ("templates/workspace/commune.yaml" if blank else "content/commune.yaml")
    shutil.copy2(plan, target / "content" / "commune.yaml")
    if (BUILTIN_ROOT / "content" / "lexicon.yaml").exists():
        shutil.copy2(BUILTIN_ROOT / "content" / "lexicon.yaml", target / "content" / "lexicon.yaml")
    if with_samples:
        shutil.copytree(BUILTIN_ROOT / "content" / "items", target / "content" / "items", dirs_exist_ok=True)
    for folder in ("templates", "assets"):
        if (BUILTIN_ROOT / folder).is_dir():
            shutil.copytree(BUILTIN_ROOT / folder, target / folder, dirs_exist_ok=True)
    (target / ".gitignore").write_text("output/\n.cchc/\n", encoding="utf-8")
    return Workspace(target)
