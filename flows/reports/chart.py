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
    if not report.quotas:
        return _by_channel(report)
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


def _by_channel(report: Report) -> bytes:
    """A plan with no numeric target: what was delivered per channel, and a line saying there is no target."""
    from PIL import Image, ImageDraw

    from ..channels.layout import font, rgb

    palette = report.plan.style.palette
    counts = [(labels.CHANNELS[c], len(report.counted[c])) for c in report.channels]
    counts.append(("Hoạt động", len(report.activities)))
    width, row_height, left = 1400, 70, 520
    image = Image.new("RGB", (width, 160 + row_height * len(counts) + 40), "white")
    pen = ImageDraw.Draw(image)
    ink = rgb("ink", palette)
    pen.text((40, 30), f"Kết quả tuyên truyền CCHC {labels.period(report.period)}", font=font("Bold", 34), fill=ink)
    pen.text((40, 84), "Kế hoạch không đặt chỉ tiêu bằng con số", font=font("Regular", 24), fill=ink)
    scale = (width - left - 120) / max(1, max(n for _, n in counts))
    for number, (name, count) in enumerate(counts):
        y = 150 + number * row_height
        pen.text((40, y + 12), name, font=font("Regular", 24), fill=ink)
        pen.rectangle((left, y + 10, left + max(2, count * scale), y + 44), fill=rgb("primary", palette))
        pen.text((left + count * scale + 12, y + 14), str(count), font=font("SemiBold", 24), fill=ink)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
