"""Commands of the portal editor: produce, publish and unpublish, preview the site, take news from feeds,
check the ledger, and the demo."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .. import labels, produce_stamp
from ..core.periods import parse_local_time
from ..core.workspace import Workspace
from ..produce_stamp import Answer
from .common import ItemArgument, JsonOption, WorkspaceOption, console, errors, fail, local, problem_lines, say, session

if TYPE_CHECKING:
    from ..core.session import Session
    from ..pipeline import JobResult, ProduceSummary, WorkPlan


def register(app: typer.Typer) -> None:
    app.command("produce")(produce_command)
    app.command("serve")(serve_command)
    app.command("worker")(worker_command)
    app.command()(publish)
    app.command()(unpublish)
    app.command()(preview)
    app.command()(ingest)


STOPPED = (
    "Đã dừng. Các tệp đã làm xong được giữ và ghi vào sổ theo dõi; chạy lại 'cchc produce' để làm tiếp phần còn lại."
)
BUSY = "Đang có một lượt sản xuất khác của xã này; lượt này không làm gì. Kết quả sẽ có khi lượt kia xong."


# --- produce -------------------------------------------------------------------------------------------------
def run_produce(s: Session, only: str | None, quiet: bool = False) -> ProduceSummary:
    """Produce with a progress bar, shown once there is something to make (orchestrator.produce_now does the
    work)."""
    from ..orchestrator import produce_now

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    progress = Progress(*columns, console=errors, disable=quiet, transient=False)
    bar = None

    def start(total: int) -> None:
        nonlocal bar
        progress.start()
        bar = progress.add_task("Khởi động Prefect…", total=total)

    def done(result: JobResult) -> None:
        progress.update(bar, advance=1, description="Đang sản xuất")

    try:
        return produce_now(s, only, done, start)
    finally:
        if bar is not None:
            progress.stop()


def failure_text(s: Session, result: JobResult) -> str:
    """A known error in the user's words; anything else is a bug, logged with its traceback."""
    from ..core.errors import CchcError
    from ..pipeline import log_unexpected

    if isinstance(result.exception, CchcError):
        return str(result.exception)
    log = log_unexpected(s, result)
    return f"lỗi chương trình ({type(result.exception).__name__}); chi tiết cho người hỗ trợ kỹ thuật: {log}"


def state_lines(s: Session, work: WorkPlan) -> list[tuple[str, str]]:
    """What a produce says of what it did not make: files up to date, items waiting, bad input (Rich markup, for
    standard output or errors). The whole answer of a produce with nothing to do, kept for the next one."""
    lines = []
    if work.up_to_date:
        lines.append(("out", f"Không thay đổi, bỏ qua: {len(work.up_to_date)} tệp đã có và còn đúng."))
    if not work.jobs:
        lines.append(("out", "Không có gì cần sản xuất."))
    for item in s.ledger.changed_since_publication(s.read.items):
        lines.append((
            "err",
            f"[yellow]Đã sửa sau khi đăng:[/] '{escape(item.id)}' khác với bài đang đăng trên cổng. "
            f"Biên tập viên cập nhật bài trên cổng rồi chạy: cchc publish {escape(item.id)} --url …",
        ))  # fmt: skip
    for item in work.needs_reapproval:
        lines.append((
            "err",
            f"[yellow]Cần duyệt lại:[/] '{escape(item.id)}' đã được sửa sau khi duyệt nên chưa được sản xuất. "
            f'Người duyệt chạy: cchc approve {escape(item.id)} --by "Họ tên"',
        ))  # fmt: skip
    if work.awaiting_approval:
        ids = escape(", ".join(i.id for i in work.awaiting_approval))
        lines.append(("err", f"[yellow]Chờ duyệt ({len(work.awaiting_approval)}):[/] {ids}"))
    if work.rejected:
        lines.append(("err", f"Bị trả lại, không sản xuất: {escape(', '.join(i.id for i in work.rejected))}"))
    lines += [("err", line) for line in problem_lines(work.problems)]
    return lines


def show_lines(lines: list[tuple[str, str]]) -> None:
    for stream, text in lines:
        (console if stream == "out" else errors).print(text, highlight=False)


def summary_json(s: Session, summary: ProduceSummary) -> str:
    work = summary.work
    produced = [
        {
            "item": r.job.item.id,
            "channel": r.job.channel,
            "path": r.produced.path,
            "sha256": r.produced.sha256,
            "bytes": r.produced.bytes,
            "duration_seconds": r.produced.duration_seconds,
            "engine": r.produced.engine,
        }
        for r in summary.results
        if r.produced
    ]
    failed = [{"item": r.job.item.id, "channel": r.job.channel, "error": failure_text(s, r)} for r in summary.failed]
    return json.dumps(
        {
            "produced": produced,
            "failed": failed,
            "up_to_date": len(work.up_to_date),
            "needs_reapproval": [i.id for i in work.needs_reapproval],
            "awaiting_approval": [i.id for i in work.awaiting_approval],
            "rejected": [i.id for i in work.rejected],
            "problems": [str(p) for p in work.problems],
        },
        ensure_ascii=False,
        indent=2,
    )


def print_summary(s: Session, summary: ProduceSummary) -> None:
    made = [r for r in summary.results if r.produced]
    if made:
        table = Table(title=f"Đã sản xuất {len(made)} tệp", title_justify="left")
        for column in ("Mã bài", "Kênh", "Tệp", "Thời lượng"):
            table.add_column(column)
        for r in sorted(made, key=lambda r: (r.job.item.id, r.job.channel)):
            seconds = r.produced.duration_seconds
            table.add_row(
                r.job.item.id,
                labels.CHANNELS[r.job.channel],
                f"output/{r.produced.path}",
                f"{int(seconds // 60)}:{int(seconds % 60):02d}" if seconds else "",
            )
        console.print(table)
        for r in made:
            if r.produced.note:
                errors.print(f"[yellow]Lưu ý[/] ({r.job.item.id}): {escape(r.produced.note)}", highlight=False)
    for r in summary.failed:
        errors.print(
            f"[bold red]Không sản xuất được[/] {labels.CHANNELS[r.job.channel]} của "
            f"'{r.job.item.id}': {escape(failure_text(s, r))}",
            highlight=False,
        )
    show_lines(state_lines(s, summary.work))


def show_answer(answer: Answer, as_json: bool) -> None:
    if as_json:
        print(answer.json)
    else:
        show_lines(answer.lines)
    if answer.exit_code:
        raise typer.Exit(answer.exit_code)


def nothing_to_do(s: Session, summary: ProduceSummary) -> Answer:
    exit_code = 1 if summary.work.problems else 0
    return Answer(state_lines(s, summary.work), summary_json(s, summary), exit_code)


def next_answer(s: Session, inputs_before: str) -> tuple[produce_stamp.Stamp | None, Answer | None]:
    """After a run that made files: what the next produce will find, so that it can answer at once. Planned
    again with the plan and items this run read (commune.yaml is read once), if no input changed meanwhile."""
    from ..orchestrator import produce_now

    now = produce_stamp.stamp(s.workspace)
    if now is None or now[0] != inputs_before:
        return None, None
    summary = produce_now(s, make=False)
    if summary.busy or summary.work.jobs:
        return None, None
    return now, nothing_to_do(s, summary)


def produce_command(
    workspace: WorkspaceOption = Path("."),
    item: Annotated[str | None, typer.Option("--item", help="Chỉ sản xuất bài có mã này.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Tạo bài đăng cổng thông tin, infographic và tệp MP3 cho mọi bài đã duyệt còn thiếu hoặc đã cũ (Prefect)."""
    ws = Workspace.at(workspace)
    whole = item is None
    if whole and (answer := produce_stamp.recall(ws)) is not None:
        show_answer(answer, as_json)  # nothing changed since a check that found nothing to make
        return
    before = produce_stamp.stamp(ws) if whole else None
    kept: tuple[produce_stamp.Stamp | None, Answer | None] = (None, None)
    with session(workspace) as s:
        if item is not None:
            s.item(item)
        try:
            summary = run_produce(s, item, quiet=as_json)
        except KeyboardInterrupt:  # Ctrl-C, or SIGTERM/SIGHUP (orchestrator): every `finally` has run
            errors.print(STOPPED, highlight=False)
            raise typer.Exit(130) from None
        if summary.busy:
            if as_json:
                print(json.dumps({"busy": True}))
            else:
                say(BUSY)
            return
        if not summary.work.jobs:
            kept = (before, nothing_to_do(s, summary))
        else:
            if as_json:
                print(summary_json(s, summary))
            else:
                print_summary(s, summary)
            if before is not None and not summary.failed:
                kept = next_answer(s, before[0])
    stamp, answer = kept
    if answer is not None:
        produce_stamp.keep(ws, stamp, answer)
    if not summary.work.jobs:
        show_answer(answer, as_json)
    elif summary.failed or summary.work.problems:
        raise typer.Exit(1)


# --- publication records ---------------------------------------------------------------------------------------
def publish(
    item_id: ItemArgument,
    url: Annotated[str, typer.Option("--url", help="Địa chỉ bài trên cổng thông tin.")],
    at: Annotated[
        str | None, typer.Option("--at", help="Thời điểm đăng (mặc định: bây giờ), ví dụ '2026-03-05 09:00'.")
    ] = None,
    by: Annotated[str, typer.Option("--by", help="Người đăng bài.")] = "Biên tập viên",
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Ghi nhận bài đã đăng lên cổng tại địa chỉ URL (chỉ tiêu tính các bài đã đăng)."""
    with session(workspace) as s:
        s.item(item_id)
        when = parse_local_time(at, s.plan.commune.tz) if at else None
        row, changed = s.ledger.mark_published(item_id, url, by, when)
        if changed:
            console.print(
                f"[green]Đã ghi nhận đăng bài[/] '{item_id}' lúc {local(row.published_at, s.plan)}: {escape(url)}",
                highlight=False,
            )
        else:
            say(f"Bài '{item_id}' đã được ghi nhận đăng tại {url} từ trước; không ghi lại.")


def unpublish(
    item_id: ItemArgument,
    reason: Annotated[str, typer.Option("--reason", help="Lý do gỡ bài.")],
    by: Annotated[str, typer.Option("--by", help="Người gỡ bài.")] = "Biên tập viên",
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Ghi nhận bài đã được gỡ khỏi cổng: bài không còn được tính và rời khỏi trang chuyên mục."""
    from ..pipeline import build_portal_site

    with session(workspace) as s:
        s.item(item_id)
        s.ledger.mark_unpublished(item_id, reason, by)
        build_portal_site(s)
        console.print(f"[yellow]Đã ghi nhận gỡ bài[/] '{item_id}': {escape(reason)}", highlight=False)


def preview(
    workspace: WorkspaceOption = Path("."),
    port: Annotated[int, typer.Option(help="Cổng trên 127.0.0.1.")] = 8000,
) -> None:
    """Mở trang chuyên mục (output/portal) trên 127.0.0.1 để biên tập viên xem trước."""
    from ..channels import paths
    from ..preview import preview_server

    ws = Workspace.at(workspace)
    site = ws.output_dir / paths.SITE
    if not (site / "index.html").is_file():
        fail("Chưa có trang chuyên mục: hãy duyệt bài rồi chạy 'cchc produce' trước.")
    try:
        server = preview_server(site, port)
    except OSError:
        fail(f"Cổng {port} đang được dùng; chọn cổng khác, ví dụ: cchc preview --port {port + 1}")
    console.print(f"Xem trước chuyên mục tại [bold]http://127.0.0.1:{port}/index.html[/] (Ctrl+C để dừng)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def ingest(
    feed: Annotated[
        list[str] | None, typer.Option("--feed", help="Địa chỉ hoặc tệp nguồn tin, thay cho các nguồn trong cấu hình.")
    ] = None,
    timeout: Annotated[float, typer.Option(help="Số giây chờ mỗi nguồn tin.")] = 15.0,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Lấy tin CCHC từ nguồn RSS/Atom vào content/items/inbox/ làm bản nháp chờ duyệt."""
    from ..core.settings import Feed
    from ..feeds import ingest as run_ingest

    with session(workspace) as s:
        feeds = [Feed(name=url, url=url) for url in feed] if feed else None
        if feeds is None and not s.plan.feeds:
            fail("Chưa có nguồn tin nào: thêm mục feeds trong content/commune.yaml, hoặc dùng --feed ĐỊA-CHỈ.")
        results = run_ingest(s, feeds, timeout)
        for result in results:
            name = escape(result.feed.name)
            if result.error:
                errors.print(f"[bold red]Lỗi nguồn tin[/] '{name}': {escape(str(result.error))}", highlight=False)
                continue
            if result.not_modified:
                say(f"'{name}': không có gì mới (máy chủ báo chưa thay đổi).")
                continue
            for warning in result.warnings:
                errors.print(f"[yellow]Lưu ý[/] '{name}': {escape(warning)}", highlight=False)
            say(
                f"'{name}': {len(result.drafts)} bài mới vào hộp chờ duyệt, {result.skipped} tin bỏ qua "
                "(không về CCHC hoặc đã lấy trước đây)."
            )
            for path in result.drafts:
                say(f"  + {path.relative_to(s.workspace.root)}")
        if any(r.error for r in results):
            raise typer.Exit(1)


def serve_command(
    workspace: WorkspaceOption = Path("."),
    commune: Annotated[
        list[Path] | None, typer.Option("--commune", help="Thêm thư mục làm việc của xã khác (cấp tỉnh, nhiều xã).")
    ] = None,
    port: Annotated[int, typer.Option(help="Cổng của máy chủ Prefect trên 127.0.0.1.")] = 4200,
    pool: Annotated[
        str | None, typer.Option(help="Cấp tỉnh: đưa các việc vào nhóm máy chạy (work pool) này thay vì tự chạy.")
    ] = None,
    workers: Annotated[int, typer.Option(help="Số máy chạy (worker) khởi động tại đây khi có --pool.")] = 1,
    web_port: Annotated[
        int | None, typer.Option(help="Chạy cả trang web cho cán bộ xã trên cổng này (mỗi xã một cổng kế tiếp).")
    ] = 8080,
) -> None:
    """Chạy thường trực: máy chủ Prefect và các việc theo lịch (sản xuất, lấy tin, lịch phát, chỉ tiêu, báo cáo)."""
    from ..service import serve

    workspaces = [Workspace.at(workspace), *(Workspace.at(c) for c in commune or [])]

    def ready(api_url: str, deployments: list) -> None:
        say(f"Máy chủ Prefect: {api_url.removesuffix('/api')} (giao diện quản trị của Prefect)")
        for deployment in deployments:
            say(f"  • {deployment.flow_name}/{deployment.name}")
        if web_port:
            for n, ws in enumerate(workspaces):
                say(f"Trang web của {ws.root.name}: http://127.0.0.1:{web_port + n}/")
        say("Đang chạy thường trực; Ctrl+C để dừng tất cả.")

    try:
        serve(workspaces, port, pool=pool, workers=workers, on_ready=ready, web_port=web_port or None)
    except KeyboardInterrupt:
        say("Đã dừng dịch vụ.")


def worker_command(
    pool: Annotated[str, typer.Option(help="Tên nhóm máy chạy (work pool) của máy chủ Prefect.")],
    name: Annotated[str | None, typer.Option(help="Tên của máy chạy này (mặc định: tự đặt).")] = None,
    limit: Annotated[int | None, typer.Option(help="Số lượt chạy cùng lúc tối đa trên máy này.")] = None,
) -> None:
    """Một máy chạy (worker) cho máy chủ Prefect của tỉnh: nhận và chạy các lượt sản xuất của các xã."""
    import os

    from ..service import run_worker

    if not os.environ.get("PREFECT_API_URL"):
        fail("Chưa biết máy chủ Prefect: đặt PREFECT_API_URL, ví dụ http://may-chu-tinh:4200/api.")
    try:
        run_worker(pool, name, limit)
    except KeyboardInterrupt:
        say("Máy chạy đã dừng.")
