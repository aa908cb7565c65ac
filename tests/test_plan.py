"""commune.yaml: the sample is Bình Giang's real plan, and a mistake is reported with file, key and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.core.errors import ConfigError
from flows.core.plan import CommunePlan, load_plan


def test_sample_plan_is_binh_giang(plan: CommunePlan) -> None:
    assert plan.commune.full_name == "xã Bình Giang"
    assert plan.commune.portal_category == "Cải cách hành chính"
    assert plan.signatory.name == "Vũ Thị Hòa"
    # topics a–l of the plan (Vietnamese lists skip f and j)
    assert [t.code for t in plan.topics] == list("abcdeghikl")
    loudspeaker = [q for q in plan.quotas if q.channels == ["loudspeaker"]]
    assert [(q.minimum, q.period) for q in loudspeaker] == [(2, "month")]
    dialogues = [q for q in plan.quotas if q.activity == "doi-thoai"]
    assert [(q.minimum, q.period) for q in dialogues] == [(2, "year")]
    per_office = [q for q in plan.quotas if q.per_unit]
    assert [(q.minimum, q.period, q.own_topics) for q in per_office] == [(1, "quarter", True)]


def test_a_single_channel_is_still_understood(tmp_path: Path) -> None:
    source = (Path(__file__).parents[1] / "content" / "commune.yaml").read_text(encoding="utf-8")
    older = source.replace("    channels: [loudspeaker]\n", "    channel: loudspeaker\n")
    assert older != source
    plan = load_plan(_write(tmp_path, older))
    assert plan.quotas[0].channels == ["loudspeaker"]


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "commune.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_wrong_value_names_file_key_and_line(tmp_path: Path, plan: CommunePlan) -> None:
    source = (Path(__file__).parents[1] / "content" / "commune.yaml").read_text(encoding="utf-8")
    broken = source.replace("    minimum: 2\n", "    minimum: hai\n", 1)
    line = broken.splitlines().index("    minimum: hai") + 1
    with pytest.raises(ConfigError) as caught:
        load_plan(_write(tmp_path, broken))
    problem = caught.value.problems[0]
    assert problem.path.name == "commune.yaml"
    assert problem.key == "quotas.0.minimum"
    assert problem.line == line
    assert "số nguyên" in problem.message


def test_missing_key_and_unknown_reference(tmp_path: Path) -> None:
    text = """commune:
  name: Thử
  province: Hải Phòng
  portal_url: https://example.gov.vn
units:
  - id: vhxh
    name: Phòng Văn hóa - Xã hội
topics:
  - id: dvc
    name: Dịch vụ công
quotas:
  - id: loa
    name: Loa
    channel: loudspeaker
    minimum: 2
    period: month
    topic: khong-co
signatory:
  name: Nguyễn Văn A
"""
    with pytest.raises(ConfigError) as caught:
        load_plan(_write(tmp_path, text))
    messages = str(caught.value)
    assert "commune.station_name" in messages and "dòng 1" in messages  # missing key, reported at its parent
    text = text.replace(
        "  portal_url: https://example.gov.vn\n", "  portal_url: https://example.gov.vn\n  station_name: Đài xã Thử\n"
    )
    with pytest.raises(ConfigError) as caught:
        load_plan(_write(tmp_path, text))
    assert "khong-co" in str(caught.value)


def test_broken_yaml_names_the_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_plan(_write(tmp_path, "commune:\n  name: [Thử\nunits: []\n"))
    assert caught.value.problems[0].line in (2, 3)
    assert "YAML" in caught.value.problems[0].message
