"""News from RSS/Atom feeds into the approval inbox: fetch.py reads a feed, ingest.py turns it into drafts."""

from .ingest import FeedResult, ingest, ingest_feed

__all__ = ["FeedResult", "ingest", "ingest_feed"]
