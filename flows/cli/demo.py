"""`cchc demo`: the whole path on the sample workspace, as the four roles would walk it."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from ..channels import paths
from ..core.periods import parse_period
from .common import WorkspaceOption, console, errors, say, session, warn_problems
from .production import BUSY, failure_text, run_produce
from .reporting import quota_table


def demo(workspace: WorkspaceOption = Path(".")) -> None:
    """Chạy thử toàn bộ quy trình trên thư mục mẫu: duyệt, sản xuất, đăng, phát, xem chỉ tiêu."""
    from ..core.quota import quota_status
    from ..demo import DEMO_APPROVER, approve_samples, record_sample_activities, record_sample_deliveries

    with session(workspace) as s:
        warn_problems(s.read.problems)
        approved = approve_samples(s)
        say(f"1. Duyệt: {len(approved)} bài mới được duyệt bởi '{DEMO_APPROVER}' ({len(s.read.items)} bài trong kho).")
        console.print("2. Sản xuất bài đăng, infographic và tệp âm thanh (Prefect)…")
        summary = run_produce(s, None)
        if summary.busy:
            say(f"   {BUSY}")
        for r in summary.failed:
            errors.print(f"[bold red]Không sản xuất được[/] {r.job.label}: {failure_text(s, r)}", highlight=False)
        made = len(summary.results) - len(summary.failed)
        console.print(f"   Đã tạo {made} tệp, {len(summary.work.up_to_date)} tệp đã có sẵn và còn đúng.")
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
        say(
            f"Chuyên mục (mở trong trình duyệt): {out / paths.SITE / 'index.html'}\n"
            f"Gói đăng bài cho cổng: {out / paths.SITE / 'goi-dang-bai'}\nInfographic: {out / 'infographic'}\n"
            f"Âm thanh: {out / 'audio'}\nSổ theo dõi: {s.workspace.database_url}"
        )

        record_sample_activities(s.ledger, s.plan)
        quarter = parse_period("2026-Q1")
        statuses = quota_status(s.ledger, s.plan, s.items, quarter.start, quarter)
        console.print(quota_table(statuses, "4. Chỉ tiêu quý I năm 2026 (cchc report --period 2026-Q1)", quarter.end))
        if summary.failed:
            raise typer.Exit(1)
