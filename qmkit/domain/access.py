"""Who may do what: people, their roles per institution, and the rights a role grants.

On a laptop there is one local person with every right and no log-in (:data:`LOCAL`). In a shared installation
each person logs in (JupyterHub) and holds a role per institution; a person without a role in an institution
sees nothing of it. The network coordinator role of a Verbund or region is added with the networks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from qmkit.errors import InputError
from qmkit.i18n import N_, _


class Role(StrEnum):
    QMB = "qmb"  # everything in the institution, members included
    MITARBEIT = "mitarbeit"  # works on the self-evaluation, evidence, measures and findings
    LEITUNG = "leitung"  # reads everything, signs off the plan and the management review
    LESEN = "lesen"  # reads


class Right(StrEnum):
    READ = "read"  # see the institution's cycles, pages and exports
    EDIT = "edit"  # ratings, texts, evidence, goals and measures, findings, workshop results
    SIGN_OFF = "sign_off"  # sign off the quality plan, hold the management review
    MANAGE = "manage"  # new cycles and workshops, deadlines, imports, the institution's members


ROLE_LABELS = {
    Role.QMB: N_("QMB (alles)"),
    Role.MITARBEIT: N_("Mitarbeit (bearbeiten)"),
    Role.LEITUNG: N_("Leitung (lesen, freigeben)"),
    Role.LESEN: N_("Lesen"),
}

RIGHT_WORDS = {
    Right.READ: N_("diese Einrichtung sehen"),
    Right.EDIT: N_("hier etwas ändern"),
    Right.SIGN_OFF: N_("hier freigeben"),
    Right.MANAGE: N_("das verwalten"),
}

RIGHTS: dict[Role, frozenset[Right]] = {
    Role.QMB: frozenset(Right),
    Role.MITARBEIT: frozenset({Right.READ, Right.EDIT}),
    Role.LEITUNG: frozenset({Right.READ, Right.SIGN_OFF}),
    Role.LESEN: frozenset({Right.READ}),
}

_LOGIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}")


@dataclass(frozen=True)
class Identity:
    """A person as the installation knows them: the log-in name and the name shown as "bearbeitet von".

    ``admin``: the installation's administrator (every institution, every right). ``local``: the one person of
    a laptop installation without log-in; they type their name into "Bearbeitet von" themselves.
    """

    login: str
    name: str
    admin: bool = False
    local: bool = False

    @property
    def everything(self) -> bool:
        return self.admin or self.local


LOCAL = Identity(login="", name="", local=True)


def may(role: Role | None, right: Right) -> bool:
    return role is not None and right in RIGHTS[role]


def parse_role(value: object) -> Role:
    try:
        return Role(str(value).strip().lower())
    except ValueError:
        names = ", ".join(r.value for r in Role)
        raise InputError(
            _("„{value}“ ist keine Rolle. Möglich: {names}.").format(value=str(value)[:40], names=names), "role"
        ) from None


def check_login(value: object) -> str:
    """A log-in name as the identity provider sends it (letters, digits and . _ @ + -; at most 128)."""
    login = str(value or "").strip()
    if not _LOGIN.fullmatch(login):
        raise InputError(
            _("„{value}“ ist kein gültiger Anmeldename (Buchstaben, Ziffern und . _ @ + -).").format(value=login[:40]),
            "login",
        )
    return login


@dataclass(frozen=True)
class Membership:
    """A person's role in one institution."""

    login: str
    name: str
    institution_id: int
    role: Role
    granted_by: str = ""
    granted_at: str = ""
