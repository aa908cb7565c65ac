"""The `cchc` command: a thin shell over the core. Messages for officials are in Vietnamese."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .core.errors import CchcError, ConfigError, SourceProblem
from .core.items import Item, ItemsRead
from .core.ledger import APPROVAL_NAMES_VI, EVENT_NAMES_VI, ApprovalStatus, Ledger
from .core.periods import parse_period
from .core.plan import CHANNEL_NAMES_VI, CommunePlan
from .core.quota import QuotaStatus, quota_status
from .core.workspace import Workspace, init_workspace
from .pipeline import WorkPlan, plan_work, verify

app = typer.Typer(
    help="cchc: tin, bài cải cách hành chính của xã ra cổng thông tin, infographic và loa truyền thanh.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
ledger_app = typer.Typer(help="Sổ theo dõi (ledger): kiểm tra tệp và sổ khớp nhau.", no_args_is_help=True)
app.add_typer(ledger_app, name="ledger")

console = Console()
errors = Console(stderr=True)

WorkspaceOption = Annotated[
    Path, typer.Option("--workspace", "-w", envvar="CCHC_WORKSPACE", help="Workspace folder (default: current folder).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable JSON output.")]


@dataclass
class Session:
    """What almost every command needs: the workspace, its plan, its items and the ledger."""

    workspace: Workspace
    plan: CommunePlan
    read: ItemsRead
    ledger: Ledger

    @property
    def items(self) -> dict[str, Item]:
        return self.read.by_id()

    def item(self, item_id: str) -> Item:
        found = self.items.get(item_id)
        if found is None:
            bad = [p for p in self.read.problems if p.path.stem == item_id]
            if bad:
                raise CchcError("Bài '{}' có lỗi, chưa đọc được:\n{}".format(item_id, "\n".join(map(str, bad))))
            raise CchcError(
                f"Không có bài nào mang mã '{item_id}' trong {self.workspace.items_dir}. "
                "Xem danh sách bằng lệnh 'cchc items'."
            )
        return found


@contextmanager
def session(workspace: Path) -> Iterator[Session]:
    ws = Workspace.at(workspace)
    plan = ws.load_plan()
    ledger = Ledger(ws.database_url, plan.commune.ledger_key)
    try:
        yield Session(ws, plan, ws.read_items(plan), ledger)
    finally:
        ledger.close()


def fail(message: str, code: int = 1) -> None:
    errors.print(f"[bold red]Lỗi:[/] {message}", highlight=False)
    raise typer.Exit(code)


def warn_problems(problems: list[SourceProblem]) -> None:
    if problems:
        errors.print(f"[yellow]Có {len(problems)} lỗi trong dữ liệu đầu vào; các bài khác vẫn được xử lý:[/]")
        for problem in problems:
            errors.print(f"  • {problem}", highlight=False)


def local(at: dt.datetime | None, plan: CommunePlan) -> str:
    return at.astimezone(plan.commune.tz).strftime("%d/%m/%Y %H:%M") if at else ""


def parse_local_time(text: str, plan: CommunePlan) -> dt.datetime:
    """'2026-03-05 06:15', '2026-03-05T06:15' or '05/03/2026 06:15', in the commune's time zone."""
    text = text.strip()
    for pattern in ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M:%S"):
        try:
            return dt.datetime.strptime(text, pattern).replace(tzinfo=plan.commune.tz)
        except ValueError:
            continue
    try:
        parsed = dt.datetime.fromisoformat(text)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=plan.commune.tz)
    except ValueError:
        raise CchcError(
            f"Thời gian '{text}' không hợp lệ. Ví dụ đúng: '2026-03-05 06:15' hoặc '05/03/2026 06:15'."
        ) from None


def main() -> None:
    try:
        app()
    except ConfigError as exc:
        errors.print("[bold red]Lỗi cấu hình:[/]", highlight=False)
        for problem in exc.problems:
            errors.print(f"  • {problem}", highlight=False)
        sys.exit(1)
    except CchcError as exc:
        errors.print(f"[bold red]Lỗi:[/] {exc}", highlight=False)
        sys.exit(1)


# --- workspace -------------------------------------------------------------------------------------------
@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Folder for the new workspace.")],
    empty: Annotated[bool, typer.Option("--empty", help="Do not copy the sample items.")] = False,
) -> None:
    """Create a new workspace (content/commune.yaml, items, templates, assets) from the built-in skeleton."""
    ws = init_workspace(directory, with_samples=not empty)
    console.print(f"[green]Đã tạo thư mục làm việc mới:[/] {ws.root}")
    console.print(
        f"Bước tiếp theo: sửa {ws.config_path} cho đúng thông tin của xã, rồi viết bài trong {ws.items_dir}.",
        highlight=False,
    )


# --- items and approval ------------------------------------------------------------------------------------
@app.command()
def items(
    workspace: WorkspaceOption = Path("."),
    status: Annotated[str | None, typer.Option(help="draft | approved | rejected | needs_reapproval")] = None,
    as_json: JsonOption = False,
) -> None:
    """List the items with their approval status."""
    wanted = None
    if status is not None:
        try:
            wanted = ApprovalStatus(status)
        except ValueError:
            fail(f"Trạng thái '{status}' không hợp lệ; chọn một trong: {', '.join(s.value for s in ApprovalStatus)}.")
    with session(workspace) as s:
        decisions = s.ledger.approvals()
        rows = []
        for item in s.read.items:
            approval = s.ledger.approval_of(item, decisions.get(item.id, []))
            if wanted is None or approval.status is wanted:
                rows.append((item, approval))
        edited = {i.id for i in s.ledger.changed_since_publication([i for i, _ in rows])}
        if as_json:
            print(
                json.dumps(
                    [
                        {
                            "id": i.id,
                            "title": i.title,
                            "date": i.meta.date.isoformat(),
                            "topic": i.meta.topic,
                            "unit": i.meta.unit,
                            "channels": i.meta.channels,
                            "status": a.status.value,
                            "edited_since_publication": i.id in edited,
                            "path": str(i.path.relative_to(s.workspace.root)),
                        }
                        for i, a in rows
                    ],
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return
        table = Table(title=f"Tin, bài ({len(rows)})", title_justify="left")
        table.add_column("Mã bài", overflow="fold")
        for column in ("Ngày", "Tiêu đề", "Đơn vị", "Trạng thái"):
            table.add_column(column)
        for item, approval in rows:
            status_text = APPROVAL_NAMES_VI[approval.status] + (" · đã sửa sau khi đăng" if item.id in edited else "")
            table.add_row(
                item.id,
                item.meta.date.strftime("%d/%m/%Y"),
                item.title,
                s.plan.unit(item.meta.unit).short or s.plan.unit(item.meta.unit).name,
                status_text,
            )
        console.print(table)
        warn_problems(s.read.problems)


@app.command()
def show(item_id: Annotated[str, typer.Argument(help="Item id.")], workspace: WorkspaceOption = Path(".")) -> None:
    """Show one item: its details, approval history and outputs."""
    with session(workspace) as s:
        item = s.item(item_id)
        approval = s.ledger.approval(item)
        console.print(f"[bold]{item.title}[/]", highlight=False)
        console.print(f"Mã: {item.id} · Tệp: {item.path.relative_to(s.workspace.root)}", highlight=False)
        console.print(
            f"Ngày: {item.meta.date:%d/%m/%Y} · Chủ đề: {s.plan.topic(item.meta.topic).name} · "
            f"Đơn vị: {s.plan.unit(item.meta.unit).name}",
            highlight=False,
        )
        console.print(f"Kênh: {', '.join(CHANNEL_NAMES_VI[c] for c in item.meta.channels)}", highlight=False)
        console.print(
            f"Trạng thái: [bold]{APPROVAL_NAMES_VI[approval.status]}[/]"
            + (f" ({approval.by}, {local(approval.at, s.plan)})" if approval.by else ""),
            highlight=False,
        )
        console.print(f"\n{item.meta.summary}\n", highlight=False)
        table = Table(title="Lịch sử", title_justify="left")
        for column in ("Thời điểm", "Việc", "Kênh", "Người thực hiện", "Chi tiết"):
            table.add_column(column)
        for event in s.ledger.events(item.id):
            detail = event.details.get("reason") or event.details.get("url") or event.details.get("path") or ""
            table.add_row(
                local(event.at, s.plan),
                EVENT_NAMES_VI.get(event.kind, event.kind),
                CHANNEL_NAMES_VI.get(event.channel or "", ""),
                event.actor,
                str(detail),
            )
        console.print(table)


@app.command()
def approve(
    item_ids: Annotated[list[str], typer.Argument(help="One or more item ids.")],
    by: Annotated[str, typer.Option("--by", help="Name of the approver.")],
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Approve items for their current content (an edit afterwards voids the approval)."""
    with session(workspace) as s:
        for item_id in item_ids:
            item = s.item(item_id)
            s.ledger.approve(item, by)
            console.print(f"[green]Đã duyệt[/] '{item.id}' ({by}).", highlight=False)


@app.command()
def reject(
    item_id: Annotated[str, typer.Argument(help="Item id.")],
    by: Annotated[str, typer.Option("--by", help="Name of the approver.")],
    reason: Annotated[str, typer.Option("--reason", help="Why it is sent back.")],
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Send an item back to its author with a reason."""
    with session(workspace) as s:
        item = s.item(item_id)
        s.ledger.reject(item, by, reason)
        console.print(f"[yellow]Đã trả lại[/] '{item.id}' ({by}): {reason}", highlight=False)


# --- production --------------------------------------------------------------------------------------------
def describe_waiting(work: WorkPlan, s: Session | None = None) -> None:
    if s is not None:
        for item in s.ledger.changed_since_publication(s.read.items):
            errors.print(
                f"[yellow]Đã sửa sau khi đăng:[/] '{item.id}' khác với bài đang đăng trên cổng. "
                f"Biên tập viên cập nhật bài trên cổng rồi chạy: cchc publish {item.id} --url …",
                highlight=False,
            )
    for item in work.needs_reapproval:
        errors.print(
            f"[yellow]Cần duyệt lại:[/] '{item.id}' đã được sửa sau khi duyệt nên chưa được sản xuất. "
            f'Người duyệt chạy: cchc approve {item.id} --by "Họ tên"',
            highlight=False,
        )
    if work.awaiting_approval:
        ids = ", ".join(i.id for i in work.awaiting_approval)
        errors.print(f"[yellow]Chờ duyệt ({len(work.awaiting_approval)}):[/] {ids}", highlight=False)
    if work.rejected:
        errors.print(f"Bị trả lại, không sản xuất: {', '.join(i.id for i in work.rejected)}", highlight=False)


def run_produce(s: Session, only: str | None, quiet: bool = False) -> tuple[WorkPlan, list]:
    """Plan, and start Prefect only when there is something to make."""
    work = plan_work(s.workspace, s.read, s.ledger, only)
    if not work.jobs:
        from .pipeline import build_portal_site

        build_portal_site(s.workspace, s.plan, s.ledger, s.items)  # a publication record may have changed it
        return work, []
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "CRITICAL")  # failures are reported below, in Vietnamese
    from .produce_flow import produce

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=errors, disable=quiet, transient=False) as progress:
        bar = progress.add_task("Khởi động Prefect…", total=len(work.jobs))

        def done(result: object) -> None:
            progress.update(bar, advance=1, description="Đang sản xuất")

        summary = produce(str(s.workspace.root), only, on_done=done)
    return summary.work, summary.results


@app.command("produce")
def produce_command(
    workspace: WorkspaceOption = Path("."),
    item: Annotated[str | None, typer.Option("--item", help="Only this item id.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Make the portal post, infographic and MP3 of every approved item that needs them (Prefect flow)."""
    with session(workspace) as s:
        if item is not None:
            s.item(item)
        work, results = run_produce(s, item, quiet=as_json)
        failed = [r for r in results if r.error]
        if as_json:
            print(
                json.dumps(
                    {
                        "produced": [
                            {
                                "item": r.job.item.id,
                                "channel": r.job.channel,
                                "path": r.produced.path,
                                "sha256": r.produced.sha256,
                                "bytes": r.produced.bytes,
                                "duration_seconds": r.produced.duration_seconds,
                                "engine": r.produced.engine,
                            }
                            for r in results
                            if r.produced
                        ],
                        "failed": [{"item": r.job.item.id, "channel": r.job.channel, "error": r.error} for r in failed],
                        "up_to_date": len(work.up_to_date),
                        "needs_reapproval": [i.id for i in work.needs_reapproval],
                        "awaiting_approval": [i.id for i in work.awaiting_approval],
                        "rejected": [i.id for i in work.rejected],
                        "problems": [str(p) for p in work.problems],
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
        else:
            made = [r for r in results if r.produced]
            if made:
                table = Table(title=f"Đã sản xuất {len(made)} tệp", title_justify="left")
                for column in ("Mã bài", "Kênh", "Tệp", "Thời lượng"):
                    table.add_column(column)
                for r in sorted(made, key=lambda r: (r.job.item.id, r.job.channel)):
                    seconds = r.produced.duration_seconds
                    table.add_row(
                        r.job.item.id,
                        CHANNEL_NAMES_VI[r.job.channel],
                        f"output/{r.produced.path}",
                        f"{int(seconds // 60)}:{int(seconds % 60):02d}" if seconds else "",
                    )
                console.print(table)
                for r in made:
                    if r.produced.note:
                        errors.print(f"[yellow]Lưu ý[/] ({r.job.item.id}): {r.produced.note}", highlight=False)
            if work.up_to_date:
                console.print(f"Không thay đổi, bỏ qua: {len(work.up_to_date)} tệp đã có và còn đúng.")
            if not work.jobs:
                console.print("Không có gì cần sản xuất.")
            for r in failed:
                errors.print(
                    f"[bold red]Không sản xuất được[/] {CHANNEL_NAMES_VI[r.job.channel]} của "
                    f"'{r.job.item.id}': {r.error}",
                    highlight=False,
                )
            describe_waiting(work, s)
            warn_problems(work.problems)
        if failed or work.problems:
            raise typer.Exit(1)


# --- delivery records ----------------------------------------------------------------------------------------
@app.command()
def publish(
    item_id: Annotated[str, typer.Argument(help="Item id.")],
    url: Annotated[str, typer.Option("--url", help="Where the post went live.")],
    at: Annotated[str | None, typer.Option("--at", help="When (default: now), e.g. '2026-03-05 09:00'.")] = None,
    by: Annotated[str, typer.Option("--by", help="Who published it.")] = "Biên tập viên",
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Record that an item's portal post went live at URL (the quota counts published posts)."""
    if not re.match(r"^https?://", url):
        fail(f"Đường dẫn '{url}' không hợp lệ: phải bắt đầu bằng http:// hoặc https://.")
    with session(workspace) as s:
        s.item(item_id)
        when = parse_local_time(at, s.plan) if at else None
        row, changed = s.ledger.mark_published(item_id, url, by, when)
        if changed:
            console.print(
                f"[green]Đã ghi nhận đăng bài[/] '{item_id}' lúc {local(row.published_at, s.plan)}: {url}",
                highlight=False,
            )
        else:
            console.print(f"Bài '{item_id}' đã được ghi nhận đăng tại {url} từ trước; không ghi lại.", highlight=False)


@app.command()
def aired(
    item_id: Annotated[str | None, typer.Argument(help="Item id (with --at).")] = None,
    at: Annotated[str | None, typer.Option("--at", help="When it aired, e.g. '2026-03-05 06:15'.")] = None,
    slot: Annotated[
        str | None, typer.Option("--slot", help="Confirm a whole scheduled slot, e.g. 2026-03-05-sang.")
    ] = None,
    import_: Annotated[Path | None, typer.Option("--import", help="A CSV log from a loudspeaker system.")] = None,
    by: Annotated[str, typer.Option("--by", help="Who confirms it.")] = "Nhân viên đài truyền thanh",
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Confirm airings: one item at a time, a scheduled slot, or a log exported by the loudspeaker system."""
    with session(workspace) as s:
        confirmations: list[tuple[str, dt.datetime, str]] = []
        if slot:
            confirmations += _slot_airings(s, slot)
        if import_:
            confirmations += _imported_airings(s, import_)
        if item_id or at:
            if not (item_id and at):
                fail(
                    "Ghi nhận một lần phát cần cả mã bài và thời điểm, ví dụ: "
                    "cchc aired MA-BAI --at '2026-03-05 06:15'."
                )
            confirmations.append((item_id, parse_local_time(at, s.plan), "dòng lệnh"))
        if not confirmations:
            fail("Chưa có gì để ghi nhận: dùng MA-BAI --at THỜI-ĐIỂM, --slot NGÀY-KHUNG-GIỜ hoặc --import TỆP.csv.")
        for item, when, origin in confirmations:
            s.item(item)
            _, changed = s.ledger.mark_aired(item, when, by)
            state = "[green]Đã ghi nhận phát thanh[/]" if changed else "Đã ghi nhận từ trước, không ghi lại:"
            console.print(f"{state} '{item}' lúc {local(when, s.plan)} ({origin}).", highlight=False)


def _slot_airings(s: Session, key: str) -> list[tuple[str, dt.datetime, str]]:
    """The items scheduled in a slot, one after another from its start, as the schedule planned them."""
    month = key[:7]
    plan_file = s.workspace.output_dir / "schedule" / month / "lich-phat.json"
    if not plan_file.is_file():
        fail(f"Chưa có lịch phát tháng {month}: chạy 'cchc schedule --month {month}' trước.")
    slots = {entry["key"]: entry for entry in json.loads(plan_file.read_text(encoding="utf-8"))["slots"]}
    chosen = slots.get(key.replace("/", "-"))
    if chosen is None or not chosen["entries"]:
        fail(f"Không có khung giờ '{key}' có bài trong lịch tháng {month}. Ví dụ đúng: {month}-05-sang.")
    moment = dt.datetime.fromisoformat(chosen["start"])
    found = []
    for entry in chosen["entries"]:
        found.append((entry["item"], moment, f"khung giờ {key}"))
        moment += dt.timedelta(seconds=round(entry["duration_seconds"]) + s.plan.broadcast.gap_seconds)
    return found


def _imported_airings(s: Session, path: Path) -> list[tuple[str, dt.datetime, str]]:
    """A loudspeaker system's log: a column with the item (its id, or the MP3's file name) and one with the time."""
    import csv

    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"Không đọc được {path}: {exc}")
    reader = csv.DictReader(text.splitlines())
    columns = {name.strip().lower(): name for name in reader.fieldnames or []}
    item_column = next((columns[c] for c in ("item", "mã bài", "ma bai", "file", "tệp", "tep") if c in columns), None)
    time_column = next(
        (columns[c] for c in ("time", "at", "thời điểm", "thoi diem", "played_at") if c in columns), None
    )
    if item_column is None or time_column is None:
        fail(
            f"{path}: cần một cột mã bài (item hoặc file) và một cột thời điểm (time); các cột đang có: "
            f"{', '.join(reader.fieldnames or [])}."
        )
    found, problems = [], []
    for line, row in enumerate(reader, 2):
        item = Path(row[item_column].strip()).stem
        try:
            found.append((item, parse_local_time(row[time_column], s.plan), f"{path.name} dòng {line}"))
        except CchcError as exc:
            problems.append(f"{path.name}, dòng {line}: {exc}")
        if item not in s.items:
            problems.append(f"{path.name}, dòng {line}: không có bài '{item}'.")
            found = [f for f in found if f[0] != item or f[2] != f"{path.name} dòng {line}"]
    for problem in problems:
        errors.print(f"[yellow]Bỏ qua[/] {problem}", highlight=False)
    return found


@app.command()
def schedule(
    month: Annotated[str | None, typer.Option(help="e.g. 2026-03 (default: this month).")] = None,
    week: Annotated[str | None, typer.Option(help="An ISO week instead, e.g. 2026-W10.")] = None,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Plan the loudspeaker broadcasts and write the playlists, calendar, run sheet, CSV and JSON."""
    from .pipeline import build_schedule

    with session(workspace) as s:
        now = dt.datetime.now(s.plan.commune.tz)
        if week:
            try:
                first = dt.date.fromisocalendar(int(week[:4]), int(week.split("W")[-1]), 1)
            except (ValueError, IndexError):
                fail(f"Tuần '{week}' không hợp lệ. Ví dụ đúng: 2026-W10.")
            end = first + dt.timedelta(days=7)
        else:
            chosen = parse_period(month or f"{now.year}-{now.month:02d}")
            if "-Q" in chosen.key or "-H" in chosen.key or len(chosen.key) == 4:
                fail("Lịch phát lập theo tháng (--month 2026-03) hoặc theo tuần (--week 2026-W10).")
            first, end = chosen.start, chosen.end
        plan_, files = build_schedule(s.workspace, s.plan, s.read, s.ledger, first, end, now)
        busy = [run for run in plan_.runs if run.entries]
        items = {e.bulletin.item_id for run in busy for e in run.entries}
        console.print(
            f"Lịch phát từ {first:%d/%m/%Y} đến {end - dt.timedelta(days=1):%d/%m/%Y}: {len(items)} tin, bài, "
            f"{sum(len(r.entries) for r in busy)} lượt phát trong {len(busy)} khung giờ."
        )
        unconfirmed = [(run, e) for run in busy for e in run.entries if not e.confirmed and run.end <= now]
        if unconfirmed:
            errors.print(
                f"[yellow]Chưa xác nhận ({len(unconfirmed)} lượt đã qua giờ phát):[/] "
                f"xác nhận bằng 'cchc aired --slot NGÀY-KHUNG-GIỜ' hoặc 'cchc aired --import TỆP.csv'."
            )
        for problem in plan_.problems:
            errors.print(f"[yellow]Lưu ý:[/] {problem}", highlight=False)
        folder = files[0].parent if files else s.workspace.output_dir / "schedule"
        console.print(
            f"Tệp lịch phát: {folder} (danh sách phát .m3u8, lich-phat.csv, lich-phat.ics, "
            "lich-phat.html để in, lich-phat.json)",
            highlight=False,
        )


@app.command()
def unpublish(
    item_id: Annotated[str, typer.Argument(help="Item id.")],
    reason: Annotated[str, typer.Option("--reason", help="Why the post was taken down.")],
    by: Annotated[str, typer.Option("--by", help="Who took it down.")] = "Biên tập viên",
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Record that a post was taken down from the portal; it stops counting and leaves the category site."""
    from .pipeline import build_portal_site

    with session(workspace) as s:
        s.item(item_id)
        s.ledger.mark_unpublished(item_id, reason, by)
        build_portal_site(s.workspace, s.plan, s.ledger, s.items)
        console.print(f"[yellow]Đã ghi nhận gỡ bài[/] '{item_id}': {reason}", highlight=False)


@app.command()
def preview(
    workspace: WorkspaceOption = Path("."), port: Annotated[int, typer.Option(help="Port on 127.0.0.1.")] = 8000
) -> None:
    """Serve the category site (output/portal) on 127.0.0.1 for the editor to look at."""
    import functools
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    ws = Workspace.at(workspace)
    site = ws.output_dir / "portal"
    if not (site / "index.html").is_file():
        fail("Chưa có trang chuyên mục: hãy duyệt bài rồi chạy 'cchc produce' trước.")
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(site))
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError:
        fail(f"Cổng {port} đang được dùng; chọn cổng khác, ví dụ: cchc preview --port {port + 1}")
    console.print(f"Xem trước chuyên mục tại [bold]http://127.0.0.1:{port}/index.html[/] (Ctrl+C để dừng)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@app.command()
def ingest(
    feed: Annotated[
        list[str] | None, typer.Option("--feed", help="A feed URL or file instead of the configured ones.")
    ] = None,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for each feed.")] = 15.0,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Take CCHC news from RSS/Atom feeds into content/items/inbox/ as drafts awaiting approval."""
    from .core.plan import Feed
    from .ingest import ingest as run_ingest

    with session(workspace) as s:
        feeds = [Feed(name=url, url=url) for url in feed] if feed else None
        if feeds is None and not s.plan.feeds:
            fail("Chưa có nguồn tin nào: thêm mục feeds trong content/commune.yaml, hoặc dùng --feed ĐỊA-CHỈ.")
        results = run_ingest(s.workspace, s.plan, s.ledger, feeds, timeout)
        for result in results:
            name = result.feed.name
            if result.error:
                errors.print(f"[bold red]Lỗi nguồn tin[/] '{name}': {result.error}", highlight=False)
                continue
            if result.not_modified:
                console.print(f"'{name}': không có gì mới (máy chủ báo chưa thay đổi).", highlight=False)
                continue
            for warning in result.warnings:
                errors.print(f"[yellow]Lưu ý[/] '{name}': {warning}", highlight=False)
            console.print(
                f"'{name}': {len(result.drafts)} bài mới vào hộp chờ duyệt, {result.skipped} tin bỏ qua "
                "(không về CCHC hoặc đã lấy trước đây).",
                highlight=False,
            )
            for path in result.drafts:
                console.print(f"  + {path.relative_to(s.workspace.root)}", highlight=False)
        if any(r.error for r in results):
            raise typer.Exit(1)


# --- quotas and reports ----------------------------------------------------------------------------------------
OUTLOOK_STYLE = {
    "đạt": "green",
    "đang thực hiện": "cyan",
    "có nguy cơ không đạt": "bold red",
    "không đạt": "red",
    "chưa đến kỳ": "dim",
}


def quota_table(statuses: list[QuotaStatus], title: str, today: dt.date) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("Chỉ tiêu", overflow="fold")
    for column in ("Kỳ", "Thực hiện", "", "Còn lại", "Tình hình"):
        table.add_column(column, no_wrap=True)
    for status in statuses:
        filled = min(10, round(10 * status.actual / status.required))
        outlook = status.outlook(today)
        table.add_row(
            status.label,
            status.period.label_vi,
            f"{status.actual}/{status.required}",
            "█" * filled + "░" * (10 - filled),
            f"{status.period.days_left(today)} ngày",
            f"[{OUTLOOK_STYLE[outlook]}]{outlook}[/]",
        )
    return table


@app.command()
def quota(
    workspace: WorkspaceOption = Path("."),
    period: Annotated[str | None, typer.Option(help="2026-03, 2026-Q1, 2026-H1 or 2026 (default: now).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Show progress against the plan's quotas, what is at risk, and when the next report is due."""
    from .core.quota import next_report

    with session(workspace) as s:
        today = dt.datetime.now(s.plan.commune.tz).date()
        chosen = parse_period(period) if period else None
        statuses = quota_status(s.ledger, s.plan, s.items, today, chosen)
        due, covers = next_report(today, s.plan)
        if as_json:
            print(
                json.dumps(
                    {
                        "today": today.isoformat(),
                        "next_report": {"due_before": due.isoformat(), "covers": covers},
                        "quotas": [
                            {
                                "quota": st.quota.id,
                                "unit": st.unit.id if st.unit else None,
                                "period": st.period.key,
                                "required": st.required,
                                "actual": st.actual,
                                "met": st.met,
                                "days_left": st.period.days_left(today),
                                "outlook": st.outlook(today),
                                "items": [c.item_id for c in st.counted],
                            }
                            for st in statuses
                        ],
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return
        console.print(quota_table(statuses, f"Tiến độ chỉ tiêu (hôm nay {today:%d/%m/%Y})", today))
        at_risk = [st for st in statuses if st.outlook(today) == "có nguy cơ không đạt"]
        if at_risk:
            errors.print(
                f"[bold red]Có nguy cơ không đạt ({len(at_risk)}):[/] " + "; ".join(st.label for st in at_risk),
                highlight=False,
            )
        console.print(f"{covers}: hạn gửi trước ngày {due:%d/%m/%Y} (còn {(due - today).days} ngày).")


@app.command()
def report(
    period: Annotated[str, typer.Option(help="2026-03, 2026-Q1, 2026-H1 or 2026.")],
    out: Annotated[Path, typer.Option(help="Folder for the report files.")] = Path("output/reports"),
    fmt: Annotated[
        str, typer.Option("--format", help="Formats, comma-separated: csv,xlsx,docx,png.")
    ] = "csv,xlsx,docx,png",
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Export the report for a period (the tables, the items and activities behind every number)."""
    from .report import FORMATS, build_report, write_report

    formats = tuple(f.strip().lower() for f in fmt.split(",") if f.strip())
    unknown = set(formats) - set(FORMATS)
    if unknown or not formats:
        fail(f"Định dạng không hỗ trợ: {', '.join(sorted(unknown)) or '(trống)'}. Chọn trong: {', '.join(FORMATS)}.")
    with session(workspace) as s:
        chosen = parse_period(period)
        target = out if out.is_absolute() else s.workspace.root / out
        built = build_report(s.ledger, s.plan, s.items, chosen)
        for path in write_report(built, target, formats):
            console.print(f"[green]Đã xuất[/] {path}", highlight=False)
        today = dt.datetime.now(s.plan.commune.tz).date()
        console.print(quota_table(built.quotas, f"Chỉ tiêu {chosen.label_vi}", max(today, chosen.end)))


activity_app = typer.Typer(
    help="Activities outside the pipeline (dialogues, conferences, contests, banners).", no_args_is_help=True
)
app.add_typer(activity_app, name="activity")


@activity_app.command("add")
def activity_add(
    kind: Annotated[str, typer.Option("--kind", help="A kind from activity_kinds in commune.yaml.")],
    day: Annotated[str, typer.Option("--date", help="e.g. 2026-03-10 or 10/03/2026.")],
    title: Annotated[str, typer.Option("--title", help="What it was.")],
    attendees: Annotated[int | None, typer.Option(help="How many took part.")] = None,
    unit: Annotated[str | None, typer.Option(help="The office that organised it.")] = None,
    by: Annotated[str, typer.Option("--by", help="Who records it.")] = "Cán bộ Phòng VH-XH",
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Record an activity; it counts toward the rules that count its kind."""
    with session(workspace) as s:
        kinds = s.plan.activity_kinds
        if kind not in kinds:
            fail(
                f"Loại hoạt động '{kind}' chưa có trong activity_kinds của commune.yaml; có: "
                f"{', '.join(f'{k} ({v})' for k, v in kinds.items()) or 'chưa có loại nào'}."
            )
        if unit is not None and unit not in s.plan.unit_ids:
            fail(f"Đơn vị '{unit}' không có trong commune.yaml; chọn một trong: {', '.join(sorted(s.plan.unit_ids))}.")
        when = parse_local_time(f"{day} 00:00", s.plan).date() if "/" in day or "-" in day else None
        if when is None:
            fail(f"Ngày '{day}' không hợp lệ. Ví dụ đúng: 2026-03-10 hoặc 10/03/2026.")
        _, added = s.ledger.add_activity(kind, when, title, by, attendees, unit)
        if added:
            console.print(f"[green]Đã ghi nhận[/] {kinds[kind].lower()} ngày {when:%d/%m/%Y}: {title}", highlight=False)
        else:
            console.print("Hoạt động này đã được ghi nhận từ trước; không ghi lại.", highlight=False)


@activity_app.command("list")
def activity_list(
    workspace: WorkspaceOption = Path("."),
    period: Annotated[str | None, typer.Option(help="2026-03, 2026-Q1, 2026-H1 or 2026.")] = None,
) -> None:
    """List recorded activities."""
    with session(workspace) as s:
        chosen = parse_period(period) if period else None
        rows = s.ledger.activities(chosen.start if chosen else None, chosen.end if chosen else None)
        table = Table(title=f"Hoạt động ({len(rows)})", title_justify="left")
        for column in ("Ngày", "Loại", "Nội dung", "Số người"):
            table.add_column(column)
        for row in rows:
            table.add_row(
                f"{row.day:%d/%m/%Y}",
                s.plan.activity_kinds.get(row.kind, row.kind),
                row.title,
                str(row.attendees or ""),
            )
        console.print(table)


# --- audio ----------------------------------------------------------------------------------------------------
@app.command("normalize")
def normalize_command(
    text: Annotated[str, typer.Argument(help="Vietnamese text as written.")], workspace: WorkspaceOption = Path(".")
) -> None:
    """Print the script the voice will read for TEXT (abbreviations, numbers, dates, codes spelled out)."""
    from .speech.normalize import load_lexicon, normalize

    lexicon_path = workspace / "content" / "lexicon.yaml"
    print(normalize(text, load_lexicon(lexicon_path if lexicon_path.is_file() else None)))


@app.command()
def say(
    text: Annotated[str, typer.Argument(help="Vietnamese text as written.")],
    out: Annotated[Path, typer.Option("--out", help="MP3 file to write.")],
    engine: Annotated[str | None, typer.Option(help="auto | gtts | espeak | piper (default: commune.yaml)")] = None,
    chime: Annotated[bool, typer.Option("--chime/--no-chime", help="Chime before and after.")] = False,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Speak any text through the same chain as the bulletins (normalizer, voice, broadcast master)."""
    from .channels.loudspeaker import speak_lines
    from .core.atomic import write_atomic
    from .core.text import markdown_paragraphs
    from .speech.normalize import load_lexicon, normalize

    ws = Workspace.at(workspace)
    plan = ws.load_plan()
    if engine is not None:
        if engine not in ("auto", "gtts", "espeak", "piper"):
            fail(f"Giọng đọc '{engine}' không có; chọn auto, gtts, espeak hoặc piper.")
        plan = plan.model_copy(update={"audio": plan.audio.model_copy(update={"engine": engine})})
    lexicon = load_lexicon(ws.root / "content" / "lexicon.yaml")
    script = [normalize(line, lexicon) for line in markdown_paragraphs(text) or [text]]
    tags = {"title": " ".join(text.split()[:12]), "artist": plan.commune.station_name, "language": "vie"}
    bulletin = speak_lines(script, plan, ws, tags, with_chime=chime)
    write_atomic(out, bulletin.data)
    if bulletin.speech.note:
        errors.print(f"[yellow]Lưu ý:[/] {bulletin.speech.note}", highlight=False)
    loud = bulletin.loudness
    console.print(
        f"[green]Đã ghi[/] {out}: {loud.duration_seconds:.1f} giây, {loud.integrated_lufs:.1f} LUFS, "
        f"đỉnh {loud.true_peak_dbtp:.1f} dBTP, giọng {bulletin.speech.engine}/{bulletin.speech.voice}",
        highlight=False,
    )


@app.command()
def banner(
    text: Annotated[str | None, typer.Argument(help="Slogan (default: every slogan in commune.yaml).")] = None,
    size: Annotated[str, typer.Option(help="Printed size, e.g. 500x80cm or 5x0.8m.")] = "500x80cm",
    out: Annotated[Path | None, typer.Option(help="Folder (default: output/bang-ron).")] = None,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Make slogan banner PDFs (băng rôn) at their printed size."""
    from slugify import slugify

    from .channels.banner import banner_pdf, parse_size
    from .core.atomic import write_atomic

    ws = Workspace.at(workspace)
    plan = ws.load_plan()
    width, height = parse_size(size)
    slogans = [text] if text else [s.text for s in plan.slogans]
    if not slogans:
        fail("Chưa có khẩu hiệu nào: ghi khẩu hiệu sau lệnh, hoặc thêm vào mục slogans trong content/commune.yaml.")
    folder = out if out is not None else ws.output_dir / "bang-ron"
    label = f"{width:g}x{height:g}cm"
    for slogan in slogans:
        path = folder / f"{slugify(slogan, max_length=60, word_boundary=True)}-{label}.pdf"
        write_atomic(path, banner_pdf(slogan, width, height, plan))
        console.print(f"[green]Đã tạo băng rôn[/] {label}: {path}", highlight=False)


# --- ledger ---------------------------------------------------------------------------------------------------
@ledger_app.command("verify")
def ledger_verify(workspace: WorkspaceOption = Path(".")) -> None:
    """Check that every produced file is on disk exactly as the ledger recorded it (exit 1 if not)."""
    with session(workspace) as s:
        mismatches = verify(s.workspace, s.ledger)
        total = len(s.ledger.current_deliveries())
        if not mismatches:
            console.print(f"[green]Sổ theo dõi và các tệp khớp nhau[/] ({total} tệp).")
            return
        for m in mismatches:
            errors.print(
                f"[red]Không khớp:[/] output/{m.path} ({m.item_id}, {CHANNEL_NAMES_VI[m.channel]}): {m.problem}",
                highlight=False,
            )
        errors.print(f"{len(mismatches)}/{total} tệp không khớp. Chạy 'cchc produce' để tạo lại các tệp này.")
        raise typer.Exit(1)


# --- demo -----------------------------------------------------------------------------------------------------
@app.command()
def demo(workspace: WorkspaceOption = Path(".")) -> None:
    """Run the whole path on the sample workspace: approve, produce, publish, air, show quotas."""
    from .demo import DEMO_APPROVER, approve_samples, record_sample_deliveries

    with session(workspace) as s:
        warn_problems(s.read.problems)
        approved = approve_samples(s.ledger, s.read.items)
        console.print(
            f"1. Duyệt: {len(approved)} bài mới được duyệt bởi '{DEMO_APPROVER}' ({len(s.read.items)} bài trong kho).",
            highlight=False,
        )
        console.print("2. Sản xuất bài đăng, infographic và tệp âm thanh (Prefect)…")
        work, results = run_produce(s, None)
        failed = [r for r in results if r.error]
        for r in failed:
            errors.print(f"[bold red]Không sản xuất được[/] {r.job.label}: {r.error}", highlight=False)
        console.print(f"   Đã tạo {len(results) - len(failed)} tệp, {len(work.up_to_date)} tệp đã có sẵn và còn đúng.")
        published, aired_count = record_sample_deliveries(s.ledger, s.plan, s.read.items)
        console.print(f"3. Ghi nhận: {published} lượt đăng cổng thông tin, {aired_count} lượt phát loa mới.")

        table = Table(title="Sản phẩm theo từng bài", title_justify="left")
        table.add_column("Mã bài", overflow="fold")
        for column in ("Ngày", "Bài đăng", "Infographic", "Âm thanh"):
            table.add_column(column, no_wrap=True)
        current = s.ledger.current_deliveries()
        for item in s.read.items:
            post, image, audio = (current.get((item.id, c)) for c in ("portal", "infographic", "loudspeaker"))
            seconds = audio.duration_seconds if audio and audio.duration_seconds else 0
            table.add_row(
                item.id,
                f"{item.meta.date:%d/%m}",
                "✓" if post else "—",
                "✓" if image else "—",
                f"✓ {int(seconds // 60)}:{int(seconds % 60):02d}" if audio else "—",
            )
        console.print(table)
        out = s.workspace.output_dir
        console.print(
            f"Chuyên mục (mở trong trình duyệt): {out / 'portal' / 'index.html'}\n"
            f"Gói đăng bài cho cổng: {out / 'portal' / 'goi-dang-bai'}\nInfographic: {out / 'infographic'}\n"
            f"Âm thanh: {out / 'audio'}\nSổ theo dõi: {s.workspace.database_url}",
            highlight=False,
        )

        from .demo import record_sample_activities

        record_sample_activities(s.ledger, s.plan)
        quarter = parse_period("2026-Q1")
        statuses = quota_status(s.ledger, s.plan, s.items, quarter.start, quarter)
        console.print(quota_table(statuses, "4. Chỉ tiêu quý I năm 2026 (cchc report --period 2026-Q1)", quarter.end))
        if failed:
            raise typer.Exit(1)
