"""The spoken-text normalizer against a table of what an announcer says, from the seed plans' sentences."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from flows.speech.normalize import load_lexicon, normalize, read_number

from .cli import cchc

CASES = [
    tuple(line.split("\t"))
    for line in (Path(__file__).parent / "data" / "normalize_cases.tsv").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]


def test_table_is_large_enough() -> None:
    assert len(CASES) >= 150


@pytest.mark.parametrize(("written", "spoken"), CASES, ids=[c[0][:40] for c in CASES])
def test_reads_like_an_announcer(written: str, spoken: str) -> None:
    assert normalize(written) == spoken


def test_numbers_up_to_a_million_follow_the_reading_rules() -> None:
    # rules checked independently of the table: mốt after mươi, lăm after mười/mươi, tư after mươi, linh for
    # an empty tens place, and no digit ever left
    for n in range(1, 1_000_000, 7):
        words = read_number(n).split()
        assert not any(ch.isdigit() for ch in " ".join(words))
        for before, after in zip(words, words[1:], strict=False):
            if before == "mươi":
                assert after not in ("một", "năm"), (n, words)
            if before == "mười":
                assert after not in ("năm", "mốt"), (n, words)
        if n % 100 in range(1, 10) and n >= 100:
            assert "linh" in words, (n, words)


def test_cli_prints_a_script_with_nothing_left_to_guess(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from flows.core.workspace import init_workspace

    ws = init_workspace(tmp_path / "ws", with_samples=False)
    sentence = (
        "Theo Quyết định số 247/QĐ-UBND ngày 20/01/2026, tỷ lệ hồ sơ trực tuyến của xã đạt 85,5%; "
        "mọi thắc mắc về TTHC xin gọi đường dây nóng 0225 3899 999."
    )
    run = cchc(capsys, "normalize", sentence, "-w", str(ws.root))
    assert run.code == 0
    out = run.out.strip()
    assert not re.search(r"\d", out), out
    assert "/" not in out and "%" not in out
    assert not re.search(r"\b(QĐ|UBND|TTHC)\b", out)
    assert "hai trăm bốn mươi bảy" in out and "tám mươi lăm phẩy năm phần trăm" in out


def test_workspace_lexicon_extends_and_overrides(tmp_path: Path) -> None:
    lexicon_file = tmp_path / "lexicon.yaml"
    lexicon_file.write_text(
        "abbreviations:\n  HTXNN: hợp tác xã nông nghiệp\n  CCHC: cải cách hành chính nhà nước\n", encoding="utf-8"
    )
    lexicon = load_lexicon(lexicon_file)
    assert (
        normalize("HTXNN Bình Giang làm CCHC", lexicon)
        == "hợp tác xã nông nghiệp Bình Giang làm cải cách hành chính nhà nước"
    )
    assert normalize("UBND", lexicon) == "Ủy ban nhân dân"  # the built-in entries are still there
