"""The web app's users: kept in the ledger, passwords hashed with Argon2 (pwdlib), never stored or shown."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import CchcError
from .ledger import Ledger
from .ledger.schema import User, now_utc
from .status import Role

MIN_PASSWORD = 8


class UserProblem(CchcError):
    """A user cannot be added or changed as asked (the message says why, in Vietnamese)."""


@dataclass(frozen=True)
class Person:
    username: str
    full_name: str
    role: Role


def _hasher():  # noqa: ANN202
    from pwdlib import PasswordHash

    return PasswordHash.recommended()  # Argon2id


def add_user(ledger: Ledger, username: str, full_name: str, role: Role, password: str) -> Person:
    username = username.strip().lower()
    if not username or not username.replace(".", "").replace("-", "").replace("_", "").isalnum():
        raise UserProblem("Tên đăng nhập chỉ gồm chữ không dấu, số, dấu chấm, gạch ngang hoặc gạch dưới.")
    if not full_name.strip():
        raise UserProblem("Cần họ và tên đầy đủ: sổ theo dõi ghi tên người thực hiện từng việc.")
    if len(password) < MIN_PASSWORD:
        raise UserProblem(f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự.")
    with ledger.session() as session:
        values = {
            "username": username,
            "full_name": full_name.strip(),
            "role": Role(role).value,
            "password_hash": _hasher().hash(password),
            "active": True,
            "created_at": now_utc(),
        }
        if not ledger._insert_new(session, User, values):
            raise UserProblem(f"Đã có người dùng '{username}'.")
    return Person(username, full_name.strip(), Role(role))


def set_password(ledger: Ledger, username: str, password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UserProblem(f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự.")
    with ledger.session() as session:
        row = session.scalars(ledger.select(User).where(User.username == username)).one_or_none()
        if row is None:
            raise UserProblem(f"Không có người dùng '{username}'.")
        row.password_hash = _hasher().hash(password)


def authenticate(ledger: Ledger, username: str, password: str) -> Person | None:
    """The person if the password is theirs and they are active; None otherwise (same time either way)."""
    hasher = _hasher()
    with ledger.session() as session:
        row = session.scalars(ledger.select(User).where(User.username == username.strip().lower())).one_or_none()
        if row is None or not row.active:
            hasher.verify(password, _DUMMY or _dummy())  # as slow as a real check: no hint that the name exists
            return None
        if not hasher.verify(password, row.password_hash):
            return None
        return Person(row.username, row.full_name, Role(row.role))


def find(ledger: Ledger, username: str) -> Person | None:
    with ledger.session() as session:
        row = session.scalars(ledger.select(User).where(User.username == username)).one_or_none()
        return Person(row.username, row.full_name, Role(row.role)) if row and row.active else None


def everyone(ledger: Ledger) -> list[Person]:
    with ledger.session() as session:
        rows = session.scalars(ledger.select(User).order_by(User.username))
        return [Person(r.username, r.full_name, Role(r.role)) for r in rows if r.active]


_DUMMY: str | None = None


def _dummy() -> str:
    global _DUMMY
    _DUMMY = _hasher().hash("không phải mật khẩu của ai")
    return _DUMMY
