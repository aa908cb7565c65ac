from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from flows.channels import Artifact, Job, RenderContext
from flows.channels import render as render_channel
from flows.core.items import Item
from flows.core.ledger import Ledger
from flows.core.plan import CommunePlan
from flows.core.workspace import BUILTIN_ROOT, Workspace, init_workspace

# Three samples cover every channel and three offices, and keep flow tests quick.
SMALL = ("huong-dan-nop-ho-so-truc-tuyen", "chuong-trinh-tong-the-cchc-2021-2030", "chi-so-sipas-hai-long")


@pytest.fixture(autouse=True)
def _own_ledger(monkeypatch: pytest.MonkeyPatch) -> None:
    # Every test uses its workspace's own SQLite ledger, whatever the developer's shell says.
    monkeypatch.delenv("CCHC_DATABASE_URL", raising=False)
    monkeypatch.delenv("CCHC_WORKSPACE", raising=False)


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    """A copy of the sample workspace (xã Bình Giang, 14 items)."""
    return init_workspace(tmp_path / "ws")


@pytest.fixture
def small_workspace(tmp_path: Path) -> Workspace:
    ws = init_workspace(tmp_path / "ws")
    for path in ws.items_dir.rglob("*.md"):
        if path.stem not in SMALL:
            path.unlink()
    return ws


@pytest.fixture
def plan() -> CommunePlan:
    return Workspace(BUILTIN_ROOT).load_plan()


@pytest.fixture
def sample_items(plan: CommunePlan) -> dict[str, Item]:
    read = Workspace(BUILTIN_ROOT).read_items(plan)
    assert not read.problems
    return read.by_id()


@pytest.fixture(scope="session")
def postgres() -> Iterator[object]:
    """One real PostgreSQL server for the session (tests/postgres.py)."""
    from . import postgres as pg

    if pg.binaries() is None:
        message = "PostgreSQL is not installed (make system-packages)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with pg.running() as server:
        yield server


_databases = iter(range(1, 1_000_000))


@pytest.fixture(params=["sqlite", "postgres"])
def ledger_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each ledger test runs on SQLite and on a fresh database of a real PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    server = request.getfixturevalue("postgres")
    return server.create_database(f"cchc_test_{next(_databases)}")


@pytest.fixture
def ledger(ledger_url: str) -> Iterator[Ledger]:
    led = Ledger(ledger_url)
    yield led
    led.close()


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One temporary Prefect API for every test that runs a real flow (it takes seconds to start)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness():
        yield


def require_tool(name: str) -> str:
    """A Debian tool the test reads outputs back with; `make test` installs it. In CI its absence fails."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed (make system-packages)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def render(
    channel: str, item: Item, plan: CommunePlan, workspace: Workspace | None = None, slug: str | None = None
) -> Artifact:
    """One channel's render through its contract, as `produce` calls it."""
    return render_channel(Job.of(item, channel, plan, slug), RenderContext(plan, workspace))


def sidecar(artifact: Artifact) -> dict:
    """The JSON sidecar a loudspeaker artifact writes next to its MP3."""
    import json

    return json.loads(artifact.files[artifact.main.removesuffix(".mp3") + ".json"])


def edit(path: Path, extra: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")
