"""Production, without any orchestration: decide what needs making, make one item's files, record them.

The Prefect flows, the CLI and the web app call these functions; none of them decides anything itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

from . import channels
from .channels import Job, RenderContext, paths
from .core.atomic import HashMemo, sha256_file, write_atomic
from .core.errors import CchcError, SourceProblem
from .core.items import Item
from .core.ledger import Delivery, DeliveryState, EventKind, ProducedFile
from .core.plan import PRODUCED_CHANNELS
from .core.session import Session, open_session
from .core.status import ApprovalStatus


@dataclass
class WorkPlan:
    """What `produce` will do, worked out before anything starts."""

    jobs: list[Job] = field(default_factory=list)
    up_to_date: list[Job] = field(default_factory=list)
    needs_reapproval: list[Item] = field(default_factory=list)
    awaiting_approval: list[Item] = field(default_factory=list)
    rejected: list[Item] = field(default_factory=list)
    problems: list[SourceProblem] = field(default_factory=list)


def is_current(session: Session, delivery: Delivery | None, job: Job, memo: HashMemo | None = None) -> bool:
    """The ledger's newest delivery is this content version, made by the same recipe (templates, settings),
    where the channel writes now, and its file is on disk unaltered."""
    item = job.item
    if delivery is None or delivery.version != item.content_hash or delivery.path != job.main_path:
        return False
    if job.recipe is not None and delivery.recipe != job.recipe:
        return False
    return not _damaged(session.workspace.output_dir, delivery, memo)


def _damaged(output_dir: Path, delivery: Delivery, memo: HashMemo | None = None) -> list[tuple[str, str]]:
    """The delivery's files that are missing or not as made: its main file, then each companion."""
    digest_of = memo.sha256 if memo is not None else sha256_file
    found = []
    path = output_dir / delivery.path
    if not path.is_file():
        found.append((delivery.path, "tệp không còn trên đĩa"))
    elif path.stat().st_size != delivery.bytes or digest_of(path) != delivery.sha256:
        found.append((delivery.path, "tệp đã bị thay đổi so với sổ theo dõi"))
    for companion, digest in sorted(delivery.companion_hashes.items()):
        target = output_dir / companion
        if not target.is_file():
            found.append((companion, "tệp đi kèm không còn trên đĩa"))
        elif digest_of(target) != digest:
            found.append((companion, "tệp đi kèm đã bị thay đổi so với sổ theo dõi"))
    return found


def plan_work(session: Session, only: str | None = None) -> WorkPlan:
    work = WorkPlan(problems=list(session.read.problems))
    memo = HashMemo(session.workspace.state_dir / "hashes.json")
    approvals = session.approvals()
    current = session.ledger.current_deliveries()
    approved = [i for i in session.read.items if approvals[i.id].status is ApprovalStatus.APPROVED]
    slugs = session.ledger.assign_slugs([i for i in approved if "portal" in i.meta.channels])
    recipes = channels.recipes(session.plan, session.workspace)
    live = {  # where each post went live, as recorded by `publish`: the infographic's QR code points there
        item_id: row.url
        for (item_id, channel), row in current.items()
        if channel == "portal" and row.state == DeliveryState.PUBLISHED and row.url
    }
    for item in session.read.items:
        if only is not None and item.id != only:
            continue
        approval = approvals[item.id]
        if approval.status is ApprovalStatus.NEEDS_REAPPROVAL:
            work.needs_reapproval.append(item)
        elif approval.status is ApprovalStatus.DRAFT:
            work.awaiting_approval.append(item)
        elif approval.status is ApprovalStatus.REJECTED:
            work.rejected.append(item)
        else:
            for channel in item.meta.channels:
                if channel not in PRODUCED_CHANNELS:
                    continue  # sent to the paper: nothing to make, recorded with `cchc posted`
                job = Job.of(
                    item, channel, session.plan, slugs.get(item.id), approved_by=approval.by, recipe=recipes[channel]
                )
                if channel in POINTS_TO_POST and live.get(item.id) not in (None, job.canonical_url):
                    job = _pointing_to(job, live[item.id])
                done = is_current(session, current.get((item.id, channel)), job, memo)
                (work.up_to_date if done else work.jobs).append(job)
    memo.save()
    return work


POINTS_TO_POST = ("infographic", "social", "video")  # their QR code or link lead to the post


def _pointing_to(job: Job, url: str) -> Job:
    """The job with its QR code to `url`; its recipe changes with it, so the image is drawn again."""
    import dataclasses

    recipe = hashlib.sha256(f"{job.recipe}|{url}".encode()).hexdigest()[:32]
    return dataclasses.replace(job, canonical_url=url, recipe=recipe)


def produce_job(job: Job, ctx: RenderContext) -> ProducedFile:
    """Render one item for one channel and write every file whole (temp file, then rename), the delivery's
    own file last, so a file the ledger records is never there before its companions."""
    artifact = channels.render(job, ctx)
    assert ctx.workspace is not None, "producing writes into a workspace"
    for path in (*artifact.companions, artifact.main):
        write_atomic(ctx.workspace.output_dir / path, artifact.files[path])
    data = artifact.data
    return ProducedFile(
        artifact.main,
        hashlib.sha256(data).hexdigest(),
        len(data),
        artifact.duration_seconds,
        artifact.engine,
        artifact.note,
        job.recipe,
        {path: hashlib.sha256(artifact.files[path]).hexdigest() for path in artifact.companions},
    )


# --- one run: results, and the hand-over from the shell that planned it --------------------------------------
@dataclass
class JobResult:
    job: Job
    produced: ProducedFile | None = None
    exception: BaseException | None = None  # kept whole: the shells word a CchcError, and log anything else

    @property
    def failed(self) -> bool:
        return self.exception is not None

    @property
    def reason(self) -> str:
        """For the ledger's failure event: the user's words for a known error, else the exception's type."""
        if isinstance(self.exception, CchcError):
            return str(self.exception)
        return f"{type(self.exception).__name__}: {self.exception}"


@dataclass
class ProduceSummary:
    work: WorkPlan
    results: list[JobResult] = field(default_factory=list)
    busy: bool = False  # another produce of this commune was running: this one did nothing

    @property
    def failed(self) -> list[JobResult]:
        return [r for r in self.results if r.failed]


Listener = Callable[[JobResult], None]


@dataclass(frozen=True)
class _Handover:
    session: Session
    work: WorkPlan
    listener: Listener | None


_handover: ContextVar[_Handover | None] = ContextVar("cchc_handover", default=None)


@contextmanager
def handing_over(session: Session, work: WorkPlan, listener: Listener | None = None) -> Iterator[None]:
    """A shell that has read the workspace and planned the work hands both to the flow it starts in this
    process, so nothing is read twice, and hears each result as it comes."""
    token = _handover.set(_Handover(session, work, listener))
    try:
        yield
    finally:
        _handover.reset(token)


@contextmanager
def producing(session: Session) -> Iterator[bool]:
    """The commune's produce lease, held for the whole run: False when another run holds it."""
    from .core.ledger.lease import lease

    with lease(session.ledger, "produce") as held:
        yield held


@contextmanager
def run_session(workspace_root: str, only: str | None = None) -> Iterator[tuple[Session, WorkPlan | None, Listener]]:
    """For a flow: the session and work handed over by the shell that started it (which holds the lease), else
    read and planned here under the lease (a deployment); work is None when another run holds it."""
    handed = _handover.get()
    if handed is not None and handed.session.workspace.root == Path(workspace_root).expanduser().resolve():
        yield handed.session, handed.work, handed.listener or (lambda result: None)
        return
    with open_session(workspace_root) as session, producing(session) as held:
        yield session, plan_work(session, only) if held else None, lambda result: None


def record(session: Session, result: JobResult) -> None:
    """The ledger is written here, by the flow, one result at a time, never from worker threads."""
    if result.produced is not None:
        session.ledger.record_produced(result.job.item, result.job.channel, result.produced)
    else:
        session.ledger.record_failure(result.job.item, result.job.channel, result.reason)


def log_unexpected(session: Session, result: JobResult) -> Path:
    """An exception that is not a known error is a bug: its traceback goes to .cchc/logs/ for a developer."""
    exc = result.exception
    assert exc is not None
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
    path = session.workspace.state_dir / "logs" / f"loi-{stamp}-{result.job.channel}-{result.job.item.id}.log"
    text = f"{result.job.label}\n" + "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    write_atomic(path, text.encode("utf-8"))
    return path


# --- what the ledger says, turned into the site and the schedule ----------------------------------------------
@dataclass(frozen=True)
class Mismatch:
    item_id: str
    channel: str
    path: str
    problem: str


def verify(session: Session) -> list[Mismatch]:
    """Files and ledger agree: every file of every current delivery (the main one and its companions) exists
    with its recorded hash."""
    mismatches = []
    for (item_id, channel), row in sorted(session.ledger.current_deliveries().items()):
        for path, problem in _damaged(session.workspace.output_dir, row):
            mismatches.append(Mismatch(item_id, channel, path, problem))
    return mismatches


def site_posts(session: Session) -> list:
    """The posts the category site lists: each item's current portal post as produced (so as approved), unless
    it was retracted. An item edited since then stays listed as it was approved until it is approved again."""
    from .channels.portal_site import Post
    from .core.items import FrontMatter

    items = session.items
    slugs = session.ledger.slugs()
    posts = []
    for (item_id, channel), row in sorted(session.ledger.current_deliveries().items()):
        if channel != "portal" or row.state == DeliveryState.RETRACTED or item_id not in slugs:
            continue
        if row.meta:
            meta = FrontMatter.model_validate_json(row.meta)
        elif item_id in items and items[item_id].content_hash == row.version:
            meta = items[item_id].meta  # a delivery from before the ledger kept front matter: same version on disk
        else:
            continue
        posts.append(Post(Item(item_id, Path(row.path), meta, "", row.version), slugs[item_id]))
    return posts


def build_portal_site(session: Session, force: bool = False) -> list[Path]:
    """Rebuild output/portal's index, topic pages, feed and sitemap if anything they show has changed."""
    from .channels.portal_site import build_site

    return build_site(session.workspace, session.plan, site_posts(session), force)


def bulletins_to_air(session: Session) -> list:
    """Approved items whose current MP3 is this version: what the schedule may play, with true durations."""
    from .channels.schedule import Bulletin

    approvals = session.approvals()
    current = session.ledger.current_deliveries()
    found = []
    for item in session.read.items:
        row = current.get((item.id, "loudspeaker"))
        if row is None or row.version != item.content_hash or approvals[item.id].status is not ApprovalStatus.APPROVED:
            continue
        valid_days = session.plan.broadcast.valid_days
        last = item.meta.valid_until or item.meta.date + dt.timedelta(days=valid_days - 1)
        if item.meta.event_date and not item.meta.valid_until:  # an invitation is stale once its day is past
            last = min(last, item.meta.event_date)
        found.append(
            Bulletin(
                item.id, item.title, row.path, row.duration_seconds or 0.0, item.meta.priority, item.meta.date, last
            )
        )
    return found


def build_schedule(session: Session, first: dt.date, end: dt.date, now: dt.datetime) -> tuple[object, list[Path]]:
    """Plan [first, end) and write output/schedule/<month>/: M3U8 per slot, CSV, iCalendar, run sheet, JSON."""
    from .channels import schedule as sched

    plan, out = session.plan, session.workspace.output_dir
    from .core.ledger.corrections import voided_events

    voided = voided_events(session.ledger)
    confirmed = [(e.item_id, e.at) for e in session.ledger.events() if e.kind == EventKind.AIRED and e.id not in voided]
    minimum = max(
        (q.minimum for q in plan.quotas if q.channels == ["loudspeaker"] and q.period == "month" and not q.per_unit),
        default=0,
    )
    schedule = sched.plan_month(plan, first, end, bulletins_to_air(session), confirmed, minimum)
    made = {out / path: data for path, data in sched.files(schedule, plan, now).items()}
    folder = out / paths.schedule_folder(schedule.month)
    for stale in folder.glob("*.m3u8") if folder.is_dir() else []:
        if stale not in made:
            stale.unlink()  # a slot that no longer has anything to play
    for path, data in made.items():
        if not path.is_file() or path.read_bytes() != data:
            write_atomic(path, data)
    return schedule, sorted(made)
