"""Production, without any orchestration: decide what needs making, make one file, record it.

The Prefect flow (produce_flow.py), the CLI and later the web app all call these functions.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from .channels import RECIPES, channel_module, recipe, relative_path
from .core.atomic import sha256_file, write_atomic
from .core.errors import SourceProblem
from .core.items import Item, ItemsRead
from .core.ledger import ApprovalStatus, Delivery, DeliveryState, Ledger, ProducedFile
from .core.plan import CommunePlan
from .core.workspace import Workspace


@dataclass(frozen=True)
class Job:
    item: Item
    channel: str
    approved_by: str | None = None
    slug: str | None = None  # the post's address, for the portal

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


def is_current(
    workspace: Workspace, delivery: Delivery | None, item: Item, expected_path: str, expected_recipe: str | None = None
) -> bool:
    """The ledger's newest delivery is this content version, made by the same recipe (templates, settings),
    where the channel writes now, and its file is on disk unaltered."""
    if delivery is None or delivery.version != item.content_hash or delivery.path != expected_path:
        return False
    if expected_recipe is not None and delivery.recipe != expected_recipe:
        return False
    path = workspace.output_dir / delivery.path
    return path.is_file() and path.stat().st_size == delivery.bytes and sha256_file(path) == delivery.sha256


def plan_work(workspace: Workspace, read: ItemsRead, ledger: Ledger, only: str | None = None) -> WorkPlan:
    work = WorkPlan(problems=list(read.problems))
    decisions = ledger.approvals()
    current = ledger.current_deliveries()
    approved = [
        i for i in read.items if ledger.approval_of(i, decisions.get(i.id, [])).status is ApprovalStatus.APPROVED
    ]
    slugs = ledger.assign_slugs([i for i in approved if "portal" in i.meta.channels])
    plan = workspace.load_plan()
    recipes = {channel: recipe(channel, plan, workspace) for channel in RECIPES}
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
                job = Job(item, channel, approval.by, slugs.get(item.id))
                done = is_current(
                    workspace,
                    current.get((item.id, channel)),
                    item,
                    relative_path(item.id, channel, job.slug),
                    recipes[channel],
                )
                (work.up_to_date if done else work.jobs).append(job)
    return work


def produce_job(job: Job, plan: CommunePlan, workspace: Workspace) -> ProducedFile:
    """Render one item for one channel and write the file whole (temp file, then rename)."""
    module = channel_module(job.channel)
    extra = {"slug": job.slug} if job.channel in ("portal", "infographic") else {}
    artifact = module.render(job.item, plan, workspace, **extra)
    relative = relative_path(job.item.id, job.channel, job.slug)
    path = workspace.output_dir / relative
    for companion, data in artifact.files.items():
        write_atomic(workspace.output_dir / companion, data)
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
        recipe(job.channel, plan, workspace),
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


def site_posts(ledger: Ledger, items: dict[str, Item] | None = None) -> list:
    """The posts the category site lists: each item's current portal post as produced (so as approved), unless
    it was retracted. An item edited since then stays listed as it was approved until it is approved again."""
    from .channels.portal_site import Post
    from .core.items import FrontMatter

    slugs = ledger.slugs()
    posts = []
    for (item_id, channel), row in sorted(ledger.current_deliveries().items()):
        if channel != "portal" or row.state == DeliveryState.RETRACTED or item_id not in slugs:
            continue
        if row.meta:
            meta = FrontMatter.model_validate_json(row.meta)
        elif items and item_id in items and items[item_id].content_hash == row.version:
            meta = items[item_id].meta  # a delivery from before the ledger kept front matter: same version on disk
        else:
            continue
        posts.append(Post(Item(item_id, Path(row.path), meta, "", row.version), slugs[item_id]))
    return posts


def build_portal_site(
    workspace: Workspace, plan: CommunePlan, ledger: Ledger, items: dict[str, Item] | None = None, force: bool = False
) -> list[Path]:
    """Rebuild output/portal's index, topic pages, feed and sitemap if anything they show has changed."""
    from .channels.portal_site import build_site

    return build_site(workspace, plan, site_posts(ledger, items), force)


def bulletins_to_air(read: ItemsRead, ledger: Ledger, plan: CommunePlan) -> list:
    """Approved items whose current MP3 is this version: what the schedule may play, with true durations."""
    import datetime as dt

    from .channels.schedule import Bulletin

    decisions = ledger.approvals()
    current = ledger.current_deliveries()
    found = []
    for item in read.items:
        row = current.get((item.id, "loudspeaker"))
        approval = ledger.approval_of(item, decisions.get(item.id, []))
        if row is None or row.version != item.content_hash or approval.status is not ApprovalStatus.APPROVED:
            continue
        last = item.meta.valid_until or item.meta.date + dt.timedelta(days=plan.broadcast.valid_days - 1)
        found.append(
            Bulletin(
                item.id, item.title, row.path, row.duration_seconds or 0.0, item.meta.priority, item.meta.date, last
            )
        )
    return found


def build_schedule(
    workspace: Workspace, plan: CommunePlan, read: ItemsRead, ledger: Ledger, first, end, now
) -> tuple[object, list[Path]]:
    """Plan [first, end) and write output/schedule/<month>/: M3U8 per slot, CSV, iCalendar, run sheet, JSON."""
    import csv
    import io

    from .channels import schedule as sched
    from .core.ledger import EventKind

    confirmed = [(e.item_id, e.at) for e in ledger.events() if e.kind == EventKind.AIRED]
    minimum = max(
        (q.minimum for q in plan.quotas if q.channels == ["loudspeaker"] and q.period == "month" and not q.per_unit),
        default=0,
    )
    schedule = sched.plan_month(plan, first, end, bulletins_to_air(read, ledger, plan), confirmed, minimum)
    folder = workspace.output_dir / "schedule" / schedule.month
    files: dict[Path, bytes] = {
        folder / f"{run.key}.m3u8": sched.m3u8(run).encode("utf-8") for run in schedule.runs if run.entries
    }
    table = io.StringIO()
    csv.writer(table, lineterminator="\r\n").writerows(sched.csv_rows(schedule, now))
    files[folder / "lich-phat.csv"] = table.getvalue().encode("utf-8-sig")
    files[folder / "lich-phat.ics"] = sched.ics(schedule, plan)
    files[folder / "lich-phat.html"] = sched.run_sheet(schedule, plan, now).encode("utf-8")
    files[folder / "lich-phat.json"] = sched.as_json(schedule, now).encode("utf-8")
    for stale in folder.glob("*.m3u8") if folder.is_dir() else []:
        if stale not in files:
            stale.unlink()  # a slot that no longer has anything to play
    for path, data in files.items():
        if not path.is_file() or path.read_bytes() != data:
            write_atomic(path, data)
    return schedule, sorted(files)
