"""The admin's page: the people who may sign in, their roles, new accounts and new passwords."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..core.status import EventKind, Role
from ..core.users import Person, UserProblem, add_user, everyone, set_password
from . import web
from .security import Refused, check_csrf, require

router = APIRouter()
admin = require()  # the admin only


@router.get("/nguoi-dung", response_class=HTMLResponse)
def users_page(request: Request, person: Person = Depends(admin)) -> HTMLResponse:
    state = web(request)
    return state.page(request, "users.html.j2", people=everyone(state.ledger))


@router.post("/nguoi-dung")
async def add(request: Request, person: Person = Depends(admin)) -> Response:
    state = web(request)
    form = await check_csrf(request)
    try:
        if form.get("action") == "mat-khau":
            set_password(state.ledger, form.get("username", ""), form.get("password", ""))
        else:
            role = Role(form.get("role", ""))
            made = add_user(
                state.ledger, form.get("username", ""), form.get("full_name", ""), role, form.get("password", "")
            )
            state.ledger.record_note("", person.full_name, EventKind.USER_ADDED, {"user": made.username, "role": role})
    except (UserProblem, ValueError) as exc:
        raise Refused(str(exc), 400) from None
    return RedirectResponse("/nguoi-dung?da-luu=1", status_code=303)


@router.post("/nguoi-dung/sao-luu")
async def backup(request: Request, person: Person = Depends(admin)) -> Response:
    """The ledger to download: an online SQLite copy, or (any database) the commune's records as JSON lines."""
    import datetime as dt

    from fastapi.responses import FileResponse

    from ..core.ledger.portable import backup_sqlite, export_lines

    state = web(request)
    form = await check_csrf(request)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    folder = state.workspace.state_dir / "sao-luu"
    folder.mkdir(parents=True, exist_ok=True)
    url = state.workspace.database_url
    if form.get("kind") == "sqlite" and url.startswith("sqlite:///"):
        target = folder / f"ledger-{stamp}.sqlite"
        backup_sqlite(url, str(target))
    else:
        target = folder / f"so-theo-doi-{stamp}.jsonl"
        target.write_text("\n".join(export_lines(state.ledger)) + "\n", encoding="utf-8")
    state.ledger.record_note("", person.full_name, EventKind.EDITED, {"backup": target.name})
    return FileResponse(target, filename=target.name)
