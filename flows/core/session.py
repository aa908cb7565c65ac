"""What every command and run starts from: the workspace, its plan and items read once, and the ledger."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ItemNotFound, ItemUnreadable
from .items import Item, ItemsRead
from .ledger import Approval, Ledger
from .plan import CommunePlan
from .workspace import Workspace


@dataclass
class Session:
    workspace: Workspace
    plan: CommunePlan
    read: ItemsRead
    ledger: Ledger
    _by_id: dict[str, Item] = field(default_factory=dict, repr=False)

    @property
    def items(self) -> dict[str, Item]:
        if not self._by_id and self.read.items:
            self._by_id = self.read.by_id()
        return self._by_id

    def item(self, item_id: str) -> Item:
        """The item with this id; ItemUnreadable if its file has errors, ItemNotFound if there is none."""
        found = self.items.get(item_id)
        if found is None:
            bad = [p for p in self.read.problems if p.path.stem == item_id]
            if bad:
                raise ItemUnreadable(item_id, bad)
            raise ItemNotFound(item_id, self.workspace.items_dir)
        return found

    def approvals(self) -> dict[str, Approval]:
        return self.ledger.approval_states(self.read.items)


@contextmanager
def open_session(root: Path | str) -> Iterator[Session]:
    """Read the workspace's plan and items once, open its ledger, and close the ledger afterwards."""
    workspace = Workspace.at(root)
    plan = workspace.load_plan()
    ledger = Ledger(workspace.database_url, plan.commune.ledger_key)
    try:
        yield Session(workspace, plan, workspace.read_items(plan), ledger)
    finally:
        ledger.close()
