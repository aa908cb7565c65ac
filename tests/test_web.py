"""The web app, as each role uses it: a real Chromium (Debian's) driven by Playwright through every role's job,
results checked in the ledger and the output files; axe-core on every main page; and the refusals: a form
without its CSRF token, a request without a session, a role doing another role's work."""

from __future__ import annotations

import datetime as dt
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from flows.channels import Job, RenderContext
from flows.core.ledger import Ledger
from flows.core.status import Role
from flows.core.users import add_user
from flows.core.workspace import Workspace, init_workspace
from flows.pipeline import produce_job
from flows.web import create_app

from .conftest import require_tool

PASSWORD = "mat-khau-thu-nghiem"
PEOPLE = {
    "bientap": ("Nguyễn Văn Biên", Role.EDITOR),
    "lanhdao": ("Vũ Thị Hòa", Role.APPROVER),
    "truyenthanh": ("Trần Văn Loa", Role.OPERATOR),
    "baocao": ("Lê Thị Số", Role.REPORTER),
    "quantri": ("Phạm Quản Trị", Role.ADMIN),
}
SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
AUDIO_ITEM = "huong-dan-nop-ho-so-truc-tuyen"


def make_workspace(root: Path) -> Workspace:
    ws = init_workspace(root)
    keep = {AUDIO_ITEM, "chi-so-sipas-hai-long", "van-hoa-cong-vu"}
    for path in ws.items_dir.rglob("*.md"):
        if path.stem not in keep:
            path.unlink()
        elif path.stem != AUDIO_ITEM:  # quick to preview: no audio
            text = path.read_text(encoding="utf-8")
            path.write_text(
                text.replace("[portal, infographic, loudspeaker]", "[portal, infographic]"), encoding="utf-8"
            )
    plan = ws.load_plan()
    ledger = Ledger(ws.database_url)
    for username, (name, role) in PEOPLE.items():
        add_user(ledger, username, name, role, PASSWORD)
    # one item approved and on air in March 2026, so the operator has a month to confirm
    item = ws.read_items(plan).by_id()[AUDIO_ITEM]
    ledger.approve(item, "Vũ Thị Hòa")
    for channel in ("loudspeaker", "portal"):
        ledger.assign_slugs([item])
        job = Job.of(item, channel, plan, ledger.slugs().get(item.id), approved_by="Vũ Thị Hòa")
        ledger.record_produced(item, channel, produce_job(job, RenderContext(plan, ws)))
    ledger.close()
    return ws


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def signed_in_client(app, username: str) -> TestClient:  # noqa: ANN001
    client = TestClient(app)
    token = csrf_of(client.get("/dang-nhap").text)
    answer = client.post(
        "/dang-nhap", data={"csrf": token, "username": username, "password": PASSWORD}, follow_redirects=False
    )
    assert answer.status_code == 303
    return client


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return make_workspace(tmp_path_factory.mktemp("web") / "ws")


# --- refusals ---------------------------------------------------------------------------------------------------
def test_no_session_no_csrf_and_the_wrong_role_are_refused(site: Workspace) -> None:
    app = create_app(site.root)
    anonymous = TestClient(app)
    answer = anonymous.get("/duyet", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/dang-nhap")
    assert anonymous.post("/duyet/van-hoa-cong-vu", data={"csrf": "x"}).status_code in (401, 403)
    wrong = anonymous.post(
        "/dang-nhap", data={"csrf": csrf_of(anonymous.get("/dang-nhap").text), "username": "lanhdao", "password": "sai"}
    )
    assert wrong.status_code == 401 and "không đúng" in wrong.text

    approver = signed_in_client(app, "lanhdao")
    page = approver.get("/duyet/van-hoa-cong-vu").text
    version = re.search(r'name="version" value="([^"]+)"', page).group(1)
    forged = approver.post("/duyet/van-hoa-cong-vu", data={"version": version, "action": "duyet"})
    assert forged.status_code == 403 and "Biểu mẫu không hợp lệ" in forged.text
    operator = signed_in_client(app, "truyenthanh")
    token = csrf_of(operator.get("/lich-phat?thang=2026-03").text)
    other_role = operator.post("/duyet/van-hoa-cong-vu", data={"csrf": token, "version": version, "action": "duyet"})
    assert other_role.status_code == 403 and "không có quyền" in other_role.text
    ledger = Ledger(site.database_url)
    try:
        assert (
            ledger.approval(
                next(i for i in site.read_items(site.load_plan()).items if i.id == "van-hoa-cong-vu")
            ).status
            == "draft"
        )
    finally:
        ledger.close()
    fresh = TestClient(app)
    signing = fresh.post(
        "/dang-nhap",
        data={"csrf": csrf_of(fresh.get("/dang-nhap").text), "username": "lanhdao", "password": PASSWORD},
        follow_redirects=False,
    )
    cookie = signing.headers["set-cookie"].lower()
    assert "cchc_phien=" in cookie and "httponly" in cookie and "samesite=strict" in cookie
    assert approver.get("/tep/../.cchc/ledger.sqlite").status_code == 404
    assert approver.get("/tep/.cache/x").status_code == 404


# --- each role in a real browser ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def server(site: Workspace) -> Iterator[str]:
    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(create_app(site.root), host="127.0.0.1", port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not running.started and time.monotonic() < deadline:
        time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    chromium = require_tool("chromium")
    from playwright.sync_api import sync_playwright

    flags = [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ]
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=flags)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, server):  # noqa: ANN001, ANN201
    context = browser.new_context(base_url=server, viewport={"width": 390, "height": 844}, locale="vi-VN")
    yield context.new_page()
    context.close()


def sign_in(page, username: str) -> None:  # noqa: ANN001
    page.goto("/dang-nhap")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()


def accessible(page) -> None:  # noqa: ANN001
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page).response["violations"]
    serious = [
        (v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
        for v in found
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious, serious


def screenshot(page, name: str) -> None:  # noqa: ANN001
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"web-{name}.png"), full_page=True)


def events(ws: Workspace, kind: str) -> list:
    ledger = Ledger(ws.database_url)
    try:
        return [e for e in ledger.events() if e.kind == kind]
    finally:
        ledger.close()


@pytest.mark.flow
def test_editor_writes_an_item_with_field_errors_then_saves_it(page, site: Workspace) -> None:  # noqa: ANN001
    sign_in(page, "bientap")
    accessible(page)
    screenshot(page, "bien-tap")
    page.get_by_role("link", name="Viết bài mới").click()
    page.get_by_label("Tiêu đề").fill("Hướng dẫn đăng ký khai sinh trực tuyến")
    page.get_by_label("Tóm tắt").fill("   ")
    page.get_by_label("Nội dung (Markdown)").fill("Người dân **đăng ký** khai sinh trên Cổng Dịch vụ công.")
    page.locator("#xem-truoc strong").wait_for()  # the live preview renders the Markdown
    page.get_by_role("button", name="Lưu bài").click()
    assert page.locator("#loi-summary").is_visible()  # the same message as the CLI, next to the field
    accessible(page)
    page.get_by_label("Tóm tắt").fill("Làm khai sinh cho con mà không phải đến trụ sở.")
    page.get_by_role("button", name="Lưu bài").click()
    page.get_by_text("Đã lưu bài").wait_for()
    saved = list(site.items_dir.rglob("huong-dan-dang-ky-khai-sinh-truc-tuyen.md"))
    assert len(saved) == 1 and "**đăng ký**" in saved[0].read_text(encoding="utf-8")
    assert any(e.actor == "Nguyễn Văn Biên" for e in events(site, "edited"))


@pytest.mark.flow
def test_approver_sees_the_post_and_image_then_approves(page, site: Workspace) -> None:  # noqa: ANN001
    sign_in(page, "lanhdao")
    accessible(page)
    screenshot(page, "lanh-dao")
    page.get_by_role("link", name=re.compile("Chỉ số SIPAS")).click()
    page.locator("img[alt^='Infographic']").wait_for()
    assert page.frame_locator("iframe").locator("h1").inner_text().startswith("Chỉ số SIPAS")
    accessible(page)
    page.get_by_role("button", name="Duyệt bài").click()
    page.get_by_text("Đã duyệt bài").wait_for()
    approvals = [e for e in events(site, "approved") if e.item_id == "chi-so-sipas-hai-long"]
    assert [e.actor for e in approvals] == ["Vũ Thị Hòa"]


@pytest.mark.flow
def test_editor_produces_and_records_the_live_address(page, site: Workspace) -> None:  # noqa: ANN001
    sign_in(page, "bientap")
    page.get_by_role("button", name="Sản xuất ngay").click()
    page.get_by_text("Đã xong lúc").wait_for(timeout=300_000)
    assert (site.output_dir / "infographic" / "chi-so-sipas-hai-long.png").is_file()
    page.goto("/bai/chi-so-sipas-hai-long/dang")
    accessible(page)
    page.get_by_label("Địa chỉ bài trên cổng thông tin").fill("https://binhgiang.haiphong.gov.vn/cchc/sipas.html")
    page.get_by_role("button", name="Ghi nhận đã đăng").click()
    page.get_by_text("Đã ghi nhận đăng bài").wait_for()
    page.goto("/bai/chi-so-sipas-hai-long/lan-toa")
    accessible(page)
    published = [e for e in events(site, "published") if e.item_id == "chi-so-sipas-hai-long"]
    assert [(e.actor, e.details["url"]) for e in published] == [
        ("Nguyễn Văn Biên", "https://binhgiang.haiphong.gov.vn/cchc/sipas.html")
    ]


@pytest.mark.flow
def test_operator_confirms_a_slot_and_makes_an_announcement(page, site: Workspace) -> None:  # noqa: ANN001
    sign_in(page, "truyenthanh")
    page.goto("/lich-phat?thang=2026-01")
    accessible(page)
    screenshot(page, "truyen-thanh")
    page.get_by_role("button", name=re.compile("Xác nhận đã phát cả khung giờ")).first.click()
    page.get_by_text("khi đó chưa có tệp âm thanh").wait_for()  # January's slots came before the audio was made
    assert events(site, "aired") == []
    page.get_by_role("link", name=re.compile("Nhập bù các buổi đã phát")).click()
    page.get_by_role("button", name=re.compile("Xác nhận đã phát cả khung giờ")).first.click()
    page.get_by_text("Đã ghi nhận 1 lượt phát").wait_for()
    aired = events(site, "aired")
    assert len(aired) == 1 and aired[0].actor == "Trần Văn Loa" and aired[0].item_id == AUDIO_ITEM
    page.goto("/thong-bao")
    page.get_by_label("Nội dung thông báo").fill("Sáng mai 7h30, UBND xã tiếp công dân tại hội trường.")
    page.get_by_role("button", name="Tạo bản đọc").click()
    page.locator("audio").wait_for()
    accessible(page)
    made = list((site.state_dir / "thong-bao").glob("*.mp3"))
    assert len(made) == 1 and made[0].stat().st_size > 10_000


@pytest.mark.flow
def test_reporting_officer_records_an_activity_and_exports_the_report(page, site: Workspace) -> None:  # noqa: ANN001
    sign_in(page, "baocao")
    accessible(page)
    screenshot(page, "bao-cao")
    page.goto("/nhiem-vu")
    accessible(page)
    page.goto("/hoat-dong")
    page.get_by_label("Loại").select_option("doi-thoai")
    page.get_by_label("Ngày").fill("2026-03-20")
    page.get_by_label("Nội dung").fill("Đối thoại giữa Chủ tịch UBND xã với Nhân dân quý I")
    page.get_by_label("Số người tham dự").fill("120")
    page.get_by_role("button", name="Thêm").click()
    page.get_by_text("Đã lưu").wait_for()
    accessible(page)
    ledger = Ledger(site.database_url)
    try:
        rows = ledger.activities()
    finally:
        ledger.close()
    assert [(r.kind, r.day, r.attendees, r.actor) for r in rows] == [
        ("doi-thoai", dt.date(2026, 3, 20), 120, "Lê Thị Số")
    ]
    page.goto("/bao-cao")
    page.get_by_label(re.compile("Kỳ báo cáo")).fill("2026-Q1")
    page.get_by_label(re.compile("Ngày ghi trên báo cáo")).fill("2026-04-03")
    page.get_by_role("button", name=re.compile("Xuất báo cáo")).click()
    page.locator("img[alt^='Biểu đồ']").wait_for()
    for suffix in (".docx", ".xlsx", ".png", "-chi-tieu.csv"):
        assert (site.output_dir / "reports" / f"bao-cao-cchc-2026-Q1{suffix}").is_file()
    from docx import Document

    heading = Document(site.output_dir / "reports" / "bao-cao-cchc-2026-Q1.docx").tables[0]
    assert "ngày 03 tháng 4 năm 2026" in " ".join(c.text for row in heading.rows for c in row.cells)
    accessible(page)


@pytest.mark.flow
def test_admin_adds_a_user_who_can_then_sign_in(page, browser, server, site: Workspace) -> None:  # noqa: ANN001
    sign_in(page, "quantri")
    accessible(page)
    screenshot(page, "quan-tri")
    page.get_by_label("Tên đăng nhập", exact=True).fill("bientap2")
    page.get_by_label("Họ và tên (ghi vào sổ theo dõi)").fill("Đỗ Thị Mới")
    page.get_by_label("Vai trò").select_option("editor")
    page.get_by_label("Mật khẩu (ít nhất 8 ký tự)").fill(PASSWORD)
    page.get_by_role("button", name="Thêm").click()
    page.get_by_text("Đã lưu").wait_for()
    other = browser.new_context(base_url=server).new_page()
    sign_in(other, "bientap2")
    assert other.url.endswith("/bai")
    with page.expect_download() as download:
        page.get_by_role("button", name="Tải bản sao lưu (SQLite)").click()
    copy = download.value.path()
    import sqlite3

    with sqlite3.connect(copy) as db:  # a real copy of the ledger, with the new user in it
        assert db.execute("SELECT full_name FROM users WHERE username = 'bientap2'").fetchone() == ("Đỗ Thị Mới",)


@pytest.mark.flow
def test_approver_sees_what_changed_since_approval_and_sends_it_back(page, site: Workspace) -> None:  # noqa: ANN001
    plan = site.load_plan()
    item = site.read_items(plan).by_id()["van-hoa-cong-vu"]
    ledger = Ledger(site.database_url)
    ledger.approve(item, "Vũ Thị Hòa")
    ledger.close()
    item.path.write_text(
        item.path.read_text(encoding="utf-8") + "\nMọi phản ánh gửi về đường dây nóng của xã.\n", encoding="utf-8"
    )
    sign_in(page, "lanhdao")
    page.get_by_role("link", name=re.compile("Văn hóa công vụ")).click()
    added = page.locator("pre.diff .add")
    assert "Mọi phản ánh gửi về đường dây nóng của xã." in added.all_inner_texts()[-1]
    accessible(page)
    page.get_by_label("Lý do trả lại").fill("Ghi rõ số điện thoại đường dây nóng.")
    page.get_by_role("button", name="Trả lại bài").click()
    page.get_by_text("Đã trả lại bài").wait_for()
    rejected = [e for e in events(site, "rejected") if e.item_id == "van-hoa-cong-vu"]
    assert [(e.actor, e.details["reason"]) for e in rejected] == [
        ("Vũ Thị Hòa", "Ghi rõ số điện thoại đường dây nóng.")
    ]


@pytest.mark.flow
def test_operator_voids_an_airing_recorded_by_mistake(page, site: Workspace) -> None:  # noqa: ANN001
    sign_in(page, "truyenthanh")
    page.goto("/lich-phat?thang=2026-01")
    page.get_by_text("Ghi nhầm?").first.click()
    page.get_by_label("Lý do hủy lần phát này").first.fill("Hôm đó mất điện, không phát")
    page.get_by_role("button", name="Hủy lần phát").first.click()
    page.get_by_text("Đã hủy lần phát ghi nhầm").wait_for()
    accessible(page)
    voids = events(site, "voided")
    assert [(v.actor, v.details["reason"]) for v in voids][-1] == ("Trần Văn Loa", "Hôm đó mất điện, không phát")


# --- the plan's tasks, postings beyond the portal, an office's own report (Canh Vinh's plan) ---------------------
def test_tasks_postings_and_an_offices_report_in_the_web_app(tmp_path: Path) -> None:
    import shutil

    from flows.core.quota import quota_status

    root = tmp_path / "canh-vinh"
    shutil.copytree(Path(__file__).parent / "data" / "communes" / "canh-vinh" / "content", root / "content")
    ws = Workspace.at(root)
    plan = ws.load_plan()
    ledger = Ledger(ws.database_url)
    add_user(ledger, "baocao", "Lê Thị Số", Role.REPORTER, PASSWORD)
    add_user(ledger, "bientap", "Nguyễn Văn Biên", Role.EDITOR, PASSWORD)
    item = ws.read_items(plan).by_id()["doanh-nghiep"]
    ledger.approve(item, plan.signatory.name)
    ledger.record_produced(item, "social", produce_job(Job.of(item, "social", plan), RenderContext(plan, ws)))
    ledger.close()
    app = create_app(root)

    officer = signed_in_client(app, "baocao")
    page = officer.get("/nhiem-vu").text
    assert (
        "Gửi tin, bài về nội dung cải cách thủ tục hành chính" in page and "Trung tâm Phục vụ hành chính công" in page
    )
    saved = officer.post(
        "/nhiem-vu",
        data={"csrf": csrf_of(page), "task": "4.4", "status": "done", "note": "Đã đăng Fanpage", "day": "2026-05-06"},
    )
    assert saved.status_code == 200 and "Đã cập nhật nhiệm vụ 4.4" in saved.text
    assert "Đã đăng Fanpage" in saved.text
    bad = officer.post("/nhiem-vu", data={"csrf": csrf_of(page), "task": "9.9", "status": "done"})
    assert bad.status_code == 400 and "Không có nhiệm vụ số" in bad.text and "9.9" in bad.text

    editor = signed_in_client(app, "bientap")
    outreach = editor.get("/bai/doanh-nghiep/lan-toa").text
    assert "#CảiCáchHànhChính #GiaLai #XãCanhVinh" in outreach and "zalo-1080x1080.png" in outreach
    token = csrf_of(outreach)
    early = editor.post(
        "/bai/doanh-nghiep/lan-toa",
        data={"csrf": token, "channel": "social", "where": "Fanpage Facebook", "at": "2026-05-06 10:00"},
    )
    assert early.status_code == 400 and "chưa có tệp" in early.text  # the post did not exist in May
    no_address = editor.post(
        "/bai/doanh-nghiep/lan-toa",
        data={"csrf": token, "channel": "social", "where": "Fanpage", "url": "facebook.com/ubnd", "ghi-bu": "1"},
    )
    assert no_address.status_code == 400 and "facebook.com/ubnd" in no_address.text
    assert "không hợp lệ: phải bắt đầu bằng http://" in no_address.text
    posted = editor.post(
        "/bai/doanh-nghiep/lan-toa",
        data={"csrf": token, "channel": "social", "where": "Fanpage Facebook", "at": "2026-05-06 10:00", "ghi-bu": "1"},
    )
    assert posted.status_code == 200 and "Fanpage Facebook" in posted.text
    ledger = Ledger(ws.database_url)
    try:
        statuses = quota_status(ledger, plan, {item.id: item}, dt.date(2026, 5, 6))
        coverage = next(s for s in statuses if s.quota.id == "linh-vuc-hang-quy")
        assert [p.unit.id for p in coverage.parts if p.met] == ["kinh-te"]
    finally:
        ledger.close()

    made = officer.post(
        "/bao-cao", data={"csrf": csrf_of(officer.get("/bao-cao").text), "period": "2026-Q2", "unit": "kinh-te"}
    )
    assert made.status_code == 200
    folder = ws.output_dir / "reports"
    assert (folder / "bao-cao-cchc-kinh-te-2026-Q2.docx").is_file()
    rows = (folder / "bao-cao-cchc-kinh-te-2026-Q2-nhiem-vu.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(rows) == 3 and "Đã hoàn thành" in rows[1] + rows[2]  # tasks 4.4 and 6, led by Phòng Kinh tế


def test_editing_an_item_keeps_what_the_form_does_not_show_and_adds_topics_and_offices(tmp_path: Path) -> None:
    import yaml

    ws = init_workspace(tmp_path / "ws")
    ledger = Ledger(ws.database_url)
    add_user(ledger, "bientap", "Nguyễn Văn Biên", Role.EDITOR, PASSWORD)
    ledger.close()
    client = signed_in_client(create_app(ws.root), "bientap")
    page = client.get(f"/bai/{AUDIO_ITEM}").text
    assert 'name="assisting"' in page and 'name="topics"' in page
    path = next(ws.items_dir.rglob(f"{AUDIO_ITEM}.md"))
    before = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
    form = {
        "csrf": csrf_of(page),
        "item_id": AUDIO_ITEM,
        "title": before["title"],
        "summary": before["summary"],
        "date": str(before["date"]),
        "topic": before["topic"],
        "unit": before["unit"],
        "topics": ["chi-so-cchc"],
        "assisting": ["dvsnc"],
        "channels": ["portal", "social"],
        "body": "Nội dung đã sửa.",
    }
    saved = client.post("/bai/luu", data=form, follow_redirects=False)
    assert saved.status_code == 303
    after = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
    assert after["source"] == before["source"]  # not on the form: kept
    assert after["topics"] == ["chi-so-cchc"] and after["assisting"] == ["dvsnc"]
    assert after["channels"] == ["portal", "social"]
    item = ws.read_items(ws.load_plan()).by_id()[AUDIO_ITEM]
    assert item.meta.topics == [before["topic"], "chi-so-cchc"]
