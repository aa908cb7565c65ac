"""An item's images, drawn from the layouts in templates/infographic/ (layouts are data, as in
mkdocs-material's social cards): what the layouts' text may use, and the drawn image as PNG or PDF.
Shared by the infographic channel and the portal's card, so neither imports the other."""

from __future__ import annotations

import datetime as dt
import io
from typing import TYPE_CHECKING

from ..core.items import Item
from ..core.plan import CommunePlan
from ..core.text import plain_text
from ..core.workspace import BUILTIN_ROOT, Workspace

if TYPE_CHECKING:  # Pillow and the layouts load when an image is drawn, not when the site's pages are built
    from PIL import Image

    from .layout import Rendered

LAYOUTS = {"portrait": "portrait", "card": "card", "poster": "poster-a4", "square": "square"}


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
    """One of the item's images (portrait, card, poster), with what was drawn where; the QR code points to
    `url` (the post), else to the portal's category."""
    from .layout import load_layout
    from .layout import render as render_layout

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
