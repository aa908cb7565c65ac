"""The web app for the commune's officials (FastAPI, pages rendered on the server with Jinja2, a little local
JavaScript): the same core as the CLI, in Vietnamese, one page per job of each role.

`cchc web` runs it alone on 127.0.0.1; `create_app(workspace)` is what any ASGI server can serve."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.middleware.sessions import SessionMiddleware

from .. import labels
from ..core.errors import CchcError
from ..core.ledger import Ledger
from ..core.session import Session, open_session
from ..core.status import Role
from ..core.users import Person, authenticate
from ..core.workspace import BUILTIN_ROOT, Workspace
from .security import SESSION_CSRF, SESSION_USER, Refused, SignInNeeded, check_csrf, csrf_token, signed_in

HOME_BY_ROLE = {
    Role.EDITOR: "/bai",
    Role.APPROVER: "/duyet",
    Role.OPERATOR: "/lich-phat",
    Role.REPORTER: "/chi-tieu",
    Role.ADMIN: "/nguoi-dung",
}
MENU = [  # (address, words, roles that see it)
    ("/bai", "Tin, bài", (Role.EDITOR,)),
    ("/hop-thu", "Hộp tin chờ nhận", (Role.EDITOR,)),
    ("/duyet", "Duyệt bài", (Role.APPROVER,)),
    ("/lich-phat", "Lịch phát thanh", (Role.OPERATOR,)),
    ("/thong-bao", "Thông báo nhanh", (Role.OPERATOR,)),
    ("/chi-tieu", "Chỉ tiêu", (Role.REPORTER, Role.APPROVER)),
    ("/hoat-dong", "Hoạt động", (Role.REPORTER,)),
    ("/nhiem-vu", "Nhiệm vụ", (Role.REPORTER, Role.APPROVER)),
    ("/bao-cao", "Báo cáo", (Role.REPORTER,)),
    ("/nguoi-dung", "Người dùng", ()),
]


def _secret(workspace: Workspace) -> str:
    """The key that signs session cookies, made once per workspace and kept in its state folder."""
    path = workspace.state_dir / "web-secret"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


class Web:
    """What every page needs: the workspace, the ledger, the templates."""

    def __init__(self, root: Path):
        self.workspace = Workspace.at(root)
        plan = self.workspace.load_plan()
        self.ledger = Ledger(self.workspace.database_url, plan.commune.ledger_key)
        dirs = [str(d) for d in self.workspace.search_path("templates")]
        self.templates = Environment(
            loader=FileSystemLoader(dirs), autoescape=select_autoescape(["html", "j2"]), trim_blocks=True
        )
        self.templates.globals.update(labels=labels, Role=Role)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with open_session(self.workspace.root) as opened:
            yield opened

    def page(self, request: Request, template: str, http_status: int = 200, **context: object) -> HTMLResponse:
        person = None
        with suppress(SignInNeeded):
            person = signed_in(request)
        plan = self.workspace.load_plan()
        menu = [
            (href, words)
            for href, words, roles in MENU
            if person and (person.role is Role.ADMIN or person.role in roles)
        ]
        html = self.templates.get_template(f"web/{template}").render(
            request=request,
            person=person,
            csrf=csrf_token(request),
            commune=plan.commune,
            palette=plan.style.palette,
            logo=bool(plan.style.logo and self.workspace.asset(plan.style.logo)),
            menu=menu,
            **context,
        )
        return HTMLResponse(html, status_code=http_status)


def web(request: Request) -> Web:
    return request.app.state.web


def create_app(root: Path | str) -> FastAPI:
    state = Web(Path(root))
    app = FastAPI(title="cchc", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.web, app.state.ledger = state, state.ledger
    app.add_middleware(
        SessionMiddleware,
        secret_key=_secret(state.workspace),
        session_cookie="cchc_phien",
        max_age=8 * 3600,
        same_site="strict",
    )
    static = next((d / "web" for d in state.workspace.search_path("assets") if (d / "web").is_dir()), None)
    app.mount("/tinh", StaticFiles(directory=str(static or BUILTIN_ROOT / "assets" / "web")), name="static")

    @app.exception_handler(SignInNeeded)
    async def to_sign_in(request: Request, exc: SignInNeeded) -> Response:
        if request.method != "GET":
            return state.page(request, "refused.html.j2", 401, message="Cần đăng nhập trước khi làm việc này.")
        return RedirectResponse(f"/dang-nhap?tiep={request.url.path}", status_code=303)

    @app.exception_handler(Refused)
    async def refused(request: Request, exc: Refused) -> Response:
        return state.page(request, "refused.html.j2", exc.status, message=exc.message)

    @app.exception_handler(CchcError)
    async def known_error(request: Request, exc: CchcError) -> Response:
        return state.page(request, "refused.html.j2", 400, message=str(exc))

    @app.get("/dang-nhap", response_class=HTMLResponse)
    def sign_in_page(request: Request, tiep: str = "/") -> HTMLResponse:
        return state.page(request, "sign_in.html.j2", next=tiep if tiep.startswith("/") else "/", problem=None)

    @app.post("/dang-nhap")
    def sign_in(request: Request, form: dict = Depends(check_csrf)) -> Response:
        person = authenticate(state.ledger, form.get("username", ""), form.get("password", ""))
        target = form.get("next", "/")
        if person is None:
            problem = "Tên đăng nhập hoặc mật khẩu không đúng."
            return state.page(request, "sign_in.html.j2", 401, next=target, problem=problem)
        request.session.clear()  # a new session on sign-in: no fixation
        request.session[SESSION_USER] = person.username
        request.session[SESSION_CSRF] = secrets.token_urlsafe(32)
        return RedirectResponse(target if target.startswith("/") and target != "/" else "/", status_code=303)

    @app.post("/dang-xuat")
    def sign_out(request: Request, form: dict = Depends(check_csrf)) -> Response:
        request.session.clear()
        return RedirectResponse("/dang-nhap", status_code=303)

    @app.get("/")
    def home(request: Request, person: Person = Depends(signed_in)) -> Response:
        return RedirectResponse(HOME_BY_ROLE[person.role], status_code=303)

    @app.get("/logo")
    def logo() -> Response:
        plan = state.workspace.load_plan()
        found = state.workspace.asset(plan.style.logo) if plan.style.logo else None
        if found is None:
            raise Refused("Xã chưa có biểu trưng (style.logo trong commune.yaml).", 404)
        return FileResponse(found)

    @app.get("/tep/{path:path}")
    def output_file(path: str, person: Person = Depends(signed_in)) -> Response:
        """A produced file (post, image, MP3, report, schedule): only regular files of output/, no dotfile,
        nothing outside it even through a link."""
        return FileResponse(safe_file(state.workspace.output_dir, path))

    @app.get("/xem-truoc/{path:path}")
    def preview_file(path: str, person: Person = Depends(signed_in)) -> Response:
        return FileResponse(safe_file(state.workspace.state_dir / "xem-truoc", path))

    from . import admin, approver, editor, operator, outreach, reporting, tasks

    for module in (editor, outreach, approver, operator, reporting, tasks, admin):
        app.include_router(module.router)
    return app


def safe_file(folder: Path, relative: str) -> Path:
    root = folder.resolve()
    parts = Path(relative).parts
    if any(part.startswith(".") for part in parts):
        raise Refused("Không có tệp này.", 404)
    target = (root / relative).resolve()
    if not target.is_relative_to(root) or not target.is_file() or (root / relative).is_symlink():
        raise Refused("Không có tệp này.", 404)
    return target
