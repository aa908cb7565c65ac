"""Feeds into the approval inbox, served from 127.0.0.1 the way Vietnamese news sites publish them."""

from __future__ import annotations

import threading
import time
import unicodedata
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from flows.core.items import read_item
from flows.core.ledger import ApprovalStatus, Ledger
from flows.core.session import open_session
from flows.core.settings import Feed
from flows.core.workspace import Workspace, init_workspace
from flows.feeds import ingest

from .cli import cchc

FEEDS = Path(__file__).parent / "data" / "feeds"
WINDOWS_1258_TITLE = "Thủ tục hành chính: hướng dẫn đăng ký khai sinh trực tuyến"
TONES = "\u0300\u0301\u0303\u0309\u0323"


def to_windows_1258(text: str) -> bytes:
    """As Vietnamese Windows software writes it: base letters precomposed, tone marks combining."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        try:
            out.append(char.encode("cp1258"))
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
            out.append((base + "".join(c for c in parts if c in TONES)).encode("cp1258"))
    return b"".join(out)


class Feeds(BaseHTTPRequestHandler):
    files: dict[str, tuple[bytes, str]] = {}
    hits: dict[str, int] = {}

    def do_GET(self) -> None:  # noqa: N802
        self.hits[self.path] = self.hits.get(self.path, 0) + 1
        if self.path == "/cham.xml":
            time.sleep(3)  # a feed that does not answer in time
        if self.path == "/nho-giot.xml":  # answers at once, then drips a byte at a time for a minute
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.end_headers()
            try:
                for byte in (FEEDS / "tinh.xml").read_bytes()[:600]:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(0.1)
            except OSError:
                pass  # the client gave up, as it should
            return
        if self.path not in self.files:
            self.send_error(404)
            return
        body, content_type = self.files[self.path]
        etag = f'"{hash(body) & 0xFFFF:x}"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    windows = (
        '<?xml version="1.0" encoding="windows-1258"?><rss version="2.0"><channel><title>Báo huyện cũ</title>'
        f"<item><title>{WINDOWS_1258_TITLE}</title><link>https://w1258.example.vn/1</link>"
        "<pubDate>Wed, 18 Mar 2026 07:00:00 +0700</pubDate>"
        "<description>Người dân đăng ký khai sinh qua dịch vụ công trực tuyến.</description></item>"
        "</channel></rss>"
    )
    Feeds.files = {f"/{p.name}": (p.read_bytes(), "application/rss+xml; charset=utf-8") for p in FEEDS.glob("*.xml")}
    Feeds.files["/bo-noi-vu.xml"] = ((FEEDS / "bo-noi-vu.xml").read_bytes(), "application/atom+xml")
    Feeds.files["/windows-1258.xml"] = (to_windows_1258(windows), "application/rss+xml")
    Feeds.files["/cham.xml"] = ((FEEDS / "tinh.xml").read_bytes(), "application/rss+xml")
    Feeds.hits = {}
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Feeds)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def feeds(base: str, *names: str) -> list[Feed]:
    return [Feed(name=name, url=f"{base}/{name}") for name in names]


def run(ws: Workspace, feed_list: list[Feed], timeout: float = 10.0) -> list:
    with open_session(ws.root) as session:
        return ingest(session, feed_list, timeout)


def test_drafts_from_rss_atom_and_windows_1258(server: str, tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws", with_samples=False)
    results = run(ws, feeds(server, "tinh.xml", "bo-noi-vu.xml", "windows-1258.xml"))
    assert [r.error for r in results] == [None, None, None]
    plan = ws.load_plan()
    drafts = {read_item(p, plan).title: read_item(p, plan) for r in results for p in r.drafts}
    assert set(drafts) == {
        "Tỉnh đẩy mạnh dịch vụ công trực tuyến toàn trình",
        "Kết quả Chỉ số SIPAS năm 2025 của tỉnh",
        "Hướng dẫn triển khai Chương trình tổng thể cải cách hành chính giai đoạn 2021-2030",
        WINDOWS_1258_TITLE,  # decoded from windows-1258 and composed again (NFC)
    }
    online = drafts["Tỉnh đẩy mạnh dịch vụ công trực tuyến toàn trình"]
    assert online.meta.topic == "dich-vu-cong-truc-tuyen" and online.meta.unit == "phvhcc"  # suggested
    assert online.meta.source.published == "2026-03-10T08:30:00+07:00" and online.meta.date.isoformat() == "2026-03-10"
    assert drafts["Kết quả Chỉ số SIPAS năm 2025 của tỉnh"].meta.topic == "chi-so-cchc"
    assert "[Cổng Dịch vụ công](https://dichvucong.gov.vn)" in online.body  # HTML turned into Markdown
    for item in drafts.values():
        assert "script" not in item.body.lower() and "javascript:" not in item.body and "iframe" not in item.body
        assert "onclick" not in item.body and "alert" not in item.body
        assert item.path.parent.name == "inbox"
    # the sports item is not about CCHC; the item without a title is named in a warning
    assert results[0].skipped == 1 and any("thiếu tiêu đề" in w for w in results[0].warnings)
    # drafts only: nothing from a feed is approved
    ledger = Ledger(ws.database_url)
    assert {ledger.approval(i).status for i in drafts.values()} == {ApprovalStatus.DRAFT}
    ledger.close()


def test_second_run_adds_nothing_and_304_is_handled(server: str, tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws", with_samples=False)
    first = run(ws, feeds(server, "tinh.xml"))
    assert len(first[0].drafts) == 2
    second = run(ws, feeds(server, "tinh.xml"))
    assert second[0].not_modified and second[0].drafts == []  # the server said 304 to our ETag
    # the same entries under another address (a mirror): recognised by guid, link or title, not added again
    mirror = run(ws, feeds(server, "cham.xml"), timeout=10)
    assert mirror[0].drafts == [] and mirror[0].skipped >= 2
    assert len(list((ws.items_dir / "inbox").glob("*.md"))) == 2


def test_bad_feeds_fail_alone_and_say_why(server: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws = init_workspace(tmp_path / "ws", with_samples=False)
    results = run(ws, feeds(server, "cham.xml", "hong.xml", "trong.xml", "khong-co.xml", "bo-noi-vu.xml"), timeout=1)
    by_name = {r.feed.name: r for r in results}
    assert "không trả lời sau 1 giây" in str(by_name["cham.xml"].error)
    assert by_name["hong.xml"].error is None  # broken XML: what could be salvaged is kept, with a warning
    assert any("lỗi định dạng" in w for w in by_name["hong.xml"].warnings) and len(by_name["hong.xml"].drafts) == 1
    assert by_name["trong.xml"].warnings == ["nguồn tin không có tin nào"]
    assert "404" in str(by_name["khong-co.xml"].error)
    assert len(by_name["bo-noi-vu.xml"].drafts) == 1  # the feeds after a failing one still come in
    run_cli = cchc(
        capsys, "ingest", "--feed", f"{server}/khong-co.xml", "--feed", f"{server}/trong.xml", "-w", str(ws.root)
    )
    assert run_cli.code == 1 and "Lỗi nguồn tin" in run_cli.err and "khong-co.xml" in run_cli.err


def test_drafts_are_listed_awaiting_approval(server: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws = init_workspace(tmp_path / "ws", with_samples=False)
    assert cchc(capsys, "ingest", "--feed", f"{server}/bo-noi-vu.xml", "-w", str(ws.root)).code == 0
    listed = cchc(capsys, "items", "--status", "draft", "--json", "-w", str(ws.root)).out
    assert "Chương trình tổng thể cải cách hành chính" in listed and '"status": "draft"' in listed


@pytest.mark.flow
def test_the_ingest_flow_takes_the_configured_feeds(tmp_path: Path, prefect_harness: None) -> None:
    from flows.ingest_flow import ingest as ingest_flow

    ws = init_workspace(tmp_path / "ws", with_samples=False)
    (ws.root / "nguon").mkdir()
    for name in ("tinh.xml", "bo-noi-vu.xml"):
        (ws.root / "nguon" / name).write_bytes((FEEDS / name).read_bytes())
    config = ws.config_path.read_text(encoding="utf-8")
    config += (
        "\nfeeds:\n  - {name: Cổng tỉnh, url: nguon/tinh.xml}\n"
        "  - {name: Bộ Nội vụ, url: nguon/bo-noi-vu.xml, unit: vhxh}\n"
    )
    ws.config_path.write_text(config, encoding="utf-8")
    results = ingest_flow(str(ws.root))
    assert [len(r.drafts) for r in results] == [2, 1]
    moha = read_item(results[1].drafts[0], ws.load_plan())
    assert moha.meta.unit == "vhxh" and moha.meta.source.name == "Bộ Nội vụ"  # the feed's own office


def test_a_dripping_server_a_device_and_a_fifo_are_cut_off(server: str, tmp_path: Path) -> None:
    import os

    ws = init_workspace(tmp_path / "ws", with_samples=False)
    fifo = tmp_path / "ong.xml"
    os.mkfifo(fifo)
    started = time.monotonic()
    found = run(
        ws,
        [
            Feed(name="nho-giot", url=f"{server}/nho-giot.xml"),
            Feed(name="zero", url="/dev/zero"),
            Feed(name="fifo", url=str(fifo)),
            Feed(name="ftp", url="ftp://example.vn/rss.xml"),
            Feed(name="bo-noi-vu", url=f"{server}/bo-noi-vu.xml"),
        ],
        timeout=1,
    )
    assert time.monotonic() - started < 15  # the drip is cut off at the deadline, nothing waits on the FIFO
    by_name = {r.feed.name: r for r in found}
    assert "quá chậm" in str(by_name["nho-giot"].error)
    assert "không phải một tệp thường" in str(by_name["zero"].error)
    assert "không phải một tệp thường" in str(by_name["fifo"].error)
    assert "http" in str(by_name["ftp"].error)
    assert len(by_name["bo-noi-vu"].drafts) == 1  # the others still come in
