"""Where every file goes, relative to the workspace's output/ folder: the one place that says so.

The category site (portal/) uses the same paths inside itself for its links, so the folder works opened from
disk, behind any static web server, or uploaded to the portal under the category's address.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..core.plan import CommunePlan

SITE = "portal"  # the category site
SITE_STAMP = f"{SITE}/.site-fingerprint"
BANNERS = "bang-ron"
REPORTS = "reports"
SCHEDULES = "schedule"
TTS_CACHE = ".cache/tts"


# inside the site --------------------------------------------------------------------------------------------
def post_page(slug: str) -> str:
    return f"bai-viet/{slug}.html"


def post_fragment(slug: str) -> str:
    return f"bai-viet/{slug}.fragment.html"


def post_card(slug: str) -> str:
    return f"anh/{slug}-1200x630.png"


def post_bundle(slug: str) -> str:
    return f"goi-dang-bai/{slug}.zip"


def in_site(path: str) -> str:
    return f"{SITE}/{path}"


def post_url(plan: CommunePlan, slug: str) -> str:
    """The post's canonical address on the commune's portal."""
    return plan.commune.category_url + post_page(slug)


def site_url(plan: CommunePlan, path: str) -> str:
    return plan.commune.category_url + path


# the other channels -----------------------------------------------------------------------------------------
def infographic(item_id: str) -> str:
    return f"infographic/{item_id}.png"


def infographic_card(item_id: str) -> str:
    return f"infographic/{item_id}-1200x630.png"


def poster(item_id: str) -> str:
    return f"infographic/{item_id}-a4.pdf"


def audio(item_id: str) -> str:
    return f"audio/{item_id}.mp3"


def audio_sidecar(item_id: str) -> str:
    return f"audio/{item_id}.json"


def social_post(item_id: str) -> str:
    """The caption, ready to paste; the images sit beside it."""
    return f"social/{item_id}/bai-dang.txt"


def social_image(item_id: str, name: str) -> str:
    return f"social/{item_id}/{name}.png"


def video(item_id: str) -> str:
    return f"video/{item_id}.mp4"


def video_subtitles(item_id: str) -> str:
    return f"video/{item_id}.srt"


def schedule_folder(month: str) -> str:
    return f"{SCHEDULES}/{month}"


def delivery(channel: str, item_id: str, slug: str | None = None) -> str:
    """The main file of an item's delivery on a channel: the one the ledger records and counts."""
    if channel == "portal":
        return in_site(post_page(slug or item_id))
    if channel == "infographic":
        return infographic(item_id)
    if channel == "social":
        return social_post(item_id)
    if channel == "video":
        return video(item_id)
    return audio(item_id)
