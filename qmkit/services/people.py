"""Who works in which institution (Zugänge): people of a shared installation and their roles, checked.

The administration adds people (their log-in name as the identity provider sends it) and may give any role; a
QMB gives and takes roles in their own institution. The last QMB of an institution stays (only the
administration may take that role away), so an institution is never left without someone to manage it.
"""

from __future__ import annotations

from typing import Any

from qmkit.domain.access import LOCAL, Identity, Membership, Right, Role, check_login, parse_role
from qmkit.domain.text import clean_name
from qmkit.errors import AccessDenied, InputError
from qmkit.i18n import N_, _
from qmkit.services.access import Access
from qmkit.store import Store


def identify(store: Store, login: str | None) -> Identity:
    """The person logged in as ``login`` (JupyterHub's user name); without a log-in the laptop's local person."""
    if not login:
        return LOCAL
    found = store.users.identity(login)
    if found is None:
        raise AccessDenied(
            _(
                "Sie sind als „{login}“ angemeldet, aber in qmkit noch nicht eingetragen. Bitte die Administration "
                "bitten, Sie einer Einrichtung zuzuordnen."
            ).format(login=login[:128])
        )
    return found


class People:
    def __init__(self, store: Store, access: Access | None = None):
        self.store = store
        self.access = access or Access(store)

    def everyone(self) -> list[Identity]:
        self.access.require_admin()
        return self.store.users.all()

    def add(self, login: Any, name: Any, admin: bool = False) -> Identity:
        """A person who may log in (nothing visible until they get a role, unless ``admin``)."""
        self.access.require_admin()
        clean_login = check_login(login)
        full_name = clean_name(name, "name", limit=200, label=N_("Name")) or clean_login
        return self.store.users.save(clean_login, full_name, admin)

    def members(self, institution_id: int) -> list[Membership]:
        self.access.require(institution_id, Right.MANAGE)
        return self.store.users.members(institution_id)

    def grant(self, login: Any, institution_id: int, role: Any) -> Membership:
        """Give ``login`` the ``role`` in the institution (replacing the one they had there)."""
        self.access.require(institution_id, Right.MANAGE)
        clean_login, clean_role = check_login(login), parse_role(role)
        if clean_role != Role.QMB:
            self._keep_a_qmb(clean_login, institution_id)
        self.store.institutions.get(institution_id)
        return self.store.users.grant(clean_login, institution_id, clean_role, self.access.who())

    def revoke(self, login: Any, institution_id: int) -> bool:
        """Take ``login``'s role in the institution away; ``False`` when they had none."""
        self.access.require(institution_id, Right.MANAGE)
        clean_login = check_login(login)
        self._keep_a_qmb(clean_login, institution_id)
        return self.store.users.revoke(clean_login, institution_id)

    def _keep_a_qmb(self, login: str, institution_id: int) -> None:
        if self.access.identity.everything:
            return
        qmbs = [m.login for m in self.store.users.members(institution_id) if m.role == Role.QMB]
        if qmbs == [login]:
            raise InputError(
                _(
                    "„{login}“ ist die einzige QMB dieser Einrichtung. Bitte zuerst jemand anderem die Rolle QMB geben."
                ).format(login=login),
                "role",
            )
