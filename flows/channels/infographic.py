"""Infographic channel: the item drawn from the layouts in templates/infographic/ — a 1080×1350 portrait
(fanpage, Zalo OA, portal), a 1200×630 card for sharing and an A4 poster (áp phích) PDF at 300 dpi."""

from __future__ import annotations

from ..core.text import plain_text
from . import Artifact, Job, RenderContext, paths
from .cards import draw, pdf, png


def render(job: Job, ctx: RenderContext) -> Artifact:
    item, plan, workspace, url = job.item, ctx.plan, ctx.workspace, job.canonical_url
    poster = draw("poster", item, plan, workspace, url)
    main = paths.infographic(item.id)
    return Artifact(
        main,
        {
            paths.infographic_card(item.id): png(draw("card", item, plan, workspace, url).image),
            paths.poster(item.id): pdf(poster.image, 300, plain_text(item.meta.title), item.meta.date),
            main: png(draw("portrait", item, plan, workspace, url).image),
        },
    )
