"""The Prefect flows that `cchc serve` runs on schedules besides produce and ingest: the month's broadcast
schedule, the daily quota check that flags rules at risk, and the report before its due day. Thin shells:
each opens the workspace and calls the core."""

from __future__ import annotations

import datetime as dt
import json
import os

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from prefect import flow, get_run_logger  # noqa: E402

from . import labels  # noqa: E402
from .channels import paths  # noqa: E402
from .core.atomic import write_atomic  # noqa: E402
from .core.periods import parse_period  # noqa: E402
from .core.quota import next_report, quota_status  # noqa: E402
from .core.session import open_session  # noqa: E402
from .core.status import Outlook  # noqa: E402

QUOTA_CHECK_FILE = f"{paths.REPORTS}/tinh-hinh-chi-tieu.json"


@flow(name="cchc-schedule")
def schedule_month(workspace_root: str) -> int:
    """This month's broadcast schedule (and next month's in the month's last week), kept up to date as items
    are approved and aired. Returns how many airings are planned."""
    from .pipeline import build_schedule

    with open_session(workspace_root) as session:
        now = dt.datetime.now(session.plan.commune.tz)
        months = [parse_period(f"{now.year}-{now.month:02d}")]
        if (months[0].end - now.date()).days <= 7:
            months.append(parse_period(f"{months[0].end.year}-{months[0].end.month:02d}"))
        planned = 0
        for month in months:
            plan, _files = build_schedule(session, month.start, month.end, now)
            planned += sum(len(run.entries) for run in plan.runs)
        return planned


@flow(name="cchc-quota-check")
def quota_check(workspace_root: str) -> list[str]:
    """Every rule's standing today, written to output/reports/tinh-hinh-chi-tieu.json; rules at risk are
    logged as warnings. Returns the labels of the rules at risk."""
    logger = get_run_logger()
    with open_session(workspace_root) as session:
        today = dt.datetime.now(session.plan.commune.tz).date()
        statuses = quota_status(session.ledger, session.plan, session.items, today)
        due = next_report(today, session.plan)
        rules = []
        for st in statuses:
            outlook = st.outlook(today)
            rules.append(
                {
                    "quota": st.quota.id,
                    "label": st.label,
                    "period": st.period.key,
                    "required": st.required,
                    "actual": st.actual,
                    "outlook": outlook.value,
                    "outlook_label": labels.OUTLOOK[outlook],
                }
            )
        at_risk = [st.label for st in statuses if st.outlook(today) is Outlook.AT_RISK]
        for label in at_risk:
            logger.warning("Có nguy cơ không đạt: %s", label)
        payload = {
            "checked_on": today.isoformat(),
            "next_report": {"due_before": due.due.isoformat(), "label": labels.next_report(due)} if due else None,
            "at_risk": at_risk,
            "rules": rules,
        }
        target = session.workspace.output_dir / QUOTA_CHECK_FILE
        write_atomic(target, json.dumps(payload, ensure_ascii=False, indent=2).encode("utf-8"))
        return at_risk


@flow(name="cchc-report")
def report_due(workspace_root: str, period: str | None = None) -> list[str]:
    """The report for `period` (default: the quarter the next due report covers), in every format, into
    output/reports/. Returns the files written."""
    from .reports import FORMATS, build_report, write_report

    with open_session(workspace_root) as session:
        today = dt.datetime.now(session.plan.commune.tz).date()
        due = next_report(today, session.plan)
        if period:
            chosen = parse_period(period)
        elif due:
            chosen = due.covers[0]
        else:  # no fixed report in the plan: the quarter so far
            chosen = parse_period(f"{today.year}-Q{(today.month - 1) // 3 + 1}")
        built = build_report(session.ledger, session.plan, session.items, chosen)
        target = session.workspace.output_dir / paths.REPORTS
        return [str(path) for path in write_report(built, target, FORMATS)]
