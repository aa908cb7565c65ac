"""The Prefect flow `cchc-produce`: one task per item × channel, results recorded in the ledger.

A thin shell over flows.pipeline. Its parameters are plain (a workspace path, optionally one item id), so a
deployment on a schedule needs nothing else; a shell that has already read the workspace and planned the work
hands them over (pipeline.handing_over) instead of having them read again.
"""

from __future__ import annotations

import os

# Defaults for running with no Prefect server (the ephemeral one). Set before Prefect is imported.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")  # no network here: telemetry only logs errors
os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "CRITICAL")  # the temporary server is noisy at shutdown

from prefect import flow, task  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402
from prefect.futures import as_completed  # noqa: E402
from prefect.task_runners import ThreadPoolTaskRunner  # noqa: E402

from . import render_pool  # noqa: E402
from .channels import Job, RenderContext  # noqa: E402
from .core.ledger import ProducedFile  # noqa: E402
from .core.session import Session  # noqa: E402
from .pipeline import (  # noqa: E402
    JobResult,
    ProduceSummary,
    WorkPlan,
    build_portal_site,
    produce_job,
    record,
    run_session,
)


@task(cache_policy=NO_CACHE, task_run_name="{job.channel}-{job.item.id}")
def produce_task(job: Job, ctx: RenderContext) -> ProducedFile:
    pool = render_pool.running(ctx)
    if pool is not None:
        return pool.submit(render_pool.render_in_worker, job, ctx).result()
    return produce_job(job, ctx)


@task(cache_policy=NO_CACHE, task_run_name="portal-site")
def build_site_task(session: Session) -> int:
    """The category site (index, topics, feed, sitemap) after the posts it lists."""
    return len(build_portal_site(session))


@flow(name="cchc-produce", task_runner=ThreadPoolTaskRunner(max_workers=max(2, len(os.sched_getaffinity(0)))))
def produce(workspace_root: str, only: str | None = None) -> ProduceSummary:
    """Produce every approved item's outputs that are missing or out of date, and log them in the ledger."""
    with run_session(workspace_root, only) as (session, work, listener):
        if work is None:
            return ProduceSummary(WorkPlan(), busy=True)
        summary = ProduceSummary(work)
        ctx = RenderContext(session.plan, session.workspace)
        with render_pool.started(ctx, len(work.jobs)):
            futures = {produce_task.submit(job, ctx): job for job in work.jobs}
            for future in as_completed(list(futures)):
                outcome = future.result(raise_on_failure=False)
                if isinstance(outcome, BaseException):
                    result = JobResult(futures[future], exception=outcome)
                else:
                    result = JobResult(futures[future], produced=outcome)
                record(session, result)
                summary.results.append(result)
                listener(result)
        build_site_task(session)
        return summary
