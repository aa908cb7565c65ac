"""The ledger: what was approved, produced, published and aired, for one commune or a whole province."""

from ..status import ApprovalStatus, DeliveryState, EventKind
from .schema import Activity, Approval, Delivery, Event, FeedEntry, FeedState, ProducedFile, Slug, now_utc
from .store import Ledger

__all__ = [
    "Activity",
    "Approval",
    "ApprovalStatus",
    "Delivery",
    "DeliveryState",
    "Event",
    "EventKind",
    "FeedEntry",
    "FeedState",
    "Ledger",
    "ProducedFile",
    "Slug",
    "now_utc",
]
