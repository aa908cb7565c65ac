"""Counts that go to the province, case by case: each test builds the case and checks the number."""

from __future__ import annotations

import datetime as dt

import pytest

from flows.core.errors import AiringRefused
from flows.core.items import Item
from flows.core.ledger import Ledger, ProducedFile
from flows.core.periods import parse_period
from flows.core.plan import CommunePlan, Quota
from flows.core.quota import counted_deliveries, quota_status

PAGE = ProducedFile("portal/bai-viet/x.html", "0" * 64, 10)
TZ = dt.timezone(dt.timedelta(hours=7))


def published(ledger: Ledger, item: Item, day: str) -> None:
    ledger.record_produced(item, "portal", PAGE, at=dt.datetime.fromisoformat(f"{day}T08:00+07:00"))
    ledger.mark_published(item.id, f"https://x.vn/{item.id}", "ed", dt.datetime.fromisoformat(f"{day}T09:00+07:00"))


def test_a_rule_for_one_office_on_its_own_areas_counts_only_those(
    ledger: Ledger, plan: CommunePlan, sample_items: dict[str, Item]
) -> None:
    own = Quota(
        id="vhxh-linh-vuc",
        name="VH-XH, lĩnh vực phụ trách",
        channels=["portal"],
        minimum=1,
        period="quarter",
        unit="vhxh",
        own_topics=True,
    )
    any_topic = Quota(
        id="vhxh-moi-bai", name="VH-XH, mọi bài", channels=["portal"], minimum=1, period="quarter", unit="vhxh"
    )
    rules = plan.model_copy(update={"quotas": [own, any_topic]})
    published(ledger, sample_items["ke-hoach-tuyen-truyen-cchc-2026"], "2026-01-26")  # policy: not its own area
    published(ledger, sample_items["chi-so-sipas-hai-long"], "2026-03-03")  # the CCHC indices: its own area
    statuses = {
        s.quota.id: s for s in quota_status(ledger, rules, sample_items, dt.date(2026, 3, 31), parse_period("2026-Q1"))
    }
    assert [c.item_id for c in statuses["vhxh-linh-vuc"].counted] == ["chi-so-sipas-hai-long"]
    assert statuses["vhxh-moi-bai"].actual == 2


def test_an_airing_in_the_future_is_refused_and_nothing_counts(
    ledger: Ledger, plan: CommunePlan, sample_items: dict[str, Item]
) -> None:
    item = sample_items["van-hoa-cong-vu"]
    ledger.record_produced(item, "loudspeaker", ProducedFile("audio/x.mp3", "0" * 64, 10, 60.0))
    tomorrow = dt.datetime.now(TZ) + dt.timedelta(days=1)
    with pytest.raises(AiringRefused) as refused:
        ledger.mark_aired(item.id, tomorrow, "op")
    assert "chưa đến" in str(refused.value)
    assert [e for e in ledger.events(item.id) if e.kind == "aired"] == []


def test_an_airing_before_the_audio_existed_is_refused_unless_entered_as_a_backfill(
    ledger: Ledger, plan: CommunePlan, sample_items: dict[str, Item]
) -> None:
    item = sample_items["van-hoa-cong-vu"]
    ledger.record_produced(item, "loudspeaker", ProducedFile("audio/x.mp3", "0" * 64, 10, 60.0))
    last_week = dt.datetime.now(TZ) - dt.timedelta(days=7)
    with pytest.raises(AiringRefused) as refused:
        ledger.mark_aired(item.id, last_week, "op")
    assert "chưa có tệp âm thanh" in str(refused.value) and "--ghi-bu" in str(refused.value)
    assert [e for e in ledger.events(item.id) if e.kind == "aired"] == []
    month = parse_period(f"{last_week:%Y-%m}")
    assert counted_deliveries(ledger, plan, month)["loudspeaker"] == []

    ledger.mark_aired(item.id, last_week, "op", backfill=True)
    (airing,) = [e for e in ledger.events(item.id) if e.kind == "aired"]
    assert airing.details == {"backfill": True}
    assert [c.item_id for c in counted_deliveries(ledger, plan, month)["loudspeaker"]] == [item.id]


def test_a_wrong_airing_publication_or_activity_is_voided_and_stops_counting(
    ledger: Ledger, plan: CommunePlan, sample_items: dict[str, Item]
) -> None:
    from flows.core.ledger.corrections import NothingToVoid, void_activity, void_airing, void_publication

    quarter = parse_period("2026-Q1")

    def actual(rule: str) -> int:
        statuses = quota_status(ledger, plan, sample_items, dt.date(2026, 3, 31), quarter)
        return sum(s.actual for s in statuses if s.quota.id == rule)

    sipas, vneid = sample_items["chi-so-sipas-hai-long"], sample_items["kich-hoat-tai-khoan-vneid"]
    for item in (sipas, vneid):
        ledger.record_produced(
            item, "loudspeaker", ProducedFile("audio/x.mp3", "0" * 64, 10, 60.0), at=dt.datetime(2026, 1, 2, tzinfo=TZ)
        )
    first = dt.datetime(2026, 3, 4, 6, 15, tzinfo=TZ)
    ledger.mark_aired(sipas.id, first, "op", backfill=True)
    ledger.mark_aired(vneid.id, dt.datetime(2026, 3, 25, 6, 15, tzinfo=TZ), "op", backfill=True)
    published(ledger, sipas, "2026-03-03")
    _, added = ledger.add_activity("doi-thoai", dt.date(2026, 3, 20), "Đối thoại quý I", "vp", 120)
    activity = ledger.activities()[0]
    assert (actual("loa-hang-thang"), actual("cong-thong-tin-hang-thang"), actual("doi-thoai-hang-nam")) == (2, 1, 1)

    with pytest.raises(NothingToVoid):
        void_airing(ledger, sipas.id, first, "  ", "op")  # a void needs its reason
    void_airing(ledger, sipas.id, first, "Nhập nhầm ngày", "op")
    void_publication(ledger, sipas.id, "Chưa đăng, ghi nhầm", "ed")
    void_activity(ledger, activity.id, "Hội nghị bị hoãn", "vp")
    assert (actual("loa-hang-thang"), actual("cong-thong-tin-hang-thang"), actual("doi-thoai-hang-nam")) == (1, 0, 0)
    kinds = [e.kind for e in ledger.events()]
    assert kinds.count("aired") == 2 and kinds.count("published") == 1 and kinds.count("voided") == 3
    with pytest.raises(NothingToVoid):
        void_airing(ledger, sipas.id, first, "again", "op")  # voided already


def test_void_from_the_command_line_says_what_it_did(workspace, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: ANN001
    from .cli import cchc

    w = ["-w", str(workspace.root)]
    plan = workspace.load_plan()
    item = workspace.read_items(plan).by_id()["van-hoa-cong-vu"]
    ledger = Ledger(workspace.database_url)
    ledger.record_produced(
        item, "loudspeaker", ProducedFile("audio/x.mp3", "0" * 64, 10, 60.0), at=dt.datetime(2026, 3, 1, tzinfo=TZ)
    )
    ledger.close()
    assert cchc(capsys, "aired", item.id, "--at", "2026-03-18 06:15", "--ghi-bu", *w).code == 0
    missing = cchc(capsys, "void", "aired", item.id, "--at", "2026-03-19 06:15", "--reason", "nhầm", *w)
    assert missing.code == 1 and "Không có lần phát nào" in missing.err
    done = cchc(capsys, "void", "aired", item.id, "--at", "2026-03-18 06:15", "--reason", "Nhập nhầm", *w)
    assert done.code == 0 and "Đã hủy lần phát" in done.out
    quota = cchc(capsys, "quota", "--period", "2026-03", "--json", *w)
    assert '"quota": "loa-hang-thang"' in quota.out and '"actual": 0' in quota.out.split('"loa-hang-thang"')[1][:400]


def test_a_plan_without_numeric_targets_reports_without_claiming_any_was_met(
    ledger: Ledger, plan: CommunePlan, sample_items: dict[str, Item]
) -> None:
    import io

    from docx import Document
    from PIL import Image

    from flows.reports import build_report, to_png
    from flows.reports.docx import to_docx

    no_targets = plan.model_copy(update={"quotas": []})
    published(ledger, sample_items["chi-so-sipas-hai-long"], "2026-03-03")
    report = build_report(ledger, no_targets, sample_items, parse_period("2026-Q1"), made_on=dt.date(2026, 4, 2))
    chart = Image.open(io.BytesIO(to_png(report)))
    assert chart.size[0] == 1400
    text = "\n".join(p.text for p in Document(io.BytesIO(to_docx(report))).paragraphs)
    assert "không đặt chỉ tiêu bằng con số" in text
    assert "đều đạt" not in text and "đạt 0/0" not in text


def test_init_empty_writes_a_blank_commented_plan_that_says_what_to_fill(tmp_path) -> None:  # noqa: ANN001
    from flows.core.errors import ConfigError
    from flows.core.workspace import init_workspace

    ws = init_workspace(tmp_path / "moi", with_samples=False, blank=True)
    import yaml

    text = ws.config_path.read_text(encoding="utf-8")
    values = yaml.safe_load(text)  # nothing of xã Bình Giang's plan filled in, only explained in comments
    assert values["commune"]["name"] == "" and values["units"] == [] and values["quotas"] == []
    assert text.count("#") > 20
    with pytest.raises(ConfigError) as caught:
        ws.load_plan()
    said = [str(p) for p in caught.value.problems]
    keys = {p.key for p in caught.value.problems}
    assert {"commune.name", "commune.portal_url", "units", "topics", "signatory.name"} <= keys
    assert not [line for line in said if "should" in line or "String" in line], said
    assert not list(ws.items_dir.rglob("*.md"))


def test_the_readme_item_example_parses(tmp_path, plan: CommunePlan) -> None:  # noqa: ANN001
    import re
    from pathlib import Path

    from flows.core.items import read_item

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    example = re.search(r"### Item files.*?```markdown\n(.*?)```", readme, re.S).group(1)
    path = tmp_path / "huong-dan-nop-ho-so-thu-tuc-hanh-chinh-truc-tuyen.md"
    path.write_text(example, encoding="utf-8")
    item = read_item(path, plan)
    assert item.meta.topic == "dich-vu-cong-truc-tuyen" and item.meta.facts[0].value == "24/7"


def test_an_ad_hoc_range_a_week_and_the_report_date(
    workspace,
    capsys: pytest.CaptureFixture[str],  # noqa: ANN001
) -> None:
    from docx import Document

    from flows import labels

    from .cli import cchc

    assert labels.period(parse_period("2026-03-01..2026-03-15")) == "từ ngày 01/03/2026 đến ngày 15/03/2026"
    assert parse_period("2026-W10").start == dt.date(2026, 3, 2)
    w = ["-w", str(workspace.root)]
    ledger = Ledger(workspace.database_url)
    plan = workspace.load_plan()
    published(ledger, workspace.read_items(plan).by_id()["chi-so-sipas-hai-long"], "2026-03-03")
    ledger.close()
    made = cchc(
        capsys, "report", "--period", "2026-03-01..2026-03-15", "--format", "docx,csv", "--dated", "2026-03-16", *w
    )
    assert made.code == 0, made.err
    folder = workspace.root / "output" / "reports"
    document = Document(folder / "bao-cao-cchc-2026-03-01..2026-03-15.docx")
    text = "\n".join(p.text for p in document.paragraphs)
    heading = "\n".join(cell.text for table in document.tables[:1] for row in table.rows for cell in row.cells)
    assert "từ ngày 01/03/2026 đến ngày 15/03/2026" in text and "ngày 16 tháng 3 năm 2026" in heading
    listing = (folder / "bao-cao-cchc-2026-03-01..2026-03-15-danh-sach.csv").read_text(encoding="utf-8-sig")
    assert "chi-so-sipas-hai-long" in listing
    refused = cchc(
        capsys,
        "activity",
        "add",
        "--kind",
        "doi-thoai",
        "--date",
        "2026-03-20",
        "--title",
        "x",
        "--attendees",
        "-5",
        *w,
    )
    assert refused.code != 0


def test_a_log_row_that_did_not_play_does_not_count(tmp_path, plan: CommunePlan) -> None:  # noqa: ANN001
    from flows.channels.schedule.airlog import read_air_log

    log = tmp_path / "nhat-ky.csv"
    log.write_text(
        "Tên tệp,Thời điểm,Trạng thái\n"
        "van-hoa-cong-vu.mp3,2026-03-05 06:00,Đã phát\n"
        "chi-so-sipas-hai-long.mp3,2026-03-05 06:05,Lỗi phát\n"
        "van-hoa-cong-vu.mp3,2026-03-06 06:00,Interrupted\n",
        encoding="utf-8",
    )
    read = read_air_log(log, plan, {"van-hoa-cong-vu", "chi-so-sipas-hai-long"})
    assert [(a.item_id, a.at.day) for a in read.airings] == [("van-hoa-cong-vu", 5)]
    assert len(read.skipped) == 2 and "Lỗi phát" in read.skipped[0]


def test_a_rule_may_count_several_kinds_of_activity_and_items_with_them(
    ledger: Ledger, plan: CommunePlan, sample_items: dict[str, Item]
) -> None:
    meetings = Quota(
        id="hoi-nghi-doi-thoai",
        name="Hội nghị, tập huấn hoặc đối thoại",
        activity=["hoi-nghi", "doi-thoai"],
        minimum=2,
        period="quarter",
    )
    everything = Quota(
        id="moi-hinh-thuc",
        name="Tin, bài và hoạt động",
        channels=["portal"],
        activity="doi-thoai",
        minimum=3,
        period="quarter",
    )
    rules = plan.model_copy(update={"quotas": [meetings, everything]})
    ledger.add_activity("hoi-nghi", dt.date(2026, 2, 26), "Tập huấn dịch vụ công", "vp", 45)
    ledger.add_activity("doi-thoai", dt.date(2026, 3, 20), "Đối thoại quý I", "vp", 120)
    ledger.add_activity("cuoc-thi", dt.date(2026, 3, 22), "Cuộc thi", "vp", 300)  # a kind neither rule names
    published(ledger, sample_items["chi-so-sipas-hai-long"], "2026-03-03")
    statuses = {
        s.quota.id: s for s in quota_status(ledger, rules, sample_items, dt.date(2026, 3, 31), parse_period("2026-Q1"))
    }
    assert statuses["hoi-nghi-doi-thoai"].actual == 2 and statuses["hoi-nghi-doi-thoai"].met
    counted = statuses["moi-hinh-thuc"].counted
    assert [c.channel for c in counted] == ["portal", "activity"] and not statuses["moi-hinh-thuc"].met
    with pytest.raises(ValueError, match="chưa có trong activity_kinds"):
        CommunePlan.model_validate({**plan.model_dump(), "quotas": [{**meetings.model_dump(), "activity": ["khac"]}]})


def test_the_infographic_qr_code_points_to_the_address_recorded_by_publish(
    small_workspace,
    plan: CommunePlan,  # noqa: ANN001
) -> None:
    from flows.channels import RenderContext, cards
    from flows.core.session import open_session
    from flows.pipeline import plan_work, produce_job

    item_id = "chi-so-sipas-hai-long"
    with open_session(small_workspace.root) as s:
        s.ledger.approve(s.item(item_id), "Vũ Thị Hòa")
        for job in plan_work(s, item_id).jobs:
            if job.channel in ("portal", "infographic"):
                s.ledger.record_produced(job.item, job.channel, produce_job(job, RenderContext(s.plan, s.workspace)))
        assert plan_work(s, item_id).jobs == [j for j in plan_work(s, item_id).jobs if j.channel == "loudspeaker"]
        live = "https://binhgiang.haiphong.gov.vn/tin-tuc/chi-so-sipas-12345.html"  # the CMS's own address
        s.ledger.mark_published(item_id, live, "ed")
        again = [j for j in plan_work(s, item_id).jobs if j.channel == "infographic"]
        assert [j.canonical_url for j in again] == [live]  # drawn again, now pointing there
        made = produce_job(again[0], RenderContext(s.plan, s.workspace))
        expected = cards.png(cards.draw("portrait", s.item(item_id), s.plan, s.workspace, live).image)
        assert (s.workspace.output_dir / made.path).read_bytes() == expected
        s.ledger.record_produced(again[0].item, "infographic", made)
        assert not [j for j in plan_work(s, item_id).jobs if j.channel == "infographic"]  # and then up to date


def test_due_day_and_cadence_are_optional(plan: CommunePlan) -> None:
    from flows.core.quota import next_report
    from flows.labels import next_report as said

    monthly = plan.model_copy(update={"reporting": plan.reporting.model_copy(update={"cadence": "month"})})
    due = next_report(dt.date(2026, 3, 10), monthly)
    assert (due.due, [p.key for p in due.covers]) == (dt.date(2026, 4, 5), ["2026-03"])
    assert said(due) == "Báo cáo tháng 03/2026"
    quarterly = next_report(dt.date(2026, 3, 10), plan)
    assert (quarterly.due, [p.key for p in quarterly.covers]) == (dt.date(2026, 6, 5), ["2026-Q2", "2026-H1"])
    none = plan.model_copy(update={"reporting": plan.reporting.model_copy(update={"due_day": None})})
    assert next_report(dt.date(2026, 3, 10), none) is None


def test_quota_without_a_report_due_says_nothing_of_one(workspace, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: ANN001
    import json

    from .cli import cchc

    config = workspace.config_path.read_text(encoding="utf-8")
    workspace.config_path.write_text(config.replace("  due_day: 5", "  due_day: null"), encoding="utf-8")
    run = cchc(capsys, "quota", "-w", str(workspace.root))
    assert run.code == 0 and "hạn gửi" not in run.out
    data = json.loads(cchc(capsys, "quota", "--json", "-w", str(workspace.root)).out)
    assert data["next_report"] is None


def test_a_per_office_rule_for_a_chosen_set_of_offices(
    ledger: Ledger, plan: CommunePlan, sample_items: dict[str, Item]
) -> None:
    rule = Quota(
        id="hai-don-vi",
        name="Hai đơn vị",
        channels=["portal"],
        minimum=1,
        period="quarter",
        per_unit=True,
        units=["vhxh", "kinh-te"],
    )
    rules = plan.model_copy(update={"quotas": [rule]})
    published(ledger, sample_items["chi-so-sipas-hai-long"], "2026-03-03")
    statuses = quota_status(ledger, rules, sample_items, dt.date(2026, 3, 31), parse_period("2026-Q1"))
    assert [(s.unit.id, s.actual) for s in statuses] == [("vhxh", 1), ("kinh-te", 0)]


def test_a_plans_rules_apply_only_while_the_plan_is_in_force(
    ledger: Ledger, plan: CommunePlan, sample_items: dict[str, Item]
) -> None:
    from flows.reports import build_report
    from flows.reports.docx import to_docx

    in_2026 = plan.model_copy(update={"valid": "2026"})
    assert quota_status(ledger, in_2026, sample_items, dt.date(2026, 3, 1), parse_period("2025-Q4")) == []
    assert len(quota_status(ledger, in_2026, sample_items, dt.date(2026, 3, 1), parse_period("2026-Q1"))) == len(
        quota_status(ledger, plan, sample_items, dt.date(2026, 3, 1), parse_period("2026-Q1"))
    )
    import io

    from docx import Document

    report = build_report(ledger, in_2026, sample_items, parse_period("2025-Q4"), dt.date(2026, 1, 5))
    text = "\n".join(p.text for p in Document(io.BytesIO(to_docx(report))).paragraphs)
    assert "ngoài thời gian hiệu lực của kế hoạch (năm 2026)" in text and "đều đạt" not in text
    with pytest.raises(ValueError):
        plan.model_validate({**plan.model_dump(), "valid": "năm nay"})


def test_a_posting_recorded_twice_at_once_counts_once_and_a_void_drops_it(
    ledger_url: str, plan: CommunePlan, sample_items: dict[str, Item]
) -> None:
    import threading

    from flows.core.ledger.corrections import void_posting
    from flows.core.ledger.postings import record_posted

    item = sample_items["van-hoa-cong-vu"]
    at = dt.datetime(2026, 5, 6, 10, 0, tzinfo=TZ)
    ledgers = [Ledger(ledger_url), Ledger(ledger_url)]
    try:
        ledgers[0].record_produced(item, "social", ProducedFile("social/x/bai-dang.txt", "0" * 64, 10))
        start, answers = threading.Barrier(2), []

        def post(ledger: Ledger) -> None:
            start.wait()
            answers.append(record_posted(ledger, item, "social", "Fanpage Facebook", at, "bt", backfill=True))

        threads = [threading.Thread(target=post, args=(one,)) for one in ledgers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(answers) == [False, True]  # two officials recording the same post: one record
        may = parse_period("2026-05")
        assert [c.where for c in counted_deliveries(ledgers[0], plan, may)["social"]] == ["Fanpage Facebook"]
        (event,) = ledgers[0].events(item.id, "posted")
        void_posting(ledgers[0], item.id, event.id, "Đăng nhầm bài", "bt")
        assert counted_deliveries(ledgers[0], plan, may)["social"] == []
    finally:
        for one in ledgers:
            one.close()
