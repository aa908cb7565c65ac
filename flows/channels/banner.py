"""Slogan banners (băng rôn, khẩu hiệu) as vector PDFs at their printed size, for any length in centimetres.

A raster at print resolution for a 5 m banner would take hundreds of megabytes; text drawn as vector
outlines prints sharp at any size, and the file stays small. The slogan is balanced over one to three lines
at the largest size that fits.
"""

from __future__ import annotations

import io
import itertools
import re
from functools import cache

import fontpkg_be_vietnam_pro

from ..core.errors import CchcError
from ..core.plan import CommunePlan
from ..core.text import nfc
from .layout import contrast, rgb

POINTS_PER_CM = 72 / 2.54
FONT = "BeVietnamPro-Bold"
LINE_HEIGHT = 1.18
BANNER_COLOURS = {"banner": "#b71c1c", "banner_text": "#ffeb3b"}  # red and yellow, as slogans are hung


def parse_size(text: str) -> tuple[float, float]:
    """'500x80cm', '5x0.8m' or '500 x 80' (centimetres) → (width, height) in centimetres."""
    found = re.fullmatch(r"\s*([\d.,]+)\s*[x×]\s*([\d.,]+)\s*(cm|m)?\s*", text.lower())
    if not found:
        raise CchcError(f"Kích thước '{text}' không hợp lệ. Ví dụ đúng: 500x80cm hoặc 5x0.8m.")
    width, height = (float(v.replace(",", ".")) for v in found.group(1, 2))
    if found[3] == "m":
        width, height = width * 100, height * 100
    if not (10 <= width <= 5000 and 10 <= height <= 5000):
        raise CchcError("Kích thước băng rôn phải từ 10 cm đến 50 m mỗi chiều.")
    return width, height


@cache
def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(FONT, str(fontpkg_be_vietnam_pro.ROOT / "files" / "BeVietnamPro-Bold.ttf")))
    return FONT


def _splits(words: list[str], lines: int) -> list[list[str]]:
    options = []
    for cuts in itertools.combinations(range(1, len(words)), lines - 1):
        bounds = (0, *cuts, len(words))
        options.append([" ".join(words[a:b]) for a, b in zip(bounds, bounds[1:], strict=False)])
    return options


def layout_slogan(text: str, width_pt: float, height_pt: float) -> tuple[list[str], float]:
    """The lines and font size that make the slogan as large as the banner allows (90 % × 72 % of it)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    words = nfc(text).upper().split()
    best: tuple[list[str], float] = ([" ".join(words)], 0.0)
    for count in range(1, min(3, len(words)) + 1):
        for lines in _splits(words, count):
            widest = max(stringWidth(line, _font(), 1) for line in lines)
            size = min(0.9 * width_pt / widest, 0.72 * height_pt / (count * LINE_HEIGHT))
            if size > best[1]:
                best = (lines, size)
    return best


def banner_pdf(text: str, width_cm: float, height_cm: float, plan: CommunePlan) -> bytes:
    from reportlab.pdfgen import canvas

    palette = {**BANNER_COLOURS, **plan.style.palette}
    background, ink = rgb("banner", palette), rgb("banner_text", palette)
    if contrast(background, ink) < 4.5:
        raise CchcError("Màu chữ và màu nền băng rôn quá giống nhau (độ tương phản dưới 4,5:1); sửa style.colours.")
    width, height = width_cm * POINTS_PER_CM, height_cm * POINTS_PER_CM
    lines, size = layout_slogan(text, width, height)
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=(width, height), invariant=1, pageCompression=1)
    page.setTitle(nfc(text))
    page.setAuthor(f"Ủy ban nhân dân {plan.commune.full_name}")
    page.setFillColorRGB(*(c / 255 for c in background))
    page.rect(0, 0, width, height, stroke=0, fill=1)
    page.setFillColorRGB(*(c / 255 for c in ink))
    page.setFont(_font(), size)
    block = len(lines) * size * LINE_HEIGHT
    for number, line in enumerate(lines):
        # baselines spaced by the line height, the block centred; cap height about 0.72 of the size
        baseline = (height + block) / 2 - (number + 1) * size * LINE_HEIGHT + (LINE_HEIGHT - 0.72) * size / 2
        page.drawCentredString(width / 2, baseline, line)
    page.showPage()
    page.save()
    return buffer.getvalue()
