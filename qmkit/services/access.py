"""The role check every service call passes: may this person do this in that institution?

A service holds an :class:`Access` (the person and the store). Changing methods carry ``@needs(Right.…)``; opening
a cycle checks :attr:`Right.READ` on its institution, so an id from a URL or the command line that belongs to
another institution is refused in German and shows nothing. The role is read from the store on every check: a
membership taken away while a page is open counts from the next click on.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any, Protocol, TypeVar

from qmkit.domain.access import LOCAL, RIGHT_WORDS, Identity, Right, Role, may
from qmkit.domain.model import Institution
from qmkit.domain.text import clean_user
from qmkit.errors import AccessDenied
from qmkit.i18n import _
from qmkit.store import Store

F = TypeVar("F", bound=Callable[..., Any])


class Access:
    """One person's rights, checked against the store at the moment of each call."""

    def __init__(self, store: Store, identity: Identity = LOCAL):
        self.store = store
        self.identity = identity

    def role(self, institution_id: int) -> Role | None:
        if self.identity.everything:
            return Role.QMB
        return self.store.users.role(self.identity.login, institution_id)

    def may(self, institution_id: int, right: Right) -> bool:
        return may(self.role(institution_id), right)

    def require(self, institution_id: int, right: Right) -> None:
        """Nothing when allowed; :class:`AccessDenied` with a German message when not."""
        role = self.role(institution_id)
        if may(role, right):
            return
        if role is None:
            raise AccessDenied(_("Kein Zugang: {who} ist dieser Einrichtung nicht zugeordnet.").format(who=self.who()))
        raise AccessDenied(
            _("Ihre Rolle in dieser Einrichtung erlaubt nicht, {what}. Bitte die QMB fragen.").format(
                what=_(RIGHT_WORDS[right])
            )
        )

    def require_admin(self) -> None:
        if not self.identity.everything:
            raise AccessDenied(_("Das darf nur die Administration dieser Installation."))

    def visible(self, institutions: Iterable[Institution]) -> list[Institution]:
        """The institutions this person may see (all of them on a laptop and for the administration)."""
        if self.identity.everything:
            return list(institutions)
        mine = {m.institution_id for m in self.store.users.memberships(self.identity.login)}
        return [i for i in institutions if i.id in mine]

    def author(self, typed: Any) -> str:
        """Who is recorded as "bearbeitet von": the logged-in person; on a laptop what they typed."""
        if self.identity.local:
            return clean_user(typed)
        return self.identity.name or self.identity.login

    def who(self) -> str:
        return self.identity.name or self.identity.login or _("diese Person")


class Scoped(Protocol):
    """A service working inside one institution: what ``@needs`` checks against."""

    access: Access

    @property
    def institution_id(self) -> int: ...


def needs(right: Right) -> Callable[[F], F]:
    """The method changes something that needs ``right`` in the service's institution."""

    def wrap(method: F) -> F:
        @functools.wraps(method)
        def run(self: Scoped, *args: Any, **kwargs: Any) -> Any:
            self.access.require(self.institution_id, right)
            return method(self, *args, **kwargs)

        run.__qmkit_right__ = right  # type: ignore[attr-defined]
        return run  # type: ignore[return-value]

    return wrap
