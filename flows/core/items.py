"""News items: Markdown files with YAML front matter in content/items/ (the Pelican "reader" step)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import ConfigError, SourceProblem
from .plan import Channel, CommunePlan
from .text import clean_text
from .yamlsource import LocatedYaml

ITEM_ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
MAX_ITEM_BYTES = 512 * 1024  # a news item is a few KB; half a megabyte is far beyond any real one


class Fact(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    value: str
    label: str

    @field_validator("value", mode="before")
    @classmethod
    def _any_scalar(cls, v: object) -> object:
        return str(v) if isinstance(v, int | float) else v


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    url: str | None = Field(None, pattern=r"^https?://")
    published: str | None = None  # when the source published it, ISO 8601 with +07:00


class FrontMatter(BaseModel):
    """The keys an item file may carry in its front matter."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str | None = Field(None, pattern=ITEM_ID_PATTERN)
    title: str = Field(min_length=1)
    summary: str = Field(min_length=1)
    date: dt.date
    # the main topic, and any others the item is also about (`topics:` alone names them all, the first main)
    topic: str = ""
    topics: list[str] = []
    areas: list[str] = Field([], description="Lĩnh vực cải cách (reform_areas)")
    unit: str  # the office in charge (cơ quan chủ trì)
    assisting: list[str] = Field([], description="Cơ quan phối hợp")
    # empty: the plan's `channels`
    channels: list[Channel] = []
    facts: list[Fact] = []
    hotline: str | None = None
    source: Source | None = None
    # Thông tư 39/2020/TT-BTTTT: thông thường (the commune picks the slot), ưu tiên (first in the next slot),
    # khẩn cấp (airs at once, the next slot is pre-empted)
    priority: Literal["thuong", "uu-tien", "khan-cap"] = "thuong"
    valid_until: dt.date | None = None
    # the day of the event an item announces (a conference, a dialogue): it stops airing after it
    event_date: dt.date | None = None

    @model_validator(mode="after")
    def _main_topic_first(self) -> FrontMatter:
        """`topic` is the main topic and `topics` every topic, the main one first, whichever keys were used."""
        every = list(dict.fromkeys([*([self.topic] if self.topic else []), *self.topics]))
        if not every:
            raise ValueError("cần 'topic' (chủ đề) hoặc 'topics' (danh sách chủ đề)")
        object.__setattr__(self, "topic", every[0])
        object.__setattr__(self, "topics", every)
        return self

    @field_validator("hotline", mode="before")
    @classmethod
    def _hotline_as_text(cls, v: object) -> object:
        return str(v) if isinstance(v, int) else v


@dataclass(frozen=True)
class Item:
    """One news item as read from disk, with the hash its approval is tied to."""

    id: str
    path: Path
    meta: FrontMatter
    body: str
    content_hash: str
    front_matter_lines: int = 0

    @property
    def title(self) -> str:
        return self.meta.title

    @property
    def words(self) -> int:
        return len(self.meta.title.split()) + len(self.meta.summary.split()) + len(self.body.split())


@dataclass
class ItemsRead:
    items: list[Item] = field(default_factory=list)
    problems: list[SourceProblem] = field(default_factory=list)

    def by_id(self) -> dict[str, Item]:
        return {item.id: item for item in self.items}


def content_hash(text: str) -> str:
    """Hash of what the approver saw: NFC text with normalised line endings and trailing spaces."""
    normal = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    normal = "\n".join(line.rstrip() for line in normal.strip().split("\n"))
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


def _split_front_matter(text: str, path: Path) -> tuple[str, str, int]:
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise ConfigError(
            [SourceProblem(path, "tệp phải bắt đầu bằng dòng '---' rồi đến phần thông tin (front matter)", 1)]
        )
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]).strip() + "\n", index + 1
    raise ConfigError([SourceProblem(path, "thiếu dòng '---' đóng phần thông tin (front matter)", len(lines))])


def read_item(path: Path, plan: CommunePlan) -> Item:
    """Read one item file; raises ConfigError naming the file, key and line of every problem."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_ITEM_BYTES + 1)  # capped while reading: a huge file is never loaded whole
        if len(data) > MAX_ITEM_BYTES:
            limit = MAX_ITEM_BYTES // 1024
            raise ConfigError([SourceProblem(path, f"tệp bài lớn hơn {limit} KB: hãy tách thành nhiều bài")])
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError([SourceProblem(path, "tệp phải được lưu với bảng mã UTF-8")]) from exc
    text = clean_text(raw.replace("\r\n", "\n"))
    front, body, fm_lines = _split_front_matter(text, path)
    source = LocatedYaml(front, path, line_offset=1)
    if not isinstance(source.data, dict):
        raise ConfigError([SourceProblem(path, "phần thông tin phải là các dòng 'khóa: giá trị'", 2)])
    try:
        meta = FrontMatter.model_validate(source.data)
    except ValidationError as exc:
        raise ConfigError(source.problems_from(exc)) from exc
    problems = []

    def check(key: str, values: list[str], known: set[str], what: str, section: str) -> None:
        for value in values:
            if value not in known:
                choices = ", ".join(sorted(known)) or f"(commune.yaml chưa có mục {section})"
                line = source.line_of([key]) if key in source.data else source.line_of(["topics"])
                message = f"{what} '{value}' không có trong commune.yaml ({section}); chọn một trong: {choices}"
                problems.append(SourceProblem(path, message, line, key))

    check("topic" if "topic" in source.data else "topics", meta.topics, plan.topic_ids, "chủ đề", "topics")
    check("areas", meta.areas, plan.area_ids, "lĩnh vực cải cách", "reform_areas")
    check("unit", [meta.unit], plan.unit_ids, "đơn vị", "units")
    check("assisting", meta.assisting, plan.unit_ids, "đơn vị phối hợp", "units")
    if not body.strip():
        problems.append(SourceProblem(path, "nội dung bài (sau dòng '---' thứ hai) đang để trống", fm_lines + 1))
    if problems:
        raise ConfigError(problems)
    if not meta.channels:  # the commune's usual channels
        meta = meta.model_copy(update={"channels": list(plan.channels)})
    item_id = meta.id or path.stem
    if meta.id is None and not re.match(ITEM_ID_PATTERN, item_id):
        raise ConfigError(
            [
                SourceProblem(
                    path,
                    "tên tệp chỉ được dùng chữ thường không dấu, số và dấu '-' "
                    "(hoặc khai báo 'id:' trong phần thông tin)",
                    1,
                    "id",
                )
            ]
        )
    return Item(item_id, path, meta, body, content_hash(text), fm_lines)


def read_items(items_dir: Path, plan: CommunePlan) -> ItemsRead:
    """Read every item under `items_dir`; a bad file is reported and the others are still read."""
    result = ItemsRead()
    seen: dict[str, Path] = {}
    for path in sorted(items_dir.rglob("*.md")):
        try:
            item = read_item(path, plan)
        except ConfigError as exc:
            result.problems.extend(exc.problems)
            continue
        if item.id in seen:
            result.problems.append(SourceProblem(path, f"mã bài '{item.id}' đã được dùng ở {seen[item.id]}", 1, "id"))
            continue
        seen[item.id] = path
        result.items.append(item)
    result.items.sort(key=lambda i: (i.meta.date, i.id))
    return result
