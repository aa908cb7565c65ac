"""The ledger: approval tied to content, deliveries never counted twice, airings counted in local time."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy.exc import IntegrityError

from flows.core.items import Item
from flows.core.ledger import ApprovalStatus, Delivery, Ledger, ProducedFile, now_utc
from flows.core.periods import parse_period
from flows.core.plan import CommunePlan
from flows.core.quota import quota_status

FILE = ProducedFile("audio/x.mp3", "0" * 64, 10, 12.5, "espeak-ng")


def edited(item: Item) -> Item:
    return dataclasses.replace(item, body=item.body + "\nThêm một câu.\n", content_hash="f" * 64)


def test_edit_voids_approval(ledger: Ledger, sample_items: dict[str, Item]) -> None:
    item = sample_items["van-hoa-cong-vu"]
    assert ledger.approval(item).status is ApprovalStatus.DRAFT
    ledger.approve(item, "Vũ Thị Hòa")
    approval = ledger.approval(item)
    assert (approval.status, approval.by) == (ApprovalStatus.APPROVED, "Vũ Thị Hòa")
    assert ledger.approval(edited(item)).status is ApprovalStatus.NEEDS_REAPPROVAL
    ledger.approve(edited(item), "Vũ Thị Hòa")
    assert ledger.approval(edited(item)).status is ApprovalStatus.APPROVED


def test_rejection_is_kept_with_its_reason(ledger: Ledger, sample_items: dict[str, Item]) -> None:
    item = sample_items["cuoc-thi-tim-hieu-cchc"]
    ledger.approve(item, "A")
    ledger.reject(item, "B", "Thiếu thời gian dự thi")
    approval = ledger.approval(item)
    assert (approval.status, approval.by, approval.reason) == (ApprovalStatus.REJECTED, "B", "Thiếu thời gian dự thi")
    assert [e.kind for e in ledger.events(item.id)] == ["approved", "rejected"]  # append-only history


def test_same_version_is_one_delivery(ledger: Ledger, sample_items: dict[str, Item]) -> None:
    item = sample_items["van-hoa-cong-vu"]
    ledger.record_produced(item, "loudspeaker", FILE)
    ledger.record_produced(item, "loudspeaker", dataclasses.replace(FILE, sha256="1" * 64))
    assert len(ledger.deliveries(item.id)) == 1
    ledger.record_produced(edited(item), "loudspeaker", FILE)
    assert len(ledger.deliveries(item.id)) == 2
    with pytest.raises(IntegrityError), ledger.session() as session:  # the database itself refuses a duplicate
        session.add(
            Delivery(
                item_id=item.id,
                channel="loudspeaker",
                version=item.content_hash,
                path="a",
                sha256="2" * 64,
                bytes=1,
                produced_at=now_utc(),
            )
        )


def test_airings_count_once_per_item_and_month_in_local_time(
    ledger: Ledger, plan: CommunePlan, sample_items: dict[str, Item]
) -> None:
    tz = plan.commune.tz
    first, second, third = (
        sample_items[k] for k in ("van-hoa-cong-vu", "cuoc-thi-tim-hieu-cchc", "mttq-giam-sat-cchc")
    )
    for item in (first, second, third):
        ledger.record_produced(item, "loudspeaker", FILE)
    morning = dt.datetime(2026, 3, 20, 6, 15, tzinfo=tz)
    assert ledger.mark_aired(first.id, morning, "op", backfill=True)[1] is True
    assert ledger.mark_aired(first.id, morning, "op", backfill=True)[1] is False  # the same airing twice is kept once
    ledger.mark_aired(first.id, morning + dt.timedelta(hours=11), "op", backfill=True)  # a repeat the same day
    # 06:00 on 1 April in Vietnam is still 31 March in UTC: it belongs to April.
    ledger.mark_aired(second.id, dt.datetime(2026, 4, 1, 6, 0, tzinfo=tz), "op", backfill=True)

    def loudspeaker(period: str) -> list:
        statuses = quota_status(ledger, plan, sample_items, dt.date(2026, 3, 1), parse_period(period))
        return [s for s in statuses if s.quota.id == "loa-hang-thang"]

    march = loudspeaker("2026-03")
    assert [(s.actual, s.required, s.met) for s in march] == [(1, 2, False)]
    ledger.mark_aired(third.id, dt.datetime(2026, 3, 31, 17, 30, tzinfo=tz), "op", backfill=True)
    march = loudspeaker("2026-03")
    assert [(s.actual, s.met) for s in march] == [(2, True)]
    assert sorted(c.item_id for c in march[0].counted) == sorted([first.id, third.id])
    assert [(s.actual, s.required) for s in loudspeaker("2026-Q1")] == [(2, 6)]


def test_publication_is_idempotent_and_retraction_stops_counting(
    ledger: Ledger, plan: CommunePlan, sample_items: dict[str, Item]
) -> None:
    from flows.core.quota import counted_deliveries

    item = sample_items["van-hoa-cong-vu"]
    ledger.record_produced(item, "portal", dataclasses.replace(FILE, path="portal/posts/x.html"))
    at = dt.datetime(2026, 3, 17, 9, 0, tzinfo=plan.commune.tz)
    assert ledger.mark_published(item.id, "https://binhgiang.haiphong.gov.vn/a", "ed", at)[1] is True
    assert ledger.mark_published(item.id, "https://binhgiang.haiphong.gov.vn/a", "ed", at)[1] is False
    assert [c.item_id for c in counted_deliveries(ledger, plan, parse_period("2026-03"))["portal"]] == [item.id]
    ledger.mark_unpublished(item.id, "Sai số liệu", "ed")
    assert counted_deliveries(ledger, plan, parse_period("2026-03"))["portal"] == []


def test_recording_for_an_item_never_produced_says_what_to_do(ledger: Ledger) -> None:
    from flows.core.errors import CchcError

    with pytest.raises(CchcError, match="cchc produce"):
        ledger.mark_aired("chua-co", dt.datetime(2026, 3, 1, 6, 0, tzinfo=dt.UTC), "op")


def test_a_ledger_from_an_earlier_version_gains_the_new_columns(tmp_path) -> None:  # noqa: ANN001
    import sqlite3

    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as db:  # the deliveries table as the first release made it, with one row
        db.execute(
            "CREATE TABLE deliveries (id INTEGER PRIMARY KEY, item_id VARCHAR(200) NOT NULL, "
            "channel VARCHAR(20) NOT NULL, version VARCHAR(64) NOT NULL, path VARCHAR(500) NOT NULL, "
            "sha256 VARCHAR(64) NOT NULL, bytes INTEGER NOT NULL, duration_seconds FLOAT, engine VARCHAR(50), "
            "state VARCHAR(20) NOT NULL, produced_at DATETIME NOT NULL, published_at DATETIME, "
            "url VARCHAR(1000), aired_at DATETIME, retracted_at DATETIME, note TEXT)"
        )
        db.execute(
            "INSERT INTO deliveries VALUES (1, 'a', 'portal', 'v', 'portal/posts/a.html', 's', 1, NULL, NULL, "
            "'published', '2026-03-01 02:00:00', '2026-03-01 02:00:00', 'https://x.vn/a', NULL, NULL, NULL)"
        )
    ledger = Ledger(f"sqlite:///{path}")
    try:
        rows = ledger.deliveries()
        assert [(r.item_id, r.state, r.meta) for r in rows] == [("a", "published", None)]  # kept, with the new column
    finally:
        ledger.close()


def test_communes_sharing_a_ledger_see_only_their_own_rows(tmp_path, sample_items: dict[str, Item]) -> None:  # noqa: ANN001
    url = f"sqlite:///{tmp_path / 'tinh.sqlite'}"
    binh_giang, thanh_mien = Ledger(url, "binh-giang"), Ledger(url, "thanh-mien")
    item = sample_items["van-hoa-cong-vu"]
    try:
        binh_giang.approve(item, "A")
        binh_giang.record_produced(item, "portal", FILE)
        binh_giang.add_activity("doi-thoai", dt.date(2026, 3, 1), "Đối thoại", "A")
        assert thanh_mien.approval(item).status is ApprovalStatus.DRAFT
        assert thanh_mien.deliveries() == [] and thanh_mien.activities() == [] and thanh_mien.events() == []
        assert thanh_mien.assign_slugs([item]) == binh_giang.assign_slugs([item])  # the same slug, each its own
        thanh_mien.record_produced(item, "portal", FILE)  # the same item id in another commune: no clash
        assert len(binh_giang.deliveries()) == len(thanh_mien.deliveries()) == 1
    finally:
        binh_giang.close()
        thanh_mien.close()
