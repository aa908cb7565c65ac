"""The report sent upward for a period: its tables (tables.py), written as CSV and XLSX (spreadsheet.py),
DOCX laid out per Nghị định 30/2020 (docx.py) and a PNG chart (chart.py)."""

from __future__ import annotations

from pathlib import Path

from ..core.atomic import write_atomic
from .chart import to_png
from .spreadsheet import to_csv, to_xlsx
from .tables import Report, Table, build_report

FORMATS = ("csv", "xlsx", "docx", "png")


def write_report(report: Report, out_dir: Path, formats: tuple[str, ...]) -> list[Path]:
    stem = report.stem
    written: list[Path] = []
    if "csv" in formats:
        for table in report.tables():
            written.append(out_dir / f"{stem}-{table.key}.csv")
            write_atomic(written[-1], to_csv(table))
    if "xlsx" in formats:
        written.append(out_dir / f"{stem}.xlsx")
        write_atomic(written[-1], to_xlsx(report))
    if "docx" in formats:
        from .docx import to_docx

        written.append(out_dir / f"{stem}.docx")
        write_atomic(written[-1], to_docx(report))
    if "png" in formats:
        written.append(out_dir / f"{stem}.png")
        write_atomic(written[-1], to_png(report))
    return written


__all__ = ["FORMATS", "Report", "Table", "build_report", "to_csv", "to_png", "to_xlsx", "write_report"]
