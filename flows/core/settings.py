"""The plan's practical settings, apart from what it asks of the offices: the voice and the broadcast master,
colours and logo, slogans, loudspeaker slots and zones, the service's timings, feeds, social captions."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Audio(Strict):
    """The loudspeaker bulletin: voice, broadcast master and the words around each item."""

    engine: Literal["auto", "gtts", "espeak", "piper"] = "espeak"
    espeak_voice: Literal["vi", "vi-VN-x-central", "vi-VN-x-south"] = "vi"
    piper_model: str | None = Field(None, description="Tệp giọng Piper (.onnx), đường dẫn tính từ thư mục làm việc")
    words_per_minute: int = Field(150, ge=80, le=300)
    gtts_timeout_seconds: float = Field(10.0, gt=0, le=120)
    gtts_retries: int = Field(3, ge=0, le=6)
    loudness_lufs: float = Field(-16.0, ge=-30, le=-9)
    true_peak_dbtp: float = Field(-1.0, ge=-6, le=0)
    highpass_hz: float = Field(120.0, ge=20, le=400)
    bitrate: Literal["64k", "96k", "128k", "160k", "192k"] = "96k"
    campaign: str = "Tuyên truyền cải cách hành chính"
    paragraph_pause_ms: int = Field(700, ge=0, le=5000)
    opening: str = "{station_name}. Chuyên mục {category}."
    closing: str = "Các bạn vừa nghe tin từ chuyên mục {category} của {station_name}."


DEFAULT_COLOURS = {
    "primary": "#0d47a1",
    "primary_dark": "#061e4a",
    "accent": "#ffca28",
    "text": "#ffffff",
    "muted": "#d6e4f7",
    "paper": "#ffffff",
    "ink": "#1b1b1b",
    "card": "#ffffff",
    "card_light": "#e8eef8",
    "card_text": "#263238",
    "footer": "#04142f",
    "qr": "#061e4a",
    "qr_background": "#ffffff",
    "white": "#ffffff",
}


class Style(Strict):
    """The commune's colours (names used by the layouts in templates/infographic/) and its logo in assets/."""

    colours: dict[str, str] = {}
    logo: str | None = None

    @field_validator("colours")
    @classmethod
    def _hex_colours(cls, colours: dict[str, str]) -> dict[str, str]:
        for name, value in colours.items():
            if name not in DEFAULT_COLOURS:
                known = ", ".join(DEFAULT_COLOURS)
                raise ValueError(f"màu '{name}' không dùng ở đâu; các tên màu: {known}")
            if not re.fullmatch(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})", str(value).strip()):
                raise ValueError(f"màu '{name}': '{value}' không phải mã màu; ghi dạng \"#0d47a1\" (có dấu nháy)")
        return colours

    @property
    def palette(self) -> dict[str, str]:
        return {**DEFAULT_COLOURS, **self.colours}


class Slogan(Strict):
    text: str = Field(min_length=1)
    source: str | None = None


class Slot(Strict):
    """A daily (or weekday) broadcast slot "suited to the people's daily routine"."""

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    name: str
    start: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    end: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    weekdays: list[int] = Field([1, 2, 3, 4, 5, 6, 7], description="1 = thứ Hai … 7 = Chủ nhật")
    zones: list[str] = Field([], description="Các cụm loa phát khung giờ này (để trống: mọi cụm loa)")

    @model_validator(mode="after")
    def _ends_after_start(self) -> Slot:
        if self.end <= self.start:
            raise ValueError(f"khung giờ '{self.id}': giờ kết thúc phải sau giờ bắt đầu")
        return self


class Zone(Strict):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    name: str
    villages: list[str] = []


class Broadcast(Strict):
    """The loudspeaker schedule: slots, zones, repeats (Thông tư 39/2020/TT-BTTTT priorities on the items)."""

    slots: list[Slot] = [
        Slot(id="sang", name="Buổi sáng", start="06:00", end="06:30"),
        Slot(id="chieu", name="Buổi chiều", start="17:30", end="18:00"),
    ]
    zones: list[Zone] = [Zone(id="toan-xa", name="Toàn xã")]
    airings_per_item: int = Field(3, ge=1, le=30)
    min_spacing_hours: float = Field(20, ge=0)
    gap_seconds: int = Field(10, ge=0, le=300)
    valid_days: int = Field(30, ge=1, le=365, description="Số ngày phát một bài, kể từ ngày của bài")

    @model_validator(mode="after")
    def _slot_zones_exist(self) -> Broadcast:
        known = {z.id for z in self.zones}
        for slot in self.slots:
            for zone in slot.zones:
                if zone not in known:
                    raise ValueError(f"khung giờ '{slot.id}': không có cụm loa '{zone}' trong broadcast.zones")
        return self


class Service(Strict):
    """When `cchc serve` runs each job (times in the commune's time zone)."""

    produce_every_minutes: int = Field(5, ge=1, le=1440)
    ingest_every_minutes: int = Field(60, ge=5, le=1440)
    schedule_at: str = Field("05:30", pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="Lập lịch phát mỗi ngày lúc")
    quota_check_at: str = Field(
        "07:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="Kiểm tra chỉ tiêu mỗi ngày lúc"
    )
    report_days_before_due: int = Field(3, ge=0, le=20, description="Xuất báo cáo quý trước hạn bao nhiêu ngày")


class Social(Strict):
    """Posts for the commune's fanpage and Zalo OA: the words added to every caption."""

    hashtags: list[str] = Field(["#CảiCáchHànhChính"], description="Thẻ (hashtag) thêm vào mọi bài đăng")
    platforms: list[str] = Field(
        ["Fanpage Facebook", "Zalo OA", "YouTube", "TikTok"], description="Nơi đăng, để chọn khi ghi nhận đã đăng"
    )
    newspapers: list[str] = Field([], description="Báo, cổng thông tin tỉnh nhận tin, bài của xã")

    @field_validator("hashtags")
    @classmethod
    def _hash_signs(cls, tags: list[str]) -> list[str]:
        return ["#" + "".join(tag.lstrip("#").split()) for tag in tags]


class Feed(Strict):
    """An RSS or Atom feed whose CCHC news lands in the approval inbox as drafts."""

    name: str = Field(min_length=1)
    url: str = Field(min_length=1, description="http(s) address, or a file path relative to the workspace")
    topic: str | None = None
    unit: str | None = None
    keywords: list[str] = Field([], description="Chỉ lấy tin có một trong các từ này (ngoài từ khóa của chủ đề)")
