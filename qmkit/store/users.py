"""People of a shared installation and their role per institution, as stored (reads and writes only)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, delete, select

from qmkit.domain.access import Identity, Membership, Role
from qmkit.domain.model import now_iso
from qmkit.errors import NotFoundError
from qmkit.i18n import _
from qmkit.store import tables as t
from qmkit.store.engine import Database, upsert
from qmkit.store.failures import retrying


def _membership(row: Any) -> Membership:
    return Membership(row.login, row.name, row.institution_id, Role(row.role), row.granted_by, row.granted_at)


def _members_query() -> Any:
    u, m = t.users, t.memberships
    return select(u.c.login, u.c.name, m.c.institution_id, m.c.role, m.c.granted_by, m.c.granted_at).join(
        m, m.c.user_id == u.c.id
    )


class Users:
    def __init__(self, db: Database):
        self.db = db

    def identity(self, login: str) -> Identity | None:
        """The person with this log-in name, if the installation knows them."""
        with self.db.read() as conn:
            row = conn.execute(select(t.users).where(t.users.c.login == login)).first()
        return Identity(row.login, row.name, admin=bool(row.admin)) if row is not None else None

    def all(self) -> list[Identity]:
        with self.db.read() as conn:
            rows = conn.execute(select(t.users).order_by(t.users.c.login)).all()
        return [Identity(r.login, r.name, admin=bool(r.admin)) for r in rows]

    @retrying
    def save(self, login: str, name: str, admin: bool | None = None) -> Identity:
        """Add the person or change their name (and, when given, whether they administer the installation)."""
        changes: dict[str, Any] = {"name": name, **({"admin": admin} if admin is not None else {})}
        first = {"created_at": now_iso(), **({"admin": False} if admin is None else {})}
        with self.db.write() as conn:
            upsert(conn, t.users, {"login": login}, changes, on_insert=first)
        found = self.identity(login)
        assert found is not None
        return found

    def role(self, login: str, institution_id: int) -> Role | None:
        """The person's role in the institution (``None``: none, they see nothing of it). Read on every call."""
        u, m = t.users, t.memberships
        query = (
            select(m.c.role)
            .join(u, u.c.id == m.c.user_id)
            .where(and_(u.c.login == login, m.c.institution_id == institution_id))
        )
        with self.db.read() as conn:
            value = conn.execute(query).scalar()
        return Role(value) if value is not None else None

    def memberships(self, login: str) -> list[Membership]:
        with self.db.read() as conn:
            rows = conn.execute(_members_query().where(t.users.c.login == login)).all()
        return [_membership(r) for r in rows]

    def members(self, institution_id: int) -> list[Membership]:
        query = _members_query().where(t.memberships.c.institution_id == institution_id).order_by(t.users.c.login)
        with self.db.read() as conn:
            rows = conn.execute(query).all()
        return [_membership(r) for r in rows]

    @retrying
    def grant(self, login: str, institution_id: int, role: Role, granted_by: str) -> Membership:
        """Give the person (known already) the role in the institution, replacing an earlier one."""
        with self.db.write() as conn:
            user_id = conn.execute(select(t.users.c.id).where(t.users.c.login == login)).scalar()
            if user_id is None:
                raise NotFoundError(_("Eine Person mit dem Anmeldenamen „{login}“ gibt es nicht.").format(login=login))
            upsert(
                conn,
                t.memberships,
                {"user_id": user_id, "institution_id": institution_id},
                {"role": role.value, "granted_by": granted_by, "granted_at": now_iso()},
            )
        return next(m for m in self.memberships(login) if m.institution_id == institution_id)

    @retrying
    def revoke(self, login: str, institution_id: int) -> bool:
        """Take the person's role in the institution away; ``False`` when they had none."""
        users = select(t.users.c.id).where(t.users.c.login == login).scalar_subquery()
        m = t.memberships
        with self.db.write() as conn:
            result = conn.execute(delete(m).where(and_(m.c.user_id == users, m.c.institution_id == institution_id)))
        return bool(result.rowcount)
