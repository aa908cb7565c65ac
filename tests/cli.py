"""Run the real `cchc` entry point in-process and capture what the official would see."""

from __future__ import annotations

import sys
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
    argv = sys.argv
    sys.argv = ["cchc", *args]
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.argv = argv
    captured = capsys.readouterr()
    return Run(code, captured.out, captured.err)
