"""Commands of the broadcast operator: the schedule, confirming airings, spoken text, announcements; and banners."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from ..core.errors import AiringRefused
from ..core.periods import parse_local_time, parse_period
from ..core.status import PeriodKind
from ..core.workspace import Workspace
from ..labels import error_message
from .common import WorkspaceOption, console, errors, fail, local, say, session


def register(app: typer.Typer) -> None:
    app.command()(schedule)
    app.command()(aired)
    app.command("normalize")(normalize_command)
    app.command("say")(say_command)
    app.command()(banner)


def schedule(
    month: Annotated[str | None, typer.Option(help="Tháng, ví dụ 2026-03 (mặc định: tháng này).")] = None,
    week: Annotated[str | None, typer.Option(help="Hoặc một tuần ISO, ví dụ 2026-W10.")] = None,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Lập lịch phát thanh và ghi danh sách phát, lịch, bảng in cho buổi phát, CSV và JSON."""
    from ..pipeline import build_schedule

    with session(workspace) as s:
        now = dt.datetime.now(s.plan.commune.tz)
        if week:
            chosen = parse_period(week, (PeriodKind.WEEK,))
        else:
            chosen = parse_period(month or f"{now.year}-{now.month:02d}", (PeriodKind.MONTH, PeriodKind.WEEK))
        first, end = chosen.start, chosen.end
        plan_, files = build_schedule(s, first, end, now)
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
            errors.print(f"[yellow]Lưu ý:[/] {escape(problem)}", highlight=False)
        folder = files[0].parent if files else s.workspace.output_dir / "schedule"
        say(
            f"Tệp lịch phát: {folder} (danh sách phát .m3u8, lich-phat.csv, lich-phat.ics, "
            "lich-phat.html để in, lich-phat.json)"
        )


def aired(
    item_id: Annotated[str | None, typer.Argument(help="Mã bài (đi cùng --at).")] = None,
    at: Annotated[str | None, typer.Option("--at", help="Thời điểm phát, ví dụ '2026-03-05 06:15'.")] = None,
    slot: Annotated[
        str | None, typer.Option("--slot", help="Xác nhận cả một khung giờ trong lịch, ví dụ 2026-03-05-sang.")
    ] = None,
    import_: Annotated[Path | None, typer.Option("--import", help="Tệp nhật ký CSV của hệ thống loa.")] = None,
    by: Annotated[str, typer.Option("--by", help="Người xác nhận.")] = "Nhân viên đài truyền thanh",
    backfill: Annotated[
        bool,
        typer.Option("--ghi-bu", help="Nhập bù nhật ký buổi phát từ trước khi có tệp âm thanh trong hệ thống."),
    ] = False,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Xác nhận đã phát: từng bài, cả một khung giờ trong lịch, hoặc nhật ký xuất từ hệ thống loa."""
    from ..channels.schedule.airlog import Airing, read_air_log, slot_airings

    with session(workspace) as s:
        confirmations: list[Airing] = []
        if slot:
            confirmations += slot_airings(s.workspace.output_dir, slot, s.plan)
        if import_:
            log = read_air_log(import_, s.plan, set(s.items))
            for row in log.not_aired:
                errors.print(f"[yellow]Không tính[/] {escape(row)}", highlight=False)
            refused = list(log.rejected)
            for airing in log.airings:  # a file is taken whole or not at all: check every row first
                try:
                    s.ledger.check_airing(airing.item_id, airing.at, backfill)
                except AiringRefused as exc:
                    refused.append(f"{airing.origin}: {error_message(exc)}")
            if refused:
                for row in refused:
                    errors.print(f"[red]Không đọc được[/] {escape(row)}", highlight=False)
                fail(
                    f"Chưa nhập tệp {import_.name}: {len(refused)} dòng không hợp lệ (liệt kê ở trên). Sửa các dòng "
                    "đó rồi nhập lại; chưa có lượt phát nào của tệp được ghi."
                )
            confirmations += log.airings
        if item_id or at:
            if not (item_id and at):
                fail(
                    "Ghi nhận một lần phát cần cả mã bài và thời điểm, ví dụ: "
                    "cchc aired MA-BAI --at '2026-03-05 06:15'."
                )
            confirmations.append(Airing(item_id, parse_local_time(at, s.plan.commune.tz), "dòng lệnh"))
        if not confirmations:
            fail("Chưa có gì để ghi nhận: dùng MA-BAI --at THỜI-ĐIỂM, --slot NGÀY-KHUNG-GIỜ hoặc --import TỆP.csv.")
        refused = 0
        for airing in confirmations:
            s.item(airing.item_id)
            try:
                _, changed = s.ledger.mark_aired(airing.item_id, airing.at, by, backfill, airing.duration_seconds)
            except AiringRefused as exc:
                refused += 1
                errors.print(
                    f"[yellow]Bỏ qua[/] ({escape(airing.origin)}): {escape(error_message(exc))}", highlight=False
                )
                continue
            state = "[green]Đã ghi nhận phát thanh[/]" if changed else "Đã ghi nhận từ trước, không ghi lại:"
            console.print(
                f"{state} '{airing.item_id}' lúc {local(airing.at, s.plan)} ({escape(airing.origin)}).",
                highlight=False,
            )
        if refused:
            raise typer.Exit(1)


def normalize_command(
    text: Annotated[str, typer.Argument(help="Câu tiếng Việt như khi viết.")], workspace: WorkspaceOption = Path(".")
) -> None:
    """In ra đúng lời giọng đọc sẽ đọc cho TEXT (chữ viết tắt, số, ngày, ký hiệu văn bản được đọc thành lời)."""
    from ..speech.normalize import load_lexicon, normalize

    lexicon_path = workspace / "content" / "lexicon.yaml"
    print(normalize(text, load_lexicon(lexicon_path if lexicon_path.is_file() else None)))


def say_command(
    text: Annotated[str, typer.Argument(help="Nội dung thông báo, tiếng Việt như khi viết.")],
    out: Annotated[Path, typer.Option("--out", help="Tệp MP3 sẽ ghi.")],
    engine: Annotated[
        str | None, typer.Option(help="Giọng đọc: auto | gtts | espeak | piper (mặc định: theo commune.yaml).")
    ] = None,
    chime: Annotated[bool, typer.Option("--chime/--no-chime", help="Có nhạc hiệu trước và sau.")] = False,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Đọc một thông báo bất kỳ qua cùng chuỗi xử lý với bản tin (chuẩn hóa lời, giọng đọc, xử lý âm thanh)."""
    from ..channels.loudspeaker import speak_lines
    from ..core.atomic import write_atomic
    from ..core.text import markdown_paragraphs
    from ..speech.normalize import load_lexicon, normalize

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
        errors.print(f"[yellow]Lưu ý:[/] {escape(bulletin.speech.note)}", highlight=False)
    loud = bulletin.loudness
    console.print(
        f"[green]Đã ghi[/] {escape(str(out))}: {loud.duration_seconds:.1f} giây, {loud.integrated_lufs:.1f} LUFS, "
        f"đỉnh {loud.true_peak_dbtp:.1f} dBTP, giọng {bulletin.speech.engine}/{bulletin.speech.voice}",
        highlight=False,
    )


def banner(
    text: Annotated[str | None, typer.Argument(help="Khẩu hiệu (mặc định: mọi khẩu hiệu trong commune.yaml).")] = None,
    size: Annotated[str, typer.Option(help="Kích thước khi in, ví dụ 500x80cm hoặc 5x0.8m.")] = "500x80cm",
    out: Annotated[Path | None, typer.Option(help="Thư mục ghi tệp (mặc định: output/bang-ron).")] = None,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Tạo tệp PDF băng rôn khẩu hiệu đúng kích thước in."""
    from slugify import slugify

    from ..channels import paths
    from ..channels.banner import banner_pdf, parse_size
    from ..core.atomic import write_atomic

    ws = Workspace.at(workspace)
    plan = ws.load_plan()
    width, height = parse_size(size)
    slogans = [text] if text else [s.text for s in plan.slogans]
    if not slogans:
        fail("Chưa có khẩu hiệu nào: ghi khẩu hiệu sau lệnh, hoặc thêm vào mục slogans trong content/commune.yaml.")
    folder = out if out is not None else ws.output_dir / paths.BANNERS
    label = f"{width:g}x{height:g}cm"
    for slogan in slogans:
        path = folder / f"{slugify(slogan, max_length=60, word_boundary=True)}-{label}.pdf"
        write_atomic(path, banner_pdf(slogan, width, height, plan))
        console.print(f"[green]Đã tạo băng rôn[/] {label}: {escape(str(path))}", highlight=False)
