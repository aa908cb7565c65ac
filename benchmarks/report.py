"""Benchmark: a shared ledger of 100,000 deliveries (100 communes over a year); the yearly report for one
commune (tables, CSV, XLSX, DOCX, PNG) and its quota status.

Target (issue 7): at most 3 s for the report and the quota status. Run with `make bench`.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

from flows.core.ledger import Activity, Delivery, Event, EventKind, Ledger
from flows.core.periods import parse_period
from flows.core.quota import quota_status
from flows.core.workspace import BUILTIN_ROOT, Workspace
from flows.reports import FORMATS, build_report, write_report

COMMUNES, PER_COMMUNE = 100, 1_000


def fill(ledger: Ledger, plan: object) -> int:
    """100 communes × 1,000 deliveries over 2026: posts published, bulletins aired, images made."""
    rng = random.Random(2026)
    units, topics = [u.id for u in plan.units], [t.id for t in plan.topics]
    tz = plan.commune.tz
    deliveries, events, activities = [], [], []
    next_id = 1
    for commune in range(COMMUNES):
        key = f"xa-{commune:03d}"
        for number in range(PER_COMMUNE):
            channel = ("portal", "loudspeaker", "infographic")[number % 3]
            day = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(365))
            moment = dt.datetime.combine(day, dt.time(9), tz)
            meta = json.dumps(
                {
                    "title": f"Tin số {number}",
                    "unit": rng.choice(units),
                    "topic": rng.choice(topics),
                    "date": day.isoformat(),
                }
            )
            deliveries.append(
                {
                    "id": next_id,
                    "commune": key,
                    "item_id": f"tin-{number // 3}",
                    "channel": channel,
                    "version": "v1",
                    "path": f"x/{number}",
                    "sha256": "0" * 64,
                    "bytes": 1,
                    "state": "published" if channel == "portal" else "produced",
                    "produced_at": moment,
                    "published_at": moment if channel == "portal" else None,
                    "url": f"https://{key}.gov.vn/{number}" if channel == "portal" else None,
                    "meta": meta,
                }
            )
            if channel == "loudspeaker":
                events.append(
                    {
                        "commune": key,
                        "at": moment + dt.timedelta(days=1),
                        "kind": EventKind.AIRED,
                        "item_id": f"tin-{number // 3}",
                        "channel": channel,
                        "actor": "op",
                        "delivery_id": next_id,
                    }
                )
            next_id += 1
        activities.append(
            {
                "commune": key,
                "kind": "doi-thoai",
                "day": dt.date(2026, 6, 1),
                "title": "Đối thoại",
                "actor": "vp",
                "recorded_at": dt.datetime(2026, 6, 1, tzinfo=dt.UTC),
            }
        )
    with ledger.session() as session:
        session.execute(insert(Delivery), deliveries)
        session.execute(insert(Event), events)
        session.execute(insert(Activity), activities)
    return len(deliveries)


def main() -> None:
    plan = Workspace(BUILTIN_ROOT).load_plan()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'tinh.sqlite'}"
        start = time.perf_counter()
        count = fill(Ledger(url), plan)
        filled = time.perf_counter() - start
        ledger = Ledger(url, "xa-042")
        year = parse_period("2026")
        start = time.perf_counter()
        report = build_report(ledger, plan, {}, year, made_on=dt.date(2026, 12, 31))
        files = write_report(report, Path(tmp) / "bao-cao", FORMATS)
        reported = time.perf_counter() - start
        start = time.perf_counter()
        statuses = quota_status(ledger, plan, {}, dt.date(2026, 11, 23))
        status_time = time.perf_counter() - start
    print(f"ledger: {count:,} deliveries in {COMMUNES} communes (filled in {filled:.1f} s, not counted)")
    print(
        f"yearly report for one commune ({len(report.items)} items, {len(files)} files: csv, xlsx, docx, png): "
        f"{reported:.2f} s"
    )
    print(
        f"quota status ({len(statuses)} rules): {status_time:.2f} s; together {reported + status_time:.2f} s "
        f"(target ≤ 3 s)"
    )


if __name__ == "__main__":
    main()
