"""Run the real `cchc` entry point in-process and capture what the official would see."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from flows.cli import main


@dataclass
class Run:
    code: int
    out: str
    err: str


def cchc(capsys: pytest.CaptureFixture[str], *args: str) -> Run:
    capsys.readouterr()
    code = main(list(args))
    captured = capsys.readouterr()
    return Run(code, captured.out, captured.err)
