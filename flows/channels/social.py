"""Social channel: a post for the commune's Facebook fanpage and Zalo OA, ready to paste — the images in the
platforms' sizes (drawn from the same layouts as the infographic) and the caption with hashtags and the
post's link. It counts once someone records it as posted (`cchc posted`)."""

from __future__ import annotations

import unicodedata

from ..core.items import Item
from ..core.plan import CommunePlan
from ..core.text import plain_text
from . import Artifact, Job, RenderContext, paths
from .cards import draw, png

# file name → layout: the fanpage's 4:5 feed picture, the 1.91:1 link preview, Zalo OA's square
IMAGES = {"facebook-1080x1350": "portrait", "chia-se-1200x630": "card", "zalo-1080x1080": "square"}


def _tag(words: str) -> str:
    """'xã Bình Giang' → '#XãBìnhGiang' (a hashtag keeps the letters, drops spaces and punctuation)."""
    kept = "".join(ch for ch in words.title() if unicodedata.category(ch)[0] in "LN")
    return f"#{kept}"


def caption(item: Item, plan: CommunePlan, url: str) -> str:
    """The text to paste: title, summary, hotline, link, hashtags (the commune's, its own name, the topic's)."""
    lines = [plain_text(item.meta.title).upper(), "", plain_text(item.meta.summary)]
    if item.meta.hotline:
        lines += ["", f"Đường dây nóng: {item.meta.hotline}"]
    lines += ["", f"Xem chi tiết: {url}", ""]
    tags = [*plan.social.hashtags, _tag(plan.commune.full_name)]
    lines.append(" ".join(dict.fromkeys(tags)))
    return "\n".join(lines) + "\n"


def render(job: Job, ctx: RenderContext) -> Artifact:
    item, plan, workspace = job.item, ctx.plan, ctx.workspace
    url = job.canonical_url or plan.commune.category_url
    files = {
        paths.social_image(item.id, name): png(draw(layout, item, plan, workspace, url).image)
        for name, layout in IMAGES.items()
    }
    main = paths.social_post(item.id)
    files[main] = caption(item, plan, url).encode("utf-8")
    return Artifact(main, files)
