"""The portal editor's pages: items (write, edit, with the CLI's own validation next to each field), the feed
inbox, "produce now" with its progress, and each post's publication (preview, fragment, zip, live address)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
import threading
from pathlib import Path

import yaml
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..channels import paths
from ..channels.portal import body_html
from ..core.atomic import write_atomic
from ..core.errors import ConfigError
from ..core.items import read_item
from ..core.status import Role
from ..core.users import Person
from . import web
from .security import check_csrf, require

router = APIRouter()
editor = require(Role.EDITOR)
FIELDS = ("title", "summary", "date", "topic", "unit", "priority", "valid_until", "event_date", "hotline", "body")


@router.get("/bai", response_class=HTMLResponse)
def items_page(request: Request, person: Person = Depends(editor)) -> HTMLResponse:
    state = web(request)
    with state.session() as s:
        approvals = s.approvals()
        edited = {i.id for i in s.ledger.changed_since_publication(s.read.items)}
        current = s.ledger.current_deliveries()
        rows = [
            {
                "item": item,
                "status": approvals[item.id].status,
                "edited": item.id in edited,
                "post": current.get((item.id, "portal")),
            }
            for item in reversed(s.read.items)
        ]
        return state.page(request, "items.html.j2", rows=rows, problems=s.read.problems, job=state_of_job())


LIST_FIELDS = ("channels", "topics", "areas", "assisting")


def _form_values(form: dict[str, str], lists: dict[str, list[str]]) -> tuple[dict[str, object], str]:
    meta: dict[str, object] = {
        "title": form.get("title", "").strip(),
        "summary": form.get("summary", "").strip(),
        "date": form.get("date", "").strip(),
        "topic": form.get("topic", ""),
        "unit": form.get("unit", ""),
        "channels": lists["channels"],
        "priority": form.get("priority") or "thuong",
    }
    others = [t for t in lists["topics"] if t != meta["topic"]]
    if others:
        meta["topics"] = others  # besides the main topic
    for key in ("areas", "assisting"):
        if lists[key]:
            meta[key] = [v for v in lists[key] if v != meta["unit"]] if key == "assisting" else lists[key]
    for optional in ("valid_until", "event_date", "hotline"):
        if form.get(optional, "").strip():
            meta[optional] = form[optional].strip()
    facts = []
    for line in form.get("facts", "").splitlines():
        if "|" in line:
            value, label = (part.strip() for part in line.split("|", 1))
            facts.append({"value": value, "label": label})
    if facts:
        meta["facts"] = facts
    return meta, form.get("body", "").replace("\r\n", "\n").strip() + "\n"


def _errors_by_field(problem: ConfigError) -> dict[str, str]:
    found: dict[str, str] = {}
    for p in problem.problems:
        key = (p.key or "").split(".")[0] or ("body" if "nội dung" in p.message else "title")
        found.setdefault(key if key in FIELDS or key in (*LIST_FIELDS, "facts") else "title", p.message)
    return found


@router.get("/bai/moi", response_class=HTMLResponse)
def new_item(request: Request, person: Person = Depends(editor)) -> HTMLResponse:
    state = web(request)
    plan = state.workspace.load_plan()
    today = dt.date.today().isoformat()
    values = {"date": today, "channels": ["portal", "infographic", "loudspeaker"], "priority": "thuong"}
    return state.page(request, "item_form.html.j2", plan=plan, values=values, item_id=None, errors={})


@router.get("/bai/{item_id}", response_class=HTMLResponse)
def edit_item(item_id: str, request: Request, person: Person = Depends(editor)) -> HTMLResponse:
    state = web(request)
    with state.session() as s:
        item = s.item(item_id)
        values = item.meta.model_dump(mode="json")
        values["topics"] = item.meta.topics[1:]  # the main one is `topic`
        values["body"] = item.body
        values["facts"] = "\n".join(f"{f.value} | {f.label}" for f in item.meta.facts)
        return state.page(request, "item_form.html.j2", plan=s.plan, values=values, item_id=item_id, errors={})


@router.post("/bai/luu", response_class=HTMLResponse)
async def save_item(request: Request, person: Person = Depends(editor)) -> Response:
    state = web(request)
    form = await check_csrf(request)
    raw = await request.form()
    lists = {key: [v for v in raw.getlist(key) if isinstance(v, str)] for key in LIST_FIELDS}
    meta, body = _form_values(form, lists)
    plan = state.workspace.load_plan()
    item_id = form.get("item_id") or ""
    with state.session() as s:
        if item_id:
            old = s.item(item_id)
            target = old.path
            for kept in ("id", "source"):  # what the form does not show is kept as the file had it
                value = getattr(old.meta, kept)
                if value is not None:
                    meta[kept] = value.model_dump(exclude_none=True) if kept == "source" else value
        else:
            from slugify import slugify

            item_id = slugify(str(meta["title"]), max_length=60, word_boundary=True) or "bai-moi"
            month = str(meta["date"])[:7] if re.match(r"\d{4}-\d{2}", str(meta["date"])) else "khac"
            target = s.workspace.items_dir / month / f"{item_id}.md"
            number = 2
            while target.exists() or item_id in s.items:
                item_id = f"{target.stem.rsplit('-', 1)[0] if number > 2 else target.stem}-{number}"
                target, number = target.with_name(f"{item_id}.md"), number + 1
        text = "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000) + "---\n" + body
        # checked as the file it will be (its name is its id), before anything is written where items live
        s.workspace.state_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=s.workspace.state_dir) as folder:
            trial = Path(folder) / target.name
            trial.write_text(text, encoding="utf-8")
            try:
                read_item(trial, plan)  # the very checks `cchc produce` makes, with the same messages
            except ConfigError as problem:
                values = {**meta, "body": body, "facts": form.get("facts", "")}
                errors = _errors_by_field(problem)
                editing = form.get("item_id") or None
                return state.page(
                    request, "item_form.html.j2", 422, plan=plan, values=values, item_id=editing, errors=errors
                )
        write_atomic(target, text.encode("utf-8"))
        s.ledger.record_note(item_id, person.full_name, "edited", {"path": str(target.relative_to(s.workspace.root))})
    return RedirectResponse(f"/bai?luu={item_id}", status_code=303)


@router.post("/xem-truoc-noi-dung", response_class=HTMLResponse)
async def preview_body(request: Request, person: Person = Depends(editor)) -> HTMLResponse:
    form = await check_csrf(request)
    return HTMLResponse(body_html(form.get("body", "")))


# --- the inbox of drafts from feeds -----------------------------------------------------------------------------
def _inbox(state) -> Path:  # noqa: ANN001
    return state.workspace.items_dir / "inbox"


@router.get("/hop-thu", response_class=HTMLResponse)
def inbox(request: Request, person: Person = Depends(editor)) -> HTMLResponse:
    state = web(request)
    with state.session() as s:
        drafts = [i for i in s.read.items if _inbox(state) in i.path.parents]
        return state.page(request, "inbox.html.j2", drafts=drafts)


@router.post("/hop-thu/{item_id}")
async def inbox_decide(item_id: str, request: Request, person: Person = Depends(editor)) -> Response:
    """Accept (the draft joins the items, to be approved) or discard (kept in .cchc/bo-di/, never deleted)."""
    state = web(request)
    form = await check_csrf(request)
    with state.session() as s:
        item = s.item(item_id)
        if _inbox(state) not in item.path.parents:
            return RedirectResponse("/hop-thu", status_code=303)
        if form.get("action") == "nhan":
            target = s.workspace.items_dir / f"{item.meta.date:%Y-%m}" / item.path.name
        else:
            target = s.workspace.state_dir / "bo-di" / item.path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(item.path, target)
        kind = "inbox_accepted" if form.get("action") == "nhan" else "inbox_discarded"
        s.ledger.record_note(item_id, person.full_name, kind)
    return RedirectResponse("/hop-thu", status_code=303)


# --- produce now ------------------------------------------------------------------------------------------------
_job: dict[str, object] = {"running": False, "total": 0, "done": 0, "failed": 0, "busy": False, "finished": None}
_job_lock = threading.Lock()


def state_of_job() -> dict[str, object]:
    with _job_lock:
        return dict(_job)


def _produce_in_background(root: Path) -> None:
    from ..core.session import open_session
    from ..orchestrator import produce_now

    def start(total: int) -> None:
        with _job_lock:
            _job["total"] = total

    def done(result) -> None:  # noqa: ANN001
        with _job_lock:
            _job["done"] = int(_job["done"]) + 1
            _job["failed"] = int(_job["failed"]) + (1 if result.failed else 0)

    try:
        with open_session(root) as session:
            summary = produce_now(session, None, done, start)
        with _job_lock:
            _job["busy"] = summary.busy
    finally:
        with _job_lock:
            _job["running"], _job["finished"] = False, dt.datetime.now().strftime("%H:%M:%S")


@router.post("/san-xuat")
async def produce_now_page(request: Request, person: Person = Depends(editor)) -> Response:
    await check_csrf(request)
    with _job_lock:
        if not _job["running"]:
            _job.update(running=True, total=0, done=0, failed=0, busy=False, finished=None)
            root = web(request).workspace.root
            threading.Thread(target=_produce_in_background, args=(root,), daemon=True).start()
    return RedirectResponse("/san-xuat", status_code=303)


@router.get("/san-xuat", response_class=HTMLResponse)
def produce_progress(request: Request, person: Person = Depends(editor)) -> HTMLResponse:
    return web(request).page(request, "produce.html.j2", job=state_of_job())


# --- publication ------------------------------------------------------------------------------------------------
@router.get("/bai/{item_id}/dang", response_class=HTMLResponse)
def publish_page(item_id: str, request: Request, person: Person = Depends(editor)) -> HTMLResponse:
    state = web(request)
    with state.session() as s:
        item = s.item(item_id)
        slug = s.ledger.slugs().get(item_id)
        post = s.ledger.current_deliveries().get((item_id, "portal"))
        fragment = None
        if slug and post:
            fragment_path = s.workspace.output_dir / paths.in_site(paths.post_fragment(slug))
            fragment = fragment_path.read_text(encoding="utf-8") if fragment_path.is_file() else None
        return state.page(
            request,
            "publish.html.j2",
            item=item,
            slug=slug,
            post=post,
            fragment=fragment,
            bundle=paths.in_site(paths.post_bundle(slug)) if slug else None,
            suggested=paths.post_url(s.plan, slug) if slug else "",
        )


@router.post("/bai/{item_id}/dang")
async def publish(item_id: str, request: Request, person: Person = Depends(editor)) -> Response:
    from ..pipeline import build_portal_site

    state = web(request)
    form = await check_csrf(request)
    url = form.get("url", "").strip()
    with state.session() as s:
        s.item(item_id)
        s.ledger.mark_published(item_id, url, person.full_name)
        build_portal_site(s)
    return RedirectResponse(f"/bai/{item_id}/dang?da-dang=1", status_code=303)


@router.post("/bai/{item_id}/huy-dang")
async def void_publication_page(item_id: str, request: Request, person: Person = Depends(editor)) -> Response:
    """A publication recorded by mistake: voided with its reason (the ledger keeps both)."""
    from ..core.ledger.corrections import void_publication
    from ..pipeline import build_portal_site

    state = web(request)
    form = await check_csrf(request)
    with state.session() as s:
        void_publication(s.ledger, s.item(item_id).id, form.get("reason", ""), person.full_name)
        build_portal_site(s)
    return RedirectResponse(f"/bai/{item_id}/dang?da-huy=1", status_code=303)
