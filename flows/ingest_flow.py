"""The Prefect flow `cchc-ingest`: every configured feed into the inbox, for a deployment on a schedule."""

from __future__ import annotations

import os

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "CRITICAL")

from prefect import flow, task  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402

from .core.session import Session, open_session  # noqa: E402
from .core.settings import Feed  # noqa: E402
from .feeds import FeedResult, ingest_feed  # noqa: E402


@task(cache_policy=NO_CACHE, task_run_name="feed-{feed.name}")
def ingest_task(feed: Feed, session: Session) -> FeedResult:
    return ingest_feed(feed, session)


@flow(name="cchc-ingest")
def ingest(workspace_root: str) -> list[FeedResult]:
    """One task per feed, one after another (they share the ledger); a failing feed never stops the others."""
    with open_session(workspace_root) as session:
        return [ingest_task(feed, session) for feed in session.plan.feeds]
