"""The produce flow end to end, through the CLI, on a copy of the sample commune."""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from flows import produce_stamp
from flows.core.atomic import sha256_file
from flows.core.ledger import Ledger
from flows.core.workspace import Workspace, init_workspace
from flows.produce_flow import produce
from flows.speech.audio import decode_mp3

from .cli import cchc
from .conftest import SMALL, edit

pytestmark = pytest.mark.flow


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # rich tables on one line, so tests read whole messages


@pytest.fixture(scope="module")
def produced(tmp_path_factory: pytest.TempPathFactory, prefect_harness: None) -> Iterator[Workspace]:
    """Three approved samples produced once; tests that change things work on a copy."""
    os.environ.pop("CCHC_DATABASE_URL", None)
    ws = init_workspace(tmp_path_factory.mktemp("produced") / "ws")
    for path in ws.items_dir.rglob("*.md"):
        if path.stem not in SMALL:
            path.unlink()
    # one item asks for two channels only: it must get exactly those
    narrowed = next(ws.items_dir.rglob("chuong-trinh-tong-the-cchc-2021-2030.md"))
    text = narrowed.read_text(encoding="utf-8")
    narrowed.write_text(
        text.replace("channels: [portal, infographic, loudspeaker]", "channels: [portal, loudspeaker]"),
        encoding="utf-8",
    )
    ledger = Ledger(ws.database_url)
    plan = ws.load_plan()
    for item in ws.read_items(plan).items:
        ledger.approve(item, "Vũ Thị Hòa")
    ledger.close()
    summary = produce(str(ws.root))  # the Prefect flow itself, as a deployment would run it
    assert len(summary.results) == 8 and not summary.failed
    yield ws


@pytest.fixture
def copy(produced: Workspace, tmp_path: Path) -> Workspace:
    shutil.copytree(produced.root, tmp_path / "ws")
    return Workspace(tmp_path / "ws")


def files(ws: Workspace) -> dict[str, tuple[str, int]]:
    """Every file under output/ but the ledger and caches, with its hash and modification time."""
    out = ws.output_dir
    return {
        str(p.relative_to(out)): (sha256_file(p), p.stat().st_mtime_ns)
        for p in out.rglob("*")
        if p.is_file() and not p.name.startswith((".", "ledger.sqlite")) and ".cache" not in p.parts
    }


def deliveries(ws: Workspace) -> dict[tuple[str, str], str]:
    ledger = Ledger(ws.database_url)
    try:
        return {key: row.path for key, row in ledger.current_deliveries().items()}
    finally:
        ledger.close()


def test_every_approved_item_gets_its_channels(produced: Workspace) -> None:
    read = produced.read_items(produced.load_plan())
    made = deliveries(produced)
    expected = {(item.id, channel) for item in read.items for channel in item.meta.channels}
    assert set(made) == expected and len(expected) == 8
    assert ("chuong-trinh-tong-the-cchc-2021-2030", "infographic") not in made  # it asked for two channels only
    assert all((produced.output_dir / path).is_file() for path in made.values())
    for item in read.items:
        html = (produced.output_dir / made[(item.id, "portal")]).read_text(encoding="utf-8")
        assert f"<h1>{item.title}</h1>" in html
        audio = decode_mp3((produced.output_dir / made[(item.id, "loudspeaker")]).read_bytes())
        assert audio.duration_seconds > item.words / 10
    site = produced.output_dir / "portal"
    assert (site / "index.html").is_file() and (site / "feed.xml").is_file() and (site / "sitemap.xml").is_file()


def test_ledger_rows_match_the_files(produced: Workspace) -> None:
    ledger = Ledger(produced.database_url)
    try:
        rows = ledger.deliveries()
        assert len(rows) == 8
        for row in rows:
            path = produced.output_dir / row.path
            assert (sha256_file(path), path.stat().st_size) == (row.sha256, row.bytes)
            assert row.state == "produced"
            if row.channel == "loudspeaker":
                assert abs(decode_mp3(path.read_bytes()).duration_seconds - row.duration_seconds) < 0.2
    finally:
        ledger.close()


def test_rerun_changes_nothing(copy: Workspace, capsys: pytest.CaptureFixture[str]) -> None:
    before = files(copy)
    ledger = Ledger(copy.database_url)
    counts = (len(ledger.deliveries()), len(ledger.events()))
    run = cchc(capsys, "produce", "--workspace", str(copy.root))
    assert run.code == 0
    assert "Không có gì cần sản xuất" in run.out
    assert files(copy) == before  # same bytes, not even rewritten
    assert (len(ledger.deliveries()), len(ledger.events())) == counts
    ledger.close()


def test_nothing_to_do_never_starts_prefect(copy: Workspace) -> None:
    probe = (
        "import sys; from flows.cli import main\n"
        "assert main(['produce', '--workspace', sys.argv[1]]) == 0\n"
        "assert 'prefect' not in sys.modules, 'Prefect was imported'\n"
    )
    subprocess.run([sys.executable, "-c", probe, str(copy.root)], check=True, capture_output=True)


def test_a_deleted_file_ends_the_shortcut_and_the_run_that_remakes_it_leaves_the_next_answer(
    copy: Workspace, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(produce_stamp, "RACY_SECONDS", 0.0)  # the copy's inputs were written a moment ago
    mp3 = copy.output_dir / "audio" / "chi-so-sipas-hai-long.mp3"
    data = mp3.read_bytes()
    assert cchc(capsys, "produce", "-w", str(copy.root)).code == 0  # nothing to do: the answer is kept
    assert produce_stamp.recall(copy) is not None
    mp3.unlink()
    assert produce_stamp.recall(copy) is None
    run = cchc(capsys, "produce", "-w", str(copy.root))
    assert run.code == 0 and "output/audio/chi-so-sipas-hai-long.mp3" in run.out
    assert mp3.read_bytes() == data
    answer = produce_stamp.recall(copy)  # checked afresh after the run: the next produce answers at once
    assert answer is not None and ("out", "Không có gì cần sản xuất.") in answer.lines


def descendants(pid: int) -> dict[int, str]:
    """Every process below `pid` (from /proc), with its command line."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, pending = {}, [pid]
    while pending:
        for child in children.get(pending.pop(), []):
            try:
                found[child] = (Path("/proc") / str(child) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            pending.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGINT], ids=["kill-9", "ctrl-c"])
def test_stopped_in_the_middle_it_leaves_no_process_and_the_next_run_finishes(tmp_path: Path, stop: int) -> None:
    ws = init_workspace(tmp_path / "ws")
    for path in ws.items_dir.rglob("*.md"):
        if path.stem not in SMALL:
            path.unlink()
    ledger = Ledger(ws.database_url)
    items = ws.read_items(ws.load_plan()).items
    for item in items:
        ledger.approve(item, "Vũ Thị Hòa")
    ledger.close()
    wanted = {(item.id, channel) for item in items for channel in item.meta.channels}
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}  # its own temporary server
    env["COLUMNS"] = "200"  # messages on one line
    cchc_exe = [sys.executable, "-c", "from flows.cli import run; run()"]
    run = subprocess.Popen([*cchc_exe, "produce", "-w", str(ws.root)], env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True,
                           preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # fmt: skip
    try:
        seen: dict[int, str] = {}
        while run.poll() is None:  # until the render workers run: a Prefect server, a fork server, its workers
            seen |= descendants(run.pid)
            server = any("uvicorn" in command for command in seen.values())
            if server and sum("forkserver" in command for command in seen.values()) >= 3:  # it and two workers
                break
            time.sleep(0.1)
        assert run.poll() is None, "produce ended before its workers were seen"
        seen |= descendants(run.pid)
        os.kill(run.pid, stop)
        _, said = run.communicate(timeout=120)
        if stop == signal.SIGINT:  # Ctrl-C: every child stopped in order, and the official told what to do
            assert run.returncode == 130 and "Đã dừng" in said and "chạy lại 'cchc produce'" in said, said
        end = time.monotonic() + 60
        while time.monotonic() < end and any(alive(pid) for pid in seen):
            time.sleep(0.2)
        left = {pid: command for pid, command in seen.items() if alive(pid)}
        for pid in left:  # tidy up before failing, so one failure does not load the rest of the run
            os.kill(pid, signal.SIGKILL)
        assert not left, f"left running after {signal.Signals(stop).name}: {left}"
    finally:
        if run.poll() is None:
            run.kill()
    finished = subprocess.run([*cchc_exe, "produce", "-w", str(ws.root)], env=env, capture_output=True, text=True)
    assert finished.returncode == 0, finished.stderr  # the dead run's lease is taken over at once
    ledger = Ledger(ws.database_url)
    try:
        assert set(ledger.current_deliveries()) == wanted
        per_key = [(row.item_id, row.channel, row.version) for row in ledger.deliveries()]
        assert len(per_key) == len(set(per_key))  # never one version recorded twice
    finally:
        ledger.close()
    assert subprocess.run([*cchc_exe, "ledger", "verify", "-w", str(ws.root)], env=env).returncode == 0


def test_edit_after_approval_is_not_produced_until_reapproved(
    copy: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    item_path = next(copy.items_dir.rglob("chi-so-sipas-hai-long.md"))
    edit(item_path, "\nMột câu mới thêm sau khi đã duyệt.\n")
    before = files(copy)
    run = cchc(capsys, "produce", "--workspace", str(copy.root))
    assert "chi-so-sipas-hai-long" in run.err and "duyệt lại" in run.err
    assert files(copy) == before
    run = cchc(capsys, "items", "--status", "needs_reapproval", "--json", "--workspace", str(copy.root))
    assert '"id": "chi-so-sipas-hai-long"' in run.out

    assert cchc(capsys, "approve", "chi-so-sipas-hai-long", "--by", "Vũ Thị Hòa", "-w", str(copy.root)).code == 0
    assert cchc(capsys, "produce", "-w", str(copy.root)).code == 0
    after = files(copy)
    changed = {k for k in after if after[k][0] != before[k][0]}
    # the body changed: the post (page, fragment, bundle) and the bulletin (and its sidecar) change; the
    # infographic, the card and the category's lists show title, summary and facts only
    slug = "chi-so-sipas-moi-y-kien-cua-nguoi-dan-giup-chinh-quyen-phuc-vu-tot-hon"
    assert changed == {
        f"portal/bai-viet/{slug}.html",
        f"portal/bai-viet/{slug}.fragment.html",
        f"portal/goi-dang-bai/{slug}.zip",
        "audio/chi-so-sipas-hai-long.mp3",
        "audio/chi-so-sipas-hai-long.json",
    }
    ledger = Ledger(copy.database_url)
    assert len(ledger.deliveries("chi-so-sipas-hai-long")) == 6  # old and new version of each channel
    ledger.close()
    assert cchc(capsys, "ledger", "verify", "-w", str(copy.root)).code == 0


def test_verify_names_a_deleted_or_altered_file(copy: Workspace, capsys: pytest.CaptureFixture[str]) -> None:
    assert cchc(capsys, "ledger", "verify", "-w", str(copy.root)).code == 0
    (copy.output_dir / "audio" / "chi-so-sipas-hai-long.mp3").unlink()
    with (copy.output_dir / "portal" / "bai-viet" / "huong-dan-nop-ho-so-thu-tuc-hanh-chinh-truc-tuyen.html").open(
        "a"
    ) as handle:
        handle.write("<!-- sửa tay -->")
    run = cchc(capsys, "ledger", "verify", "-w", str(copy.root))
    assert run.code == 1
    assert "output/audio/chi-so-sipas-hai-long.mp3" in run.err and "không còn" in run.err
    assert "output/portal/bai-viet/huong-dan-nop-ho-so-thu-tuc-hanh-chinh-truc-tuyen.html" in run.err
    assert "thay đổi" in run.err
    # produce puts them back as they were recorded, without a second delivery
    assert cchc(capsys, "produce", "-w", str(copy.root)).code == 0
    assert cchc(capsys, "ledger", "verify", "-w", str(copy.root)).code == 0

    # every other file a delivery made: the CMS fragment, the upload zip, the A4 poster, the sidecar JSON
    slug = "huong-dan-nop-ho-so-thu-tuc-hanh-chinh-truc-tuyen"
    companions = [
        copy.output_dir / "portal" / "bai-viet" / f"{slug}.fragment.html",
        copy.output_dir / "portal" / "goi-dang-bai" / f"{slug}.zip",
        copy.output_dir / "infographic" / "chi-so-sipas-hai-long-a4.pdf",
        copy.output_dir / "audio" / "chi-so-sipas-hai-long.json",
    ]
    kept = {path: path.read_bytes() for path in companions}
    companions[0].write_text("<p>sửa tay</p>", encoding="utf-8")
    for path in companions[1:]:
        path.unlink()
    run = cchc(capsys, "ledger", "verify", "-w", str(copy.root))
    named = run.err.replace("\n", "")
    assert run.code == 1 and all(f"output/{p.relative_to(copy.output_dir)}" in named for p in companions)
    ledger = Ledger(copy.database_url)
    deliveries = len(ledger.deliveries())
    ledger.close()
    assert cchc(capsys, "produce", "-w", str(copy.root)).code == 0
    assert {path: path.read_bytes() for path in companions} == kept  # repaired, byte for byte
    assert cchc(capsys, "ledger", "verify", "-w", str(copy.root)).code == 0
    ledger = Ledger(copy.database_url)
    assert len(ledger.deliveries()) == deliveries  # no second delivery for a repair
    ledger.close()


def test_publications_and_airings_reach_the_report(copy: Workspace, capsys: pytest.CaptureFixture[str]) -> None:
    root = ["-w", str(copy.root)]
    url = "https://binhgiang.haiphong.gov.vn/cai-cach-hanh-chinh/chi-so-sipas.html"
    assert cchc(capsys, "publish", "chi-so-sipas-hai-long", "--url", url, "--at", "2026-03-03 09:00", *root).code == 0
    assert cchc(capsys, "aired", "chi-so-sipas-hai-long", "--at", "2026-03-04 06:15", "--ghi-bu", *root).code == 0
    run = cchc(capsys, "aired", "chi-so-sipas-hai-long", "--at", "04/03/2026 06:15", "--ghi-bu", *root)
    assert "từ trước" in run.out  # the same airing, written another way, is not counted again
    assert (
        cchc(capsys, "aired", "huong-dan-nop-ho-so-truc-tuyen", "--at", "2026-03-05 17:30", "--ghi-bu", *root).code == 0
    )
    bad = cchc(capsys, "aired", "huong-dan-nop-ho-so-truc-tuyen", "--at", "hôm qua", *root)
    assert bad.code == 1 and "2026-03-05 06:15" in bad.err

    run = cchc(capsys, "report", "--period", "2026-03", "--format", "csv", "--out", "bao-cao", *root)
    assert run.code == 0
    with (copy.root / "bao-cao" / "bao-cao-cchc-2026-03-chi-tieu.csv").open(encoding="utf-8-sig") as handle:
        quota_rows = {r["Chỉ tiêu"]: r for r in csv.DictReader(handle)}
    loudspeaker = quota_rows["Tin, bài về công tác CCHC trên hệ thống loa truyền thanh xã"]
    assert (loudspeaker["Thực hiện"], loudspeaker["Kế hoạch"], loudspeaker["Kết quả"]) == ("2", "2", "Đạt")
    with (copy.root / "bao-cao" / "bao-cao-cchc-2026-03-danh-sach.csv").open(encoding="utf-8-sig") as handle:
        item_rows = list(csv.DictReader(handle))
    by_channel = sorted((r["Kênh"], r["Mã bài"]) for r in item_rows if r["Kênh"] != "Infographic")
    assert by_channel == [
        ("Loa truyền thanh", "chi-so-sipas-hai-long"),
        ("Loa truyền thanh", "huong-dan-nop-ho-so-truc-tuyen"),
        ("Trang thông tin điện tử", "chi-so-sipas-hai-long"),
    ]
    assert next(r for r in item_rows if r["Kênh"] == "Trang thông tin điện tử")["Đường dẫn"] == url
    february = cchc(capsys, "quota", "--period", "2026-02", "--json", *root)
    assert '"actual": 0' in february.out


def test_a_new_colour_redraws_images_only_and_counts_nothing_twice(
    copy: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    before = files(copy)
    rows_before = len(Ledger(copy.database_url).deliveries())
    config = copy.config_path.read_text(encoding="utf-8").replace('primary: "#0d47a1"', 'primary: "#1b5e20"')
    copy.config_path.write_text(config, encoding="utf-8")
    assert cchc(capsys, "produce", "-w", str(copy.root)).code == 0
    after = files(copy)
    changed = {path for path in after if before.get(path, ("", 0))[0] != after[path][0]}
    assert {p for p in changed if p.startswith("infographic/") and p.endswith(".png")}  # redrawn in the new colour
    assert not {p for p in changed if p.startswith("audio/")}  # the bulletins did not need remaking
    assert len(Ledger(copy.database_url).deliveries()) == rows_before  # the same deliveries, brought up to date
    assert cchc(capsys, "ledger", "verify", "-w", str(copy.root)).code == 0
