"""The approver's pages: the queue of items waiting, each shown as it will go out (the post, the infographic,
the audio: a preview render that the ledger never counts), the changes since the version last approved, and
approve or send back. The approval records the signed-in person and the exact version they saw."""

from __future__ import annotations

import difflib

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from .. import channels
from ..channels import Job, RenderContext
from ..core.atomic import write_atomic
from ..core.items import Item
from ..core.session import Session
from ..core.status import ApprovalStatus, EventKind, Role
from ..core.users import Person
from . import web
from .security import Refused, check_csrf, require

router = APIRouter()
approver = require(Role.APPROVER)
WAITING = (ApprovalStatus.DRAFT, ApprovalStatus.NEEDS_REAPPROVAL)


def _waiting(s: Session) -> list[tuple[Item, ApprovalStatus]]:
    approvals = s.approvals()
    inbox = s.workspace.items_dir / "inbox"
    return [
        (item, approvals[item.id].status)
        for item in s.read.items
        if approvals[item.id].status in WAITING and inbox not in item.path.parents
    ]


@router.get("/duyet", response_class=HTMLResponse)
def queue(request: Request, person: Person = Depends(approver)) -> HTMLResponse:
    state = web(request)
    with state.session() as s:
        return state.page(request, "queue.html.j2", waiting=_waiting(s))


def preview(s: Session, item: Item) -> dict[str, str]:
    """The item rendered for every channel it asks for into .cchc/xem-truoc/<id>/<version>/ (not output/, not
    the ledger): paths under /xem-truoc/ by channel."""
    folder = s.workspace.state_dir / "xem-truoc" / item.id / item.content_hash[:16]
    ctx = RenderContext(s.plan, s.workspace)
    shown = {}
    for channel in item.meta.channels:
        job = Job.of(item, channel, s.plan, slug=item.id)
        main = folder / job.main_path
        if not main.is_file():
            artifact = channels.render(job, ctx)
            for path in (*artifact.companions, artifact.main):
                write_atomic(folder / path, artifact.files[path])
        shown[channel] = f"/xem-truoc/{item.id}/{item.content_hash[:16]}/{job.main_path}"
    return shown


def changes_since_approval(s: Session, item: Item) -> list[tuple[str, str]] | None:
    """The lines added and removed since the last approved version, or None if it was never approved."""
    approved = [e for e in s.ledger.events(item.id) if e.kind == EventKind.APPROVED and e.details.get("text")]
    if not approved:
        return None
    before = approved[-1].details["text"].splitlines()
    after = item.path.read_text(encoding="utf-8").splitlines()
    lines = []
    for line in difflib.unified_diff(before, after, "đã duyệt", "hiện tại", lineterm="", n=2):
        if line.startswith(("---", "+++")):
            continue
        kind = "add" if line.startswith("+") else "del" if line.startswith("-") else "same"
        lines.append((kind, line))
    return lines


@router.get("/duyet/{item_id}", response_class=HTMLResponse)
def review(item_id: str, request: Request, person: Person = Depends(approver)) -> HTMLResponse:
    state = web(request)
    with state.session() as s:
        item = s.item(item_id)
        status = s.approvals()[item_id].status
        return state.page(
            request,
            "review.html.j2",
            item=item,
            status=status,
            shown=preview(s, item),
            changes=changes_since_approval(s, item) if status is ApprovalStatus.NEEDS_REAPPROVAL else None,
        )


@router.post("/duyet/{item_id}")
async def decide(item_id: str, request: Request, person: Person = Depends(approver)) -> Response:
    state = web(request)
    form = await check_csrf(request)
    with state.session() as s:
        item = s.item(item_id)
        if form.get("version") != item.content_hash:
            raise Refused("Bài vừa được sửa sau khi anh/chị mở trang này: hãy xem lại bản mới rồi duyệt.", 409)
        if form.get("action") == "tra-lai":
            reason = form.get("reason", "").strip()
            if not reason:
                raise Refused("Trả lại bài cần ghi lý do để người viết biết cần sửa gì.", 400)
            s.ledger.reject(item, person.full_name, reason)
            done = "tra-lai"
        else:
            s.ledger.approve(item, person.full_name)
            done = "da-duyet"
    from ..service import after_approval

    if done == "da-duyet":
        after_approval(state.workspace)
    return RedirectResponse(f"/duyet?{done}={item_id}", status_code=303)
