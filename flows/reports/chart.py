"""The report's chart: plan against actual per rule, as a PNG."""

from __future__ import annotations

import io

from .. import labels
from .tables import Report


def to_png(report: Report) -> bytes:
    """Plan against actual per rule, as horizontal bars."""
    from PIL import Image, ImageDraw

    from ..channels.layout import font, rgb

    palette = report.plan.style.palette
    rows = report.quotas
    width, row_height, left = 1400, 70, 620
    image = Image.new("RGB", (width, 140 + row_height * len(rows) + 60), "white")
    pen = ImageDraw.Draw(image)
    pen.text(
        (40, 30),
        f"Thực hiện chỉ tiêu tuyên truyền CCHC {labels.period(report.period)}",
        font=font("Bold", 34),
        fill=rgb("ink", palette),
    )
    legend = font("Regular", 24)
    pen.rectangle((40, 86, 64, 106), fill=(190, 190, 190))
    pen.text((74, 80), "Kế hoạch", font=legend, fill=rgb("ink", palette))
    pen.rectangle((220, 86, 244, 106), fill=rgb("primary", palette))
    pen.text((254, 80), "Thực hiện", font=legend, fill=rgb("ink", palette))
    top = 140
    scale = (width - left - 120) / max(max(s.required for s in rows), max(s.actual for s in rows), 1)
    for number, status in enumerate(rows):
        y = top + number * row_height
        name = f"   {status.unit.name}" if status.unit else status.quota.name  # per-office rows by the office
        label = name if len(name) <= 46 else name[:45] + "…"
        pen.text((40, y + 12), label, font=font("Regular", 22), fill=rgb("ink", palette))
        pen.rectangle((left, y + 6, left + status.required * scale, y + 28), fill=(190, 190, 190))
        colour = rgb("primary", palette) if status.met else (198, 40, 40)
        pen.rectangle((left, y + 32, left + max(2, status.actual * scale), y + 54), fill=colour)
        pen.text(
            (left + max(status.required, status.actual) * scale + 12, y + 18),
            f"{status.actual}/{status.required}",
            font=font("SemiBold", 22),
            fill=rgb("ink", palette),
        )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
