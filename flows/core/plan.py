"""The commune's plan (content/commune.yaml): who it is, its offices, topics, quotas and signatory."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator

from .errors import CchcError, ConfigError, SourceProblem
from .settings import Audio, Broadcast, Feed, Service, Slogan, Social, Strict, Style
from .yamlsource import load_yaml_file

if TYPE_CHECKING:
    from .periods import ReportPeriod

Channel = Literal["portal", "infographic", "loudspeaker", "social", "video", "newspaper"]
# every channel a delivery can count on, in report order; "newspaper" (news sent to the provincial paper or
# portal) makes no file, it is recorded when sent
CHANNELS: tuple[Channel, ...] = ("portal", "infographic", "loudspeaker", "social", "video", "newspaper")
PRODUCED_CHANNELS: tuple[Channel, ...] = ("portal", "infographic", "loudspeaker", "social", "video")
# counted when someone records where it went out (posted on a platform, sent to a paper), not when made
RECORDED_CHANNELS: tuple[Channel, ...] = ("social", "video", "newspaper")
Period = Literal["month", "quarter", "year"]


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

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ValueError, ZoneInfoNotFoundError):
            raise ValueError(f"múi giờ '{value}' không có; ở Việt Nam ghi Asia/Ho_Chi_Minh") from None
        return value

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


class CommunePlan(Strict):
    commune: Commune
    # when the plan applies: a year ("2026") or a range of days ("2026-03-01..2026-12-31"); none: always
    valid: str | None = Field(None, description="Thời gian hiệu lực của kế hoạch, ví dụ 2026")
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

    @model_validator(mode="after")
    def _valid_is_a_period(self) -> CommunePlan:
        if self.valid is not None:
            from .periods import parse_period

            try:
                parse_period(self.valid)
            except CchcError as exc:
                raise ValueError(f"valid: {exc}") from None
        return self

    @property
    def validity(self) -> ReportPeriod | None:
        from .periods import parse_period

        return parse_period(self.valid) if self.valid else None

    def applies_to(self, start: dt.date, end: dt.date) -> bool:
        """Whether the plan is in force for any day from `start` to `end` (exclusive)."""
        window = self.validity
        return window is None or (start < window.end and window.start < end)

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
