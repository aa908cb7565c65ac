"""Layouts as data (after mkdocs-material's social cards): a canvas and its layers, read from
templates/infographic/<name>.yaml, drawn with Pillow in a font that covers every Vietnamese letter.

Text is NFC-normalised, wrapped at spaces, shrunk to fit its box down to a minimum size, then cut with an
ellipsis; each drawn line's real bounding box is recorded, with the contrast against the pixels under it,
so the tests can check that nothing leaves its box or the canvas and that text stays readable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

import fontpkg_be_vietnam_pro
import numpy as np
from PIL import Image, ImageColor, ImageDraw, ImageFont
from pydantic import BaseModel, ConfigDict, Field

from ..core.errors import ConfigError, SourceProblem
from ..core.text import nfc
from ..core.yamlsource import load_yaml_file

Box = tuple[int, int, int, int]  # left, top, right, bottom


class Layer(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Background(Layer):
    type: Literal["background"]
    colour: str | None = None
    gradient: tuple[str, str] | None = None  # top to bottom


class Rect(Layer):
    type: Literal["rect"]
    box: Box
    colour: str
    radius: int = 0


class Text(Layer):
    type: Literal["text"]
    text: str  # with {title}, {summary}, {commune}, {category}, {unit}, {footer}…
    box: Box
    font: Literal["Regular", "Medium", "SemiBold", "Bold", "ExtraBold", "Black"] = "Regular"
    size: tuple[int, int]  # largest, smallest
    max_lines: int = 3
    line_height: float = 1.25
    align: Literal["left", "center", "right"] = "left"
    valign: Literal["top", "middle", "bottom"] = "top"
    colour: str = "text"
    upper: bool = False
    pill: str | None = None  # a colour to draw a rounded label behind the text


class Facts(Layer):
    type: Literal["facts"]
    box: Box
    columns: int = 3
    max_items: int = 3
    gap: int = 24
    card: str = "card"
    value_font: str = "ExtraBold"
    value_size: tuple[int, int] = (64, 28)
    value_colour: str = "primary"
    label_font: str = "Medium"
    label_size: tuple[int, int] = (26, 16)
    label_colour: str = "card_text"


class Qr(Layer):
    type: Literal["qr"]
    box: Box
    colour: str = "qr"
    background: str = "qr_background"


class Logo(Layer):
    type: Literal["logo"]
    box: Box


AnyLayer = Annotated[Background | Rect | Text | Facts | Qr | Logo, Field(discriminator="type")]


class Layout(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    size: tuple[int, int]
    dpi: int = 72
    layers: list[AnyLayer]


@dataclass(frozen=True)
class Drawn:
    """One line of text as drawn: its layout box, the ink's bounding box, and its worst contrast."""

    layer: int
    text: str
    box: Box
    bbox: Box
    contrast: float


@dataclass
class Rendered:
    image: Image.Image
    drawn: list[Drawn] = field(default_factory=list)


@cache
def font(weight: str, size: int) -> ImageFont.FreeTypeFont:
    # Be Vietnam Pro covers every Vietnamese letter and tone; Pillow's default font covers none.
    return ImageFont.truetype(str(fontpkg_be_vietnam_pro.ROOT / "files" / f"BeVietnamPro-{weight}.ttf"), size)


def load_layout(name: str, search_path: list[Path]) -> Layout:
    for folder in search_path:
        path = folder / "infographic" / f"{name}.yaml"
        if path.is_file():
            return _load(path, path.stat().st_mtime_ns)
    raise ConfigError([SourceProblem(Path(f"templates/infographic/{name}.yaml"), "không tìm thấy bố cục")])


@cache
def _load(path: Path, _mtime: int) -> Layout:
    return load_yaml_file(path).validate(Layout)


# --- colour --------------------------------------------------------------------------------------------
def rgb(name: str, palette: dict[str, str]) -> tuple[int, int, int]:
    value = palette.get(name, name)
    return ImageColor.getrgb(value)[:3]


def _luminance(colour: tuple[int, int, int]) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """WCAG 2 contrast ratio."""
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _worst_contrast(image: Image.Image, bbox: Box, colour: tuple[int, int, int]) -> float:
    region = np.asarray(image.crop(bbox).convert("RGB").resize((8, 8))).reshape(-1, 3)
    return min(contrast(colour, tuple(int(c) for c in pixel)) for pixel in region)


# --- text fitting --------------------------------------------------------------------------------------
def wrap(text: str, face: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Break at spaces so each line fits `width` (a single over-long word is left to the ellipsis)."""
    lines: list[str] = []
    for word in text.split():
        if lines and face.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


# Stacked Vietnamese marks ("Ố", "Ặ") rise above the Latin ascender; "ỵ", "g" fall below the baseline.
_TALL = "ỐẶỸÁẤẮgjpqyỵ"


def _metrics(face: ImageFont.FreeTypeFont, line_height: float) -> tuple[int, int, int]:
    """(offset of the highest mark above the anchor, ink height, line step) for a face."""
    left, top, right, bottom = face.getbbox(_TALL, anchor="ls")
    ink = bottom - top
    return -top, ink, max(ink, round(face.size * line_height))


def fit(
    text: str, weight: str, box: Box, sizes: tuple[int, int], max_lines: int, line_height: float = 1.25
) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """Largest size in `sizes` at which the text fits the box; at the smallest, cut with an ellipsis."""
    width, height = box[2] - box[0], box[3] - box[1]
    largest, smallest = sizes
    for size in range(largest, smallest - 1, -1 if largest - smallest < 12 else -2):
        face = font(weight, size)
        lines = wrap(text, face, width)
        _, ink, step = _metrics(face, line_height)
        if (
            len(lines) <= max_lines
            and (len(lines) - 1) * step + ink <= height
            and all(face.getlength(line) <= width for line in lines)
        ):
            return face, lines
    face = font(weight, smallest)
    _, ink, step = _metrics(face, line_height)
    room = max(1, min(max_lines, (height - ink) // step + 1))
    every = wrap(text, face, width)
    lines = every[:room]
    if lines and (len(every) > room or face.getlength(lines[-1]) > width):
        last = lines[-1]
        while last and face.getlength(last + "…") > width:
            last = last[:-1].rstrip()
        lines[-1] = last + "…"
    return face, lines


def draw_text(canvas: Rendered, index: int, layer: Text, text: str, palette: dict[str, str]) -> None:
    text = nfc(text.upper() if layer.upper else text).strip()
    if not text:
        return
    pen = ImageDraw.Draw(canvas.image)
    box = layer.box
    face, lines = fit(text, layer.font, box, layer.size, layer.max_lines, layer.line_height)
    rise, ink, step = _metrics(face, layer.line_height)
    block = (len(lines) - 1) * step + ink
    top = {"top": box[1], "middle": box[1] + (box[3] - box[1] - block) // 2, "bottom": box[3] - block}[layer.valign]
    colour = rgb(layer.colour, palette)
    if layer.pill:
        widest = max(round(face.getlength(line)) for line in lines)
        pad = max(8, face.size // 3)
        left = {"left": box[0], "center": (box[0] + box[2] - widest) // 2, "right": box[2] - widest}[layer.align]
        pill_box = (left - pad, top - pad // 2, left + widest + pad, top + block + pad // 2)
        pen.rounded_rectangle(pill_box, radius=pad, fill=rgb(layer.pill, palette))
    for number, line in enumerate(lines):
        baseline = top + rise + number * step
        length = face.getlength(line)
        x = {"left": box[0], "center": box[0] + (box[2] - box[0] - length) / 2, "right": box[2] - length}[layer.align]
        bbox = tuple(round(v) for v in pen.textbbox((x, baseline), line, font=face, anchor="ls"))
        worst = _worst_contrast(canvas.image, bbox, colour) if bbox[2] > bbox[0] and bbox[3] > bbox[1] else 21.0
        pen.text((x, baseline), line, font=face, fill=colour, anchor="ls")
        canvas.drawn.append(Drawn(index, line, box, bbox, worst))


# --- layers ----------------------------------------------------------------------------------------------
def _gradient(size: tuple[int, int], top: tuple[int, int, int], bottom: tuple[int, int, int]) -> Image.Image:
    column = Image.linear_gradient("L").resize((1, size[1]))
    return Image.composite(Image.new("RGB", (1, size[1]), bottom), Image.new("RGB", (1, size[1]), top), column).resize(
        size
    )


def _qr(url: str, box: Box, dark: tuple[int, int, int], light: tuple[int, int, int]) -> Image.Image:
    import io

    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=10, border=2, dark=dark, light=light)
    side = min(box[2] - box[0], box[3] - box[1])
    return Image.open(buffer).convert("RGB").resize((side, side), Image.NEAREST)


def render(
    layout: Layout, values: dict[str, object], palette: dict[str, str], logo: Path | None = None, url: str | None = None
) -> Rendered:
    """Draw every layer in order. `values` fills the text templates; facts come as values["facts"]."""
    canvas = Rendered(Image.new("RGB", layout.size, rgb("white", palette)))
    for index, layer in enumerate(layout.layers):
        if isinstance(layer, Background):
            if layer.gradient:
                canvas.image.paste(_gradient(layout.size, *(rgb(c, palette) for c in layer.gradient)))
            elif layer.colour:
                canvas.image.paste(rgb(layer.colour, palette), (0, 0, *layout.size))
        elif isinstance(layer, Rect):
            ImageDraw.Draw(canvas.image).rounded_rectangle(
                layer.box, radius=layer.radius, fill=rgb(layer.colour, palette)
            )
        elif isinstance(layer, Text):
            draw_text(canvas, index, layer, layer.text.format_map(_Blank(values)), palette)
        elif isinstance(layer, Facts):
            _facts(canvas, index, layer, values.get("facts") or [], palette)
        elif isinstance(layer, Qr) and url:
            code = _qr(url, layer.box, rgb(layer.colour, palette), rgb(layer.background, palette))
            canvas.image.paste(code, layer.box[:2])
        elif isinstance(layer, Logo) and logo is not None:
            mark = Image.open(logo).convert("RGBA")
            mark.thumbnail((layer.box[2] - layer.box[0], layer.box[3] - layer.box[1]))
            canvas.image.paste(mark, layer.box[:2], mark)
    return canvas


class _Blank(dict):
    """Unknown or empty fields render as nothing rather than failing."""

    def __missing__(self, key: str) -> str:
        return ""


def _facts(canvas: Rendered, index: int, layer: Facts, facts: list, palette: dict[str, str]) -> None:
    facts = facts[: layer.max_items]
    if not facts:
        return
    columns = min(layer.columns, len(facts))
    rows = -(-len(facts) // columns)
    left, top, right, bottom = layer.box
    width = (right - left - layer.gap * (columns - 1)) // columns
    height = (bottom - top - layer.gap * (rows - 1)) // rows
    pen = ImageDraw.Draw(canvas.image)
    for number, fact in enumerate(facts):
        row, column = divmod(number, columns)
        x, y = left + column * (width + layer.gap), top + row * (height + layer.gap)
        pen.rounded_rectangle((x, y, x + width, y + height), radius=min(18, height // 6), fill=rgb(layer.card, palette))
        pad = max(12, min(width, height) // 10)
        split = y + pad + int((height - 2 * pad) * 0.45)
        value = Text(
            type="text",
            text=str(fact.value),
            box=(x + pad, y + pad, x + width - pad, split),
            font=layer.value_font,
            size=layer.value_size,
            max_lines=1,
            colour=layer.value_colour,
            valign="bottom",
        )
        label = Text(
            type="text",
            text=str(fact.label),
            box=(x + pad, split + pad // 2, x + width - pad, y + height - pad),
            font=layer.label_font,
            size=layer.label_size,
            max_lines=3,
            line_height=1.2,
            colour=layer.label_colour,
        )
        draw_text(canvas, index, value, value.text, palette)
        draw_text(canvas, index, label, label.text, palette)
