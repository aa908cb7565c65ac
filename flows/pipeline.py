"""Production, without any orchestration: decide what needs making, make one file, record it.

The Prefect flow (produce_flow.py), the CLI and later the web app all call these functions.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from .channels import channel_module, relative_path
from .core.atomic import sha256_file, write_atomic
from .core.errors import SourceProblem
from .core.items import Item, ItemsRead
from .core.ledger import ApprovalStatus, Delivery, Ledger, ProducedFile
from .core.plan import CommunePlan
from .core.workspace import Workspace


@dataclass(frozen=True)
class Job:
    item: Item
    channel: str
    approved_by: str | None = None

    @property
    def label(self) -> str:
        return f"{self.channel}:{self.item.id}"


@dataclass
class WorkPlan:
    """What `produce` will do, worked out before anything starts."""

    jobs: list[Job] = field(default_factory=list)
    up_to_date: list[Job] = field(default_factory=list)
    needs_reapproval: list[Item] = field(default_factory=list)
    awaiting_approval: list[Item] = field(default_factory=list)
    rejected: list[Item] = field(default_factory=list)
    problems: list[SourceProblem] = field(default_factory=list)


def is_current(workspace: Workspace, delivery: Delivery | None, item: Item) -> bool:
    """The ledger's newest delivery is this content version and its file is on disk, unaltered."""
    if delivery is None or delivery.version != item.content_hash:
        return False
    path = workspace.output_dir / delivery.path
    return path.is_file() and path.stat().st_size == delivery.bytes and sha256_file(path) == delivery.sha256


def plan_work(workspace: Workspace, read: ItemsRead, ledger: Ledger, only: str | None = None) -> WorkPlan:
    work = WorkPlan(problems=list(read.problems))
    decisions = ledger.approvals()
    current = ledger.current_deliveries()
    for item in read.items:
        if only is not None and item.id != only:
            continue
        approval = ledger.approval_of(item, decisions.get(item.id, []))
        status = approval.status
        if status is ApprovalStatus.NEEDS_REAPPROVAL:
            work.needs_reapproval.append(item)
        elif status is ApprovalStatus.DRAFT:
            work.awaiting_approval.append(item)
        elif status is ApprovalStatus.REJECTED:
            work.rejected.append(item)
        else:
            for channel in item.meta.channels:
                job = Job(item, channel, approval.by)
                done = is_current(workspace, current.get((item.id, channel)), item)
                (work.up_to_date if done else work.jobs).append(job)
    return work


def produce_job(job: Job, plan: CommunePlan, workspace: Workspace) -> ProducedFile:
    """Render one item for one channel and write the file whole (temp file, then rename)."""
    artifact = channel_module(job.channel).render(job.item, plan, workspace)
    relative = relative_path(job.item.id, job.channel)
    path = workspace.output_dir / relative
    if artifact.sidecar is not None:
        sidecar = {**artifact.sidecar, "approved_by": job.approved_by}
        write_atomic(path.with_suffix(".json"), json.dumps(sidecar, ensure_ascii=False, indent=2).encode("utf-8"))
    write_atomic(path, artifact.data)
    return ProducedFile(
        relative,
        hashlib.sha256(artifact.data).hexdigest(),
        len(artifact.data),
        artifact.duration_seconds,
        artifact.engine,
        artifact.note,
    )


@dataclass(frozen=True)
class Mismatch:
    item_id: str
    channel: str
    path: str
    problem: str


def verify(workspace: Workspace, ledger: Ledger) -> list[Mismatch]:
    """Files and ledger agree: every current delivery's file exists with its recorded size and hash."""
    mismatches = []
    for (item_id, channel), row in sorted(ledger.current_deliveries().items()):
        path = workspace.output_dir / row.path
        if not path.is_file():
            mismatches.append(Mismatch(item_id, channel, row.path, "tệp không còn trên đĩa"))
        elif path.stat().st_size != row.bytes or sha256_file(path) != row.sha256:
            mismatches.append(Mismatch(item_id, channel, row.path, "tệp đã bị thay đổi so với sổ theo dõi"))
    return mismatches
