"""The broadcast schedule the loudspeaker operator plays from, and the air log the quota report trusts."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from flows.channels import Job, RenderContext
from flows.core.ledger import Ledger
from flows.core.session import Session
from flows.core.workspace import Workspace, init_workspace
from flows.pipeline import build_schedule, produce_job
from flows.speech.audio import decode_mp3

from .cli import cchc

FIVE = (
    "chi-so-sipas-hai-long",
    "ho-tro-ho-kinh-doanh",
    "mo-hinh-mot-cua-than-thien",
    "van-hoa-cong-vu",
    "cuoc-thi-tim-hieu-cchc",
)
MARCH = (dt.date(2026, 3, 1), dt.date(2026, 4, 1))
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
AFTER_MARCH = dt.datetime(2026, 4, 2, tzinfo=TZ)


def approve_and_produce(ws: Workspace, ids: tuple[str, ...]) -> None:
    """Approved items with their MP3s in the ledger, as `cchc produce` leaves them (audio only)."""
    plan = ws.load_plan()
    ledger = Ledger(ws.database_url)
    for item in ws.read_items(plan).items:
        if item.id in ids and ledger.approval(item).status != "approved":
            ledger.approve(item, "Vũ Thị Hòa")
            job = Job.of(item, "loudspeaker", plan, approved_by="Vũ Thị Hòa")
            ledger.record_produced(item, "loudspeaker", produce_job(job, RenderContext(plan, ws)))
    ledger.close()


def schedule_march(ws: Workspace, now: dt.datetime = AFTER_MARCH):  # noqa: ANN201
    plan = ws.load_plan()
    ledger = Ledger(ws.database_url)
    try:
        return build_schedule(Session(ws, plan, ws.read_items(plan), ledger), *MARCH, now)
    finally:
        ledger.close()


@pytest.fixture(scope="module")
def five(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    ws = init_workspace(tmp_path_factory.mktemp("lich") / "ws")
    approve_and_produce(ws, FIVE)
    return ws


def test_five_items_two_daily_slots(five: Workspace) -> None:
    plan = five.load_plan()
    assert [(s.start, s.end) for s in plan.broadcast.slots] == [("06:00", "06:30"), ("17:30", "18:00")]
    schedule, files = schedule_march(five)
    rules = plan.broadcast
    for item_id in FIVE:
        runs = schedule.airings(item_id)
        assert len(runs) >= rules.airings_per_item, item_id  # every item airs the configured number of times
        starts = sorted(r.start for r in runs)
        gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
        assert all(g >= dt.timedelta(hours=rules.min_spacing_hours) for g in gaps), (item_id, gaps)  # spaced
    for run in schedule.runs:  # no slot overfilled: durations plus gaps fit its 30 minutes
        assert run.used(rules.gap_seconds) <= run.seconds, run.key
    assert schedule.problems == []
    playlists = [f for f in files if f.suffix == ".m3u8"]
    assert len(playlists) == len([r for r in schedule.runs if r.entries])
    for playlist in playlists:  # each entry points to an existing file with its true duration
        lines = playlist.read_text(encoding="utf-8").splitlines()
        assert lines[0] == "#EXTM3U"
        for info, path in zip(lines[2::2], lines[3::2], strict=True):
            seconds = int(re.match(r"#EXTINF:(\d+),", info)[1])
            audio = (playlist.parent / path).resolve()
            assert audio.is_file() and not Path(path).is_absolute()
            assert abs(decode_mp3(audio.read_bytes()).duration_seconds - seconds) <= 1


def test_calendar_has_one_event_per_slot_in_vietnam_time(five: Workspace) -> None:
    schedule, files = schedule_march(five)
    calendar = Calendar.from_ical(next(f for f in files if f.suffix == ".ics").read_bytes())
    events = list(calendar.walk("VEVENT"))
    busy = [r for r in schedule.runs if r.entries]
    assert len(events) == len(busy)
    for event, run in zip(sorted(events, key=lambda e: e.decoded("dtstart")), busy, strict=True):
        start = event.decoded("dtstart")
        assert start == run.start and start.utcoffset() == dt.timedelta(hours=7)
        assert str(start.tzinfo) == "Asia/Ho_Chi_Minh" or event["dtstart"].params.get("TZID") == "Asia/Ho_Chi_Minh"
        assert event.decoded("dtend") - start == dt.timedelta(minutes=30)
        assert str(len(run.entries)) in str(event["summary"])


def test_run_sheet_csv_and_json_agree(five: Workspace) -> None:
    schedule, files = schedule_march(five)
    by_name = {f.name: f for f in files}
    rows = by_name["lich-phat.csv"].read_text(encoding="utf-8-sig").splitlines()
    assert len(rows) - 1 == sum(len(r.entries) for r in schedule.runs)
    data = json.loads(by_name["lich-phat.json"].read_text(encoding="utf-8"))
    assert sum(len(s["entries"]) for s in data["slots"]) == len(rows) - 1
    sheet = by_name["lich-phat.html"].read_text(encoding="utf-8")
    assert "@media print" in sheet and "Lịch phát thanh chuyên mục Cải cách hành chính tháng 03/2026" in sheet
    # all of March is past on 2 April: nothing confirmed yet, so every airing is listed as not confirmed
    assert {s["status"] for slot in data["slots"] for s in slot["entries"]} == {"chưa xác nhận"}


def test_urgent_item_goes_first_into_the_very_next_slot(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws")
    urgent = next(ws.items_dir.rglob("mo-hinh-mot-cua-than-thien.md"))
    urgent.write_text(
        urgent.read_text(encoding="utf-8").replace("---\ntitle:", "---\npriority: khan-cap\ntitle:", 1),
        encoding="utf-8",
    )
    approve_and_produce(ws, FIVE)
    schedule, _ = schedule_march(ws)
    first = schedule.airings("mo-hinh-mot-cua-than-thien")[0]
    assert first.key == "2026-03-12-sang"  # the item is dated 12 March: the morning slot that day
    assert first.entries[0].bulletin.item_id == "mo-hinh-mot-cua-than-thien"  # ahead of everything else
    assert "khẩn cấp" in first.entries[0].note


def test_confirmed_airings_stay_when_an_item_is_added(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws = init_workspace(tmp_path / "ws")
    approve_and_produce(ws, FIVE[:4])
    schedule, _ = schedule_march(ws)
    root = ["-w", str(ws.root)]
    confirmed_keys = [r.key for r in schedule.runs if r.entries][:3]
    for key in confirmed_keys:
        assert cchc(capsys, "aired", "--slot", key, "--ghi-bu", *root).code == 0
    before = {r.key: [e.bulletin.item_id for e in r.entries] for r in schedule.runs if r.key in confirmed_keys}

    approve_and_produce(ws, ("cuoc-thi-tim-hieu-cchc",))  # one more approved item
    again, _ = schedule_march(ws)
    after = {r.key: [e.bulletin.item_id for e in r.entries] for r in again.runs if r.key in confirmed_keys}
    assert after == before
    assert all(e.confirmed for r in again.runs if r.key in confirmed_keys for e in r.entries)
    assert len(again.airings("cuoc-thi-tim-hieu-cchc")) >= 3
    # the confirmed airings count toward the month's quota
    quota = json.loads(cchc(capsys, "quota", "--period", "2026-03", "--json", *root).out)
    loudspeaker = next(q for q in quota["quotas"] if q["quota"] == "loa-hang-thang")
    assert loudspeaker["actual"] == len({i for items in before.values() for i in items})


def test_air_log_imported_from_a_loudspeaker_system(
    five: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "nhat-ky.csv"
    log.write_text(
        "file,time\n"
        "chi-so-sipas-hai-long.mp3,2026-03-04 06:00\n"
        "ho-tro-ho-kinh-doanh.mp3,2026-03-07 17:31\n"
        "khong-co.mp3,2026-03-07 17:40\n"
        "van-hoa-cong-vu.mp3,hôm qua\n",
        encoding="utf-8",
    )
    run = cchc(capsys, "aired", "--import", str(log), "--ghi-bu", "-w", str(five.root))
    assert run.code == 1 and "Đã ghi nhận" not in run.out  # a file is taken whole or not at all
    assert "dòng 4" in run.err and "khong-co" in run.err and "dòng 5" in run.err  # which rows, and why
    assert "chưa có lượt phát nào" in run.err
    log.write_text("\n".join(log.read_text(encoding="utf-8").splitlines()[:3]) + "\n", encoding="utf-8")
    run = cchc(capsys, "aired", "--import", str(log), "--ghi-bu", "-w", str(five.root))
    assert run.code == 0 and run.out.count("Đã ghi nhận phát thanh") == 2
    again = cchc(capsys, "aired", "--import", str(log), "--ghi-bu", "-w", str(five.root))
    assert again.out.count("từ trước") == 2  # importing the same log twice counts nothing twice


def test_not_enough_audio_says_why(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws")
    approve_and_produce(ws, FIVE[:1])
    schedule, _ = schedule_march(ws)
    assert any("cần ít nhất 2" in p and "chỉ có 1" in p for p in schedule.problems)


def test_an_invitation_stops_airing_after_its_event_unless_told_otherwise(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws")
    path = next(ws.items_dir.rglob("van-hoa-cong-vu.md"))
    text = path.read_text(encoding="utf-8")
    day = dt.date.fromisoformat(re.search(r"^date: (\S+)", text, re.M)[1])
    event = day + dt.timedelta(days=2)
    path.write_text(text.replace("---\ntitle:", f"---\nevent_date: {event}\ntitle:", 1), encoding="utf-8")
    approve_and_produce(ws, ("van-hoa-cong-vu",))
    schedule, _ = schedule_march(ws)
    days = [run.day for run in schedule.airings("van-hoa-cong-vu")]
    assert len(days) == 3 and max(days) <= event  # all before the event it invites to (else spread over 30 days)


def test_an_emergency_goes_first_into_the_next_slot_of_every_zone() -> None:
    from flows.channels.schedule import Bulletin, plan_month
    from flows.core.settings import Broadcast, Slot, Zone

    plan = Workspace.at(Path(__file__).resolve().parents[1]).load_plan()
    broadcast = Broadcast(
        zones=[Zone(id="thon-dong", name="Thôn Đông"), Zone(id="thon-tay", name="Thôn Tây")],
        slots=[
            Slot(id="sang-dong", name="Sáng thôn Đông", start="06:00", end="06:10", zones=["thon-dong"]),
            Slot(id="trua-tay", name="Trưa thôn Tây", start="11:00", end="11:10", zones=["thon-tay"]),
            Slot(id="chieu", name="Chiều toàn xã", start="17:30", end="17:40"),
        ],
        airings_per_item=1,
    )
    plan = plan.model_copy(update={"broadcast": broadcast})
    day = dt.date(2026, 3, 10)
    filler = [Bulletin(f"tin-{n}", f"Tin {n}", f"audio/tin-{n}.mp3", 290.0, "thuong", day, day) for n in range(4)]
    urgent = Bulletin("khan", "Cúp điện đột xuất", "audio/khan.mp3", 120.0, "khan-cap", day, day)
    schedule = plan_month(plan, day, day + dt.timedelta(days=1), [*filler, urgent], [])
    runs = schedule.airings("khan")
    assert [r.slot.id for r in runs] == ["sang-dong", "trua-tay"]  # both villages hear it in their next slot
    assert all(r.entries[0].bulletin.item_id == "khan" for r in runs)
    assert all(r.used(broadcast.gap_seconds) <= r.seconds for r in schedule.runs)  # nothing overfills a slot
    fillers = [r.slot.id for r in schedule.runs for e in r.entries if e.bulletin.item_id.startswith("tin-")]
    assert len(fillers) == 4 and fillers.count("chieu") == 2 and not schedule.problems  # the others still air
    with pytest.raises(ValueError):
        Broadcast(zones=broadcast.zones, slots=[Slot(id="x", name="X", start="06:00", end="06:10", zones=["sao-hoa"])])
