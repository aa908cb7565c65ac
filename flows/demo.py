"""The demo run on the sample workspace: approve the samples, then record where posts went live and when
the audio aired, as the editor and the broadcast operator would. Safe to run again: nothing is counted twice."""

from __future__ import annotations

import datetime as dt

from .channels.paths import post_url
from .core.items import Item
from .core.ledger import Ledger
from .core.plan import CommunePlan
from .core.session import Session
from .core.status import ApprovalStatus

DEMO_APPROVER = "Vũ Thị Hòa (duyệt thử cho bản demo)"
DEMO_EDITOR = "Biên tập viên cổng thông tin (demo)"
DEMO_OPERATOR = "Nhân viên đài truyền thanh (demo)"


def approve_samples(session: Session) -> list[Item]:
    approvals = session.approvals()
    approved = []
    for item in session.read.items:
        if approvals[item.id].status is not ApprovalStatus.APPROVED:
            session.ledger.approve(item, DEMO_APPROVER)
            approved.append(item)
    return approved


def record_sample_deliveries(ledger: Ledger, plan: CommunePlan, items: list[Item]) -> tuple[int, int]:
    """Publish each post on its item's date at 09:00; air each bulletin the next morning and evening after."""
    tz = plan.commune.tz
    current = ledger.current_deliveries()
    slugs = ledger.slugs()
    published = aired = 0
    for item in items:
        day = item.meta.date
        if (item.id, "portal") in current and item.id in slugs:
            at = dt.datetime.combine(day, dt.time(9, 0), tz)
            published += ledger.mark_published(item.id, post_url(plan, slugs[item.id]), DEMO_EDITOR, at)[1]
        if (item.id, "loudspeaker") in current:
            for offset, clock in ((1, dt.time(6, 15)), (2, dt.time(17, 30))):
                at = dt.datetime.combine(day + dt.timedelta(days=offset), clock, tz)
                aired += ledger.mark_aired(item.id, at, DEMO_OPERATOR, backfill=True)[1]  # a replayed past quarter
    return published, aired


def record_sample_activities(ledger: Ledger, plan: CommunePlan) -> int:
    """One dialogue and one conference in the first quarter, as the office would record them."""
    added = 0
    samples = [
        (
            "doi-thoai",
            dt.date(2026, 3, 20),
            "Hội nghị đối thoại giữa Chủ tịch UBND xã với Nhân dân quý I",
            120,
            "vp-hdnd-ubnd",
        ),
        ("hoi-nghi", dt.date(2026, 2, 26), "Tập huấn sử dụng dịch vụ công trực tuyến cho cán bộ thôn", 45, "phvhcc"),
    ]
    for kind, day, title, attendees, unit in samples:
        if kind in plan.activity_kinds:
            added += ledger.add_activity(kind, day, title, DEMO_EDITOR, attendees, unit)[1]
    return added
