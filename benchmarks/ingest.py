"""Benchmark: a 1,000-entry RSS feed taken into the inbox (fetch from disk, parse, filter, clean, write drafts).

Target (issue 9): at most 5 s. Run with `make bench`.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from flows.core.plan import Feed
from flows.core.session import open_session
from flows.core.workspace import init_workspace
from flows.feeds import ingest

TOPICS = ["dịch vụ công trực tuyến", "thủ tục hành chính", "chỉ số SIPAS", "văn hóa công vụ", "chuyển đổi số"]


def feed(entries: int) -> str:
    items = []
    for number in range(entries):
        topic = TOPICS[number % len(TOPICS)]
        items.append(
            f"<item><title>Tin số {number}: đẩy mạnh {topic} tại địa phương</title>"
            f"<link>https://province.example.vn/cchc/{number}.html</link><guid>urn:tin:{number}</guid>"
            f"<pubDate>Tue, {1 + number % 28:02d} Mar 2026 08:30:00 +0700</pubDate>"
            f"<description><![CDATA[<p>Nội dung về {topic} và cải cách hành chính, số {number}.</p>"
            f"<script>alert({number})</script><p>Xem <a href='https://dichvucong.gov.vn'>Cổng</a>.</p>]]></description>"
            "</item>"
        )
    head = '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Tỉnh</title>'
    return f"{head}{''.join(items)}</channel></rss>"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ws = init_workspace(Path(tmp) / "ws", with_samples=False)
        source = Path(tmp) / "tinh.xml"
        source.write_text(feed(1000), encoding="utf-8")
        with open_session(ws.root) as session:
            start = time.perf_counter()
            results = ingest(session, [Feed(name="tỉnh", url=str(source))])
            first = time.perf_counter() - start
            start = time.perf_counter()
            again = ingest(session, [Feed(name="tỉnh", url=str(source))])
            second = time.perf_counter() - start
    print(
        f"1,000-entry feed: {len(results[0].drafts)} drafts in {first:.2f} s (target ≤ 5 s); "
        f"a second run adds {len(again[0].drafts)} in {second:.2f} s"
    )


if __name__ == "__main__":
    main()
