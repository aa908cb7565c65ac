"""Quotas and the report sent upward: every number checked against a ledger built with known deliveries."""

from __future__ import annotations

import csv
import datetime as dt
import io
import subprocess
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from flows.core.items import Item
from flows.core.ledger import Ledger, ProducedFile
from flows.core.periods import parse_period
from flows.core.plan import CommunePlan
from flows.reports import build_report, to_csv, to_xlsx
from flows.reports.docx import nd30_date, to_docx

from .cli import cchc
from .conftest import require_tool

FILE = ProducedFile("x", "0" * 64, 1)


def at(day: str, clock: str = "09:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{clock}+07:00")


@pytest.fixture
def known(ledger: Ledger, sample_items: dict[str, Item]) -> Ledger:
    """Q1 2026 with known outcomes (counts in comments), plus things that must not count."""
    items = sample_items
    # portal: three published in Q1 (vhxh ×2, kinh-te), one produced but never published, one retracted,
    # one published in April (outside)
    for item_id, day in (
        ("ke-hoach-tuyen-truyen-cchc-2026", "2026-01-26"),
        ("chi-so-sipas-hai-long", "2026-03-03"),
        ("ho-tro-ho-kinh-doanh", "2026-03-06"),
        ("van-hoa-cong-vu", "2026-03-17"),
        ("mttq-giam-sat-cchc", "2026-04-02"),
    ):
        ledger.record_produced(items[item_id], "portal", FILE, at=at(day, "08:00"))
        ledger.mark_published(item_id, f"https://binhgiang.haiphong.gov.vn/{item_id}", "ed", at(day))
    ledger.mark_unpublished("van-hoa-cong-vu", "Sai số liệu", "ed")  # retracted: stops counting
    ledger.record_produced(items["cuoc-thi-tim-hieu-cchc"], "portal", FILE, at=at("2026-03-19"))  # never published
    # loudspeaker: two items aired in March (one twice), one aired in February, one only in April
    for item_id, when in (
        ("chi-so-sipas-hai-long", at("2026-03-04", "06:15")),
        ("chi-so-sipas-hai-long", at("2026-03-05", "17:30")),
        ("ho-tro-ho-kinh-doanh", at("2026-03-07", "06:15")),
        ("thanh-toan-phi-le-phi-truc-tuyen", at("2026-02-06", "06:15")),
        ("mttq-giam-sat-cchc", at("2026-04-01", "06:00")),
    ):
        ledger.record_produced(items[item_id], "loudspeaker", FILE, at=at("2026-01-02"))
        ledger.mark_aired(item_id, when, "op", backfill=True)
    # infographic: one produced in Q1 (phvhcc); one produced in April for an item of 30 March: it counts on its
    # item's date, in Q1, not in the quarter it happened to be drawn
    ledger.record_produced(items["kich-hoat-tai-khoan-vneid"], "infographic", FILE, at=at("2026-03-24"))
    ledger.record_produced(items["sau-linh-vuc-cchc-2026"], "infographic", FILE, at=at("2026-04-10"))
    # activities: one dialogue and one conference in Q1, one dialogue in May
    ledger.add_activity("doi-thoai", dt.date(2026, 3, 20), "Đối thoại quý I", "vp", 120, "vp-hdnd-ubnd")
    ledger.add_activity("hoi-nghi", dt.date(2026, 2, 26), "Tập huấn dịch vụ công", "vp", 45, "phvhcc")
    ledger.add_activity("doi-thoai", dt.date(2026, 5, 15), "Đối thoại quý II", "vp", 90)
    return ledger


def rows_of(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_every_number_of_the_quarter(known: Ledger, plan: CommunePlan, sample_items: dict[str, Item]) -> None:
    report = build_report(known, plan, sample_items, parse_period("2026-Q1"), made_on=dt.date(2026, 4, 3))
    tables = {t.key: t for t in report.tables()}
    # portal 3 (retracted, unpublished and April ones left out); loudspeaker 3 distinct items; infographic 2
    assert tables["theo-kenh"].rows == [["Trang thông tin điện tử", 3], ["Infographic", 2], ["Loa truyền thanh", 3]]
    assert tables["theo-kenh"].totals == ["Tổng cộng (mỗi bài một lần)", 6]  # sipas and ho-tro count once
    rules = {row[0]: row[2:6] for row in tables["chi-tieu"].rows}
    assert rules["Tin, bài về công tác CCHC trên hệ thống loa truyền thanh xã"] == [6, 3, 50, "Không đạt"]
    assert rules["Tin, bài đăng chuyên mục Cải cách hành chính trên Trang thông tin điện tử"] == [
        12,
        3,
        25,
        "Không đạt",
    ]
    per_unit = "Mỗi đơn vị có tin, bài về lĩnh vực cải cách mình phụ trách"
    # sipas counts; the plan item is on a topic (policy) outside that office's own reform areas
    assert rules[f"{per_unit} (Phòng Văn hóa - Xã hội)"] == [1, 1, 100, "Đạt"]
    assert rules[f"{per_unit} (Phòng Kinh tế)"] == [1, 1, 100, "Đạt"]
    assert rules[f"{per_unit} (Trung tâm Phục vụ hành chính công xã)"] == [1, 2, 200, "Đạt"]  # thanh toán, vneid
    assert rules[f"{per_unit} (Ủy ban Mặt trận Tổ quốc Việt Nam xã)"] == [1, 0, 0, "Không đạt"]  # only in April
    # the yearly dialogue rule over its own year, counted to the end of the reported quarter (not May's):
    # on track at the end of March
    assert rules["Hội nghị đối thoại trực tiếp giữa Chủ tịch UBND xã với Nhân dân"] == [2, 1, 50, "Đang thực hiện"]
    by_unit = {row[0]: row[1:] for row in tables["theo-don-vi"].rows}
    assert by_unit["Phòng Văn hóa - Xã hội"] == [2, 0, 1, 2]
    assert by_unit["Trung tâm Phục vụ hành chính công xã"] == [0, 1, 1, 2]
    assert tables["theo-don-vi"].totals == ["Tổng cộng", 3, 2, 3, 6]
    assert tables["hoat-dong"].totals == ["Tổng cộng", 2, "", "", 165]
    listing = tables["danh-sach"].rows
    assert len(listing) == 8 and {r[1] for r in listing} == {
        "sau-linh-vuc-cchc-2026",
        "ke-hoach-tuyen-truyen-cchc-2026",
        "chi-so-sipas-hai-long",
        "ho-tro-ho-kinh-doanh",
        "thanh-toan-phi-le-phi-truc-tuyen",
        "kich-hoat-tai-khoan-vneid",
    }
    first_airing = next(r for r in listing if r[0] == "Loa truyền thanh" and r[1] == "chi-so-sipas-hai-long")
    assert first_airing[5] == "04/03/2026 06:15"

    # the same numbers in each format
    assert rows_of(to_csv(tables["theo-kenh"]))[1:] == [
        ["Trang thông tin điện tử", "3"],
        ["Infographic", "2"],
        ["Loa truyền thanh", "3"],
        ["Tổng cộng (mỗi bài một lần)", "6"],
    ]
    assert to_csv(tables["chi-tieu"]).startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for Vietnamese
    book = load_workbook(io.BytesIO(to_xlsx(report)))
    sheet = book["Tin, bài theo đơn vị"]
    assert [c.value for c in sheet[sheet.max_row]] == ["Tổng cộng", 3, 2, 3, 6]
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold and sheet[sheet.max_row][0].font.bold
    assert book["Kết quả thực hiện chỉ tiêu"].column_dimensions["A"].width == 60
    document = Document(io.BytesIO(to_docx(report)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "toàn xã có 6 tin, bài" in text and "trang thông tin điện tử 3 tin, bài" in text
    assert "loa truyền thanh 3 tin, bài" in text and "165 lượt người" in text
    cells = [[c.text for c in row.cells] for table in document.tables for row in table.rows]
    assert ["Tổng cộng", "3", "2", "3", "6"] in cells
    later = build_report(known, plan, sample_items, parse_period("2026-Q2"), made_on=dt.date(2026, 7, 3))
    assert {t.key: t for t in later.tables()}["theo-kenh"].rows[1] == ["Infographic", 0]


def test_report_document_follows_decree_30(
    known: Ledger, plan: CommunePlan, sample_items: dict[str, Item], tmp_path: Path
) -> None:
    report = build_report(known, plan, sample_items, parse_period("2026-Q1"), made_on=dt.date(2026, 3, 5))
    data = to_docx(report)
    document = Document(io.BytesIO(data))
    first, appendix = document.sections[0], document.sections[1]

    def mm(length: object) -> int:
        return round(length.mm)  # DOCX keeps sizes in twips: 210 mm reads back as 210.01

    assert (mm(first.page_width), mm(first.page_height)) == (210, 297)
    assert [mm(m) for m in (first.top_margin, first.bottom_margin, first.left_margin, first.right_margin)] == [
        20,
        20,
        30,
        15,
    ]
    assert appendix.page_width > appendix.page_height  # the tables in a landscape appendix
    assert first.different_first_page_header_footer  # no page number on page 1
    assert document.styles["Normal"].font.name == "Times New Roman"
    runs = [r for p in document.paragraphs for r in p.runs] + [
        r for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs
    ]
    assert {r.font.name for r in runs} == {"Times New Roman"}
    heading = [[p.text for p in cell.paragraphs if p.text] for cell in document.tables[0].rows[0].cells]
    assert heading == [
        ["ỦY BAN NHÂN DÂN", "XÃ BÌNH GIANG", "Số: …/BC-UBND"],
        ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Bình Giang, ngày 05 tháng 3 năm 2026"],
    ]
    date_run = document.tables[0].rows[0].cells[1].paragraphs[-1].runs[0]
    assert date_run.italic and document.tables[0].rows[0].cells[1].paragraphs[0].runs[0].bold
    texts = [p.text for p in document.paragraphs]
    assert "BÁO CÁO" in texts
    body = next(p for p in document.paragraphs if p.text.startswith("Thực hiện Kế hoạch"))
    assert body.alignment == 3 and abs(body.paragraph_format.first_line_indent.cm - 1.27) < 0.01  # justified
    closing = [[p.text for p in cell.paragraphs if p.text] for cell in document.tables[1].rows[0].cells]
    assert closing[0][0] == "Nơi nhận:" and closing[0][-1] == "- Lưu: VT, VHXH."
    assert closing[1] == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Vũ Thị Hòa"]
    # LibreOffice opens it and makes an A4 PDF whose first page carries the heading
    soffice = require_tool("soffice")
    source = tmp_path / "bao-cao.docx"
    source.write_bytes(data)
    subprocess.run(
        [soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    from pypdf import PdfReader

    pdf = PdfReader(tmp_path / "bao-cao.pdf")
    assert abs(float(pdf.pages[0].mediabox.width) - 595.3) < 1
    pdftotext = require_tool("pdftotext")  # reads text in page order, as a person does
    page_one = subprocess.run(
        [pdftotext, "-f", "1", "-l", "1", str(tmp_path / "bao-cao.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in page_one and "BÁO CÁO" in page_one


def test_decree_30_dates() -> None:
    assert nd30_date("Bình Giang", dt.date(2026, 3, 5)) == "Bình Giang, ngày 05 tháng 3 năm 2026"
    assert nd30_date("Bình Giang", dt.date(2026, 2, 14)) == "Bình Giang, ngày 14 tháng 02 năm 2026"
    assert nd30_date("Bình Giang", dt.date(2026, 12, 25)) == "Bình Giang, ngày 25 tháng 12 năm 2026"


def test_quota_command_flags_what_is_at_risk(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.core.workspace import init_workspace

    monkeypatch.setenv("COLUMNS", "200")
    ws = init_workspace(tmp_path / "ws")
    run = cchc(capsys, "quota", "-w", str(ws.root))
    assert run.code == 0
    assert "Tin, bài về công tác CCHC trên hệ thống loa truyền thanh xã" in run.out
    assert "có nguy cơ không đạt" in run.out and "Có nguy cơ không đạt" in run.err  # nothing aired this month yet
    assert "hạn gửi trước ngày 05/" in run.out
    data = cchc(capsys, "quota", "--json", "-w", str(ws.root)).out
    import json

    parsed = json.loads(data)
    assert parsed["next_report"]["due_before"].endswith("-05")
    assert len(parsed["quotas"]) == 3 + 6  # three rules, and one per office for the per-office rule


def test_activities_are_recorded_once_and_count(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from flows.core.workspace import init_workspace

    ws = init_workspace(tmp_path / "ws", with_samples=False)
    root = ["-w", str(ws.root)]
    args = [
        "activity",
        "add",
        "--kind",
        "doi-thoai",
        "--date",
        "10/03/2026",
        "--title",
        "Đối thoại quý I",
        "--attendees",
        "80",
        *root,
    ]
    assert "Đã ghi nhận" in cchc(capsys, *args).out
    assert "từ trước" in cchc(capsys, *args).out
    bad = cchc(capsys, "activity", "add", "--kind", "hop", "--date", "2026-03-10", "--title", "x", *root)
    assert bad.code == 1 and "doi-thoai" in bad.err
    status = cchc(capsys, "quota", "--period", "2026", "--json", *root).out
    import json

    dialogue = next(q for q in json.loads(status)["quotas"] if q["quota"] == "doi-thoai-hang-nam")
    assert (dialogue["actual"], dialogue["required"]) == (1, 2)


def test_report_command_writes_every_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from flows.core.workspace import init_workspace

    ws = init_workspace(tmp_path / "ws", with_samples=False)
    run = cchc(capsys, "report", "--period", "2026-Q1", "--out", str(tmp_path / "bc"), "-w", str(ws.root))
    assert run.code == 0, run.err
    names = sorted(p.name for p in (tmp_path / "bc").iterdir())
    assert "bao-cao-cchc-2026-Q1.xlsx" in names and "bao-cao-cchc-2026-Q1.docx" in names
    assert "bao-cao-cchc-2026-Q1.png" in names
    assert len([n for n in names if n.endswith(".csv")]) == 7  # six tables and the airtime
    bad = cchc(capsys, "report", "--period", "2026-Q1", "--format", "pdf", "-w", str(ws.root))
    assert bad.code == 1 and "csv, xlsx, docx, png" in bad.err
