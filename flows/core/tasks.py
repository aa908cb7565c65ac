"""The plan's task list (Phụ lục): each task's status as the offices last reported it, from the ledger's
append-only task events, and whether a task with a due date is late."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .errors import CchcError
from .ledger import EventKind, Ledger
from .plan import CommunePlan, Task
from .status import TaskStatus


class UnknownTask(CchcError):
    """The plan has no task with this number."""


@dataclass(frozen=True)
class TaskState:
    task: Task
    status: TaskStatus = TaskStatus.NOT_STARTED
    note: str = ""
    by: str | None = None
    at: dt.datetime | None = None

    def late(self, today: dt.date) -> bool:
        return self.task.due is not None and self.status is not TaskStatus.DONE and today > self.task.due

    def involves(self, unit_id: str) -> bool:
        return unit_id in self.task.lead or unit_id in self.task.assisting


def task_states(ledger: Ledger, plan: CommunePlan, until: dt.datetime | None = None) -> list[TaskState]:
    """Every task of the plan, in the plan's order, with its latest status (as of `until`, if given)."""
    latest: dict[str, TaskState] = {}
    by_id = {t.id: t for t in plan.tasks}
    for event in ledger.events(kind=EventKind.TASK):
        if until is not None and event.at >= until:
            continue
        task = by_id.get(event.item_id.removeprefix("nhiem-vu-"))
        if task is not None:
            detail = event.details
            latest[task.id] = TaskState(
                task, TaskStatus(detail["status"]), detail.get("note", ""), event.actor, event.at
            )
    return [latest.get(t.id, TaskState(t)) for t in plan.tasks]


def set_status(
    ledger: Ledger,
    plan: CommunePlan,
    task_id: str,
    status: TaskStatus,
    actor: str,
    note: str = "",
    at: dt.datetime | None = None,
) -> Task:
    """Record the task's new status, as of `at` (default: now): a report shows each task as it stood on the
    report's date."""
    task = next((t for t in plan.tasks if t.id == task_id), None)
    if task is None:
        known = ", ".join(t.id for t in plan.tasks) or "(commune.yaml chưa có mục tasks)"
        raise UnknownTask(f"Không có nhiệm vụ số '{task_id}' trong kế hoạch; các nhiệm vụ: {known}.")
    with ledger.session() as session:
        detail = {"status": status.value, "note": note.strip()}
        ledger._event(session, EventKind.TASK, f"nhiem-vu-{task.id}", actor, detail=detail, at=at)
    return task
