"""Sign-in, roles and CSRF for the web app. Sessions are signed cookies (HttpOnly, SameSite=Strict); every
form carries the session's CSRF token; every page names the roles that may use it (the admin may use all)."""

from __future__ import annotations

import secrets

from fastapi import Request

from ..core.status import Role
from ..core.users import Person, find

SESSION_USER, SESSION_CSRF = "nguoi_dung", "csrf"


class SignInNeeded(Exception):
    """No one is signed in: pages send them to the sign-in page."""


class Refused(Exception):
    """A request the app will not carry out: shown as a page saying why, with this HTTP status."""

    def __init__(self, message: str, status: int = 403):
        super().__init__(message)
        self.message, self.status = message, status


def csrf_token(request: Request) -> str:
    token = request.session.get(SESSION_CSRF)
    if not token:
        token = request.session[SESSION_CSRF] = secrets.token_urlsafe(32)
    return token


async def check_csrf(request: Request) -> dict[str, str]:
    """The form, if it carries this session's token; refused otherwise (a forged or stale form)."""
    form = await request.form()
    expected = request.session.get(SESSION_CSRF)
    sent = form.get("csrf") or request.headers.get("x-csrf-token") or ""
    if not expected or not secrets.compare_digest(str(sent), str(expected)):
        raise Refused("Biểu mẫu không hợp lệ hoặc phiên làm việc đã hết hạn. Hãy tải lại trang rồi thử lại.")
    return {key: value for key, value in form.items() if isinstance(value, str)}


def signed_in(request: Request) -> Person:
    username = request.session.get(SESSION_USER)
    person = find(request.app.state.ledger, username) if username else None
    if person is None:
        raise SignInNeeded()
    return person


def require(*roles: Role):  # noqa: ANN201
    """A FastAPI dependency: the signed-in person, if their role may do this."""

    def dependency(request: Request) -> Person:
        person = signed_in(request)
        if person.role is not Role.ADMIN and person.role not in roles:
            raise Refused("Tài khoản của bạn không có quyền làm việc này.")
        return person

    return dependency
