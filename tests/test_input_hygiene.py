"""Bad input everywhere a user or a feed supplies text: a clear Vietnamese message, never a traceback, and
nothing lost (issue 16)."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest

from flows.core.workspace import Workspace, init_workspace

from .cli import cchc

ITEM = "van-hoa-cong-vu"


def item_path(ws: Workspace) -> Path:
    return next(ws.items_dir.rglob(f"{ITEM}.md"))


def retitle(ws: Workspace, title: str, channels: str = "[portal]") -> None:
    path = item_path(ws)
    lines = path.read_text(encoding="utf-8").split("\n")
    lines = [f"title: {title}" if line.startswith("title:") else line for line in lines]
    lines = [f"channels: {channels}" if line.startswith("channels:") else line for line in lines]
    path.write_text("\n".join(lines), encoding="utf-8")


@pytest.mark.flow
def test_control_characters_brackets_and_formulas_in_user_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], prefect_harness: None
) -> None:
    from openpyxl import load_workbook

    ws = init_workspace(tmp_path / "ws")
    for path in ws.items_dir.rglob("*.md"):
        if path.stem != ITEM:
            path.unlink()
    retitle(ws, '"=HYPERLINK(\\"http://x\\") [/bold] Văn hóa\\u0007 công vụ [red]"')
    w = ["-w", str(ws.root)]
    listing = cchc(capsys, "items", *w)
    assert listing.code == 0 and "Traceback" not in listing.err and "[/bold]" in listing.out.replace("\n", "")
    assert cchc(capsys, "approve", ITEM, "--by", "Lãnh đạo [/x]", *w).code == 0
    produced = cchc(capsys, "produce", *w)
    assert produced.code == 0, produced.err
    page = next((ws.output_dir / "portal" / "bai-viet").glob("*.html")).read_text(encoding="utf-8")
    assert "\x07" not in page and "Văn hóa công vụ" in page  # the control character is gone at the reader
    url = "https://binhgiang.haiphong.gov.vn/cchc/x.html"
    assert cchc(capsys, "publish", ITEM, "--url", url, "--at", "2026-03-18 09:00", *w).code == 0
    activity = ["--kind", "hoi-nghi", "--date", "2026-03-20", "--title", "@SUM(1+1)\x1b[31m", "--attendees", "5"]
    assert cchc(capsys, "activity", "add", *activity, *w).code == 0
    report = cchc(capsys, "report", "--period", "2026-Q1", "--format", "csv,xlsx", *w)
    assert report.code == 0 and "Traceback" not in report.err, report.err
    folder = ws.output_dir / "reports"
    listing_csv = (folder / "bao-cao-cchc-2026-Q1-danh-sach.csv").read_text(encoding="utf-8-sig")
    assert ",\"'=HYPERLINK(" in listing_csv  # shown as text, never run as a formula
    assert "'@SUM(1+1)" in (folder / "bao-cao-cchc-2026-Q1-hoat-dong.csv").read_text(encoding="utf-8-sig")
    book = load_workbook(io.BytesIO((folder / "bao-cao-cchc-2026-Q1.xlsx").read_bytes()))
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    formulas = [c for c in cells if c.value.startswith(("=", "@"))]
    assert formulas and all(c.data_type == "s" for c in formulas)
    assert not any("\x1b" in c.value or "\x07" in c.value for c in cells)


def test_a_huge_item_file_is_refused_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws = init_workspace(tmp_path / "ws")
    path = item_path(ws)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(("Nội dung rất dài. " * 4000 + "\n\n") * 700)  # about 50 MB
    started = time.monotonic()
    run = cchc(capsys, "items", "-w", str(ws.root))
    assert time.monotonic() - started < 20
    assert run.code == 0 and "lớn hơn 512 KB" in run.err and ITEM in run.err.replace("\n", "")
    assert "Tin, bài (13)" in run.out  # the 13 other items are still read


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (("timezone: Asia/Ho_Chi_Minh", "timezone: Mars/Olympus"), "múi giờ 'Mars/Olympus' không có"),
        (('primary: "#0d47a1"', "primary: xanh"), "không phải mã màu"),
        (("  name: Bình Giang", '  name: "Bình Giang'), "dấu nháy"),
        (("  name: Bình Giang", "\tname: Bình Giang"), "ký tự Tab"),
        (("quotas:", "quota:"), "mục không được hỗ trợ"),
    ],
)
def test_commune_yaml_mistakes_are_vietnamese_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: tuple[str, str], words: str
) -> None:
    ws = init_workspace(tmp_path / "ws")
    text = ws.config_path.read_text(encoding="utf-8")
    assert change[0] in text
    ws.config_path.write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    run = cchc(capsys, "items", "-w", str(ws.root))
    err = " ".join(run.err.split())
    assert run.code == 1 and "Traceback" not in err and words in err
    assert "commune.yaml, dòng" in run.err.replace("\n", "")


def test_command_line_mistakes_are_said_in_vietnamese(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    for args, words in (
        (["produce", "--khong-co"], "Không có tùy chọn --khong-co"),
        (["report", "--period"], "cần một giá trị"),
        (["items", "thua"], "Thừa tham số: thua"),
        (["activity", "add", "--kind", "x", "--date", "1", "--title", "t", "--attendees", "nhiều"], "số nguyên"),
        (["activity", "add", "--kind", "x", "--date", "1", "--title", "t", "--attendees", "-2"], "từ 0 trở lên"),
    ):
        at = 2 if args[0] == "activity" else 1  # -w after the subcommand's name
        run = cchc(capsys, *args[:at], "-w", str(tmp_path), *args[at:])
        assert run.code == 2 and words in " ".join(run.err.split()), run.err
        assert "Invalid value" not in run.err and "No such option" not in run.err


def test_a_plan_without_quotas_reports_without_a_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws = init_workspace(tmp_path / "ws")
    text = ws.config_path.read_text(encoding="utf-8")
    start, end = text.index("\nquotas:"), text.index("\n# Hoạt động ngoài tin, bài")
    ws.config_path.write_text(text[:start] + text[end:], encoding="utf-8")  # no `quotas:` at all
    w = ["-w", str(ws.root)]
    assert cchc(capsys, "quota", *w).code == 0
    run = cchc(capsys, "report", "--period", "2026-Q1", *w)
    assert run.code == 0 and "Traceback" not in run.err
    assert (ws.output_dir / "reports" / "bao-cao-cchc-2026-Q1.png").stat().st_size > 0


def test_an_address_that_is_not_a_web_address_is_refused_and_nothing_recorded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.core.ledger import Ledger
    from flows.core.status import EventKind

    monkeypatch.setenv("COLUMNS", "200")  # the message on one line
    ws = init_workspace(tmp_path / "ws")
    w = ["-w", str(ws.root)]
    published = cchc(capsys, "publish", ITEM, "--url", "binhgiang.haiphong.gov.vn/cchc/x.html", *w)
    assert published.code == 1
    assert "'binhgiang.haiphong.gov.vn/cchc/x.html' không hợp lệ: phải bắt đầu bằng http://" in published.err
    sent = ["posted", ITEM, "--channel", "newspaper", "--where", "Báo Hải Phòng", "--at", "2026-03-18 09:00"]
    refused = cchc(capsys, *sent, "--url", "ftp://baohaiphong.vn/bai", *w)
    assert refused.code == 1 and "'ftp://baohaiphong.vn/bai' không hợp lệ" in refused.err
    ledger = Ledger(ws.database_url)
    try:
        assert ledger.events(ITEM, EventKind.POSTED) == []
        assert cchc(capsys, *sent, "--url", "https://baohaiphong.vn/bai", *w).code == 0
        assert len(ledger.events(ITEM, EventKind.POSTED)) == 1
    finally:
        ledger.close()
