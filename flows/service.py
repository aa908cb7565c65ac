"""`cchc serve`: one long-running process group for a commune or a province.

A Prefect server (self-hosted: its SQLite database in the first workspace's .cchc/prefect, or Postgres when
PREFECT_API_DATABASE_CONNECTION_URL says so; or the server PREFECT_API_URL names), and one runner serving
every workspace's deployments on their schedules: produce every few minutes, ingest hourly, the month's
schedule and the quota check daily, the quarter's report before its due day. Ctrl-C stops everything.

While it runs, each workspace's .cchc/service.json names the server, so every `cchc` command there uses it
and an approval starts a produce run at once.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from .core.processes import CHILD_OPTIONS
from .core.workspace import Workspace
from .orchestrator import LocalServer, _stopped_on_signals, configure, prefect_home

SERVICE_FILE = "service.json"


def deployment_name(workspace: Workspace) -> str:
    plan = workspace.load_plan()
    return plan.commune.id or workspace.root.name


def _hh_mm(text: str) -> tuple[int, int]:
    hours, minutes = text.split(":")
    return int(hours), int(minutes)


def deployments(workspace: Workspace) -> list:
    """Every job of one workspace, as Prefect deployments with their schedules."""
    from prefect.schedules import Cron, Interval
    from prefect.types.entrypoint import EntrypointType

    from .ingest_flow import ingest
    from .produce_flow import produce
    from .service_flows import quota_check, report_due, schedule_month

    plan = workspace.load_plan()
    timing, tz = plan.service, plan.commune.timezone
    name, params = deployment_name(workspace), {"workspace_root": str(workspace.root)}
    # by module (flows.produce_flow:produce), not by file: the package's relative imports must hold
    common = {"name": name, "parameters": params, "entrypoint_type": EntrypointType.MODULE_PATH}
    schedule_h, schedule_m = _hh_mm(timing.schedule_at)
    check_h, check_m = _hh_mm(timing.quota_check_at)
    due_day, cadence = plan.reporting.due_day, plan.reporting.cadence
    made = [
        produce.to_deployment(
            **common,
            schedules=[Interval(dt.timedelta(minutes=timing.produce_every_minutes), timezone=tz)],
            concurrency_limit=1,
        ),
        schedule_month.to_deployment(**common, schedules=[Cron(f"{schedule_m} {schedule_h} * * *", timezone=tz)]),
        quota_check.to_deployment(**common, schedules=[Cron(f"{check_m} {check_h} * * *", timezone=tz)]),
    ]
    if due_day and cadence:  # the report, a few days before it is due
        report_day = max(1, due_day - timing.report_days_before_due)
        months = "3,6,9,12" if cadence == "quarter" else "*"
        made.append(report_due.to_deployment(**common, schedules=[Cron(f"0 6 {report_day} {months} *", timezone=tz)]))
    if plan.feeds:
        made.append(
            ingest.to_deployment(
                **common,
                schedules=[Interval(dt.timedelta(minutes=timing.ingest_every_minutes), timezone=tz)],
                concurrency_limit=1,
            )
        )
    return made


# --- what the other commands learn from a running service -----------------------------------------------------
def service_file(workspace: Workspace) -> Path:
    return workspace.state_dir / SERVICE_FILE


def running_service(workspace: Workspace) -> dict | None:
    """The service serving this workspace, if its process is alive."""
    path = service_file(workspace)
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
        os.kill(int(info["pid"]), 0)
    except (OSError, ValueError, KeyError):
        return None
    return info


def use_running_service(workspace: Workspace) -> None:
    """A command in a served workspace talks to the service's Prefect server (unless told otherwise)."""
    info = running_service(workspace)
    if info and not os.environ.get("PREFECT_API_URL"):
        os.environ["PREFECT_API_URL"] = info["api_url"]


def after_approval(workspace: Workspace) -> bool:
    """Start a produce run now if a service serves this workspace; True if one was asked for."""
    info = running_service(workspace)
    if info is None:
        return False
    configure(workspace)
    os.environ.setdefault("PREFECT_API_URL", info["api_url"])
    from prefect.deployments import run_deployment

    run_deployment(f"cchc-produce/{info['name']}", timeout=0, as_subflow=False)
    return True


@contextmanager
def _announced(workspaces: list[Workspace], api_url: str) -> Iterator[None]:
    files = []
    try:
        for ws in workspaces:
            info = {"api_url": api_url, "pid": os.getpid(), "name": deployment_name(ws)}
            path = service_file(ws)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(info), encoding="utf-8")
            files.append(path)
        yield
    finally:
        for path in files:
            path.unlink(missing_ok=True)


@contextmanager
def prefect_server(workspace: Workspace, port: int) -> Iterator[str]:
    """The configured Prefect server, else one of our own that lives as long as the service."""
    configure(workspace)
    if os.environ.get("PREFECT_API_URL"):
        yield os.environ["PREFECT_API_URL"]
        return
    server = LocalServer(prefect_home(workspace), port=port, long_lived=True)
    try:
        server.start()
        os.environ["PREFECT_API_URL"] = server.api_url
        yield server.api_url
    finally:
        server.stop()


def start_web(workspaces: list[Workspace], first_port: int) -> list[subprocess.Popen[bytes]]:
    """The web app of each workspace (`cchc web`), on consecutive ports of 127.0.0.1, as children that die with
    the service."""
    command = [sys.executable, "-c", "import sys; from flows.cli import main; sys.exit(main())", "web"]
    return [
        subprocess.Popen([*command, "-w", str(ws.root), "--port", str(first_port + n)], **CHILD_OPTIONS)
        for n, ws in enumerate(workspaces)
    ]


def stop_children(children: list[subprocess.Popen]) -> None:
    """Ask each child to stop, and kill any that has not within 20 s."""
    for child in children:
        child.terminate()
    for child in children:
        try:
            child.wait(timeout=20)
        except subprocess.TimeoutExpired:
            child.kill()


def serve(
    workspaces: list[Workspace],
    port: int = 4200,
    pool: str | None = None,
    workers: int = 1,
    on_ready=None,  # noqa: ANN001
    web_port: int | None = None,
) -> None:
    """Run until interrupted: the server, the web app of each workspace (from `web_port` on), and either one
    runner for every workspace's deployments, or (a province) the deployments on the work pool `pool` with
    `workers` local workers; more can join from other machines with `cchc worker --pool`."""
    with _stopped_on_signals(), prefect_server(workspaces[0], port) as api_url, _announced(workspaces, api_url):
        all_deployments = [d for ws in workspaces for d in deployments(ws)]
        children = start_web(workspaces, web_port) if web_port else []
        try:
            if pool is None:
                from prefect import serve as prefect_serve

                if on_ready is not None:
                    on_ready(api_url, all_deployments)
                prefect_serve(*all_deployments, print_starting_message=False, limit=max(2, len(workspaces)))
                return
            ensure_pool(pool)
            for deployment in all_deployments:
                deployment.apply(work_pool_name=pool)
            workers_started = [start_worker(pool, f"{HOST}-{number}") for number in range(1, workers + 1)]
            children += workers_started
            if on_ready is not None:
                on_ready(api_url, all_deployments)
            while all(child.poll() is None for child in workers_started) or not workers_started:
                time.sleep(1)
        finally:
            stop_children(children)


# --- a province: a work pool and its workers --------------------------------------------------------------------
HOST = socket.gethostname()


def ensure_pool(pool: str) -> None:
    """The process work pool `pool`, created if it is not there."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectAlreadyExists

    with get_client(sync_client=True) as client, suppress(ObjectAlreadyExists):
        client.create_work_pool(WorkPoolCreate(name=pool, type="process"))


def start_worker(pool: str, name: str) -> subprocess.Popen[bytes]:
    """`cchc worker` as a child that dies with us."""
    command = [sys.executable, "-c", "import sys; from flows.cli import main; sys.exit(main())"]
    return subprocess.Popen([*command, "worker", "--pool", pool, "--name", name], **CHILD_OPTIONS)


def run_worker(pool: str, name: str | None = None, limit: int | None = None) -> None:
    """A worker of `pool`: it runs each flow run the server gives it in a process of its own, until stopped."""
    import asyncio

    from prefect.workers.process import ProcessWorker

    async def work() -> None:
        async with ProcessWorker(work_pool_name=pool, name=name, limit=limit) as worker:
            await worker.start(printer=lambda *args, **kwargs: None)

    with _stopped_on_signals():
        asyncio.run(work())
