"""Infographic channel: the item drawn from the layouts in templates/infographic/ — a 1080×1350 portrait
(fanpage, Zalo OA, portal), a 1200×630 card (the portal's og:image) and an A4 poster (áp phích) PDF at 300 dpi."""

from __future__ import annotations

import datetime as dt
import io

from PIL import Image

from ..core.items import Item
from ..core.plan import CommunePlan
from ..core.text import plain_text
from ..core.workspace import BUILTIN_ROOT, Workspace
from . import Artifact
from .layout import Rendered, load_layout
from .layout import render as render_layout

LAYOUTS = {"portrait": "portrait", "card": "card", "poster": "poster-a4"}


def alt_text(item: Item) -> str:
    """Vietnamese alt text for the item's images, from its title and facts (used by the portal pages)."""
    facts = "; ".join(f"{plain_text(f.label)}: {plain_text(f.value)}" for f in item.meta.facts)
    return " ".join(f"Ảnh minh họa: {plain_text(item.meta.title)}{'. ' + facts if facts else ''}".split())


def values(item: Item, plan: CommunePlan) -> dict[str, object]:
    """What the layouts' text templates may use."""
    commune = plan.commune
    portal = commune.portal_url.split("://", 1)[-1].rstrip("/")
    unit = plan.unit(item.meta.unit).name
    footer = [unit, *([f"Đường dây nóng: {item.meta.hotline}"] if item.meta.hotline else []), portal]
    return {
        "title": plain_text(item.meta.title),
        "summary": plain_text(item.meta.summary),
        "commune": commune.full_name,
        "category": commune.portal_category,
        "unit": unit,
        "hotline": item.meta.hotline or "",
        "portal": portal,
        "footer": " · ".join(footer),
        "facts": [
            f.model_copy(update={"value": plain_text(f.value), "label": plain_text(f.label)}) for f in item.meta.facts
        ],
    }


def draw(
    kind: str, item: Item, plan: CommunePlan, workspace: Workspace | None = None, url: str | None = None
) -> Rendered:
    """One of the item's images (portrait, card, poster), with what was drawn where."""
    search = workspace.search_path("templates") if workspace else [BUILTIN_ROOT / "templates"]
    logo = workspace.asset(plan.style.logo) if workspace and plan.style.logo else None
    return render_layout(
        load_layout(LAYOUTS[kind], search),
        values(item, plan),
        plan.style.palette,
        logo,
        url or plan.commune.category_url,
    )


def png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def pdf(image: Image.Image, dpi: int, title: str, day: dt.date) -> bytes:
    """A one-page PDF of the image at `dpi`, dated by the item so reruns give the same bytes."""
    stamp = dt.datetime.combine(day, dt.time()).timetuple()
    buffer = io.BytesIO()
    image.save(buffer, format="PDF", resolution=dpi, title=title, creationDate=stamp, modDate=stamp, quality=92)
    return buffer.getvalue()


def render(item: Item, plan: CommunePlan, workspace: Workspace | None = None, slug: str | None = None) -> Artifact:
    url = None
    if slug:
        from .portal import post_url

        url = post_url(plan, slug)
    poster = draw("poster", item, plan, workspace, url)
    return Artifact(
        png(draw("portrait", item, plan, workspace, url).image),
        files={
            f"infographic/{item.id}-1200x630.png": png(draw("card", item, plan, workspace, url).image),
            f"infographic/{item.id}-a4.pdf": pdf(poster.image, 300, plain_text(item.meta.title), item.meta.date),
        },
    )
