"""Problems the user can fix. Each error carries its facts; flows/labels.py words it in Vietnamese.

Anything else that escapes the core is a bug: the shells log it and show a reference to the log.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class SourceProblem:
    """One problem in one input file, located as precisely as we can (the message is already Vietnamese:
    it is written where the file is read, next to the rule it breaks)."""

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
    """A known problem. A plain CchcError carries its (Vietnamese) message; subclasses carry facts."""

    def __str__(self) -> str:
        from ..labels import error_message  # the one place that words errors

        return error_message(self)

    @property
    def detail(self) -> str:
        return super().__str__()


class ConfigError(CchcError):
    def __init__(self, problems: list[SourceProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class NotAWorkspace(CchcError):
    def __init__(self, root: Path):
        self.root = root
        super().__init__(str(root))


class AlreadyAWorkspace(CchcError):
    def __init__(self, root: Path):
        self.root = root
        super().__init__(str(root))


class ItemNotFound(CchcError):
    def __init__(self, item_id: str, items_dir: Path):
        self.item_id, self.items_dir = item_id, items_dir
        super().__init__(item_id)


class ItemUnreadable(CchcError):
    """The item's file exists but has errors."""

    def __init__(self, item_id: str, problems: list[SourceProblem]):
        self.item_id, self.problems = item_id, problems
        super().__init__(item_id)


class NotProducedYet(CchcError):
    def __init__(self, item_id: str, channel: str):
        self.item_id, self.channel = item_id, channel
        super().__init__(f"{item_id}:{channel}")


class InvalidPeriod(CchcError):
    def __init__(self, text: str, allowed: tuple[str, ...] = ()):
        self.text, self.allowed = text, allowed
        super().__init__(text)


class InvalidTime(CchcError):
    def __init__(self, text: str, date_only: bool = False):
        self.text, self.date_only = text, date_only
        super().__init__(text)


class FeedError(CchcError):
    """A feed could not be read; `reason` is a Vietnamese phrase ("máy chủ trả lời mã 404")."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


class ScheduleMissing(CchcError):
    def __init__(self, month: str):
        self.month = month
        super().__init__(month)


class SlotNotFound(CchcError):
    def __init__(self, key: str, month: str):
        self.key, self.month = key, month
        super().__init__(key)


class AirLogUnreadable(CchcError):
    def __init__(self, path: Path, reason: str, columns: list[str] | None = None):
        self.path, self.reason, self.columns = path, reason, columns
        super().__init__(f"{path}: {reason}")


class LedgerUnavailable(CchcError):
    """The ledger's database could not be opened. `where` never carries a password."""

    def __init__(self, where: str, problem: str):
        self.where, self.problem = where, problem
        super().__init__(f"{where}: {problem}")


class NotAWebAddress(CchcError):
    """Where a post went live or was posted must be a web address (http:// or https://)."""

    def __init__(self, url: str):
        self.url = url
        super().__init__(url)

    @staticmethod
    def check(url: str) -> str:
        if not url.startswith(("http://", "https://")):
            raise NotAWebAddress(url)
        return url


class PostingRefused(CchcError):
    """A posting or sending that cannot have happened: in the future, or before the file was made."""

    def __init__(self, item_id: str, channel: str, at: object, reason: str, made: object = None):
        self.item_id, self.channel, self.at, self.reason, self.made = item_id, channel, at, reason, made
        super().__init__(f"{item_id} {channel} {at}: {reason}")


class AiringRefused(CchcError):
    """An airing that cannot have happened: in the future ("future"), or before its audio was made
    ("before_audio", with `made`)."""

    def __init__(self, item_id: str, at: object, reason: str, made: object = None):
        self.item_id, self.at, self.reason, self.made = item_id, at, reason, made
        super().__init__(f"{item_id} {at}: {reason}")
