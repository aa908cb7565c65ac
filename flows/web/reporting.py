"""The reporting officer's pages: the quota dashboard (each rule's progress, days left, at risk in red, the next
report due), activities (add, edit, remove, each recorded under who did it), and the report for any period in
every format, with its chart."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..channels import paths
from ..core.ledger.schema import Activity
from ..core.periods import parse_day, parse_period
from ..core.quota import next_report, quota_status
from ..core.status import EventKind, Outlook, Role
from ..core.users import Person
from . import web
from .security import Refused, check_csrf, require

router = APIRouter()
reporter = require(Role.REPORTER)
viewer = require(Role.REPORTER, Role.APPROVER)


@router.get("/chi-tieu", response_class=HTMLResponse)
def dashboard(request: Request, ky: str | None = None, person: Person = Depends(viewer)) -> HTMLResponse:
    state = web(request)
    with state.session() as s:
        today = dt.datetime.now(s.plan.commune.tz).date()
        chosen = parse_period(ky) if ky else None
        statuses = quota_status(s.ledger, s.plan, s.items, today, chosen)
        rows = [
            {
                "status": st,
                "outlook": st.outlook(today),
                "percent": min(100, round(100 * st.actual / st.required)),
                "days_left": st.period.days_left(today),
            }
            for st in statuses
        ]
        return state.page(
            request, "dashboard.html.j2", rows=rows, due=next_report(today, s.plan), today=today, Outlook=Outlook
        )


@router.get("/hoat-dong", response_class=HTMLResponse)
def activities(request: Request, person: Person = Depends(reporter)) -> HTMLResponse:
    state = web(request)
    from ..core.ledger.corrections import voided_activities

    with state.session() as s:
        voided = voided_activities(s.ledger)
        rows = [r for r in s.ledger.activities() if r.id not in voided]
        return state.page(request, "activities.html.j2", rows=rows, plan=s.plan)


@router.post("/hoat-dong")
async def save_activity(request: Request, person: Person = Depends(reporter)) -> Response:
    """Add (no id), edit (an id) or remove (an id and action=xoa) an activity."""
    state = web(request)
    form = await check_csrf(request)
    with state.session() as s:
        kind, unit = form.get("kind", ""), form.get("unit") or None
        if form.get("action") != "xoa":
            if kind not in s.plan.activity_kinds:
                raise Refused(f"Loại hoạt động '{kind}' chưa có trong activity_kinds của commune.yaml.", 400)
            day = parse_day(form.get("day", ""))
            title = form.get("title", "").strip()
            if not title:
                raise Refused("Cần ghi nội dung hoạt động.", 400)
            text = form.get("attendees", "").strip()
            if text and not text.lstrip("-").isdigit():
                raise Refused("Số người tham dự phải là một số.", 400)
            attendees = int(text) if text else None
            if attendees is not None and attendees < 0:
                raise Refused("Số người tham dự không thể là số âm.", 400)
        if not form.get("id"):
            s.ledger.add_activity(kind, day, title, person.full_name, attendees, unit)
            return RedirectResponse("/hoat-dong?da-luu=1", status_code=303)
        with s.ledger.session() as db:
            row = db.scalars(s.ledger.select(Activity).where(Activity.id == int(form["id"]))).one_or_none()
            if row is None:
                raise Refused("Không có hoạt động này.", 404)
            before = {"kind": row.kind, "day": row.day.isoformat(), "title": row.title, "attendees": row.attendees}
            if form.get("action") == "xoa":
                what = None  # voided below: the ledger keeps the row and the reason
            else:
                row.kind, row.day, row.title, row.attendees, row.unit = kind, day, title, attendees, unit
                what = EventKind.ACTIVITY_CHANGED
        if what is None:
            from ..core.ledger.corrections import void_activity

            void_activity(s.ledger, int(form["id"]), form.get("reason") or "xóa trên trang web", person.full_name)
        else:
            s.ledger.record_note(f"hoat-dong-{form['id']}", person.full_name, what, {"before": before})
    return RedirectResponse("/hoat-dong?da-luu=1", status_code=303)


@router.get("/bao-cao", response_class=HTMLResponse)
def reports_page(request: Request, person: Person = Depends(reporter)) -> HTMLResponse:
    state = web(request)
    folder = state.workspace.output_dir / paths.REPORTS
    made = sorted((p.name for p in folder.glob("bao-cao-cchc-*")), reverse=True) if folder.is_dir() else []
    today = dt.date.today()
    suggested = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    return state.page(
        request, "reports.html.j2", made=made, suggested=suggested, units=state.workspace.load_plan().units
    )


@router.post("/bao-cao")
async def make_report(request: Request, person: Person = Depends(reporter)) -> Response:
    from ..reports import FORMATS, build_report, write_report

    state = web(request)
    form = await check_csrf(request)
    chosen = parse_period(form.get("period", ""))
    dated = parse_day(form["dated"]) if form.get("dated", "").strip() else None
    with state.session() as s:
        unit = form.get("unit") or None
        if unit is not None and unit not in s.plan.unit_ids:
            raise Refused(f"Không có đơn vị '{unit}'.", 400)
        office = s.plan.unit(unit) if unit else None
        built = build_report(s.ledger, s.plan, s.items, chosen, made_on=dated, unit=office)
        write_report(built, s.workspace.output_dir / paths.REPORTS, FORMATS)
    return RedirectResponse(f"/bao-cao?ky={chosen.key}" + (f"&don-vi={unit}" if unit else ""), status_code=303)
