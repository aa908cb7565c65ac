"""The Prefect `produce` flow: one task per item × channel, results recorded in the ledger.

A thin shell over flows.pipeline. The flow re-plans from the workspace path it is given, so a deployment
on a cron schedule needs nothing but that path; the CLI plans first and only starts Prefect when there is
work to do (the ephemeral API server takes seconds to start).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

# Defaults for running with no Prefect server (the ephemeral one). Set before Prefect is imported.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")  # no network here: telemetry only logs errors
os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "CRITICAL")  # the temporary server is noisy at shutdown

from prefect import flow, task  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402
from prefect.futures import as_completed  # noqa: E402
from prefect.task_runners import ThreadPoolTaskRunner  # noqa: E402

from .core.ledger import Ledger, ProducedFile  # noqa: E402
from .core.plan import CommunePlan  # noqa: E402
from .core.workspace import Workspace  # noqa: E402
from .pipeline import Job, WorkPlan, build_portal_site, plan_work, produce_job  # noqa: E402


@dataclass
class JobResult:
    job: Job
    produced: ProducedFile | None = None
    error: str | None = None


@dataclass
class ProduceSummary:
    work: WorkPlan
    results: list[JobResult] = field(default_factory=list)

    @property
    def failed(self) -> list[JobResult]:
        return [r for r in self.results if r.error]


@task(cache_policy=NO_CACHE, task_run_name="{job.channel}-{job.item.id}")
def produce_task(job: Job, plan: CommunePlan, workspace: Workspace) -> ProducedFile:
    return produce_job(job, plan, workspace)


@task(cache_policy=NO_CACHE, task_run_name="portal-site")
def build_site_task(workspace: Workspace, plan: CommunePlan, ledger: Ledger, items: dict) -> int:
    """The category site (index, topics, feed, sitemap) after the posts it lists."""
    return len(build_portal_site(workspace, plan, ledger, items))


@flow(name="cchc-produce", validate_parameters=False, task_runner=ThreadPoolTaskRunner(max_workers=2))
def produce(
    workspace_root: str, only: str | None = None, on_done: Callable[[JobResult], None] | None = None
) -> ProduceSummary:
    """Produce every approved item's outputs that are missing or out of date, and log them in the ledger."""
    workspace = Workspace.at(workspace_root)
    plan = workspace.load_plan()
    read = workspace.read_items(plan)
    ledger = Ledger(workspace.database_url, plan.commune.ledger_key)
    try:
        summary = ProduceSummary(plan_work(workspace, read, ledger, only))
        futures = {produce_task.submit(job, plan, workspace): job for job in summary.work.jobs}
        # The ledger is written here, one result at a time, never from the worker threads.
        for future in as_completed(list(futures)):
            job = futures[future]
            outcome = future.result(raise_on_failure=False)
            if isinstance(outcome, BaseException):
                result = JobResult(job, error=str(outcome) or type(outcome).__name__)
                ledger.record_failure(job.item, job.channel, result.error)
            else:
                ledger.record_produced(job.item, job.channel, outcome)
                result = JobResult(job, produced=outcome)
            summary.results.append(result)
            if on_done is not None:
                on_done(result)
        build_site_task(workspace, plan, ledger, read.by_id())
        return summary
    finally:
        ledger.close()
