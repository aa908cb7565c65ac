"""Infographics, posters and banners in correct Vietnamese typography, read back as a person would."""

from __future__ import annotations

import dataclasses
import io
import os
import re
import subprocess
import unicodedata
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from flows.channels import cards
from flows.channels.banner import banner_pdf, parse_size
from flows.channels.layout import Drawn
from flows.core.errors import CchcError
from flows.core.items import Fact, Item
from flows.core.plan import CommunePlan

from .cli import cchc
from .conftest import render, require_tool

A4_POINTS = (595.28, 841.89)


def words(text: str) -> list[str]:
    return re.findall(r"\w+", unicodedata.normalize("NFC", text).lower())


def inside(inner: tuple[int, int, int, int], outer: tuple[int, int, int, int]) -> bool:
    return inner[0] >= outer[0] and inner[1] >= outer[1] and inner[2] <= outer[2] and inner[3] <= outer[3]


def test_ocr_reads_every_sample_title(plan: CommunePlan, sample_items: dict[str, Item]) -> None:
    tesseract = require_tool("tesseract")
    # one thread: tesseract's OpenMP threads spin against each other, 2.8 s a page on two cores against 0.5 s
    one_thread = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    scores = {}
    for item in sample_items.values():
        data = cards.png(cards.draw("portrait", item, plan).image)
        text = subprocess.run(
            [tesseract, "stdin", "stdout", "-l", "vie"], input=data, capture_output=True, check=True, env=one_thread
        ).stdout.decode("utf-8")
        found, title = set(words(text)), words(item.title)
        scores[item.id] = sum(w in found for w in title) / len(title)
    # diacritics included: "giá" read as "giú" is a miss
    assert min(scores.values()) >= 0.9, {k: round(v, 2) for k, v in scores.items() if v < 0.9}


def test_sizes_of_portrait_card_and_poster(plan: CommunePlan, sample_items: dict[str, Item]) -> None:
    item = sample_items["ho-tro-ho-kinh-doanh"]
    artifact = render("infographic", item, plan, slug="ho-tro")
    assert Image.open(io.BytesIO(artifact.data)).size == (1080, 1350)
    card = artifact.files[f"infographic/{item.id}-1200x630.png"]
    assert Image.open(io.BytesIO(card)).size == (1200, 630)
    poster = PdfReader(io.BytesIO(artifact.files[f"infographic/{item.id}-a4.pdf"]))
    page = poster.pages[0]
    assert len(poster.pages) == 1
    assert abs(float(page.mediabox.width) - A4_POINTS[0]) < 1 and abs(float(page.mediabox.height) - A4_POINTS[1]) < 1
    image = page.images[0].image
    assert image.size == (2480, 3508)  # 300 dpi over A4
    # the same item drawn twice gives the same bytes (a rerun changes nothing)
    assert render("infographic", item, plan, slug="ho-tro").files == artifact.files


def hostile_item(item: Item, title: str, facts: int) -> Item:
    extra = [
        Fact(value=f"{n * 1234},5%", label=f"chỉ tiêu thứ {n} của kế hoạch cải cách hành chính năm nay")
        for n in range(1, facts + 1)
    ]
    return dataclasses.replace(item, meta=item.meta.model_copy(update={"title": title, "facts": extra}))


@pytest.mark.parametrize("kind", ["portrait", "card", "poster"])
def test_long_title_and_eight_facts_stay_inside_their_boxes(
    kind: str, plan: CommunePlan, sample_items: dict[str, Item]
) -> None:
    title = (
        "Hướng dẫn chi tiết việc thực hiện thủ tục hành chính trên môi trường điện tử cho người dân, "
        "doanh nghiệp và hộ kinh doanh trên địa bàn xã, gồm đăng ký tài khoản định danh điện tử, nộp hồ sơ, "
        "thanh toán phí, lệ phí trực tuyến và nhận kết quả tại nhà qua dịch vụ bưu chính công ích, "
        "không phải đến trụ sở nhiều lần"
    )
    assert len(title) >= 300
    item = hostile_item(sample_items["huong-dan-nop-ho-so-truc-tuyen"], title, facts=8)
    rendered = cards.draw(kind, item, plan)
    canvas = (0, 0, *rendered.image.size)
    assert rendered.drawn
    for drawn in rendered.drawn:
        assert inside(drawn.bbox, drawn.box), drawn
        assert inside(drawn.bbox, canvas), drawn
    title_lines = [d for d in rendered.drawn if d.text.rstrip("…") in title and len(d.text) > 20]
    assert title_lines[-1].text.endswith("…")  # too long for the box even at the smallest size: cut, not spilled


def test_decomposed_input_draws_like_composed(plan: CommunePlan, sample_items: dict[str, Item]) -> None:
    item = sample_items["mo-hinh-mot-cua-than-thien"]
    decomposed = dataclasses.replace(
        item, meta=item.meta.model_copy(update={"title": unicodedata.normalize("NFD", item.meta.title)})
    )
    assert decomposed.meta.title != item.meta.title
    assert (
        cards.draw("portrait", decomposed, plan).image.tobytes() == cards.draw("portrait", item, plan).image.tobytes()
    )


def test_every_text_has_readable_contrast(plan: CommunePlan, sample_items: dict[str, Item]) -> None:
    worst: list[Drawn] = []
    for item in sample_items.values():
        for kind in ("portrait", "card", "poster"):
            worst += [d for d in cards.draw(kind, item, plan).drawn if d.contrast < 4.5]
    assert worst == []


def test_alt_text_names_title_and_facts(sample_items: dict[str, Item]) -> None:
    alt = cards.alt_text(sample_items["mo-hinh-mot-cua-than-thien"])
    assert alt.startswith('Ảnh minh họa: Mô hình "Bộ phận Một cửa thân thiện"')
    assert "hồ sơ trả đúng hẹn trong quý I (số liệu minh họa): 98%" in alt


# --- banners -----------------------------------------------------------------------------------------------
def test_banner_is_the_printed_size_with_the_slogan(plan: CommunePlan) -> None:
    slogan = plan.slogans[1].text
    reader = PdfReader(io.BytesIO(banner_pdf(slogan, 500, 80, plan)))
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 2.54), round(float(box.height) / 72 * 2.54)) == (500, 80)
    assert " ".join(reader.pages[0].extract_text().split()) == slogan.upper()
    assert banner_pdf(slogan, 500, 80, plan) == banner_pdf(slogan, 500, 80, plan)


def test_banner_command_makes_one_per_slogan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from flows.core.workspace import init_workspace

    ws = init_workspace(tmp_path / "ws", with_samples=False)
    run = cchc(capsys, "banner", "--size", "3x0.6m", "-w", str(ws.root))
    assert run.code == 0, run.err
    made = sorted((ws.output_dir / "bang-ron").glob("*.pdf"))
    assert len(made) == 2 and all(p.name.endswith("-300x60cm.pdf") for p in made)
    bad = cchc(capsys, "banner", "KHẨU HIỆU", "--size", "rộng", "-w", str(ws.root))
    assert bad.code == 1 and "500x80cm" in bad.err


def test_banner_sizes_parse_as_a_person_writes_them() -> None:
    assert parse_size("500x80cm") == (500, 80)
    assert parse_size("5 x 0,8 m") == (500, 80)
    with pytest.raises(CchcError):
        parse_size("9000x80cm")


def test_the_communes_logo_is_drawn_in_its_place(tmp_path: Path) -> None:
    from PIL import ImageDraw

    from flows.core.workspace import init_workspace

    ws = init_workspace(tmp_path / "ws")
    logo = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    ImageDraw.Draw(logo).ellipse((0, 0, 199, 199), fill=(220, 20, 20, 255))
    logo.save(ws.root / "assets" / "logo.png")
    config = ws.config_path.read_text(encoding="utf-8").replace("  logo: null", "  logo: logo.png")
    ws.config_path.write_text(config, encoding="utf-8")
    plan = ws.load_plan()
    item = ws.read_items(plan).items[0]
    portrait = cards.draw("portrait", item, plan, ws).image
    red = portrait.getpixel((952, 84))  # the centre of the logo box
    assert red[0] > 200 and red[1] < 60 and red[2] < 60
    assert (
        cards.draw(
            "portrait",
            item,
            ws.load_plan().model_copy(update={"style": plan.style.model_copy(update={"logo": None})}),
            ws,
        ).image.getpixel((952, 84))[0]
        < 100
    )  # without it, the background
