"""Property-based checks over every reader of outside input (hypothesis): front matter, commune.yaml, loudspeaker
logs, feeds and the normalizer's input. Any input gives a result or a clear message (a CchcError, in
Vietnamese), never a traceback. Derandomized so CI sees the same cases every run; deadlines off for busy
machines."""

from __future__ import annotations

import shutil
import string
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows.channels.schedule.airlog import read_air_log
from flows.core.errors import CchcError, ConfigError
from flows.core.items import read_item
from flows.core.plan import CommunePlan, load_plan
from flows.core.session import open_session
from flows.core.settings import Feed
from flows.core.workspace import BUILTIN_ROOT, Workspace, init_workspace
from flows.feeds import ingest
from flows.speech.normalize import normalize

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
PLAN: CommunePlan = Workspace(BUILTIN_ROOT).load_plan()
TEMPLATE = (BUILTIN_ROOT / "content" / "items" / "2026-03" / "van-hoa-cong-vu.md").read_text(encoding="utf-8")
COMMUNE_YAML = (BUILTIN_ROOT / "content" / "commune.yaml").read_text(encoding="utf-8")

# text with what goes wrong in practice: Vietnamese letters, control characters, YAML and markup syntax
nasty = st.lists(
    st.sampled_from(
        list(string.printable)
        + list("ăâđêôơưàáạảãằắặẳẵấầậẩẫÀÁĐƯƠ\u0300\u0301\u0303\u0309\u0323\x00\x07\x1b\u200b\ufeff\u2028")
        + ["---", ": ", "- ", "[", "]", "{", "}", "&a", "*a", "!!python/object", "\t", "'", '"', "%", "@", "="]
    ),
    max_size=120,
).map("".join)
yaml_scalar = st.one_of(
    nasty,
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True),
    st.booleans(),
    st.none(),
    st.lists(nasty, max_size=3),
    st.dictionaries(nasty, nasty, max_size=3),
)


def written(tmp: Path, name: str, data: bytes) -> Path:
    path = tmp / name
    path.write_bytes(data)
    return path


@SETTINGS
@given(text=nasty)
def test_any_item_file_reads_or_says_what_is_wrong(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = written(Path(folder), "bai-thu.md", text.encode("utf-8", "surrogatepass"))
        try:
            read_item(path, PLAN)
        except ConfigError as exc:
            assert exc.problems and all(p.message for p in exc.problems)


@SETTINGS
@given(
    key=st.sampled_from(
        [
            "title",
            "summary",
            "date",
            "topic",
            "unit",
            "channels",
            "facts",
            "hotline",
            "source",
            "priority",
            "valid_until",
            "event_date",
            "topics",
            "areas",
            "assisting",
            "id",
        ]
    ),
    value=yaml_scalar,
)
def test_any_front_matter_value_reads_or_names_its_key(key: str, value: object) -> None:
    head, body = TEMPLATE.split("\n---\n", 1)
    meta = yaml.safe_load(head.removeprefix("---\n"))
    meta[key] = value
    text = "---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n" + body
    with tempfile.TemporaryDirectory() as folder:
        try:
            read_item(written(Path(folder), "bai-thu.md", text.encode("utf-8", "surrogatepass")), PLAN)
        except ConfigError as exc:
            assert any(p.line for p in exc.problems)  # the line is named


@SETTINGS
@given(
    path=st.lists(
        st.sampled_from(
            [
                "commune",
                "units",
                "topics",
                "quotas",
                "reporting",
                "audio",
                "style",
                "broadcast",
                "signatory",
                "service",
                "social",
                "tasks",
                "valid",
                "channels",
                "name",
                "timezone",
                0,
                1,
                "minimum",
                "period",
                "colours",
                "primary",
                "slots",
            ]
        ),
        min_size=1,
        max_size=3,
    ),
    value=yaml_scalar,
)
def test_any_commune_yaml_value_gives_a_plan_or_a_message_with_its_line(path: list, value: object) -> None:
    data = yaml.safe_load(COMMUNE_YAML)
    target = data
    for step in path[:-1]:
        try:
            target = target[step]
        except (KeyError, IndexError, TypeError):
            break
    if isinstance(target, dict) or isinstance(target, list) and isinstance(path[-1], int) and path[-1] < len(target):
        target[path[-1]] = value
    with tempfile.TemporaryDirectory() as folder:
        config = written(Path(folder), "commune.yaml", yaml.safe_dump(data, allow_unicode=True).encode("utf-8"))
        try:
            plan = load_plan(config)
        except ConfigError as exc:
            assert exc.problems and all(p.message for p in exc.problems)
        else:
            plan.commune.tz  # noqa: B018 (a plan that loads has a usable time zone)


@SETTINGS
@given(text=nasty)
def test_any_commune_yaml_text_gives_a_plan_or_a_message(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        try:
            load_plan(written(Path(folder), "commune.yaml", text.encode("utf-8", "surrogatepass")))
        except ConfigError as exc:
            assert exc.problems


log_cell = st.one_of(
    nasty,
    st.sampled_from(["van-hoa-cong-vu.mp3", "17/04/2026 06:00:05", "0001-01-01", "31/02/2026 06:00", "Lỗi", ""]),
)


@SETTINGS
@given(
    rows=st.lists(st.lists(log_cell, max_size=5), max_size=8),
    separator=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
)
def test_any_loudspeaker_log_is_read_or_refused_with_a_reason(rows: list, separator: str, encoding: str) -> None:
    header = separator.join(["Tên tệp", "Thời gian phát", "Trạng thái", "Thời lượng"])
    text = "\n".join([header, *(separator.join(r) for r in rows)])
    with tempfile.TemporaryDirectory() as folder:
        path = written(Path(folder), "nhat-ky.csv", text.encode(encoding, "replace"))
        try:
            log = read_air_log(path, PLAN, {"van-hoa-cong-vu"})
        except CchcError as exc:
            assert str(exc)
        else:
            assert all(2000 <= a.at.year <= 2100 and a.item_id == "van-hoa-cong-vu" for a in log.airings)
            assert all("dòng" in line for line in log.skipped)


@SETTINGS
@given(data=st.binary(max_size=400))
def test_any_bytes_as_a_log_are_read_or_refused(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        try:
            read_air_log(written(Path(folder), "log.csv", data), PLAN, {"van-hoa-cong-vu"})
        except CchcError as exc:
            assert str(exc)


FEED_ITEM = (
    "<item><title>{title}</title><link>{link}</link><pubDate>{date}</pubDate><description>{text}</description></item>"
)


@SETTINGS
@given(
    title=nasty,
    link=st.one_of(nasty, st.just("https://tinh.example.vn/tin/1")),
    date=st.one_of(nasty, st.just("Wed, 18 Mar 2026 07:00:00 +0700")),
    text=nasty,
    raw=st.booleans(),
)
def test_any_feed_gives_drafts_warnings_or_an_error(title: str, link: str, date: str, text: str, raw: bool) -> None:
    entry = FEED_ITEM.format(title=title, link=link, date=date, text=text)
    body = f"<rss version='2.0'><channel><title>x</title>{entry}</channel></rss>"
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        shutil.copytree(WORKSPACE.root / "content", root / "content")
        feed_file = written(root, "nguon.xml", (title + text).encode() if raw else body.encode("utf-8", "replace"))
        with open_session(root) as session:
            (result,) = ingest(session, [Feed(name="thu", url=str(feed_file))], timeout=5)
        assert result.error is None or str(result.error)
        for draft in result.drafts:
            read_item(draft, session.plan)  # whatever a feed gives becomes an item file the reader accepts


@SETTINGS
@given(text=nasty)
def test_the_normalizer_reads_anything_and_never_speaks_markup(text: str) -> None:
    spoken = normalize(text)
    assert isinstance(spoken, str)
    assert "<b>" not in spoken and "</" not in spoken


WORKSPACE = init_workspace(Path(tempfile.mkdtemp(prefix="cchc-hypothesis-")) / "ws", with_samples=False)
