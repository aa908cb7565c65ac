"""Where flows run: the Prefect server named by PREFECT_API_URL (`cchc serve`, a province's server), or else
a temporary one started here for one command, kept in the workspace's state folder (.cchc/prefect), given as
long as a slow, busy machine needs to start it, tried twice, and stopped with the command whatever happens
(its process dies with ours even after a kill -9)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .core.errors import CchcError
from .core.processes import CHILD_OPTIONS
from .core.workspace import Workspace

STARTUP_SECONDS = 180.0  # a 2-core commune PC under load took 38 s; CCHC_PREFECT_STARTUP_SECONDS overrides


def startup_seconds() -> float:
    return float(os.environ.get("CCHC_PREFECT_STARTUP_SECONDS", STARTUP_SECONDS))


ATTEMPTS = 2
QUIET = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",  # no network here: telemetry would only log errors
    "PREFECT_SERVER_LOGGING_LEVEL": "CRITICAL",
    "PREFECT_LOGGING_LEVEL": "CRITICAL",  # failures are reported by cchc, in Vietnamese
    "PREFECT_UI_ENABLED": "false",
}


class OrchestratorUnavailable(CchcError):
    def __init__(self, reason: str, log: Path | None = None):
        self.reason, self.log = reason, log
        super().__init__(reason)


def prefect_home(workspace: Workspace) -> Path:
    return workspace.state_dir / "prefect"


def configure(workspace: Workspace) -> None:
    """Prefect's settings for this workspace, before Prefect is imported: its files in the state folder (not
    the user's home, shared by every workspace), quiet, and patient with a slow machine."""
    os.environ.setdefault("PREFECT_HOME", str(prefect_home(workspace)))
    for key, value in QUIET.items():
        os.environ.setdefault(key, value)
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", str(int(startup_seconds())))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _healthy(url: str, timeout: float) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(f"{url}/health", timeout=timeout) as answer:
            return answer.status == 200
    except OSError:
        return False


class LocalServer:
    """A Prefect API server on 127.0.0.1, its database under PREFECT_HOME."""

    def __init__(self, home: Path, port: int | None = None, long_lived: bool = False):
        # long-lived (`cchc serve`): with its UI and its scheduler; else a temporary one for one command
        self.home, self.port, self.long_lived = home, port or _free_port(), long_lived
        self.log = home / ("prefect-server.log" if long_lived else "prefect-temporary.log")
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def start(self, deadline_seconds: float | None = None) -> None:
        deadline_seconds = startup_seconds() if deadline_seconds is None else deadline_seconds
        self.home.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, **QUIET, "PREFECT_HOME": str(self.home)}
        if self.long_lived:
            env["PREFECT_UI_ENABLED"] = "true"
        else:
            env["PREFECT__SERVER_EPHEMERAL"] = "1"  # a temporary server: Prefect skips its background services
        env.pop("PREFECT_API_URL", None)
        command = [sys.executable, "-m", "uvicorn", "--factory", "prefect.server.api.server:create_app"]
        command += ["--host", "127.0.0.1", "--port", str(self.port), "--log-level", "error", "--lifespan", "on"]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(command, env=env, stdout=log, stderr=log, **CHILD_OPTIONS)
        deadline = time.monotonic() + deadline_seconds  # wall time: a busy machine's slow answers count too
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise OrchestratorUnavailable(f"máy chủ Prefect dừng ngay khi khởi động (mã {self.process.returncode})")
            if _healthy(self.api_url, timeout=5):
                return
            time.sleep(0.25)
        self.stop()
        raise OrchestratorUnavailable(f"máy chủ Prefect chưa sẵn sàng sau {deadline_seconds:g} giây")

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


@contextmanager
def _stopped_on_signals() -> Iterator[None]:
    """SIGTERM and SIGHUP end the command like Ctrl-C does, so every `finally` runs and no child is left."""

    def interrupt(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    previous = {}
    for signum in (signal.SIGTERM, signal.SIGHUP):
        with contextlib.suppress(ValueError):  # not the main thread: the caller owns signals
            previous[signum] = signal.signal(signum, interrupt)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _configured_api() -> str | None:
    if os.environ.get("PREFECT_API_URL"):
        return os.environ["PREFECT_API_URL"]
    if "prefect" in sys.modules:  # a test harness or an embedding program may have set it in Prefect's settings
        from prefect.settings import PREFECT_API_URL

        return PREFECT_API_URL.value() or None
    return None


@contextmanager
def _prefect_settings(api_url: str) -> Iterator[None]:
    """Prefect reads its settings once, at import: a process that imported it already is told here."""
    if "prefect" not in sys.modules:
        yield
        return
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: api_url}):
        yield


@contextmanager
def prefect_api(workspace: Workspace) -> Iterator[str]:
    """An API for the flows this command runs: the configured server, else a temporary one of our own."""
    configure(workspace)
    configured = _configured_api()
    if configured:
        yield configured
        return
    server = None
    with _stopped_on_signals():
        try:
            for attempt in range(1, ATTEMPTS + 1):
                server = LocalServer(prefect_home(workspace))
                try:
                    server.start()
                    break
                except OrchestratorUnavailable as exc:
                    server.stop()
                    if attempt == ATTEMPTS:
                        raise OrchestratorUnavailable(
                            f"Không khởi động được Prefect để chạy quy trình ({exc.reason}, đã thử {ATTEMPTS} lần). "
                            "Máy có thể đang quá bận: đợi một lát rồi chạy lại lệnh; nếu vẫn lỗi, gửi tệp "
                            f"{server.log} cho người hỗ trợ kỹ thuật.",
                            server.log,
                        ) from None
            os.environ["PREFECT_API_URL"] = server.api_url
            with _prefect_settings(server.api_url):
                yield server.api_url
        finally:
            if server is not None and os.environ.get("PREFECT_API_URL") == server.api_url:
                del os.environ["PREFECT_API_URL"]
            if server is not None:
                server.stop()


def produce_now(session, only: str | None = None, listener=None, on_start=None, make: bool = True):  # noqa: ANN001, ANN201
    """What `cchc produce` and the web app's "Sản xuất ngay" do: under the commune's produce lease, plan, and
    start Prefect (the service's server, or a temporary one) only when there is something to make.
    `on_start(total)` hears how many files will be made; `listener(result)` hears each one as it is done.
    `make=False` only plans: what the next produce will find."""
    from .pipeline import ProduceSummary, WorkPlan, build_portal_site, handing_over, plan_work, producing
    from .service import use_running_service

    with producing(session) as held:
        if not held:
            return ProduceSummary(WorkPlan(), busy=True)
        work = plan_work(session, only)
        if not make and work.jobs:
            return ProduceSummary(work)
        if not work.jobs:
            build_portal_site(session)  # a publication record may have changed it
            return ProduceSummary(work)
        if on_start is not None:
            on_start(len(work.jobs))
        use_running_service(session.workspace)  # `cchc serve` runs here: its server shows this run too
        with prefect_api(session.workspace), handing_over(session, work, listener):
            from .produce_flow import produce

            summary = produce(str(session.workspace.root), only)
        remember_made(session, summary)
        return summary


def remember_made(session, summary) -> None:  # noqa: ANN001
    """The digests of the files just made, for the next produce's check (it then reads none of them)."""
    from .core.atomic import HashMemo

    memo = HashMemo(session.workspace.state_dir / "hashes.json")
    out = session.workspace.output_dir
    for result in summary.results:
        if result.produced is not None:
            memo.remember(out / result.produced.path, result.produced.sha256)
            for path, digest in result.produced.companions.items():
                memo.remember(out / path, digest)
    memo.save()
