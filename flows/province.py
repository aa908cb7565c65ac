"""Running a province for a test or a benchmark on one machine: a Prefect server on Postgres, a work pool,
workers, and communes in a shared Postgres ledger. What README's province section describes, in code."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .core.processes import CHILD_OPTIONS
from .core.workspace import Workspace, init_workspace

CCHC = [sys.executable, "-c", "import sys; from flows.cli import main; sys.exit(main())"]


def make_commune(root: Path, commune_id: str, items: int, channels: str = "[portal]") -> Workspace:
    """A copy of the sample commune with its own id in the shared ledger and its first `items` items."""
    ws = init_workspace(root)
    config = ws.config_path.read_text(encoding="utf-8")
    ws.config_path.write_text(config.replace("commune:\n", f"commune:\n  id: {commune_id}\n", 1), encoding="utf-8")
    for number, path in enumerate(sorted(ws.items_dir.rglob("*.md"))):
        if number >= items:
            path.unlink()
            continue
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("[portal, infographic, loudspeaker]", channels), encoding="utf-8")
    return ws


def ready_to_produce(communes: list[Workspace], ledger_url: str, prefect_url: str) -> dict[str, str]:
    """Every item of every commune approved in the shared ledger; the environment the province runs in."""
    from .core.ledger import Ledger

    for ws in communes:
        plan = ws.load_plan()
        ledger = Ledger(ledger_url, plan.commune.ledger_key)
        for item in ws.read_items(plan).items:
            ledger.approve(item, "Vũ Thị Hòa")
        ledger.close()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(CCHC_DATABASE_URL=ledger_url, PREFECT_API_DATABASE_CONNECTION_URL=prefect_url)
    return env


@contextmanager
def province(
    workspaces: list[Workspace],
    env: dict[str, str],
    workers: int,
    pool: str = "tinh",
    port: int | None = None,
    runs_per_worker: int | None = None,
) -> Iterator[str]:
    """`cchc serve --pool` for these communes, and `workers` separate `cchc worker` processes (each running at
    most `runs_per_worker` flow runs at once); yields the API."""
    import socket

    if port is None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
    full = {**env, "PREFECT_WORKER_QUERY_SECONDS": "1", "PREFECT_WORKER_PREFETCH_SECONDS": "1"}
    communes = [arg for ws in workspaces[1:] for arg in ("--commune", str(ws.root))]
    serve_cmd = [*CCHC, "serve", "-w", str(workspaces[0].root), *communes, "--pool", pool, "--workers", "0"]
    serve_cmd += ["--port", str(port), "--web-port", "0"]
    server = subprocess.Popen(serve_cmd, env=full, stdout=subprocess.PIPE, text=True, **CHILD_OPTIONS)
    children = [server]
    try:
        api = f"http://127.0.0.1:{port}/api"
        for line in server.stdout:  # the service says when its deployments are on the pool
            if "Ctrl+C" in line:
                break
        else:
            raise RuntimeError("cchc serve stopped before it was ready")
        worker_env = {**full, "PREFECT_API_URL": api}
        for number in range(workers):
            command = [*CCHC, "worker", "--pool", pool, "--name", f"may-{number + 1}"]
            if runs_per_worker:
                command += ["--limit", str(runs_per_worker)]
            children.append(subprocess.Popen(command, env=worker_env, **CHILD_OPTIONS))
        yield api
    finally:
        from .service import stop_children

        stop_children(children[1:])  # the workers first, then the server they talk to
        stop_children(children[:1])


def run_produce_everywhere(api: str, workspaces: list[Workspace], timeout: float = 600) -> dict[str, str]:
    """Ask for one produce of every commune at once and wait for them all; their final states by commune."""
    os.environ["PREFECT_API_URL"] = api
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: api}):  # Prefect read its settings when first imported
        return _run_and_wait(workspaces, timeout)


def _run_and_wait(workspaces: list[Workspace], timeout: float) -> dict[str, str]:
    from prefect.client.orchestration import get_client
    from prefect.deployments import run_deployment

    from .service import deployment_name

    asked = {}
    for ws in workspaces:
        name = deployment_name(ws)
        asked[name] = run_deployment(f"cchc-produce/{name}", timeout=0, as_subflow=False).id
    deadline = time.monotonic() + timeout
    states: dict[str, str] = {}
    with get_client(sync_client=True) as client:
        while time.monotonic() < deadline:
            states = {name: client.read_flow_run(run_id).state_type.value for name, run_id in asked.items()}
            if all(state in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED") for state in states.values()):
                break
            time.sleep(0.5)
    return states
