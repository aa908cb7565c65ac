"""Portal channel: what the editor needs to publish one item in the "Cải cách hành chính" category.

Per item: a standalone page (Open Graph, JSON-LD NewsArticle, print stylesheet), the same content as an
HTML fragment to paste into the commune's CMS, the 1200×630 card image, and a zip of fragment and image
to upload. The category site around the posts (index, topics, feed, sitemap) is built by portal_site.py.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from functools import cache

import nh3
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markdown_it import MarkdownIt

from ..core.items import Item
from ..core.plan import CommunePlan
from ..core.text import nfc, plain_text
from ..core.workspace import BUILTIN_ROOT, Workspace
from . import Artifact, Job, RenderContext, paths
from .cards import alt_text, draw, png

# Officials paste HTML from word processors: Markdown keeps it, then an allow-list keeps only harmless markup
# (no script, iframe, event handler, style or javascript: URL), whatever the source.
_markdown = MarkdownIt("commonmark", {"html": True})
# markdown-it leaves a javascript: link as literal text, code and all; let it through to nh3 instead, which
# drops the address and keeps the words
_markdown.validateLink = lambda url: True
_ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "h2", "h3", "h4", "a", "code", "hr"}


def body_html(markdown: str) -> str:
    html = nh3.clean(
        _markdown.render(nfc(markdown)),
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
        clean_content_tags={"script", "style"},
    )
    # a link whose address was unsafe is left without one: keep its words, drop the empty link
    return re.sub(r"<a(?![^>]*\bhref=)[^>]*>(.*?)</a>", r"\1", html, flags=re.S)


def clean_text(text: str) -> str:
    """Title, summary, labels: plain text only, whatever was typed into them."""
    return " ".join(plain_text(text).split())


def published_time(item: Item, plan: CommunePlan) -> str:
    """The news date at the start of the day, in the commune's time zone (+07:00)."""
    return dt.datetime.combine(item.meta.date, dt.time(), plan.commune.tz).isoformat()


def image_alt(item: Item) -> str:
    return alt_text(item)


@cache
def environment(template_dirs: tuple[str, ...]) -> Environment:
    return Environment(
        loader=FileSystemLoader(list(template_dirs)),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def templates(workspace: Workspace | None) -> Environment:
    dirs = workspace.search_path("templates") if workspace else [BUILTIN_ROOT / "templates"]
    return environment(tuple(str(d) for d in dirs))


def plain_item(item: Item) -> Item:
    """The item with plain-text title, summary and facts (its body is cleaned as HTML)."""
    facts = [f.model_copy(update={"value": clean_text(f.value), "label": clean_text(f.label)}) for f in item.meta.facts]
    meta = item.meta.model_copy(
        update={"title": clean_text(item.meta.title), "summary": clean_text(item.meta.summary), "facts": facts}
    )
    return Item(item.id, item.path, meta, item.body, item.content_hash, item.front_matter_lines)


def json_ld(item: Item, plan: CommunePlan, canonical: str, card_url: str) -> str:
    published = published_time(item, plan)
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": item.meta.title[:110],
        "description": item.meta.summary,
        "image": [card_url],
        "datePublished": published,
        "dateModified": published,
        "inLanguage": "vi",
        "mainEntityOfPage": canonical,
        "author": {"@type": "GovernmentOrganization", "name": plan.unit(item.meta.unit).name},
        "publisher": {
            "@type": "GovernmentOrganization",
            "name": f"Ủy ban nhân dân {plan.commune.full_name}",
            "url": plan.commune.portal_url,
        },
    }
    # "</" inside a script element would end it early
    return json.dumps(data, ensure_ascii=False, indent=2).replace("</", "<\\/")


def fragment(item: Item, plan: CommunePlan, workspace: Workspace | None, image_src: str) -> str:
    """The post's content as an HTML fragment for a CMS editor."""
    return (
        templates(workspace)
        .get_template("portal/fragment.html.j2")
        .render(
            meta=item.meta,
            unit=plan.unit(item.meta.unit),
            body=body_html(item.body),
            image_src=image_src,
            image_alt=image_alt(item),
        )
    )


def _zip(files: dict[str, bytes], day: dt.date) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=(day.year, day.month, day.day, 0, 0, 0))  # same bytes every run
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            bundle.writestr(info, files[name])
    return buffer.getvalue()


def render(job: Job, ctx: RenderContext) -> Artifact:
    """The post page (the delivery) plus its fragment, card image and upload bundle."""
    from slugify import slugify

    plan, workspace = ctx.plan, ctx.workspace
    item = plain_item(job.item)
    slug = job.slug or slugify(item.title, max_length=80, word_boundary=True)
    canonical = job.canonical_url or paths.post_url(plan, slug)
    card_path = paths.post_card(slug)
    card_url = paths.site_url(plan, card_path)
    card = png(draw("card", item, plan, workspace, canonical).image)
    in_page = fragment(item, plan, workspace, f"../{card_path}")
    page = (
        templates(workspace)
        .get_template("portal/post.html.j2")
        .render(
            root="../",
            commune=plan.commune,
            topics=plan.topics,
            meta=item.meta,
            unit=plan.unit(item.meta.unit),
            topic=plan.topic(item.meta.topic),
            fragment=in_page,
            canonical=canonical,
            card_url=card_url,
            image_alt=image_alt(item),
            published=published_time(item, plan),
            json_ld=json_ld(item, plan, canonical, card_url),
        )
    )
    for_upload = fragment(item, plan, workspace, card_path)
    bundle = _zip({f"{slug}.html": for_upload.encode("utf-8"), card_path: card}, item.meta.date)
    main = paths.in_site(paths.post_page(slug))
    return Artifact(
        main,
        {
            paths.in_site(card_path): card,
            paths.in_site(paths.post_fragment(slug)): nfc(in_page).encode("utf-8"),
            paths.in_site(paths.post_bundle(slug)): bundle,
            main: nfc(page).encode("utf-8"),
        },
    )
