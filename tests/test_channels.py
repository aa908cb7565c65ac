"""Each channel's output, read back the way a person would check it."""

from __future__ import annotations

import dataclasses
import io
import re
import subprocess
import unicodedata

from PIL import Image

from flows.channels import infographic, loudspeaker
from flows.core.items import Item
from flows.core.plan import CommunePlan
from flows.speech.audio import decode_mp3

from .conftest import require_tool


def words(text: str) -> list[str]:
    return re.findall(r"\w+", unicodedata.normalize("NFC", text).lower())


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
