"""The "Cải cách hành chính" category site in output/portal/: index (newest first, paginated), a page per
topic, an RSS 2.0 feed and a sitemap, with absolute URLs for the portal and relative links between pages,
so it works opened from disk and behind any static web server. Retracted posts are left out."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from ..core.atomic import write_atomic
from ..core.items import Item
from ..core.plan import CommunePlan
from ..core.text import nfc
from ..core.workspace import Workspace
from . import paths
from .portal import clean_text, image_alt, plain_item, published_time, templates


@dataclass(frozen=True)
class Post:
    item: Item
    slug: str

    @property
    def shown(self) -> Item:
        """The item as the site shows it: plain-text title, summary and facts."""
        return plain_item(self.item)

    @property
    def image_alt(self) -> str:
        return image_alt(self.item)


def fingerprint(workspace: Workspace, plan: CommunePlan, posts: list[Post]) -> str:
    """Everything the site is made from: rebuilt only when this changes."""
    digest = hashlib.sha256(plan.model_dump_json().encode())
    for post in sorted(posts, key=lambda p: p.slug):
        digest.update(f"{post.slug}|{post.item.content_hash}\n".encode())
    for folder in workspace.search_path("templates"):
        for template in sorted((folder / "portal").glob("*.j2")):
            digest.update(template.read_bytes())
    return digest.hexdigest()


def _pages(posts: list[Post], per_page: int) -> list[list[Post]]:
    return [posts[i : i + per_page] for i in range(0, len(posts), per_page)] or [[]]


def _feed(plan: CommunePlan, posts: list[Post]) -> bytes:
    from feedgen.feed import FeedGenerator

    commune = plan.commune
    feed = FeedGenerator()
    feed.title(f"{commune.portal_category} - {commune.kind.capitalize()} {commune.name}")
    feed.link(href=commune.category_url, rel="alternate")
    feed.description(
        f"Tin, bài {commune.portal_category.lower()} của Ủy ban nhân dân {commune.full_name}, {commune.province}"
    )
    feed.language("vi")
    feed.generator("cchc")
    for post in reversed(posts):  # feedgen puts the last added first
        entry = feed.add_entry()
        url = paths.post_url(plan, post.slug)
        entry.id(url)
        entry.guid(url, permalink=True)
        entry.title(clean_text(post.item.meta.title))
        entry.link(href=url)
        entry.description(clean_text(post.item.meta.summary))
        entry.pubDate(dt.datetime.fromisoformat(published_time(post.item, plan)))
        entry.enclosure(paths.site_url(plan, paths.post_card(post.slug)), 0, "image/png")
    if posts:
        feed.lastBuildDate(dt.datetime.fromisoformat(published_time(posts[0].item, plan)))
    return feed.rss_str(pretty=True)


def _sitemap(urls: list[tuple[str, dt.date | None]]) -> bytes:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for url, modified in urls:
        lastmod = f"<lastmod>{modified.isoformat()}</lastmod>" if modified else ""
        lines.append(f"  <url><loc>{escape(url)}</loc>{lastmod}</url>")
    lines.append("</urlset>\n")
    return "\n".join(lines).encode("utf-8")


def build_site(workspace: Workspace, plan: CommunePlan, posts: list[Post], force: bool = False) -> list[Path]:
    """Write the category site for `posts` (the live ones); nothing is written when nothing changed."""
    out = workspace.output_dir / paths.SITE
    stamp = workspace.output_dir / paths.SITE_STAMP
    print_ = fingerprint(workspace, plan, posts)
    if not force and stamp.is_file() and stamp.read_text(encoding="utf-8") == print_:
        return []
    posts = sorted(posts, key=lambda p: (p.item.meta.date, p.item.id), reverse=True)
    env = templates(workspace)
    listing = env.get_template("portal/list.html.j2")
    base_url = plan.commune.category_url
    written: dict[Path, bytes] = {}
    unit_names = {u.id: u.name for u in plan.units}

    def page_set(heading: str, chosen: list[Post], folder: str, stem: str) -> None:
        pages = _pages(chosen, plan.commune.posts_per_page)
        root = "../" if folder else ""

        def link(number: int) -> str:
            return f"{stem}.html" if number == 1 else f"{stem}-trang-{number}.html"

        for number, page_posts in enumerate(pages, 1):
            view = [
                {
                    "item": p.shown,
                    "slug": p.slug,
                    "image_alt": p.image_alt,
                    "unit_name": unit_names[p.item.meta.unit],
                    "published": published_time(p.item, plan),
                }
                for p in page_posts
            ]
            html = listing.render(
                root=root,
                commune=plan.commune,
                topics=plan.topics,
                heading=heading,
                posts=view,
                page=number,
                pages=len(pages),
                page_link=link,
                canonical=base_url + (f"{folder}/" if folder else "") + link(number),
            )
            written[out / folder / link(number)] = nfc(html).encode("utf-8")

    page_set(f"{plan.commune.portal_category}", posts, "", "index")
    for topic in plan.topics:
        page_set(topic.name, [p for p in posts if p.item.meta.topic == topic.id], "chu-de", topic.id)
    written[out / "feed.xml"] = _feed(plan, posts)
    urls: list[tuple[str, dt.date | None]] = [(base_url + "index.html", posts[0].item.meta.date if posts else None)]
    urls += [(base_url + f"chu-de/{t.id}.html", None) for t in plan.topics]
    urls += [(paths.post_url(plan, p.slug), p.item.meta.date) for p in posts]
    written[out / "sitemap.xml"] = _sitemap(urls)
    for path, data in written.items():
        if not path.is_file() or path.read_bytes() != data:
            write_atomic(path, data)
    # pages of a previous build that no longer exist (fewer pages, a topic removed) go away
    for stale in [*out.glob("index-trang-*.html"), *(out / "chu-de").glob("*.html")]:
        if stale not in written:
            stale.unlink()
    write_atomic(stamp, print_.encode())
    return sorted(written)
