"""A produce with nothing to do answers from the stamp its last check left (flows/produce_stamp.py), and never
once anything that check read has changed. The sample commune with nothing approved has nothing to make, so
these runs need no Prefect."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flows import produce_stamp
from flows.core.ledger import Ledger
from flows.core.ledger.lease import lease
from flows.core.workspace import Workspace, init_workspace

from .cli import Run, cchc
from .conftest import edit


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")


@pytest.fixture
def stamped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Workspace:
    """Nothing approved, two produces run: the first makes the ledger, the second leaves the stamp. Inputs
    written a moment ago count as settled here (the racy window has a test of its own)."""
    monkeypatch.setattr(produce_stamp, "RACY_SECONDS", 0.0)
    ws = init_workspace(tmp_path / "ws")
    for _ in range(2):
        assert produce(capsys, ws).code == 0
    assert produce_stamp.recall(ws) is not None
    return ws


def produce(capsys: pytest.CaptureFixture[str], ws: Workspace, *extra: str) -> Run:
    return cchc(capsys, "produce", "-w", str(ws.root), *extra)


def test_the_answer_from_the_stamp_is_the_full_checks(stamped: Workspace, capsys: pytest.CaptureFixture[str]) -> None:
    (stamped.state_dir / produce_stamp.STAMP_NAME).unlink()
    full = produce(capsys, stamped)
    assert produce_stamp.recall(stamped) is not None
    recalled = produce(capsys, stamped)
    assert (recalled.code, recalled.out, recalled.err) == (full.code, full.out, full.err)
    assert "Không có gì cần sản xuất" in recalled.out and "Chờ duyệt (14)" in recalled.err

    (stamped.state_dir / produce_stamp.STAMP_NAME).unlink()
    full_json = produce(capsys, stamped, "--json")
    assert produce(capsys, stamped, "--json").out == full_json.out
    assert '"awaiting_approval": [' in full_json.out


def test_the_shortcut_reads_no_item_and_opens_no_sqlalchemy(
    stamped: Workspace, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(produce_stamp, "RACY_SECONDS", 2.0)  # as a user's command runs it
    long_ago = time.time() - 60
    for path in stamped.root.rglob("*"):
        os.utime(path, (long_ago, long_ago), follow_symlinks=False)
    produce(capsys, stamped)  # the stat of every file changed: a full check, which keeps its stamp
    probe = (
        "import sys; from flows.cli import main\n"
        "assert main(['produce', '--workspace', sys.argv[1]]) == 0\n"
        "heavy = {'sqlalchemy', 'yaml', 'prefect', 'flows.core.items'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    env = {**os.environ, "COLUMNS": "200"}
    run = subprocess.run([sys.executable, "-c", probe, str(stamped.root)], capture_output=True, text=True, env=env)
    assert run.returncode == 0, run.stderr
    assert "Không có gì cần sản xuất" in run.stdout and "Chờ duyệt (14)" in run.stderr


def reject_one(ws: Workspace, capsys: pytest.CaptureFixture[str]) -> None:
    args = ("reject", "chi-so-sipas-hai-long", "--reason", "Thiếu số liệu", "--by", "Vũ Thị Hòa", "-w", str(ws.root))
    assert cchc(capsys, *args).code == 0


def edit_item(ws: Workspace, capsys: pytest.CaptureFixture[str]) -> None:
    edit(next(ws.items_dir.rglob("chi-so-sipas-hai-long.md")), "\nMột câu thêm.\n")


def add_template(ws: Workspace, capsys: pytest.CaptureFixture[str]) -> None:
    target = next((ws.root / "templates" / "portal").iterdir())
    target.write_bytes(target.read_bytes() + b"\n")


def remove_output(ws: Workspace, capsys: pytest.CaptureFixture[str]) -> None:
    next(p for p in (ws.output_dir / "portal").rglob("*") if p.is_file()).unlink()


@pytest.mark.parametrize("change", [reject_one, edit_item, add_template, remove_output], ids=lambda f: f.__name__)
def test_any_change_to_what_the_check_reads_ends_the_shortcut(
    stamped: Workspace, capsys: pytest.CaptureFixture[str], change: object
) -> None:
    change(stamped, capsys)  # type: ignore[operator]
    assert produce_stamp.recall(stamped) is None
    run = produce(capsys, stamped)
    if change is reject_one:
        assert "Bị trả lại, không sản xuất: chi-so-sipas-hai-long" in run.err
        assert "Chờ duyệt (13)" in run.err
    if produce_stamp.recall(stamped) is None:  # that check rewrote output itself (the site, after a template)
        produce(capsys, stamped)
    assert produce_stamp.recall(stamped) is not None  # the new state's answer, kept in turn


def test_the_environment_and_the_database_choose_too(stamped: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CCHC_PRODUCE_PROCESSES", "1")
    assert produce_stamp.recall(stamped) is None
    monkeypatch.delenv("CCHC_PRODUCE_PROCESSES")
    assert produce_stamp.recall(stamped) is not None
    monkeypatch.setenv("CCHC_DATABASE_URL", "postgresql://cchc@127.0.0.1:1/cchc")
    assert produce_stamp.stamp(stamped) is None  # a province's ledger: always the full check


def test_a_produce_in_progress_is_never_answered_for(stamped: Workspace, capsys: pytest.CaptureFixture[str]) -> None:
    ledger = Ledger(stamped.database_url)
    try:
        with lease(ledger, "produce") as held:
            assert held
            assert produce_stamp.recall(stamped) is None
            run = produce(capsys, stamped)
            assert "Đang có một lượt sản xuất khác" in run.out
    finally:
        ledger.close()
    # the other run is over and changed nothing (a real one records deliveries, which ends the shortcut)
    assert produce_stamp.recall(stamped) is not None


def test_an_input_edited_a_moment_ago_keeps_no_stamp(
    stamped: Workspace, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # an editor saving twice within one clock tick, same size: the stat would not change, so it is not trusted
    monkeypatch.setattr(produce_stamp, "RACY_SECONDS", 2.0)
    (stamped.state_dir / produce_stamp.STAMP_NAME).unlink()
    edit_item(stamped, capsys)
    produce(capsys, stamped)
    assert not (stamped.state_dir / produce_stamp.STAMP_NAME).exists()
