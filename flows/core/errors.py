"""Errors a commune official reads: each names the file and, where known, the line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class SourceProblem:
    """One problem in one input file, located as precisely as we can."""

    path: Path
    message: str
    line: int | None = None
    key: str | None = None

    def __str__(self) -> str:
        where = str(self.path)
        if self.line:
            where += f", dòng {self.line}"
        if self.key:
            where += f", mục '{self.key}'"
        return f"{where}: {self.message}"


class CchcError(Exception):
    """An error with a message meant for the user (in Vietnamese)."""


class ConfigError(CchcError):
    def __init__(self, problems: list[SourceProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
