"""Each channel's output, read back the way a person would check it."""

from __future__ import annotations

import dataclasses
import io
import re
import subprocess
import unicodedata
from html.parser import HTMLParser

from PIL import Image

from flows.channels import infographic, loudspeaker, portal
from flows.core.items import Item
from flows.core.plan import CommunePlan
from flows.speech.audio import decode_mp3

from .conftest import require_tool


def words(text: str) -> list[str]:
    return re.findall(r"\w+", unicodedata.normalize("NFC", text).lower())


# --- portal ---------------------------------------------------------------------------------------------------
def test_post_page_carries_title_summary_and_canonical(plan: CommunePlan, sample_items: dict[str, Item]) -> None:
    item = sample_items["huong-dan-nop-ho-so-truc-tuyen"]
    html = portal.render(item, plan).data.decode("utf-8")
    assert '<html lang="vi">' in html
    assert f"<h1>{item.title}</h1>" in html
    assert item.meta.summary in html
    assert f'href="{plan.commune.portal_url}/posts/{item.id}.html"' in html
    assert "<li>Đăng nhập bằng tài khoản định danh điện tử VNeID.</li>" in html  # the Markdown list is rendered


class Markup(HTMLParser):
    """Every element and attribute of a page, as a browser would see them."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [(name, value or "") for name, value in attrs]


def test_post_never_carries_scripts_from_the_item(plan: CommunePlan, sample_items: dict[str, Item]) -> None:
    item = sample_items["van-hoa-cong-vu"]
    hostile = dataclasses.replace(
        item,
        meta=item.meta.model_copy(update={"channels": ["portal"]}),  # no infographic, so no image of its own
        body='<script>alert(1)</script>\n\n<img src=x onerror="alert(2)">\n\n[bấm vào đây](javascript:alert(3))\n\n'
        '<iframe src="https://example.com"></iframe>\n\n<p style="display:none" onclick="x()">ẩn</p>\n\n'
        '<a href="JaVaScRiPt:alert(4)">liên kết</a>\n',
    )
    page = Markup(portal.render(hostile, plan).data.decode("utf-8"))
    assert not {"script", "iframe", "img"} & set(page.tags)
    assert not [name for name, _ in page.attributes if name.startswith("on") or name == "style"]
    assert not [value for _, value in page.attributes if "javascript:" in value.lower()]
    assert "alert(1)" not in portal.body_html(hostile.body)  # the script's content goes too


# --- infographic ----------------------------------------------------------------------------------------------
def test_portrait_has_layout_size_and_readable_title(plan: CommunePlan, sample_items: dict[str, Item]) -> None:
    tesseract = require_tool("tesseract")
    scores = {}
    for item in sample_items.values():
        if "infographic" not in item.meta.channels:
            continue
        data = infographic.render(item, plan).data
        assert Image.open(io.BytesIO(data)).size == (1080, 1350)
        text = subprocess.run(
            [tesseract, "stdin", "stdout", "-l", "vie"], input=data, capture_output=True, check=True
        ).stdout.decode("utf-8")
        found = set(words(text))
        title = words(item.title)
        scores[item.id] = sum(w in found for w in title) / len(title)
    assert min(scores.values()) >= 0.8, scores  # diacritics included: "giá" read as "giú" is a miss
    assert sum(scores.values()) / len(scores) >= 0.9, scores


def test_long_title_shrinks_and_is_cut_inside_its_box(plan: CommunePlan, sample_items: dict[str, Item]) -> None:
    item = sample_items["sau-linh-vuc-cchc-2026"]
    box = infographic.Box(80, 230, 1000, 640)
    face, lines, step = infographic.fit_text("Cải cách hành chính " * 30, "Bold", box, (76, 44), max_lines=5)
    assert face.size == 44 and len(lines) <= 5 and lines[-1].endswith("…")
    assert all(face.getlength(line) <= box.width for line in lines)
    assert len(lines) * step <= box.height
    long = dataclasses.replace(item, meta=item.meta.model_copy(update={"title": "Cải cách hành chính " * 30}))
    assert Image.open(io.BytesIO(infographic.render(long, plan).data)).size == (1080, 1350)


# --- loudspeaker ----------------------------------------------------------------------------------------------
def test_bulletin_mp3_is_long_enough(plan: CommunePlan, sample_items: dict[str, Item]) -> None:
    item = sample_items["chi-so-sipas-hai-long"]
    artifact = loudspeaker.render(item, plan)
    audio = decode_mp3(artifact.data)
    spoken_words = sum(len(line.split()) for line in loudspeaker.spoken_script(item, plan))
    assert audio.duration_seconds > spoken_words / 10  # more than a second per ten words
    assert abs(audio.duration_seconds - artifact.duration_seconds) < 0.2
    assert audio.channels == 1 and audio.frame_rate == 44_100


def test_script_opens_with_station_and_closes(plan: CommunePlan, sample_items: dict[str, Item]) -> None:
    item = sample_items["niem-yet-cong-khai-thu-tuc-hanh-chinh"]
    script = loudspeaker.spoken_script(item, plan)
    assert script[0] == "Đài truyền thanh xã Bình Giang. Chuyên mục Cải cách hành chính."
    assert script[1] == "Công khai thủ tục hành chính và đường dây nóng tại Bộ phận Một cửa"
    assert any("không hai hai năm, ba tám chín chín, chín chín chín" in line for line in script)  # the hotline
    assert script[-1].startswith("Các bạn vừa nghe tin")
    assert not any(ch.isdigit() for line in script for ch in line)
