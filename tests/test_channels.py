"""Each channel's output, read back the way a person would check it."""

from __future__ import annotations

import re
import unicodedata

from flows.channels import loudspeaker
from flows.core.items import Item
from flows.core.plan import CommunePlan
from flows.speech.audio import decode_mp3

from .conftest import render


def words(text: str) -> list[str]:
    return re.findall(r"\w+", unicodedata.normalize("NFC", text).lower())


# --- loudspeaker ----------------------------------------------------------------------------------------------
def test_bulletin_mp3_is_long_enough(plan: CommunePlan, sample_items: dict[str, Item]) -> None:
    item = sample_items["chi-so-sipas-hai-long"]
    artifact = render("loudspeaker", item, plan)
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
