"""What the structure promises its users and the next developer: one read of the plan per run, a bug shown as a
bug with a log to send, codes with Vietnamese labels in --json, Vietnamese help everywhere, no channel
importing another."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import click
import pytest
import typer

from flows import channels
from flows.cli import app
from flows.core import plan as plan_module
from flows.core.ledger import Ledger
from flows.core.workspace import Workspace

from .cli import cchc

FLOWS = Path(__file__).resolve().parents[1] / "flows"


def approve_all(ws: Workspace) -> None:
    plan = ws.load_plan()
    ledger = Ledger(ws.database_url)
    for item in ws.read_items(plan).items:
        ledger.approve(item, "Vũ Thị Hòa")
    ledger.close()


def only_portal(ws: Workspace, keep: str = "huong-dan-nop-ho-so-truc-tuyen") -> None:
    """One item, on the portal only: a real flow run that takes seconds."""
    for path in ws.items_dir.rglob("*.md"):
        if path.stem != keep:
            path.unlink()
            continue
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("[portal, infographic, loudspeaker]", "[portal]"), encoding="utf-8")


@pytest.mark.flow
def test_produce_reads_commune_yaml_once(
    small_workspace: Workspace, prefect_harness: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    only_portal(small_workspace)
    approve_all(small_workspace)
    reads: list[Path] = []
    real = plan_module.load_plan

    def counting(path: Path):  # noqa: ANN202
        reads.append(path)
        return real(path)

    monkeypatch.setattr(plan_module, "load_plan", counting)
    run = cchc(capsys, "produce", "--workspace", str(small_workspace.root))
    assert run.code == 0, run.err
    assert "Đã sản xuất 1 tệp" in run.out
    assert len(reads) == 1, reads


@pytest.mark.flow
def test_a_bug_in_a_channel_is_shown_as_a_bug_with_its_log(
    small_workspace: Workspace, prefect_harness: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    only_portal(small_workspace)
    approve_all(small_workspace)
    from flows.channels import portal

    def broken(job: channels.Job, ctx: channels.RenderContext) -> channels.Artifact:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(portal, "render", broken)
    monkeypatch.setenv("COLUMNS", "300")
    run = cchc(capsys, "produce", "--workspace", str(small_workspace.root))
    assert run.code == 1
    assert "lỗi chương trình (ZeroDivisionError)" in run.err
    logs = list((small_workspace.state_dir / "logs").glob("*.log"))
    assert len(logs) == 1 and str(logs[0]) in run.err.replace("\n", "")
    assert "ZeroDivisionError: division by zero" in logs[0].read_text(encoding="utf-8")
    ledger = Ledger(small_workspace.database_url)
    failures = [e for e in ledger.events() if e.kind == "failed"]
    ledger.close()
    assert [e.details["reason"] for e in failures] == ["ZeroDivisionError: division by zero"]


def test_a_known_error_keeps_its_type_and_words(workspace: Workspace, capsys: pytest.CaptureFixture) -> None:
    run = cchc(capsys, "publish", "khong-co-bai-nay", "--url", "https://x.vn/a", "--workspace", str(workspace.root))
    assert run.code == 1
    assert "Không có bài nào mang mã 'khong-co-bai-nay'" in run.err and "Traceback" not in run.err
    run = cchc(capsys, "publish", "van-hoa-cong-vu", "--url", "https://x.vn/a", "--workspace", str(workspace.root))
    assert "chưa có bài đăng cổng thông tin nào được tạo" in run.err


def test_quota_json_gives_codes_labels_and_what_each_rule_counts(
    workspace: Workspace, capsys: pytest.CaptureFixture
) -> None:
    run = cchc(capsys, "quota", "--period", "2026-Q1", "--json", "--workspace", str(workspace.root))
    assert run.code == 0, run.err
    data = json.loads(run.out)
    plan = workspace.load_plan()
    by_rule = {q["quota"]: q for q in data["quotas"]}
    for rule in plan.quotas:
        shown = by_rule[rule.id]
        assert shown["channels"] == list(rule.channels) and shown["activity"] == (rule.activity_kinds or None)
    loudspeaker = by_rule["loa-hang-thang"]
    assert loudspeaker["outlook"] == "missed" and loudspeaker["outlook_label"] == "không đạt"
    assert loudspeaker["period_label"] == "quý I năm 2026"
    assert data["next_report"]["label"].startswith("Báo cáo quý")


def test_items_json_gives_status_code_and_label(workspace: Workspace, capsys: pytest.CaptureFixture) -> None:
    run = cchc(capsys, "items", "--json", "--workspace", str(workspace.root))
    first = json.loads(run.out)[0]
    assert (first["status"], first["status_label"]) == ("draft", "chờ duyệt")


def _commands(group: click.Command, path: str = "cchc"):  # noqa: ANN202
    yield path, group
    for name, command in getattr(group, "commands", {}).items():
        yield from _commands(command, f"{path} {name}")


def test_every_command_and_option_is_explained_in_vietnamese(capsys: pytest.CaptureFixture) -> None:
    vietnamese = set("ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ")
    root = typer.main.get_command(app)
    found = list(_commands(root))
    assert len(found) > 20
    for path, command in found:
        assert command.help and vietnamese & set(command.help.lower()), path
        for param in command.params:
            text = getattr(param, "help", None)
            assert text and vietnamese & set(text.lower()), f"{path} {param.name}"
    run = cchc(capsys, "report", "--help")
    assert "Cách dùng: cchc report" in run.out and "Hiện hướng dẫn này rồi thoát." in run.out
    assert "Show this message" not in run.out and "Options" not in run.out


def _imports(module: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.rsplit(".", 1)[-1])
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name.rsplit(".", 1)[-1] for alias in node.names)
    return names


@pytest.mark.parametrize(
    ("module", "never"),
    [
        ("channels/portal.py", "infographic"),
        ("channels/infographic.py", "portal"),
        ("reports/tables.py", "docx"),
        ("core/quota.py", "labels"),
    ],
)
def test_no_import_cycle(module: str, never: str) -> None:
    assert never not in _imports(FLOWS / module)


def test_no_module_over_400_lines_but_the_normalizer() -> None:
    long = {
        str(p.relative_to(FLOWS)): n
        for p in FLOWS.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert set(long) <= {"speech/normalize.py"}, long
