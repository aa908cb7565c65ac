"""Loudspeaker logs as real systems export them: Vietnamese or English headers, dd/mm/yyyy with seconds,
comma, semicolon or tab, UTF-8, UTF-8 with BOM, UTF-16 and windows-1258; bad rows refuse the whole file."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.channels.schedule.airlog import read_air_log
from flows.core.items import Item
from flows.core.ledger import Ledger, ProducedFile
from flows.core.periods import parse_period
from flows.core.plan import CommunePlan
from flows.core.quota import airtime, counted_deliveries

ITEMS = {"van-hoa-cong-vu", "chi-so-sipas-hai-long"}
VIETNAMESE = (
    "Thời gian phát;Tên tệp;Trạng thái;Thời lượng\n"
    "17/04/2026 06:00:05;van-hoa-cong-vu.mp3;Đã phát;95\n"
    "17/04/2026 06:02;chi-so-sipas-hai-long.mp3;Phát thành công;00:01:20\n"
    "18/04/2026 17:30:00;van-hoa-cong-vu.mp3;Lỗi: mất kết nối;12\n"
)


def windows_1258(text: str) -> bytes:
    """As Vietnamese Windows software writes it: letters with ơ, ư, â… precomposed, tones as combining marks."""
    import unicodedata

    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = b""
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
            out += (base + "".join(c for c in parts if c in tones)).encode("cp1258")
    return out


@pytest.mark.parametrize(
    ("encoding", "separator"),
    [("utf-8", ";"), ("utf-8-sig", ","), ("utf-16", "\t"), ("cp1258", ";"), ("utf-16-le", ",")],
)
def test_a_vietnamese_log_is_read_in_every_encoding_and_separator(
    tmp_path: Path, plan: CommunePlan, encoding: str, separator: str
) -> None:
    path = tmp_path / "nhat-ky.csv"
    text = VIETNAMESE.replace(";", separator)
    path.write_bytes(windows_1258(text) if encoding == "cp1258" else text.encode(encoding))
    log = read_air_log(path, plan, ITEMS)
    assert log.rejected == []
    assert [(a.item_id, a.at.strftime("%d/%m %H:%M:%S"), a.duration_seconds) for a in log.airings] == [
        ("van-hoa-cong-vu", "17/04 06:00:05", 95.0),
        ("chi-so-sipas-hai-long", "17/04 06:02:00", 80.0),
    ]
    assert len(log.not_aired) == 1 and "Lỗi: mất kết nối" in log.not_aired[0]  # a failed airing is not counted


def test_short_rows_and_impossible_dates_are_listed_not_crashed_on(tmp_path: Path, plan: CommunePlan) -> None:
    path = tmp_path / "log.csv"
    path.write_text(
        "file,time,status\n"
        "van-hoa-cong-vu.mp3\n"  # a short row
        "van-hoa-cong-vu.mp3,0001-01-01 00:00,ok\n"
        "van-hoa-cong-vu.mp3,31/02/2026 06:00,ok\n"
        ",2026-04-17 06:00,ok\n"
        "\n"
        "chi-so-sipas-hai-long.mp3,2026-04-17 06:10,ok\n",
        encoding="utf-8",
    )
    log = read_air_log(path, plan, ITEMS)
    assert [line.split(":")[0] for line in log.rejected] == [
        "log.csv, dòng 2",
        "log.csv, dòng 3",
        "log.csv, dòng 4",
        "log.csv, dòng 5",
    ]
    assert "0001-01-01" in log.rejected[1] and "thiếu tên tệp" in log.rejected[3]
    assert [a.item_id for a in log.airings] == ["chi-so-sipas-hai-long"]


def test_a_log_with_a_bad_row_records_nothing_and_a_good_one_keeps_the_airtime(
    tmp_path: Path, plan: CommunePlan, sample_items: dict[str, Item], capsys: pytest.CaptureFixture[str]
) -> None:
    from flows.core.workspace import init_workspace

    from .cli import cchc

    ws = init_workspace(tmp_path / "ws")
    ledger = Ledger(ws.database_url)
    for item_id in ITEMS:
        ledger.approve(sample_items[item_id], "Vũ Thị Hòa")
        ledger.record_produced(
            sample_items[item_id], "loudspeaker", ProducedFile(f"audio/{item_id}.mp3", "0" * 64, 1, 60.0)
        )
    path = tmp_path / "nhat-ky.csv"
    path.write_text(VIETNAMESE + "19/04/2026 06:00;khong-co.mp3;Đã phát;30\n", encoding="utf-8")
    run = cchc(capsys, "aired", "--import", str(path), "--ghi-bu", "-w", str(ws.root))
    assert run.code == 1 and "khong-co" in run.err and "dòng 5" in run.err
    assert [e for e in ledger.events() if e.kind == "aired"] == []  # nothing of the file, not the good rows either

    path.write_text(VIETNAMESE, encoding="utf-8")
    early = cchc(capsys, "aired", "--import", str(path), "-w", str(ws.root))
    assert early.code == 1 and "--ghi-bu" in early.err  # April's airings predate the audio made today
    assert [e for e in ledger.events() if e.kind == "aired"] == []
    run = cchc(capsys, "aired", "--import", str(path), "--ghi-bu", "-w", str(ws.root))
    assert run.code == 0 and run.out.count("Đã ghi nhận phát thanh") == 2 and "Lỗi: mất kết nối" in run.err
    april = parse_period("2026-04")
    assert len(counted_deliveries(ledger, plan, april)["loudspeaker"]) == 2
    (month,) = airtime(ledger, plan, april, sample_items)
    assert (month.month, month.airings, month.seconds) == ("2026-04", 2, 175.0)  # 95 s and 1 min 20 s, not 60 + 60
    ledger.close()
    report = cchc(capsys, "report", "--period", "2026-04", "--format", "csv", "-w", str(ws.root))
    assert report.code == 0
    table = (ws.output_dir / "reports" / "bao-cao-cchc-2026-04-thoi-luong-phat.csv").read_text(encoding="utf-8-sig")
    assert "04/2026,2,2.9" in table
