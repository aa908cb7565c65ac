"""Portal channel: a post page for the commune portal's "Cải cách hành chính" category."""

from __future__ import annotations

import nh3
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markdown_it import MarkdownIt

from ..core.items import Item
from ..core.plan import CommunePlan
from ..core.text import nfc
from ..core.workspace import BUILTIN_ROOT, Workspace
from . import Artifact, relative_path

# Officials paste HTML from word processors: Markdown keeps it, then an allow-list keeps only harmless markup
# (no script, iframe, event handler, style or javascript: URL), whatever the source.
_markdown = MarkdownIt("commonmark", {"html": True})
_ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "h2", "h3", "h4", "a", "code", "hr"}


def body_html(markdown: str) -> str:
    html = _markdown.render(nfc(markdown))
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
    )


def canonical_url(item: Item, plan: CommunePlan) -> str:
    return f"{plan.commune.portal_url.rstrip('/')}/{relative_path(item.id, 'portal').removeprefix('portal/')}"


def _environment(workspace: Workspace | None) -> Environment:
    dirs = workspace.search_path("templates") if workspace else [BUILTIN_ROOT / "templates"]
    return Environment(
        loader=FileSystemLoader([str(d) for d in dirs]),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(item: Item, plan: CommunePlan, workspace: Workspace | None = None) -> Artifact:
    page = (
        _environment(workspace)
        .get_template("portal/post.html.j2")
        .render(
            item=item,
            meta=item.meta,
            commune=plan.commune,
            unit=plan.unit(item.meta.unit),
            topic=plan.topic(item.meta.topic),
            body=body_html(item.body),
            canonical=canonical_url(item, plan),
            image=f"../../infographic/{item.id}.png" if "infographic" in item.meta.channels else None,
        )
    )
    return Artifact(nfc(page).encode("utf-8"))
