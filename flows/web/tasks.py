"""The plan's task list (Phụ lục) for the reporting officer and the approver: each task with who leads, who
assists, its time frame and status; the reporting officer records a new status (the history stays)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..core.periods import parse_day
from ..core.status import Role, TaskStatus
from ..core.tasks import set_status, task_states
from ..core.users import Person
from . import web
from .security import Refused, check_csrf, require

router = APIRouter()
reporter = require(Role.REPORTER)
viewer = require(Role.REPORTER, Role.APPROVER)


@router.get("/nhiem-vu", response_class=HTMLResponse)
def tasks_page(request: Request, person: Person = Depends(viewer)) -> HTMLResponse:
    state = web(request)
    with state.session() as s:
        today = dt.datetime.now(s.plan.commune.tz).date()
        names = {u.id: u.name for u in s.plan.units}
        return state.page(
            request,
            "tasks.html.j2",
            states=task_states(s.ledger, s.plan),
            names=names,
            today=today,
            TaskStatus=TaskStatus,
            can_edit=person.role in (Role.REPORTER, Role.ADMIN),
        )


@router.post("/nhiem-vu")
async def save_task(request: Request, person: Person = Depends(reporter)) -> Response:
    state = web(request)
    form = await check_csrf(request)
    try:
        status = TaskStatus(form.get("status", ""))
    except ValueError:
        raise Refused("Chọn tình trạng: chưa thực hiện, đang thực hiện hoặc đã hoàn thành.", 400) from None
    with state.session() as s:
        tz = s.plan.commune.tz
        at = dt.datetime.combine(parse_day(form["day"]), dt.time(12), tz) if form.get("day") else None
        if at is not None and at > dt.datetime.now(tz):
            raise Refused("Ngày cập nhật tình trạng chưa đến.", 400)
        task = set_status(s.ledger, s.plan, form.get("task", ""), status, person.full_name, form.get("note", ""), at)
    return RedirectResponse(f"/nhiem-vu?da-luu={task.id}", status_code=303)
