"""Counts that go to the province, case by case: each test builds the case and checks the number."""

from __future__ import annotations

import datetime as dt

import pytest

from flows.core.errors import AiringRefused
from flows.core.items import Item
from flows.core.ledger import Ledger, ProducedFile
from flows.core.periods import parse_period
from flows.core.plan import CommunePlan, Quota
from flows.core.quota import quota_status

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
