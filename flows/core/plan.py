"""The commune's plan (content/commune.yaml): who it is, its offices, topics, quotas and signatory."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .errors import ConfigError, SourceProblem
from .yamlsource import load_yaml_file

Channel = Literal["portal", "infographic", "loudspeaker", "social", "video", "newspaper"]
# every channel a delivery can count on, in report order; "newspaper" (news sent to the provincial paper or
# portal) makes no file, it is recorded when sent
CHANNELS: tuple[Channel, ...] = ("portal", "infographic", "loudspeaker", "social", "video", "newspaper")
PRODUCED_CHANNELS: tuple[Channel, ...] = ("portal", "infographic", "loudspeaker", "social", "video")
# counted when someone records where it went out (posted on a platform, sent to a paper), not when made
RECORDED_CHANNELS: tuple[Channel, ...] = ("social", "video", "newspaper")
Period = Literal["month", "quarter", "year"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Commune(Strict):
    id: str | None = Field(
        None, pattern=r"^[a-z0-9-]+$", description="Mã của xã trong sổ theo dõi dùng chung (nhiều xã trên một Postgres)"
    )
    name: str = Field(min_length=1, description="Tên xã, không kèm chữ 'xã'")
    kind: str = "xã"
    province: str = Field(min_length=1)
    portal_url: str = Field(pattern=r"^https?://", description="Địa chỉ Trang/Cổng thông tin điện tử xã")
    portal_category: str = "Cải cách hành chính"
    portal_path: str = Field(
        "cai-cach-hanh-chinh",
        pattern=r"^[a-z0-9-]+(/[a-z0-9-]+)*$",
        description="Đường dẫn của chuyên mục trên cổng, sau portal_url",
    )
    posts_per_page: int = Field(10, ge=1, le=100)
    station_name: str = Field(min_length=1, description="Tên đài truyền thanh xã")
    timezone: str = "Asia/Ho_Chi_Minh"

    @property
    def full_name(self) -> str:
        return f"{self.kind} {self.name}"

    @property
    def ledger_key(self) -> str:
        """This commune's rows in a shared ledger ("" for a workspace with a ledger of its own)."""
        return self.id or ""

    @property
    def category_url(self) -> str:
        """Where the category site lives on the portal: every absolute link is made from it."""
        return f"{self.portal_url.rstrip('/')}/{self.portal_path}/"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class Unit(Strict):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    name: str = Field(min_length=1)
    short: str | None = None
    topics: list[str] = Field([], description="Các chủ đề tuyên truyền do đơn vị phụ trách")
    areas: list[str] = Field([], description="Các lĩnh vực cải cách (reform_areas) do đơn vị phụ trách")


class ReformArea(Strict):
    """One of the reform areas (thể chế, thủ tục hành chính, bộ máy, công vụ, tài chính công, chính quyền số):
    what an item is about in the reform, apart from the plan's list of topics."""

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    name: str = Field(min_length=1)


class Task(Strict):
    """A row of the plan's task list (Phụ lục): the task, who leads, who assists, when, what it produces."""

    id: str = Field(pattern=r"^[a-z0-9.-]+$")
    name: str = Field(min_length=1)
    lead: list[str] = Field(min_length=1, description="Cơ quan chủ trì (mã đơn vị)")
    assisting: list[str] = Field([], description="Cơ quan phối hợp (mã đơn vị)")
    assisting_text: str | None = Field(None, description="Phối hợp, khi kế hoạch ghi chung (ví dụ 'các thôn')")
    time_frame: str = Field("Thường xuyên", description="Thời gian thực hiện, như kế hoạch ghi")
    due: dt.date | None = Field(None, description="Hạn hoàn thành, nếu có")
    product: str | None = Field(None, description="Hoạt động/sản phẩm")

    @model_validator(mode="before")
    @classmethod
    def _one_lead(cls, data: object) -> object:
        if isinstance(data, dict) and isinstance(data.get("lead"), str):
            data = {**data, "lead": [data["lead"]]}
        return data


class Topic(Strict):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    code: str | None = Field(None, description="Mục trong kế hoạch (a, b, c…)")
    name: str = Field(min_length=1)
    keywords: list[str] = []


class Quota(Strict):
    """A target from the plan: at least `minimum` of something per month, quarter or year.

    It counts items delivered on any of `channels` (each item once per period), or logged activities of
    kind `activity`; `per_unit` makes one target per office (with `own_topics`, on its own reform areas)."""

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    name: str = Field(min_length=1)
    channels: list[Channel] = []
    # one kind of activity, or several ("hội nghị, tập huấn hoặc đối thoại"); with channels, the rule counts
    # items and activities together
    activity: str | list[str] | None = None
    minimum: int = Field(ge=1)
    period: Period
    topic: str | None = None
    area: str | None = Field(None, description="Chỉ tính tin, bài về lĩnh vực cải cách này")
    unit: str | None = None
    per_unit: bool = False
    units: list[str] = Field([], description="Với per_unit: chỉ các đơn vị này (để trống: mọi đơn vị)")
    own_topics: bool = False
    # with per_unit: the rule is met when this share of the offices meets its minimum ("100% các cơ quan")
    coverage: int | None = Field(None, ge=1, le=100, description="Tỷ lệ đơn vị phải đạt (%), báo cáo theo độ bao phủ")
    source: str | None = Field(None, description="Căn cứ trong kế hoạch")

    @model_validator(mode="before")
    @classmethod
    def _one_channel(cls, data: object) -> object:
        if isinstance(data, dict) and "channel" in data:  # `channel: loudspeaker` is short for one channel
            data = dict(data)
            data.setdefault("channels", [data.pop("channel")])
        return data

    @model_validator(mode="after")
    def _counts_something(self) -> Quota:
        if not self.channels and not self.activity:
            raise ValueError(f"chỉ tiêu '{self.id}': ghi 'channels' (kênh), 'activity' (loại hoạt động), hoặc cả hai")
        return self

    @model_validator(mode="after")
    def _coverage_is_per_unit(self) -> Quota:
        if self.coverage is not None and not self.per_unit:
            raise ValueError(f"chỉ tiêu '{self.id}': 'coverage' (độ bao phủ) cần 'per_unit: true'")
        return self

    @property
    def activity_kinds(self) -> list[str]:
        """The kinds of activity the rule counts (none, one or several)."""
        if self.activity is None:
            return []
        return [self.activity] if isinstance(self.activity, str) else list(self.activity)


class Reporting(Strict):
    """How and when the report goes upward (Thanh Miện: before the 5th of the quarter's last month)."""

    due_day: int | None = Field(5, ge=1, le=28, description="Hạn gửi trước ngày này; để trống nếu không có hạn")
    # quarter: before due_day of the quarter's last month, covering the quarter (and the half-year or year it
    # closes); month: before due_day of the next month, covering the month; none: no fixed report
    cadence: Literal["quarter", "month"] | None = "quarter"
    recipients: list[str] = ["UBND tỉnh", "Sở Nội vụ"]
    filing: str = "Lưu: VT, VHXH."
    number: str = "Số: …/BC-UBND"


class Signatory(Strict):
    authority: str = "TM. ỦY BAN NHÂN DÂN"
    title: str = "KT. CHỦ TỊCH"
    position: str = "PHÓ CHỦ TỊCH"
    name: str = Field(min_length=1)


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


class CommunePlan(Strict):
    commune: Commune
    # the channels an item goes out on when its file names none
    channels: list[Channel] = Field(["portal", "infographic", "loudspeaker"], min_length=1)
    units: list[Unit] = Field(min_length=1)
    topics: list[Topic] = Field(min_length=1)
    reform_areas: list[ReformArea] = []
    quotas: list[Quota] = []
    tasks: list[Task] = []
    social: Social = Social()
    signatory: Signatory
    audio: Audio = Audio()
    style: Style = Style()
    slogans: list[Slogan] = []
    activity_kinds: dict[str, str] = {}
    reporting: Reporting = Reporting()
    broadcast: Broadcast = Broadcast()
    feeds: list[Feed] = []
    service: Service = Service()

    @model_validator(mode="after")
    def _references_exist(self) -> CommunePlan:
        groups = (
            ("units", self.units),
            ("topics", self.topics),
            ("reform_areas", self.reform_areas),
            ("quotas", self.quotas),
            ("tasks", self.tasks),
        )
        for field, values in groups:
            seen: set[str] = set()
            for value in values:
                if value.id in seen:
                    raise ValueError(f"mã '{value.id}' bị trùng trong mục {field}")
                seen.add(value.id)
        for unit in self.units:
            for topic in unit.topics:
                if topic not in self.topic_ids:
                    raise ValueError(f"đơn vị '{unit.id}': không có chủ đề '{topic}' trong mục topics")
            for area in unit.areas:
                if area not in self.area_ids:
                    raise ValueError(f"đơn vị '{unit.id}': không có lĩnh vực '{area}' trong mục reform_areas")
        for task in self.tasks:
            for unit_id in (*task.lead, *task.assisting):
                if unit_id not in self.unit_ids:
                    raise ValueError(f"nhiệm vụ '{task.id}': không có đơn vị '{unit_id}' trong mục units")
        for quota in self.quotas:
            for kind in quota.activity_kinds:
                if kind not in self.activity_kinds:
                    raise ValueError(f"chỉ tiêu '{quota.id}': loại hoạt động '{kind}' chưa có trong activity_kinds")
            if quota.area and quota.area not in self.area_ids:
                raise ValueError(f"chỉ tiêu '{quota.id}': không có lĩnh vực '{quota.area}' trong mục reform_areas")
            if quota.topic and quota.topic not in self.topic_ids:
                raise ValueError(f"chỉ tiêu '{quota.id}': không có chủ đề '{quota.topic}' trong mục topics")
            for unit_id in quota.units:
                if unit_id not in self.unit_ids:
                    raise ValueError(f"chỉ tiêu '{quota.id}': không có đơn vị '{unit_id}' trong mục units")
            if quota.unit and quota.unit not in self.unit_ids:
                raise ValueError(f"chỉ tiêu '{quota.id}': không có đơn vị '{quota.unit}' trong mục units")
        return self

    @property
    def unit_ids(self) -> set[str]:
        return {u.id for u in self.units}

    @property
    def topic_ids(self) -> set[str]:
        return {t.id for t in self.topics}

    @property
    def area_ids(self) -> set[str]:
        return {a.id for a in self.reform_areas}

    @property
    def report_channels(self) -> list[Channel]:
        """The channels the report shows: those the commune uses and those its rules count."""
        used = set(self.channels) | {c for q in self.quotas for c in q.channels}
        return [c for c in CHANNELS if c in used]

    def unit(self, unit_id: str) -> Unit:
        return next(u for u in self.units if u.id == unit_id)

    def topic(self, topic_id: str) -> Topic:
        return next(t for t in self.topics if t.id == topic_id)


def load_plan(path: Path) -> CommunePlan:
    """Read and validate commune.yaml; raises ConfigError naming file, key and line."""
    source = load_yaml_file(path)
    if not isinstance(source.data, dict):
        raise ConfigError([SourceProblem(path, "tệp cấu hình phải là một nhóm mục (key: value)", 1)])
    return source.validate(CommunePlan)
