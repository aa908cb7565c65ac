"""The period report as a DOCX laid out per Nghị định 30/2020/NĐ-CP, Phụ lục I (thể thức văn bản hành chính).

A4 portrait, margins 20/20/30/15 mm, Times New Roman; the two-column heading (issuing authority and number
on the left, national motto on the right, each with its rule), place and date in italics, title, body
justified with a first-line indent, "Nơi nhận" and the signature block; the tables in a landscape appendix;
page numbers centred in the top margin from page 2.
"""

from __future__ import annotations

import datetime as dt
import io
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Mm, Pt
from docx.text.paragraph import Paragraph

from .. import labels
from ..core.status import TaskStatus
from .tables import Report

FONT = "Times New Roman"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


def nd30_date(place: str, day: dt.date) -> str:
    """ "Bình Giang, ngày 05 tháng 3 năm 2026": a leading zero for days under 10 and for months 1 and 2."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def _run(paragraph: Paragraph, text: str, size: float, bold: bool = False, italic: bool = False) -> None:
    run = paragraph.add_run(text)
    run.font.name, run.font.size, run.bold, run.italic = FONT, Pt(size), bold, italic
    run._element.rPr.rFonts.set(qn("w:eastAsia"), FONT)


def _para(
    container: object,
    text: str = "",
    size: float = 14,
    bold: bool = False,
    italic: bool = False,
    align: int = WD_ALIGN_PARAGRAPH.CENTER,
    after: float = 0,
    indent: float | None = None,
) -> Paragraph:
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(after)
    paragraph.paragraph_format.space_before = Pt(0)
    if indent is not None:
        paragraph.paragraph_format.first_line_indent = Cm(indent)
    if text:
        _run(paragraph, text, size, bold, italic)
    return paragraph


def _rule(container: object, length_cm: float, column_cm: float) -> Paragraph:
    """A centred horizontal rule `length_cm` long: an empty paragraph's bottom border, indented to length."""
    paragraph = container.add_paragraph()
    side = max(0.0, (column_cm - length_cm) / 2)
    paragraph.paragraph_format.left_indent = Cm(side)
    paragraph.paragraph_format.right_indent = Cm(side)
    paragraph.paragraph_format.space_before = Pt(0)
    paragraph.paragraph_format.space_after = Pt(8)
    paragraph.paragraph_format.line_spacing = Pt(4)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)
    return paragraph


def _columns(table: object, widths_cm: list[float]) -> None:
    """Fixed column widths, in the grid (what LibreOffice reads) as well as in each cell (what Word reads)."""
    table.autofit = False
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)


def _no_borders(table: object) -> None:
    properties = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    properties.append(borders)


def _page_number(section: object) -> None:
    """The page number centred in the top margin; the first page of the document has none."""
    header = section.header
    header.is_linked_to_previous = False
    paragraph = header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    fonts = OxmlElement("w:rFonts")
    fonts.set(qn("w:ascii"), FONT)
    fonts.set(qn("w:hAnsi"), FONT)
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "28")
    properties.extend([fonts, size])
    text = OxmlElement("w:t")
    text.text = "2"
    run.extend([properties, text])
    field.append(run)
    paragraph._p.append(field)


def _margins(section: object) -> None:
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(10)


def _body(document: object, text: str) -> None:
    paragraph = _para(document, text, 14, align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=6, indent=1.27)
    paragraph.paragraph_format.line_spacing = 1.2


def _heading(document: object, text: str) -> None:
    paragraph = _para(document, text, 14, bold=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=6, indent=1.27)
    paragraph.paragraph_format.line_spacing = 1.2


def _row_xml(values: list[object], widths_cm: list[float], bold: bool) -> str:
    """One table row as WordprocessingML: cells of 12-pt Times New Roman, numbers centred."""
    cells = []
    for value, width in zip(values, widths_cm, strict=True):
        align = "center" if isinstance(value, int) else "left"
        cells.append(
            f'<w:tc><w:tcPr><w:tcW w:w="{round(width * 567)}" w:type="dxa"/></w:tcPr>'
            f'<w:p><w:pPr><w:spacing w:before="0" w:after="0"/><w:jc w:val="{align}"/></w:pPr>'
            f'<w:r><w:rPr><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/>'
            f'{"<w:b/>" if bold else ""}<w:sz w:val="24"/></w:rPr>'
            f'<w:t xml:space="preserve">{escape(str(value))}</w:t></w:r></w:p></w:tc>'
        )
    return f"<w:tr {nsdecls('w')}>{''.join(cells)}</w:tr>"


def _table(
    document: object, headers: list[str], rows: list[list[object]], totals: list[object] | None, widths: list[float]
) -> None:
    """A bordered table. Rows are written as XML: python-docx's cell-by-cell API takes seconds for a year's
    list of items, this takes milliseconds, with the same formatting."""
    table = document.add_table(rows=0, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
    element = table._tbl
    element.append(parse_xml(_row_xml(headers, widths, bold=True)))
    for values in rows:
        element.append(parse_xml(_row_xml(values, widths, bold=False)))
    if totals:
        element.append(parse_xml(_row_xml(totals, widths, bold=True)))
    _para(document, after=6)


def to_docx(report: Report) -> bytes:
    plan, period = report.plan, report.period
    commune, signatory = plan.commune, plan.signatory
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(14)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)

    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    _margins(section)
    section.different_first_page_header_footer = True
    _page_number(section)
    text_width = 21.0 - 3.0 - 1.5

    # heading: issuing authority | national motto
    heading = document.add_table(rows=1, cols=2)
    _no_borders(heading)
    _columns(heading, [6.0, text_width - 6.0])
    left, right = heading.rows[0].cells
    left.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    if report.unit is not None:  # an office reports to the commune: the commune above, the office below
        _run(left.paragraphs[0], f"UBND {commune.kind} {commune.name}".upper(), 13)
        _para(left, report.unit.name.upper(), 13, bold=True)
    else:
        _run(left.paragraphs[0], "ỦY BAN NHÂN DÂN", 13)
        _para(left, f"{commune.kind} {commune.name}".upper(), 13, bold=True)
    _rule(left, 2.0, 6.0)
    _para(left, plan.reporting.number, 13)
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(right.paragraphs[0], "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 13, bold=True)
    _para(right, MOTTO, 14, bold=True)
    _rule(right, 6.2, text_width - 6.0)
    _para(right, nd30_date(commune.name, report.made_on), 14, italic=True)

    # title and summary line
    _para(document, after=6)
    _para(document, "BÁO CÁO", 14, bold=True)
    _para(document, f"Kết quả công tác tuyên truyền cải cách hành chính {labels.period(period)}", 14, bold=True)
    _rule(document, 3.0, text_width)

    statuses = report.quotas
    met = [s for s in statuses if s.met]
    counts = {c: len(report.counted[c]) for c in report.channels}
    _body(
        document,
        f"Thực hiện Kế hoạch tuyên truyền cải cách hành chính năm {(plan.validity or period).start.year}"
        + (f" của Ủy ban nhân dân {commune.full_name}" if report.unit else "")
        + f", {report.reporter} báo cáo kết quả công tác tuyên truyền cải cách hành chính "
        f"{labels.period(period)} như sau:",
    )
    _heading(document, "I. KẾT QUẢ THỰC HIỆN")
    whole = "đơn vị chủ trì" if report.unit else "toàn xã"
    _body(
        document,
        f"1. Trong kỳ, {whole} có {len(report.items)} tin, bài về cải cách hành chính được tuyên truyền: "
        + "; ".join(f"{labels.CHANNEL_TEXT[c]} {counts[c]} tin, bài" for c in report.channels)
        + ".",
    )
    if report.airtime:
        minutes = round(sum(a.seconds for a in report.airtime) / 60)
        _body(
            document,
            f"Trên hệ thống loa truyền thanh: {sum(a.airings for a in report.airtime)} lượt phát, tổng thời lượng "
            f"khoảng {minutes} phút.",
        )
    if report.activities:
        attendees = sum(a.attendees or 0 for a in report.activities)
        _body(
            document,
            f"2. Tổ chức {len(report.activities)} hoạt động tuyên truyền khác (hội nghị, đối thoại, cuộc thi, "
            f"cổ động trực quan) với {attendees} lượt người tham dự.",
        )
    number = 3 if report.activities else 2
    if report.tasks:
        done = [t for t in report.tasks if t.status is TaskStatus.DONE]
        late = [t for t in report.tasks if t.late(report.as_of)]
        _body(
            document,
            f"{number}. Thực hiện {len(report.tasks)} nhiệm vụ theo kế hoạch: {len(done)} nhiệm vụ đã hoàn thành, "
            f"{len(report.tasks) - len(done)} nhiệm vụ đang hoặc chưa thực hiện"
            + (f", trong đó {len(late)} nhiệm vụ quá hạn" if late else "")
            + "; chi tiết tại Phụ lục kèm theo.",
        )
        number += 1
    if plan.quotas and not plan.applies_to(period.start, period.end):
        _body(
            document,
            f"{number}. Kỳ báo cáo nằm ngoài thời gian hiệu lực của kế hoạch "
            f"({labels.period(plan.validity)}) nên các chỉ tiêu của kế hoạch không áp dụng.",
        )
    elif statuses:
        _body(
            document,
            f"{number}. Kết quả thực hiện chỉ tiêu: đạt {len(met)}/{len(statuses)} "
            "chỉ tiêu theo kế hoạch; chi tiết tại Phụ lục kèm theo.",
        )
    elif report.unit is not None and plan.quotas:
        _body(
            document,
            f"{number}. Kế hoạch không giao chỉ tiêu bằng con số riêng cho đơn vị; kết quả được báo cáo theo số "
            "tin, bài và hoạt động nêu trên, chi tiết tại Phụ lục kèm theo.",
        )
    else:
        _body(
            document,
            f"{number}. Kế hoạch của xã không đặt chỉ tiêu bằng con số; kết quả được báo cáo theo số tin, bài và "
            "hoạt động nêu trên, chi tiết tại Phụ lục kèm theo.",
        )
    _heading(document, "II. ĐÁNH GIÁ")
    missed = [s for s in statuses if not s.met]
    if not statuses:  # never a claim that targets were met when the plan sets none
        _body(document, "Không có chỉ tiêu bằng con số cho kỳ này nên báo cáo không đánh giá đạt hay chưa đạt.")
    elif missed:
        _body(
            document,
            "Các chỉ tiêu chưa đạt: "
            + "; ".join(s.label if s.is_coverage else f"{s.label} ({s.actual}/{s.required})" for s in missed)
            + ". Các đơn vị liên quan cần bổ sung tin, bài trong kỳ tới.",
        )
    elif all(s.actual > s.required for s in statuses):
        _body(document, "Các chỉ tiêu tuyên truyền trong kỳ đều đạt và vượt kế hoạch.")
    else:
        _body(document, "Các chỉ tiêu tuyên truyền trong kỳ đều đạt kế hoạch.")
    _body(
        document,
        f"Trên đây là báo cáo kết quả công tác tuyên truyền cải cách hành chính {labels.period(period)} của "
        f"{report.reporter}./.",
    )

    # recipients | signature
    closing = document.add_table(rows=1, cols=2)
    _no_borders(closing)
    _columns(closing, [8.0, text_width - 8.0])
    left, right = closing.rows[0].cells
    recipients = left.paragraphs[0]
    recipients.alignment = WD_ALIGN_PARAGRAPH.LEFT
    _run(recipients, "Nơi nhận:", 12, bold=True, italic=True)
    recipients_ = (
        [f"UBND {commune.full_name} (qua Phòng Văn hóa - Xã hội)"] if report.unit else plan.reporting.recipients
    )
    for name in recipients_:
        _para(left, f"- {name};", 11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _para(left, "- Lưu: VT." if report.unit else f"- {plan.reporting.filing}", 11, align=WD_ALIGN_PARAGRAPH.LEFT)
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    if report.unit is not None:  # the office's head signs; the name is written by hand
        _run(right.paragraphs[0], "THỦ TRƯỞNG ĐƠN VỊ", 14, bold=True)
        _para(right, "(Ký, ghi rõ họ tên)", 14, italic=True)
    else:
        _run(right.paragraphs[0], signatory.authority.upper(), 14, bold=True)
        _para(right, signatory.title.upper(), 14, bold=True)
        _para(right, signatory.position.upper(), 14, bold=True)
        for _ in range(4):
            _para(right, "", 14)
        _para(right, signatory.name, 14, bold=True)

    # appendix: the tables, landscape
    appendix = document.add_section(WD_SECTION.NEW_PAGE)
    appendix.orientation = WD_ORIENT.LANDSCAPE
    appendix.page_width, appendix.page_height = Mm(297), Mm(210)
    _margins(appendix)
    appendix.different_first_page_header_footer = False
    _page_number(appendix)
    _para(document, "PHỤ LỤC", 14, bold=True)
    _para(document, f"Kết quả tuyên truyền cải cách hành chính {labels.period(period)}", 14, bold=True)
    _para(
        document,
        f"(Kèm theo Báo cáo {plan.reporting.number.removeprefix('Số: ')} của {report.reporter})",
        14,
        italic=True,
        after=6,
    )
    wide = 29.7 - 3.0 - 1.5
    for number, table in enumerate(report.tables(), 1):
        _para(document, f"{number}. {table.title}", 13, bold=True, align=WD_ALIGN_PARAGRAPH.LEFT, after=4)
        rows = table.rows or [["(không có)", *[""] * (len(table.headers) - 1)]]
        widths = [wide * w / sum(table.widths) for w in table.widths]
        _table(document, table.headers, rows, table.totals, widths)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
