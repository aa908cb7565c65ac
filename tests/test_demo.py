"""`cchc demo` on a copy of the sample commune: what `make demo` shows a new user."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from flows.core.ledger import Ledger
from flows.core.workspace import Workspace, init_workspace

from .audio_check import ebur128
from .cli import cchc

pytestmark = pytest.mark.flow


def test_demo_makes_everything_and_is_safe_to_rerun(
    tmp_path: Path, prefect_harness: None, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    ws = init_workspace(tmp_path / "ws")
    run = cchc(capsys, "demo", "-w", str(ws.root))
    assert run.code == 0, run.err
    items = ws.read_items(ws.load_plan()).items
    ledger = Ledger(ws.database_url)
    current = ledger.current_deliveries()
    ledger.close()
    for item in items:  # a post, an infographic and an MP3 for each approved sample item
        for channel in ("portal", "infographic", "loudspeaker"):
            assert (ws.output_dir / current[(item.id, channel)].path).is_file(), (item.id, channel)
    # every bulletin, decoded and measured by ffmpeg's EBU R128 meter, is broadcast-ready
    for mp3 in sorted((ws.output_dir / "audio").glob("*.mp3")):
        measured = ebur128(mp3)
        assert abs(measured.integrated_lufs + 16) <= 1.0, (mp3.name, measured)
        assert measured.true_peak_dbtp <= -1.0, (mp3.name, measured)
        assert MP3(mp3).info.channels == 1
        tags = ID3(mp3)
        assert tags["TIT2"].text[0] and tags["TPE1"].text == ["Đài truyền thanh xã Bình Giang"]
        assert tags.getall("COMM") and tags["TALB"].text[0].startswith("Tuyên truyền cải cách hành chính")
    # the quarter's quotas: the loudspeaker rule met (2 a month, 6 a quarter), the office without items flagged
    loudspeaker = next(line for line in run.out.splitlines() if "hệ thống loa truyền thanh xã" in line)
    assert "quý I năm 2026" in loudspeaker and "đạt" in loudspeaker and "không đạt" not in loudspeaker
    quiet_office = next(line for line in run.out.splitlines() if "Trung tâm Dịch vụ sự nghiệp công" in line)
    assert "không đạt" in quiet_office

    def counts() -> tuple[int, ...]:
        with sqlite3.connect(ws.ledger_path) as db:
            return tuple(db.execute(f"select count(*) from {t}").fetchone()[0] for t in ("deliveries", "events"))

    first = counts()
    again = cchc(capsys, "demo", "-w", str(ws.root))
    assert again.code == 0
    assert "0 bài mới được duyệt" in again.out and "Đã tạo 0 tệp" in again.out
    assert counts() == first
    assert cchc(capsys, "ledger", "verify", "-w", str(ws.root)).code == 0


def test_init_makes_a_workspace_and_never_overwrites(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "xa-moi"
    assert cchc(capsys, "init", str(target), "--empty").code == 0
    ws = Workspace.at(target)
    assert 'name: ""' in ws.config_path.read_text(encoding="utf-8")  # a blank plan to fill in, not Bình Giang's
    assert list(ws.items_dir.rglob("*.md")) == []
    blank = cchc(capsys, "items", "-w", str(target))
    assert blank.code == 1 and "commune.name" in blank.err
    run = cchc(capsys, "init", str(target))
    assert run.code == 1 and "không ghi đè" in run.err


def test_commands_outside_a_workspace_say_how_to_fix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = cchc(capsys, "items", "-w", str(tmp_path))
    assert run.code == 1
    assert "content/commune.yaml" in run.err and "cchc init" in run.err
