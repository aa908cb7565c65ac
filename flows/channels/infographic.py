"""Infographic channel: a 1080×1350 portrait image (fanpage, Zalo OA, portal) drawn with Pillow."""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache

import fontpkg_be_vietnam_pro
from PIL import Image, ImageDraw, ImageFont

from ..core.items import Item
from ..core.plan import CommunePlan
from ..core.text import nfc
from ..core.workspace import Workspace
from . import Artifact

WIDTH, HEIGHT = 1080, 1350
MARGIN = 80
TOP_COLOUR, BOTTOM_COLOUR = (13, 71, 161), (6, 30, 74)
ACCENT = (255, 202, 40)
TEXT = (255, 255, 255)
MUTED = (207, 222, 245)


@cache
def font(weight: str, size: int) -> ImageFont.FreeTypeFont:
    # Be Vietnam Pro covers every Vietnamese letter and tone; Pillow's default font covers none.
    return ImageFont.truetype(str(fontpkg_be_vietnam_pro.ROOT / "files" / f"BeVietnamPro-{weight}.ttf"), size)


@dataclass(frozen=True)
class Box:
    left: int
    top: int
    right: int
    bottom: int

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def height(self) -> int:
        return self.bottom - self.top


def wrap(text: str, face: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Break at spaces so each line fits `width` (a single over-long word is left to the ellipsis)."""
    lines: list[str] = []
    for word in text.split():
        if lines and face.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def fit_text(
    text: str, weight: str, box: Box, sizes: tuple[int, int], max_lines: int, line_height: float = 1.25
) -> tuple[ImageFont.FreeTypeFont, list[str], int]:
    """Largest size in `sizes` at which the text fits the box; at the smallest, cut with an ellipsis."""
    largest, smallest = sizes
    for size in range(largest, smallest - 1, -2):
        face = font(weight, size)
        lines = wrap(text, face, box.width)
        step = round(size * line_height)
        if (
            len(lines) <= max_lines
            and len(lines) * step <= box.height
            and all(face.getlength(line) <= box.width for line in lines)
        ):
            return face, lines, step
    face = font(weight, smallest)
    step = round(smallest * line_height)
    room = min(max_lines, max(1, box.height // step))
    every = wrap(text, face, box.width)
    lines = every[:room]
    if lines and (len(every) > room or face.getlength(lines[-1]) > box.width):
        last = lines[-1]
        while last and face.getlength(last + "…") > box.width:
            last = last[:-1].rstrip()
        lines[-1] = last + "…"
    return face, lines, step


def _draw_lines(
    draw: ImageDraw.ImageDraw,
    lines: list[str],
    face: ImageFont.FreeTypeFont,
    step: int,
    box: Box,
    colour: tuple[int, int, int],
) -> int:
    y = box.top
    for line in lines:
        draw.text((box.left, y), line, font=face, fill=colour)
        y += step
    return y


def _gradient(width: int = WIDTH, height: int = HEIGHT) -> Image.Image:
    column = Image.new("RGB", (1, height))
    for y in range(height):
        t = y / (height - 1)
        column.putpixel((0, y), tuple(round(a + (b - a) * t) for a, b in zip(TOP_COLOUR, BOTTOM_COLOUR, strict=True)))
    return column.resize((width, height))


def draw(item: Item, plan: CommunePlan) -> Image.Image:
    image = _gradient()
    pen = ImageDraw.Draw(image)
    commune = plan.commune

    header = nfc(f"ỦY BAN NHÂN DÂN {commune.kind} {commune.name}".upper())
    pen.text((MARGIN, 70), header, font=font("SemiBold", 30), fill=MUTED)
    tag = nfc(commune.portal_category.upper())
    tag_face = font("Bold", 30)
    tag_width = round(tag_face.getlength(tag))
    pen.rounded_rectangle((MARGIN, 125, MARGIN + tag_width + 40, 180), radius=10, fill=ACCENT)
    pen.text((MARGIN + 20, 132), tag, font=tag_face, fill=BOTTOM_COLOUR)

    title_box = Box(MARGIN, 230, WIDTH - MARGIN, 640)
    face, lines, step = fit_text(nfc(item.meta.title), "Bold", title_box, (76, 44), max_lines=5, line_height=1.22)
    y = _draw_lines(pen, lines, face, step, title_box, TEXT)
    pen.rectangle((MARGIN, y + 20, MARGIN + 160, y + 28), fill=ACCENT)

    summary_box = Box(MARGIN, y + 60, WIDTH - MARGIN, 940 if item.meta.facts else 1160)
    face, lines, step = fit_text(nfc(item.meta.summary), "Regular", summary_box, (38, 28), max_lines=7, line_height=1.4)
    _draw_lines(pen, lines, face, step, summary_box, MUTED)

    facts = item.meta.facts[:3]
    if facts:
        gap = 24
        width = (WIDTH - 2 * MARGIN - gap * (len(facts) - 1)) // len(facts)
        for index, fact in enumerate(facts):
            left = MARGIN + index * (width + gap)
            pen.rounded_rectangle((left, 980, left + width, 1180), radius=18, fill=(255, 255, 255))
            value_box = Box(left + 20, 1000, left + width - 20, 1080)
            face, lines, step = fit_text(nfc(fact.value), "ExtraBold", value_box, (64, 30), max_lines=1)
            _draw_lines(pen, lines, face, step, value_box, TOP_COLOUR)
            label_box = Box(left + 20, 1085, left + width - 20, 1170)
            face, lines, step = fit_text(nfc(fact.label), "Medium", label_box, (26, 18), max_lines=3, line_height=1.2)
            _draw_lines(pen, lines, face, step, label_box, (40, 40, 40))

    pen.rectangle((0, 1220, WIDTH, HEIGHT), fill=(4, 20, 52))
    footer = [plan.unit(item.meta.unit).name]
    if item.meta.hotline:
        footer.append(f"Đường dây nóng: {item.meta.hotline}")
    footer.append(commune.portal_url.removeprefix("https://").removeprefix("http://").rstrip("/"))
    footer_box = Box(MARGIN, 1240, WIDTH - MARGIN, 1330)
    face, lines, step = fit_text(nfc(" · ".join(footer)), "Medium", footer_box, (26, 20), max_lines=2, line_height=1.35)
    _draw_lines(pen, lines, face, step, footer_box, MUTED)
    return image


CARD_WIDTH, CARD_HEIGHT = 1200, 630


def draw_card(item: Item, plan: CommunePlan) -> Image.Image:
    """The 1200×630 card a portal page names as its og:image (shared on Facebook and Zalo)."""
    image = _gradient(CARD_WIDTH, CARD_HEIGHT)
    pen = ImageDraw.Draw(image)
    commune = plan.commune
    pen.text(
        (60, 48), nfc(f"ỦY BAN NHÂN DÂN {commune.kind} {commune.name}".upper()), font=font("SemiBold", 26), fill=MUTED
    )
    tag = nfc(commune.portal_category.upper())
    tag_face = font("Bold", 24)
    pen.rounded_rectangle((60, 92, 60 + round(tag_face.getlength(tag)) + 32, 136), radius=8, fill=ACCENT)
    pen.text((76, 98), tag, font=tag_face, fill=BOTTOM_COLOUR)
    title_box = Box(60, 170, CARD_WIDTH - 60, 520)
    face, lines, step = fit_text(nfc(item.meta.title), "Bold", title_box, (64, 36), max_lines=4, line_height=1.2)
    _draw_lines(pen, lines, face, step, title_box, TEXT)
    pen.rectangle((0, 550, CARD_WIDTH, CARD_HEIGHT), fill=(4, 20, 52))
    footer = f"{plan.unit(item.meta.unit).name} · {commune.portal_url.split('://', 1)[-1].rstrip('/')}"
    footer_box = Box(60, 570, CARD_WIDTH - 60, 615)
    face, lines, step = fit_text(nfc(footer), "Medium", footer_box, (24, 18), max_lines=1)
    _draw_lines(pen, lines, face, step, footer_box, MUTED)
    return image


def png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def render(item: Item, plan: CommunePlan, workspace: Workspace | None = None) -> Artifact:
    return Artifact(png(draw(item, plan)))
