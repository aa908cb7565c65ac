"""Ingest: CCHC news from RSS/Atom feeds into the approval inbox (content/items/inbox/) as drafts.

Each feed is fetched with a timeout, a size cap and a conditional GET (the ETag and Last-Modified kept in the
ledger between runs); entries are kept when they are about administrative reform (the topics' keywords),
given a suggested topic and office, de-duplicated across runs by guid, link and normalised title, cleaned
of any script (nh3) and turned into Markdown. Nothing from a feed is ever approved here. One failing feed
never stops the others; each result says what went wrong, in Vietnamese.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import nh3
import yaml

from ..core.atomic import write_atomic
from ..core.errors import FeedError
from ..core.plan import CommunePlan
from ..core.session import Session
from ..core.settings import Feed
from ..core.text import clean_text, nfc, plain_text
from .fetch import fetch

_ALLOWED = {"p", "br", "strong", "b", "em", "i", "ul", "ol", "li", "blockquote", "h2", "h3", "h4", "a"}


@dataclass
class FeedResult:
    feed: Feed
    drafts: list[Path] = field(default_factory=list)
    skipped: int = 0  # not about CCHC, or seen before
    warnings: list[str] = field(default_factory=list)
    error: FeedError | None = None
    not_modified: bool = False


def normalise_title(title: str) -> str:
    return " ".join(re.findall(r"\w+", unicodedata.normalize("NFC", title).lower()))


def to_markdown(html: str) -> str:
    """Scripts, styles, frames and event handlers gone, then Markdown."""
    from markdownify import markdownify

    clean = nh3.clean(
        nfc(html),
        tags=_ALLOWED,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        clean_content_tags={"script", "style"},
        link_rel=None,
    )
    text = markdownify(clean, heading_style="ATX", bullets="-")
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def suggest(text: str, plan: CommunePlan, feed: Feed) -> str | None:
    """The topic whose keywords the entry uses most (the feed's own topic if it has one); None if none."""
    lowered = nfc(text).lower()
    if feed.keywords and not any(nfc(k).lower() in lowered for k in feed.keywords):
        return None
    scores = {t.id: sum(lowered.count(nfc(k).lower()) for k in t.keywords) for t in plan.topics}
    best = max(scores, key=lambda t: scores[t])
    if scores[best] == 0 and not ("cải cách hành chính" in lowered or "cchc" in lowered):
        return None
    return feed.topic or (best if scores[best] else plan.topics[0].id)


def office_for(topic: str, plan: CommunePlan, feed: Feed) -> str:
    if feed.unit:
        return feed.unit
    return next((u.id for u in plan.units if topic in u.topics), plan.units[0].id)


def _published(entry: object, plan: CommunePlan) -> dt.datetime | None:
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    if not stamp:
        return None
    return dt.datetime(*stamp[:6], tzinfo=dt.UTC).astimezone(plan.commune.tz)


def draft_text(meta: dict[str, object], body: str) -> str:
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{front}---\n{body}\n"


def ingest_feed(feed: Feed, session: Session, timeout: float = 15.0) -> FeedResult:
    import feedparser
    from slugify import slugify

    workspace, plan, ledger = session.workspace, session.plan, session.ledger
    result = FeedResult(feed)
    etag, modified = ledger.feed_state(feed.url)
    try:
        data, headers = fetch(feed, workspace, timeout, etag, modified)
    except FeedError as exc:
        result.error = exc
        return result
    if data is None:
        result.not_modified = True
        return result
    content_type = headers.get("Content-Type") or headers.get("content-type")
    parsed = feedparser.parse(data, response_headers={"content-type": content_type} if content_type else None)
    if parsed.bozo:
        problem = type(parsed.bozo_exception).__name__
        if not parsed.entries:
            result.error = FeedError(f"nội dung không phải RSS/Atom hợp lệ ({problem}); không lấy được tin nào")
            return result
        result.warnings.append(f"nguồn tin có lỗi định dạng ({problem}); đã lấy được {len(parsed.entries)} tin")
    if not parsed.entries:
        result.warnings.append("nguồn tin không có tin nào")
    seen = ledger.seen_keys()
    remembered: list[tuple[list[str], str | None]] = []
    inbox = workspace.items_dir / "inbox"
    for number, entry in enumerate(parsed.entries, 1):
        title = " ".join(clean_text(plain_text(entry.get("title", ""))).split())
        link = entry.get("link", "")
        if not title or not link:
            result.warnings.append(f"tin thứ {number} thiếu {'tiêu đề' if not title else 'đường dẫn'}, bỏ qua")
            continue
        keys = [f"link:{link}", f"title:{normalise_title(title)}"] + (
            [f"guid:{entry['id']}"] if entry.get("id") else []
        )
        if any(key in seen for key in keys):
            result.skipped += 1
            continue
        html = entry["content"][0]["value"] if entry.get("content") else entry.get("summary", "")
        body = to_markdown(html) or title
        summary_text = " ".join(plain_text(entry.get("summary", "")).split()) or body.split("\n")[0]
        topic = suggest(f"{title} {summary_text} {body}", plan, feed)
        if topic is None:
            result.skipped += 1
            remembered.append((keys, None))
            seen.update(keys)
            continue
        published = _published(entry, plan)
        day = (published or dt.datetime.now(plan.commune.tz)).date()
        item_id = f"{day.isoformat()}-{slugify(title, max_length=60, word_boundary=True)}"
        path = inbox / f"{item_id}.md"
        meta: dict[str, object] = {
            "title": nfc(title),
            "summary": nfc(summary_text[:400]),
            "date": day.isoformat(),
            "topic": topic,
            "unit": office_for(topic, plan, feed),
            "channels": ["portal"],
            "source": {"name": feed.name, "url": link, **({"published": published.isoformat()} if published else {})},
        }
        if not path.exists():  # never overwrite a draft an official may already be editing
            write_atomic(path, draft_text(meta, nfc(body)).encode("utf-8"))
            result.drafts.append(path)
        remembered.append((keys, item_id))
        seen.update(keys)
    ledger.remember_many(remembered, feed.url)
    ledger.save_feed_state(
        feed.url,
        headers.get("ETag") or headers.get("etag"),
        headers.get("Last-Modified") or headers.get("last-modified"),
    )
    return result


def ingest(session: Session, feeds: list[Feed] | None = None, timeout: float = 15.0) -> list[FeedResult]:
    """Every feed in turn; a failure is recorded in its result and the next feed goes on."""
    return [ingest_feed(feed, session, timeout) for feed in (session.plan.feeds if feeds is None else feeds)]
