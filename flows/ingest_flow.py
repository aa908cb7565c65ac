"""The Prefect `ingest` flow: every configured feed into the inbox, for a deployment on a cron schedule."""

from __future__ import annotations

import os

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "CRITICAL")

from prefect import flow, task  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402

from .core.ledger import Ledger  # noqa: E402
from .core.plan import CommunePlan, Feed  # noqa: E402
from .core.workspace import Workspace  # noqa: E402
from .ingest import FeedResult, ingest_feed  # noqa: E402


@task(cache_policy=NO_CACHE, task_run_name="feed-{feed.name}")
def ingest_task(feed: Feed, workspace: Workspace, plan: CommunePlan, ledger: Ledger) -> FeedResult:
    return ingest_feed(feed, workspace, plan, ledger)


@flow(name="cchc-ingest", validate_parameters=False)
def ingest(workspace_root: str) -> list[FeedResult]:
    """One task per feed, one after another (they share the ledger); a failing feed never stops the others."""
    workspace = Workspace.at(workspace_root)
    plan = workspace.load_plan()
    ledger = Ledger(workspace.database_url, plan.commune.ledger_key)
    try:
        return [ingest_task(feed, workspace, plan, ledger) for feed in plan.feeds]
    finally:
        ledger.close()
