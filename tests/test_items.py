"""Items: the samples, the error for a bad file, and the hash an approval is tied to."""

from __future__ import annotations

import datetime as dt

from flows.core.items import Item, content_hash
from flows.core.workspace import Workspace


def test_samples_cover_the_plan(sample_items: dict[str, Item]) -> None:
    items = list(sample_items.values())
    assert len(items) >= 12
    assert len({i.meta.topic for i in items}) >= 6
    assert len({i.meta.unit for i in items}) >= 4
    assert all(dt.date(2026, 1, 1) <= i.meta.date <= dt.date(2026, 3, 31) for i in items)
    # every month of the quarter has at least the two loudspeaker items the plan asks for
    for month in (1, 2, 3):
        assert sum(1 for i in items if i.meta.date.month == month and "loudspeaker" in i.meta.channels) >= 2


def test_invented_figures_are_marked_illustrative(sample_items: dict[str, Item]) -> None:
    for item in sample_items.values():
        has_percent_or_count = any(any(ch.isdigit() for ch in f.value) and "%" in f.value for f in item.meta.facts)
        if has_percent_or_count:
            text = item.body + " ".join(f.label for f in item.meta.facts)
            assert "minh họa" in text, item.id


def test_bad_item_is_reported_and_the_others_still_read(workspace: Workspace) -> None:
    plan = workspace.load_plan()
    good = len(workspace.read_items(plan).items)
    (workspace.items_dir / "hong.md").write_text(
        "---\ntitle: Bài lỗi\nsummary: Thiếu ngày\ntopic: cuoc-thi\nunit: khong-co\n---\nNội dung.\n", encoding="utf-8"
    )
    (workspace.items_dir / "sai-ngay.md").write_text(
        "---\ntitle: Bài lỗi\nsummary: Ngày sai\ndate: 2026-13-45\ntopic: cuoc-thi\nunit: vhxh\n---\nNội dung.\n",
        encoding="utf-8",
    )
    read = workspace.read_items(plan)
    assert len(read.items) == good
    by_file = {(p.path.name, p.key): p for p in read.problems}
    assert ("hong.md", "date") in by_file
    assert by_file[("sai-ngay.md", "date")].line == 4
    assert "YYYY-MM-DD" in by_file[("sai-ngay.md", "date")].message


def test_unknown_office_names_its_line(workspace: Workspace) -> None:
    plan = workspace.load_plan()
    (workspace.items_dir / "sai-don-vi.md").write_text(
        "---\ntitle: T\nsummary: S\ndate: 2026-03-01\ntopic: cuoc-thi\nunit: khong-co\n---\nNội dung.\n",
        encoding="utf-8",
    )
    problems = [p for p in workspace.read_items(plan).problems if p.path.name == "sai-don-vi.md"]
    assert [(p.key, p.line) for p in problems] == [("unit", 6)]
    assert "vhxh" in problems[0].message  # the message lists the valid choices


def test_duplicate_id_is_refused(workspace: Workspace) -> None:
    plan = workspace.load_plan()
    source = next(workspace.items_dir.rglob("van-hoa-cong-vu.md"))
    (workspace.items_dir / "ban-sao.md").write_text(
        source.read_text(encoding="utf-8").replace("---\n", "---\nid: van-hoa-cong-vu\n", 1), encoding="utf-8"
    )
    read = workspace.read_items(plan)
    assert any("van-hoa-cong-vu" in p.message for p in read.problems)
    assert len([i for i in read.items if i.id == "van-hoa-cong-vu"]) == 1


def test_hash_follows_content_not_line_endings() -> None:
    text = "---\ntitle: A\n---\nBody\n"
    assert content_hash(text) == content_hash(text.replace("\n", "\r\n"))
    assert content_hash(text) != content_hash(text.replace("Body", "Body."))
