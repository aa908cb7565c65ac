"""The broadcast operator's pages: the month's schedule by day and slot with players, confirming a slot or an
item as aired in one click, a loudspeaker system's log uploaded, and a quick announcement to hear and download."""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
from pathlib import Path
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from ..core.atomic import write_atomic
from ..core.errors import AiringRefused
from ..core.periods import parse_local_time, parse_period
from ..core.status import PeriodKind, Role
from ..core.users import Person
from ..labels import error_message
from . import web
from .security import Refused, check_csrf, require

router = APIRouter()
operator = require(Role.OPERATOR)


@router.get("/lich-phat", response_class=HTMLResponse)
def schedule_page(
    request: Request,
    thang: str | None = None,
    nhap_bu: str | None = Query(None, alias="nhap-bu"),
    person: Person = Depends(operator),
) -> HTMLResponse:
    from ..channels.schedule import status_of
    from ..pipeline import build_schedule

    state = web(request)
    with state.session() as s:
        now = dt.datetime.now(s.plan.commune.tz)
        month = parse_period(thang or f"{now.year}-{now.month:02d}", (PeriodKind.MONTH,))
        schedule, _files = build_schedule(s, month.start, month.end, now)
        days: dict[dt.date, list] = {}
        for run in schedule.runs:
            if run.entries:
                days.setdefault(run.day, []).append(run)
        return state.page(
            request,
            "schedule.html.j2",
            month=month,
            days=days,
            now=now,
            problems=schedule.problems,
            previous=(month.start - dt.timedelta(days=1)).strftime("%Y-%m"),
            following=month.end.strftime("%Y-%m"),
            status_of=status_of,
            backfill=nhap_bu == "1",
        )


@router.post("/lich-phat/xac-nhan")
async def confirm(request: Request, person: Person = Depends(operator)) -> Response:
    """A whole slot (key), or one item at a moment."""
    from ..channels.schedule.airlog import Airing, slot_airings

    state = web(request)
    form = await check_csrf(request)
    with state.session() as s:
        if form.get("slot"):
            airings = slot_airings(s.workspace.output_dir, form["slot"], s.plan)
        else:
            at = parse_local_time(form.get("at", ""), s.plan.commune.tz)
            airings = [Airing(s.item(form.get("item", "")).id, at, "trang lịch phát")]
        backfill = form.get("ghi-bu") == "1"
        month = (form.get("slot") or form.get("at", ""))[:7]
        back = f"/lich-phat?thang={month}" + ("&nhap-bu=1" if backfill else "")
        try:
            for airing in airings:
                s.ledger.mark_aired(airing.item_id, airing.at, person.full_name, backfill=backfill)
        except AiringRefused as exc:
            return RedirectResponse(f"{back}&{urlencode({'loi': error_message(exc)})}", status_code=303)
    return RedirectResponse(f"{back}&da-xac-nhan={len(airings)}", status_code=303)


@router.post("/lich-phat/huy")
async def void_airing_page(request: Request, person: Person = Depends(operator)) -> Response:
    """An airing recorded by mistake: voided with its reason (the ledger keeps both)."""
    from ..core.ledger.corrections import void_airing

    state = web(request)
    form = await check_csrf(request)
    with state.session() as s:
        at = parse_local_time(form.get("at", ""), s.plan.commune.tz)
        void_airing(s.ledger, s.item(form.get("item", "")).id, at, form.get("reason", ""), person.full_name)
    return RedirectResponse(f"/lich-phat?thang={form.get('at', '')[:7]}&da-huy=1", status_code=303)


@router.post("/lich-phat/nhat-ky", response_class=HTMLResponse)
async def upload_log(request: Request, file: UploadFile, person: Person = Depends(operator)) -> Response:
    from ..channels.schedule.airlog import read_air_log

    state = web(request)
    form = await check_csrf(request)
    data = await file.read(5 * 1024 * 1024 + 1)
    if len(data) > 5 * 1024 * 1024:
        raise Refused("Tệp nhật ký lớn hơn 5 MB.", 413)
    with tempfile.TemporaryDirectory() as folder, state.session() as s:
        path = Path(folder) / Path(file.filename or "nhat-ky.csv").name
        path.write_bytes(data)
        log = read_air_log(path, s.plan, set(s.items))
        backfill = form.get("ghi-bu") == "1"
        refused = list(log.rejected)
        for airing in log.airings:  # a file is taken whole or not at all
            try:
                s.ledger.check_airing(airing.item_id, airing.at, backfill)
            except AiringRefused as exc:
                refused.append(f"{airing.origin}: {error_message(exc)}")
        if refused:
            message = (
                f"Chưa nhập tệp {path.name}: {len(refused)} dòng không hợp lệ. Sửa các dòng dưới đây rồi nhập lại; "
                "chưa có lượt phát nào của tệp được ghi."
            )
            return state.page(request, "log_result.html.j2", 422, message=message, skipped=refused + log.not_aired)
        for airing in log.airings:
            s.ledger.mark_aired(airing.item_id, airing.at, person.full_name, backfill, airing.duration_seconds)
    message = f"Đã ghi nhận {len(log.airings)} lượt phát từ {path.name}."
    return state.page(request, "log_result.html.j2", message=message, skipped=log.not_aired)


@router.get("/thong-bao", response_class=HTMLResponse)
def announcement_page(request: Request, person: Person = Depends(operator)) -> HTMLResponse:
    return web(request).page(request, "announce.html.j2", text="", made=None)


@router.post("/thong-bao", response_class=HTMLResponse)
async def announce(request: Request, person: Person = Depends(operator)) -> HTMLResponse:
    """Type text, hear it: the same chain as the bulletins, kept in .cchc/thong-bao/ by its text."""
    from ..channels.loudspeaker import speak_lines
    from ..core.text import markdown_paragraphs
    from ..speech.normalize import load_lexicon, normalize

    state = web(request)
    form = await check_csrf(request)
    text = form.get("text", "").strip()
    if not text:
        raise Refused("Hãy nhập nội dung thông báo.", 400)
    plan = state.workspace.load_plan()
    name = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16] + ".mp3"
    target = state.workspace.state_dir / "thong-bao" / name
    if not target.is_file():
        lexicon = load_lexicon(state.workspace.root / "content" / "lexicon.yaml")
        script = [normalize(line, lexicon) for line in markdown_paragraphs(text) or [text]]
        tags = {"title": " ".join(text.split()[:12]), "artist": plan.commune.station_name, "language": "vie"}
        write_atomic(target, speak_lines(script, plan, state.workspace, tags, with_chime=True).data)
    return state.page(request, "announce.html.j2", text=text, made=name)


@router.get("/thong-bao/{name}")
def announcement_file(name: str, request: Request, person: Person = Depends(operator)) -> Response:
    from . import safe_file

    path = safe_file(web(request).workspace.state_dir / "thong-bao", name)
    return FileResponse(path, media_type="audio/mpeg", filename=f"thong-bao-{name}")
