"""The ledger as state that cannot be lost, runs that overlap, and commands that leave nothing behind."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flows.core.items import Item
from flows.core.ledger import Ledger, ProducedFile
from flows.core.ledger.lease import lease
from flows.core.ledger.migrate import HEAD
from flows.core.workspace import Workspace

CCHC = [sys.executable, "-c", "import sys; from flows.cli import main; sys.exit(main())"]
FILE = ProducedFile("audio/a.mp3", "0" * 64, 10, 60.0)


def cchc_process(*args: str, extra_env: dict[str, str] | None = None, **options: object) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(COLUMNS="200", **(extra_env or {}))
    return subprocess.Popen(
        [*CCHC, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, **options
    )


def approve(ws: Workspace, ids: tuple[str, ...] | None = None) -> None:
    plan = ws.load_plan()
    ledger = Ledger(ws.database_url, plan.commune.ledger_key)
    for item in ws.read_items(plan).items:
        if ids is None or item.id in ids:
            ledger.approve(item, "Vũ Thị Hòa")
    ledger.close()


def portal_only(ws: Workspace, keep: int) -> None:
    """The first `keep` items, on the portal only: real runs that take seconds, not minutes."""
    for number, path in enumerate(sorted(ws.items_dir.rglob("*.md"))):
        if number >= keep:
            path.unlink()
            continue
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("[portal, infographic, loudspeaker]", "[portal]"), encoding="utf-8")


def test_the_ledger_lives_in_the_state_folder_and_an_old_one_moves_there(workspace: Workspace) -> None:
    assert workspace.database_url == f"sqlite:///{workspace.root / '.cchc' / 'ledger.sqlite'}"
    old = workspace.output_dir / "ledger.sqlite"
    workspace.ledger_path.unlink(missing_ok=True)
    old.parent.mkdir(parents=True, exist_ok=True)
    legacy = Ledger(f"sqlite:///{old}")
    item = workspace.read_items(workspace.load_plan()).items[0]
    legacy.approve(item, "Vũ Thị Hòa")  # left in the write-ahead log, not yet in the main file
    legacy.close()
    moved = Ledger(workspace.database_url)
    try:
        assert moved.approval(item).by == "Vũ Thị Hòa"
    finally:
        moved.close()
    assert not old.exists() and workspace.ledger_path.is_file()


def test_a_new_ledger_is_at_the_newest_schema_and_an_old_one_loses_doubled_airings(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as db:  # a ledger of the previous release, where a race could double an airing
        db.execute(
            "CREATE TABLE events (id INTEGER PRIMARY KEY, commune VARCHAR(100) DEFAULT '' NOT NULL, at DATETIME "
            "NOT NULL, kind VARCHAR(20) NOT NULL, item_id VARCHAR(200) NOT NULL, channel VARCHAR(20), content_hash "
            "VARCHAR(64), actor VARCHAR(200) NOT NULL, delivery_id INTEGER, detail TEXT)"
        )
        for number in (1, 2):
            db.execute(
                f"INSERT INTO events VALUES ({number}, '', '2026-03-05 23:15:00', 'aired', 'a', 'loudspeaker', "
                "'v', 'x', 7, NULL)"
            )
    ledger = Ledger(f"sqlite:///{path}")
    ledger.close()
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchone() == (HEAD,)
        assert db.execute("SELECT count(*) FROM events WHERE kind = 'aired'").fetchone() == (1,)
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"deliveries", "slugs", "activities", "leases", "feed_entries"} <= tables


def test_the_same_airing_and_activity_from_two_ledgers_at_once_count_once(
    ledger_url: str, sample_items: dict[str, Item]
) -> None:
    first, second = Ledger(ledger_url), Ledger(ledger_url)
    item = sample_items["van-hoa-cong-vu"]
    try:
        first.record_produced(item, "loudspeaker", FILE)
        second.record_produced(item, "loudspeaker", FILE)  # the same delivery: refreshed, not doubled
        at = dt.datetime(2026, 3, 6, 6, 15, tzinfo=dt.UTC)
        assert (
            first.mark_aired(item.id, at, "A", backfill=True)[1]
            and not second.mark_aired(item.id, at, "B", backfill=True)[1]
        )
        day = dt.date(2026, 3, 20)
        assert first.add_activity("doi-thoai", day, "Đối thoại", "A")[1]
        assert not second.add_activity("doi-thoai", day, "Đối thoại", "B")[1]
        assert len(first.deliveries()) == 1 and len(first.activities()) == 1
        assert len([e for e in first.events() if e.kind == "aired"]) == 1
    finally:
        first.close()
        second.close()


def test_a_lease_is_held_once_and_taken_over_from_a_dead_holder(ledger_url: str) -> None:
    ledger = Ledger(ledger_url)
    try:
        with lease(ledger, "produce") as held, lease(ledger, "produce") as again:
            assert held and not again
        dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
        with ledger.session() as session:  # a holder killed with -9: its row stays behind
            from flows.core.ledger.schema import Lease, now_utc

            session.add(
                Lease(
                    name="produce",
                    holder=f"{os.uname().nodename}:{dead.stdout.strip()}:x",
                    acquired_at=now_utc(),
                    renewed_at=now_utc(),
                )
            )
        with lease(ledger, "produce") as held:
            assert held
        with lease(ledger, "produce") as held:  # and it was given back
            assert held
    finally:
        ledger.close()


@pytest.mark.flow
def test_four_produce_at_once_all_end_well_and_make_each_delivery_once(workspace: Workspace) -> None:
    portal_only(workspace, keep=3)
    approve(workspace)
    runs = [cchc_process("produce", "--workspace", str(workspace.root)) for _ in range(4)]
    outcomes = [(run.wait(timeout=600), *run.communicate()) for run in runs]
    assert [code for code, _, _ in outcomes] == [0, 0, 0, 0], outcomes
    busy = [out for _, out, _ in outcomes if "Đang có một lượt sản xuất khác" in out]
    made = [out for _, out, _ in outcomes if "Đã sản xuất 3 tệp" in out]
    assert len(made) + len(busy) == 4 and len(made) >= 1
    with sqlite3.connect(workspace.ledger_path) as db:
        assert db.execute("SELECT count(*), count(DISTINCT item_id) FROM deliveries").fetchone() == (3, 3)
        produced = db.execute("SELECT count(*) FROM events WHERE kind = 'produced'").fetchone()[0]
        assert produced == 3 * len(made)  # each run that worked made each file once; the others made nothing
        assert db.execute("SELECT count(*) FROM leases").fetchone() == (0,)


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) == pid:
                found.add(int(entry.name))
    return found


@pytest.mark.flow
def test_kill_9_of_produce_leaves_no_process_behind(workspace: Workspace) -> None:
    approve(workspace)
    run = cchc_process("produce", "--workspace", str(workspace.root), start_new_session=True)
    deadline = time.monotonic() + 300
    children: set[int] = set()
    while time.monotonic() < deadline and not children and run.poll() is None:
        children = _children(run.pid)  # the Prefect server it started, or an ffmpeg
        time.sleep(0.2)
    assert children, "produce started no child process"
    time.sleep(2)
    children |= _children(run.pid)
    os.kill(run.pid, signal.SIGKILL)
    run.communicate()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in children):
        time.sleep(0.2)
    left = [pid for pid in children if Path(f"/proc/{pid}").exists() and "Z" not in _state(pid)]
    assert not left, left


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"


@pytest.mark.flow
def test_output_can_be_deleted_and_produce_rebuilds_it(workspace: Workspace) -> None:
    portal_only(workspace, keep=2)
    approve(workspace)
    first = cchc_process("produce", "--workspace", str(workspace.root))
    assert first.wait(timeout=600) == 0, first.communicate()
    before = {
        p.relative_to(workspace.output_dir): p.read_bytes() for p in workspace.output_dir.rglob("*") if p.is_file()
    }
    shutil.rmtree(workspace.output_dir)
    again = cchc_process("produce", "--workspace", str(workspace.root))
    assert again.wait(timeout=600) == 0, again.communicate()
    after = {
        p.relative_to(workspace.output_dir): p.read_bytes() for p in workspace.output_dir.rglob("*") if p.is_file()
    }
    assert after == before and len(before) > 8


def test_a_prefect_server_that_does_not_start_is_said_in_vietnamese(workspace: Workspace) -> None:
    portal_only(workspace, keep=1)
    approve(workspace)
    too_short = {"CCHC_PREFECT_STARTUP_SECONDS": "0.01"}
    run = cchc_process("produce", "--workspace", str(workspace.root), extra_env=too_short)
    out, err = run.communicate(timeout=300)
    assert run.returncode == 1
    assert "Không khởi động được Prefect" in err and "đã thử 2 lần" in err and "Traceback" not in err


def test_a_ledger_exported_and_imported_elsewhere_gives_the_same_quotas(
    workspace: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from flows.core.workspace import init_workspace

    from .cli import cchc

    plan = workspace.load_plan()
    items = workspace.read_items(plan).items
    ledger = Ledger(workspace.database_url)
    for item in items[:4]:
        ledger.approve(item, "Vũ Thị Hòa")
        ledger.record_produced(item, "loudspeaker", ProducedFile(f"audio/{item.id}.mp3", "0" * 64, 10, 60.0))
        ledger.mark_aired(item.id, dt.datetime(2026, 3, 6, 6, 15, tzinfo=dt.UTC), "Nhân viên đài", backfill=True)
    ledger.add_activity("doi-thoai", dt.date(2026, 3, 20), "Đối thoại quý I", "A", 120)
    ledger.close()
    dump = tmp_path / "so-theo-doi.jsonl"
    assert cchc(capsys, "ledger", "export", "--out", str(dump), "-w", str(workspace.root)).code == 0
    other = init_workspace(tmp_path / "khac")
    imported = cchc(capsys, "ledger", "import", str(dump), "-w", str(other.root))
    assert imported.code == 0 and "4 deliveries" in imported.out
    again = cchc(capsys, "ledger", "import", str(dump), "-w", str(other.root))
    assert "không có gì mới" in again.out

    def quotas(ws: Workspace) -> str:
        run = cchc(capsys, "quota", "--period", "2026-Q1", "--json", "-w", str(ws.root))
        return run.out.split('"quotas"', 1)[1]

    assert quotas(other) == quotas(workspace) and '"actual": 4' in quotas(other)
    backup = cchc(capsys, "backup", "--out", str(tmp_path / "copy.sqlite"), "-w", str(workspace.root))
    assert backup.code == 0
    with sqlite3.connect(tmp_path / "copy.sqlite") as db:
        assert db.execute("SELECT count(*) FROM events WHERE kind = 'aired'").fetchone() == (4,)


def test_a_wrong_password_or_a_missing_server_is_said_in_vietnamese_without_the_password(
    postgres: object, workspace: Workspace, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from .cli import cchc

    good = postgres.create_database("cchc_password_test")
    monkeypatch.setenv("CCHC_DATABASE_URL", good.replace("mat-khau-thu", "sai-mat-khau"))
    run = cchc(capsys, "items", "-w", str(workspace.root))
    said = " ".join(run.err.split())
    assert run.code == 1 and "sai tên người dùng hoặc mật khẩu" in said
    assert "sai-mat-khau" not in run.err + run.out and "***" in said and "Traceback" not in said
    monkeypatch.setenv("CCHC_DATABASE_URL", "postgresql+psycopg://cchc:bi-mat@127.0.0.1:1/cchc")
    run = cchc(capsys, "items", "-w", str(workspace.root))
    said = " ".join(run.err.split())
    assert run.code == 1 and "không kết nối được máy chủ cơ sở dữ liệu" in said and "bi-mat" not in run.err
    monkeypatch.setenv("CCHC_DATABASE_URL", good)
    assert cchc(capsys, "items", "-w", str(workspace.root)).code == 0


@pytest.mark.flow
def test_serve_produces_right_after_an_approval_and_ctrl_c_stops_everything(workspace: Workspace) -> None:
    portal_only(workspace, keep=2)
    first, second = sorted(p.stem for p in workspace.items_dir.rglob("*.md"))
    approve(workspace, (first,))
    import socket
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        web_port = probe.getsockname()[1]
    service = cchc_process("serve", "--workspace", str(workspace.root), "--port", "0", "--web-port", str(web_port))
    try:
        for line in service.stdout:
            if "Ctrl+C" in line:
                break
        assert (workspace.state_dir / "service.json").is_file()
        deadline, answer = time.monotonic() + 120, None
        while answer is None and time.monotonic() < deadline:  # the web app runs inside the service too
            try:
                answer = urllib.request.urlopen(f"http://127.0.0.1:{web_port}/dang-nhap", timeout=5).read()
            except OSError:
                time.sleep(0.5)
        assert answer is not None and "Đăng nhập".encode() in answer
        approval = cchc_process("approve", second, "--by", "Vũ Thị Hòa", "--workspace", str(workspace.root))
        out, err = approval.communicate(timeout=120)
        assert approval.returncode == 0 and "đã yêu cầu sản xuất ngay" in out, err
        deadline = time.monotonic() + 240
        made: set[str] = set()
        while time.monotonic() < deadline and second not in made:
            with sqlite3.connect(workspace.ledger_path) as db:
                made = {row[0] for row in db.execute("SELECT item_id FROM deliveries")}
            time.sleep(1)
        assert second in made
        children = _children(service.pid)
        assert children
    finally:
        service.send_signal(signal.SIGINT)
        service.communicate(timeout=120)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in children):
        time.sleep(0.2)
    assert not [pid for pid in children if Path(f"/proc/{pid}").exists() and "Z" not in _state(pid)]
    assert not (workspace.state_dir / "service.json").exists()
