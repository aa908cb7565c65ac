"""Every status the core reports, as codes. flows/labels.py says each in Vietnamese; nothing here does."""

from __future__ import annotations

from enum import StrEnum


class ApprovalStatus(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    REJECTED = "rejected"
    NEEDS_REAPPROVAL = "needs_reapproval"


class EventKind(StrEnum):
    APPROVED = "approved"
    REJECTED = "rejected"
    PRODUCED = "produced"
    PUBLISHED = "published"
    UNPUBLISHED = "unpublished"
    AIRED = "aired"
    FAILED = "failed"
    # the audit trail of what people did in the web app or the CLI besides the above
    EDITED = "edited"
    INBOX_ACCEPTED = "inbox_accepted"
    INBOX_DISCARDED = "inbox_discarded"
    ACTIVITY_CHANGED = "activity_changed"
    USER_ADDED = "user_added"
    VOIDED = "voided"  # a record made by mistake: it stays, and stops counting
    POSTED = "posted"  # put on a social platform, or sent to the provincial paper: counted on its channel
    TASK = "task"  # the status of a task of the plan's list changed (item_id: "nhiem-vu-<id>")


class TaskStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"


class DeliveryState(StrEnum):
    PRODUCED = "produced"
    PUBLISHED = "published"
    AIRED = "aired"
    RETRACTED = "retracted"
    FAILED = "failed"


class Outlook(StrEnum):
    """Where a quota stands on a given day."""

    MET = "met"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"  # the pace so far cannot reach the minimum by the period's end
    MISSED = "missed"
    NOT_STARTED = "not_started"


class AiringStatus(StrEnum):
    """A scheduled airing: confirmed, past and not confirmed, or still to come."""

    AIRED = "aired"
    UNCONFIRMED = "unconfirmed"
    PLANNED = "planned"


class PeriodKind(StrEnum):
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half"
    YEAR = "year"
    RANGE = "range"  # an ad-hoc report (báo cáo đột xuất): from one day to another, both included


class Role(StrEnum):
    """Who does what in the web app."""

    EDITOR = "editor"  # biên tập viên: writes items, produces, publishes
    APPROVER = "approver"  # lãnh đạo duyệt
    OPERATOR = "operator"  # đài truyền thanh
    REPORTER = "reporter"  # báo cáo
    ADMIN = "admin"  # quản trị: users, and every role's pages
