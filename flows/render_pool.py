"""Rendering in worker processes: drawing, voice and mastering are CPU-bound Python, so with several jobs
they run in one process per core this process may use, while the flow (one writer) records the results.
Kept apart from the Prefect flow so a worker never imports Prefect."""

from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver
import os
import pickle
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

from .channels import Job, RenderContext
from .core.errors import CchcError
from .core.ledger import ProducedFile
from .core.processes import die_with_parent
from .pipeline import produce_job

MIN_JOBS_FOR_PROCESSES = 4  # fewer: starting workers costs more than it saves
# per workspace (one produce run at a time holds a commune's lease); task threads do not see context variables
_POOLS: dict[str, ProcessPoolExecutor] = {}


def workers_for(jobs: int) -> int:
    """How many processes render: CCHC_PRODUCE_PROCESSES if set, else the cores this process may run on."""
    wanted = os.environ.get("CCHC_PRODUCE_PROCESSES", "").strip()
    cores = int(wanted) if wanted.isdigit() and int(wanted) > 0 else len(os.sched_getaffinity(0))
    return max(1, min(cores, jobs)) if jobs >= MIN_JOBS_FOR_PROCESSES else 1


@contextmanager
def started(ctx: RenderContext, jobs: int) -> Iterator[None]:
    workers = workers_for(jobs)
    if workers < 2 or ctx.workspace is None:
        yield
        return
    context = multiprocessing.get_context("forkserver")  # never fork a process that runs threads
    preload = ["flows.forkserver_guard", "flows.render_pool", "flows.channels.cards", "flows.channels.loudspeaker"]
    context.set_forkserver_preload(preload)
    # started here, by the thread that runs the flow: the fork server dies with this process (forkserver_guard)
    multiprocessing.forkserver.ensure_running()
    key = str(ctx.workspace.root)
    with ProcessPoolExecutor(workers, mp_context=context, initializer=die_with_parent) as pool:
        _POOLS[key] = pool
        try:
            yield
        finally:
            _POOLS.pop(key, None)


def running(ctx: RenderContext) -> ProcessPoolExecutor | None:
    return _POOLS.get(str(ctx.workspace.root)) if ctx.workspace else None


def render_in_worker(job: Job, ctx: RenderContext) -> ProducedFile:
    """produce_job in a worker; a known error comes back with its words even if its type cannot travel."""
    try:
        return produce_job(job, ctx)
    except CchcError as exc:
        try:
            pickle.loads(pickle.dumps(exc))
        except Exception:  # noqa: BLE001 (an error with its own constructor: keep the message)
            raise CchcError(str(exc)) from None
        raise
