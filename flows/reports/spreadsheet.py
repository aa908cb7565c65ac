"""The report's tables as CSV (one file per table, UTF-8 with BOM for Excel) and XLSX (a sheet per table)."""

from __future__ import annotations

import csv
import io

from ..core.text import clean_text, safe_cell
from .tables import Report, Table


def to_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(v) for v in table.headers])
    writer.writerows([safe_cell(v) for v in row] for row in table.rows)
    if table.totals:
        writer.writerow([safe_cell(v) for v in table.totals])
    return buffer.getvalue().encode("utf-8-sig")  # the BOM lets Excel open Vietnamese text correctly


def to_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    bold, header_fill = Font(bold=True), PatternFill("solid", fgColor="DDE6F4")
    for table in report.tables():
        sheet = book.create_sheet(table.title[:31])
        sheet.append(table.headers)
        for cell in sheet[1]:
            cell.font, cell.fill = bold, header_fill
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for row in table.rows:
            sheet.append([clean_text(v) if isinstance(v, str) else v for v in row])
        if table.totals:
            sheet.append([clean_text(v) if isinstance(v, str) else v for v in table.totals])
            for cell in sheet[sheet.max_row]:
                cell.font = bold
        sheet.freeze_panes = "A2"
        for index, width in enumerate(table.widths, 1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, int):
                    cell.number_format = "#,##0"
                elif cell.data_type == "f":  # text that merely starts with "=": kept as text, never run
                    cell.data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
