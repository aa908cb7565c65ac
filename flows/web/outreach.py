"""The editor's page for an item beyond the portal: the fanpage/Zalo OA post (images to download, caption to
copy), the short video with its subtitles, and recording where each went out (platform or paper), with the
postings so far; a posting recorded by mistake is voided with its reason."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..channels import paths
from ..channels.social import IMAGES
from ..core.ledger.corrections import voided_events
from ..core.ledger.postings import record_posted
from ..core.periods import parse_local_time
from ..core.plan import RECORDED_CHANNELS
from ..core.status import EventKind, Role
from ..core.users import Person
from . import web
from .security import Refused, check_csrf, require

router = APIRouter()
editor = require(Role.EDITOR)


@router.get("/bai/{item_id}/lan-toa", response_class=HTMLResponse)
def outreach_page(item_id: str, request: Request, person: Person = Depends(editor)) -> HTMLResponse:
    state = web(request)
    with state.session() as s:
        item = s.item(item_id)
        current = s.ledger.current_deliveries()
        social, video = current.get((item.id, "social")), current.get((item.id, "video"))
        caption_path = s.workspace.output_dir / paths.social_post(item.id)
        voided = voided_events(s.ledger)
        postings = [e for e in s.ledger.events(item.id, EventKind.POSTED) if e.id not in voided]
        return state.page(
            request,
            "outreach.html.j2",
            item=item,
            social=social,
            video=video,
            caption=caption_path.read_text(encoding="utf-8") if social and caption_path.is_file() else None,
            images=[paths.social_image(item.id, name) for name in IMAGES] if social else [],
            subtitles=paths.video_subtitles(item.id),
            postings=postings,
            channels=RECORDED_CHANNELS,
            now=dt.datetime.now(s.plan.commune.tz).strftime("%Y-%m-%d %H:%M"),
            plan=s.plan,
        )


@router.post("/bai/{item_id}/lan-toa")
async def record_posting(item_id: str, request: Request, person: Person = Depends(editor)) -> Response:
    state = web(request)
    form = await check_csrf(request)
    channel, where, url = form.get("channel", ""), form.get("where", "").strip(), form.get("url", "").strip() or None
    if channel not in RECORDED_CHANNELS:
        raise Refused("Chọn kênh: mạng xã hội, video hoặc gửi báo.", 400)
    if not where:
        raise Refused("Cần ghi nơi đăng hoặc nơi nhận.", 400)
    with state.session() as s:
        item = s.item(item_id)
        at = parse_local_time(form["at"], s.plan.commune.tz) if form.get("at") else dt.datetime.now(s.plan.commune.tz)
        record_posted(s.ledger, item, channel, where, at, person.full_name, url, backfill=form.get("ghi-bu") == "1")
    return RedirectResponse(f"/bai/{item_id}/lan-toa?da-ghi=1", status_code=303)


@router.post("/bai/{item_id}/lan-toa/huy")
async def void_posting(item_id: str, request: Request, person: Person = Depends(editor)) -> Response:
    from ..core.ledger.corrections import void_posting as void

    state = web(request)
    form = await check_csrf(request)
    with state.session() as s:
        void(s.ledger, s.item(item_id).id, int(form.get("event", "0")), form.get("reason", ""), person.full_name)
    return RedirectResponse(f"/bai/{item_id}/lan-toa?da-huy=1", status_code=303)
