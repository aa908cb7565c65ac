"""The ledger is state, not output: check it against the files, back it up, export and import it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from .. import labels
from ..core.workspace import Workspace
from .common import WorkspaceOption, console, errors, fail, say, session

ledger_app = typer.Typer(help="Sổ theo dõi: kiểm tra, sao lưu, xuất và nhập lại.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(ledger_app, name="ledger")
    app.add_typer(void_app, name="void")
    app.command()(backup)


def safe_url(url: str) -> str:
    """A database address fit to print: never its password."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@ledger_app.command("verify")
def ledger_verify(workspace: WorkspaceOption = Path(".")) -> None:
    """Kiểm tra mọi tệp đã sản xuất còn nguyên như sổ theo dõi đã ghi (mã thoát 1 nếu không khớp)."""
    from ..pipeline import verify

    with session(workspace) as s:
        mismatches = verify(s)
        total = sum(1 + len(row.companion_hashes) for row in s.ledger.current_deliveries().values())
        if not mismatches:
            console.print(f"[green]Sổ theo dõi và các tệp khớp nhau[/] ({total} tệp).")
            return
        for m in mismatches:
            errors.print(
                f"[red]Không khớp:[/] output/{m.path} ({m.item_id}, {labels.CHANNELS[m.channel]}): {m.problem}",
                highlight=False,
            )
        errors.print(f"{len(mismatches)}/{total} tệp không khớp. Chạy 'cchc produce' để tạo lại các tệp này.")
        raise typer.Exit(1)


@ledger_app.command("export")
def ledger_export(
    out: Annotated[Path, typer.Option("--out", help="Tệp JSON lines sẽ ghi, ví dụ so-theo-doi.jsonl.")],
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Xuất toàn bộ sổ theo dõi của xã ra một tệp (mỗi dòng một bản ghi), để chuyển hoặc khôi phục."""
    from ..core.atomic import write_atomic
    from ..core.ledger.portable import export_lines

    with session(workspace) as s:
        lines = list(export_lines(s.ledger))
        write_atomic(out, ("\n".join(lines) + "\n").encode("utf-8"))
        say(f"Đã xuất {len(lines) - 1} bản ghi của sổ theo dõi vào {out}.")


@ledger_app.command("import")
def ledger_import(
    source: Annotated[Path, typer.Argument(help="Tệp đã xuất bằng 'cchc ledger export'.")],
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Nhập lại sổ theo dõi từ tệp đã xuất; bản ghi đã có thì bỏ qua, nhập hai lần không tính trùng."""
    from ..core.ledger.portable import import_lines

    try:
        lines = source.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"Không đọc được {source}: {exc}")
    with session(workspace) as s:
        try:
            result = import_lines(s.ledger, lines)
        except (ValueError, KeyError) as exc:
            fail(f"{source}: tệp không đúng định dạng xuất của cchc ({exc}); sổ theo dõi không thay đổi.")
        added = ", ".join(f"{n} {table}" for table, n in sorted(result.added.items())) or "không có gì mới"
        say(f"Đã nhập: {added}; bỏ qua {result.skipped} bản ghi đã có.")


def backup(
    out: Annotated[Path | None, typer.Option("--out", help="Tệp sao lưu (mặc định: .cchc/sao-luu/…).")] = None,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Sao lưu sổ theo dõi (SQLite: bản sao trực tuyến, an toàn khi đang chạy; Postgres: hướng dẫn pg_dump)."""
    from ..core.ledger.portable import backup_sqlite

    ws = Workspace.at(workspace)
    url = ws.database_url
    if not url.startswith("sqlite:///"):
        say(
            f"Sổ theo dõi nằm trên {safe_url(url)}. Sao lưu bằng công cụ của Postgres, ví dụ:\n"
            "  pg_dump --format=custom --file=cchc.dump <tên cơ sở dữ liệu>\n"
            "hoặc xuất riêng dữ liệu của xã: cchc ledger export --out so-theo-doi.jsonl"
        )
        return
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = out or ws.state_dir / "sao-luu" / f"ledger-{stamp}.sqlite"
    target.parent.mkdir(parents=True, exist_ok=True)
    backup_sqlite(url, str(target))
    console.print(f"[green]Đã sao lưu sổ theo dõi[/] vào {escape(str(target))}.", highlight=False)


void_app = typer.Typer(
    help="Hủy một bản ghi nhầm (lần phát, lượt đăng, hoạt động): sổ vẫn giữ cả hai, con số giảm.", no_args_is_help=True
)
ReasonOption = Annotated[str, typer.Option("--reason", help="Vì sao hủy (bắt buộc).")]
ByOption = Annotated[str, typer.Option("--by", help="Người hủy.")]


@void_app.command("aired")
def void_aired(
    item_id: Annotated[str, typer.Argument(help="Mã bài.")],
    at: Annotated[str, typer.Option("--at", help="Thời điểm của lần phát ghi nhầm, ví dụ '2026-03-05 06:15'.")],
    reason: ReasonOption,
    by: ByOption = "Nhân viên đài truyền thanh",
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Hủy một lần phát ghi nhầm."""
    from ..core.ledger.corrections import void_airing
    from ..core.periods import parse_local_time

    with session(workspace) as s:
        when = parse_local_time(at, s.plan.commune.tz)
        void_airing(s.ledger, s.item(item_id).id, when, reason, by)
        say(f"Đã hủy lần phát '{item_id}' lúc {when:%d/%m/%Y %H:%M}: {reason}")


@void_app.command("posted")
def void_posted(
    item_id: Annotated[str, typer.Argument(help="Mã bài.")],
    where: Annotated[str, typer.Option("--where", help="Nơi đăng hoặc nơi nhận đã ghi, ví dụ 'Fanpage Facebook'.")],
    at: Annotated[str, typer.Option("--at", help="Thời điểm đã ghi, ví dụ '2026-05-06 10:00'.")],
    reason: ReasonOption,
    by: ByOption = "Biên tập viên",
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Hủy một lần đăng mạng xã hội, đăng video hoặc gửi báo ghi nhầm."""
    import datetime as dt

    from ..core.ledger.corrections import NothingToVoid, void_posting, voided_events
    from ..core.periods import parse_local_time
    from ..core.status import EventKind

    with session(workspace) as s:
        item = s.item(item_id)
        when = parse_local_time(at, s.plan.commune.tz).astimezone(dt.UTC)
        voided = voided_events(s.ledger)
        found = [
            e
            for e in s.ledger.events(item.id, EventKind.POSTED)
            if e.at == when and e.details.get("where", "").lower() == where.strip().lower() and e.id not in voided
        ]
        if not found:
            raise NothingToVoid(f"Không có lần đăng, gửi nào của '{item.id}' ở {where} lúc {at} để hủy.")
        void_posting(s.ledger, item.id, found[0].id, reason, by)
        say(f"Đã hủy lần đăng '{item.id}' ở {where} lúc {at}: {reason}")


@void_app.command("published")
def void_published(
    item_id: Annotated[str, typer.Argument(help="Mã bài.")],
    reason: ReasonOption,
    by: ByOption = "Biên tập viên",
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Hủy một lượt ghi nhận đăng bài nhầm (khác với gỡ bài: bài chưa từng được đăng)."""
    from ..core.ledger.corrections import void_publication
    from ..pipeline import build_portal_site

    with session(workspace) as s:
        void_publication(s.ledger, s.item(item_id).id, reason, by)
        build_portal_site(s)
        say(f"Đã hủy ghi nhận đăng bài '{item_id}': {reason}")


@void_app.command("activity")
def void_activity_command(
    activity_id: Annotated[int, typer.Argument(help="Số của hoạt động (xem bằng 'cchc activity list').")],
    reason: ReasonOption,
    by: ByOption = "Cán bộ Phòng VH-XH",
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Hủy một hoạt động ghi nhầm."""
    from ..core.ledger.corrections import void_activity

    with session(workspace) as s:
        void_activity(s.ledger, activity_id, reason, by)
        say(f"Đã hủy hoạt động số {activity_id}: {reason}")
