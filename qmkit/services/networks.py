"""Networks, checked: who coordinates, who is invited and joins, rounds and agreements (Verbund, region, Kommune).

The installation's administration creates a network and names its coordinators (log-in names); coordinators
invite institutions, add rounds and agreements; an institution's QMB accepts the invitation, says whether its name
may be shown and leaves when it wants. A member sees the other members' names only where they agreed to be named;
the coordinator sees every member (they invited them) but never a member's single answers
(:mod:`qmkit.services.network_compare` gives aggregates only).
"""

from __future__ import annotations

import secrets
from typing import Any

from qmkit.domain.access import Right, check_login
from qmkit.domain.catalog import CatalogSet
from qmkit.domain.model import Institution
from qmkit.domain.network import (
    Agreement,
    Member,
    MemberStatus,
    Network,
    Round,
    check_agreement,
    check_member,
    check_network,
    check_round,
    check_threshold,
)
from qmkit.errors import AccessDenied, InputError
from qmkit.i18n import _
from qmkit.services.access import Access
from qmkit.store import Store


class NetworkService:
    def __init__(self, store: Store, catalogs: CatalogSet, access: Access | None = None):
        self.store, self.catalogs = store, catalogs
        self.access = access or Access(store)

    # ------------------------------------------------------------------ who may what

    def _mine(self) -> set[int]:
        """Institutions this person may see."""
        return {i.id for i in self.access.visible(self.store.institutions.all())}

    def coordinates(self, network_id: int) -> bool:
        """Whether this person coordinates the network (nobody does on a member's copy from an invitation file)."""
        identity = self.access.identity
        if identity.everything:
            return not self.store.networks.get(network_id).copy
        return network_id in self.store.networks.coordinated_by(identity.login)

    def require_coordinator(self, network_id: int) -> Network:
        network = self.store.networks.get(network_id)
        if not self.coordinates(network_id):
            raise AccessDenied(
                _("Das dürfen nur die Koordinierenden des Netzwerks „{name}“.").format(name=network.name)
            )
        return network

    def own_members(self, network_id: int) -> list[Member]:
        """The members (and invitations) of this network that belong to institutions this person may see."""
        mine = self._mine()
        return [m for m in self.store.networks.members(network_id) if m.institution_id in mine]

    def require_member(self, member_id: int, right: Right) -> Member:
        """The member, when this person holds ``right`` in its institution (else a German refusal)."""
        member = self.store.networks.member(member_id)
        if member.institution_id is None:
            raise AccessDenied(
                _("„{name}“ arbeitet mit einer eigenen Installation; dort wird das erledigt.").format(name=member.name)
            )
        self.access.require(member.institution_id, right)
        return member

    def may_see(self, network_id: int) -> bool:
        return self.coordinates(network_id) or bool(self.own_members(network_id))

    def require_view(self, network_id: int) -> Network:
        network = self.store.networks.get(network_id)
        if not self.may_see(network_id):
            raise AccessDenied(_("Kein Zugang: {who} gehört nicht zu diesem Netzwerk.").format(who=self.access.who()))
        return network

    # ------------------------------------------------------------------ networks

    def networks(self) -> list[Network]:
        """The networks this person coordinates or one of their institutions belongs to (or is invited to)."""
        if self.access.identity.everything:
            return [n for n in self.store.networks.all() if not n.copy or self.own_members(n.id)]
        ids = self.store.networks.coordinated_by(self.access.identity.login)
        ids |= {m.network_id for m in self.store.networks.memberships_of(self._mine())}
        return [n for n in self.store.networks.all() if n.id in ids]

    def network(self, network_id: int) -> Network:
        return self.require_view(int(network_id))

    def member(self, member_id: int) -> Member:
        """A member of a network this person may see (a coordinator: any; a member: its own entries)."""
        member = self.store.networks.member(int(member_id))
        if not self.coordinates(member.network_id):
            self.require_member(member.id, Right.READ)
        return member

    def candidates(self, network_id: int) -> list[Institution]:
        """Institutions of this installation the coordinator may invite (those this person sees, not in yet)."""
        self.require_coordinator(network_id)
        taken = {m.institution_id for m in self.store.networks.members(network_id)}
        return [i for i in self.access.visible(self.store.institutions.all()) if i.id not in taken]

    def create(self, values: dict[str, Any], coordinator: str = "") -> Network:
        """A new network (the administration only); ``coordinator`` (log-in name) coordinates it."""
        self.access.require_admin()
        clean = check_network(values, {c.id for c in self.catalogs.sorted()})
        login = check_login(coordinator) if coordinator else ""
        return self.store.networks.create(clean, secrets.token_hex(16), self.access.who(), login)

    def add_coordinator(self, network_id: int, login: Any) -> None:
        self.require_coordinator(network_id)
        self.store.networks.add_coordinator(network_id, check_login(login), self.access.who())

    def coordinators(self, network_id: int) -> list[str]:
        self.require_view(network_id)
        return self.store.networks.coordinators(network_id)

    def set_threshold(self, network_id: int, value: Any) -> Network:
        self.require_coordinator(network_id)
        return self.store.networks.set_threshold(network_id, check_threshold(value))

    # ------------------------------------------------------------------ members

    def members(self, network_id: int) -> list[Member]:
        """Every member for a coordinator; for a member its own entries and those who agreed to be named."""
        self.require_view(network_id)
        everyone = self.store.networks.members(network_id)
        if self.coordinates(network_id):
            return everyone
        mine = self._mine()
        return [m for m in everyone if m.institution_id in mine or (m.named and m.joined)]

    def member_count(self, network_id: int) -> tuple[int, int]:
        """(joined, invited) – numbers, which every member may see."""
        self.require_view(network_id)
        everyone = self.store.networks.members(network_id)
        joined = sum(1 for m in everyone if m.joined)
        return joined, len(everyone) - joined

    def invite(self, network_id: int, values: dict[str, Any], institution_id: int | None = None) -> Member:
        """Invite an institution of this installation (``institution_id``) or, by name, one on its own laptop."""
        self.require_coordinator(network_id)
        clean = check_member(
            {**values, "name": self.store.institutions.get(institution_id).name}
            if institution_id is not None
            else values
        )
        return self.store.networks.invite(network_id, clean, institution_id, secrets.token_hex(16), self.access.who())

    def invitations(self) -> list[tuple[Network, Member]]:
        """Open invitations to institutions this person manages."""
        found = []
        for member in self.store.networks.memberships_of(self._mine()):
            if member.status == MemberStatus.EINGELADEN and self.access.may(member.institution_id or 0, Right.MANAGE):
                found.append((self.store.networks.get(member.network_id), member))
        return found

    def accept(self, member_id: int) -> Member:
        member = self.require_member(member_id, Right.MANAGE)
        if member.joined:
            raise InputError(_("„{name}“ ist schon Mitglied.").format(name=member.name), "member")
        return self.store.networks.set_member(member.id, status=MemberStatus.MITGLIED.value)

    def set_named(self, member_id: int, named: bool) -> Member:
        """Whether the member's name may appear next to its values (the institution's QMB decides)."""
        member = self.require_member(member_id, Right.MANAGE)
        return self.store.networks.set_member(member.id, named=bool(named))

    def leave(self, member_id: int) -> None:
        """The member leaves (or declines); a coordinator may also withdraw an invitation or remove a member.
        The member's contributions are removed with it."""
        member = self.store.networks.member(member_id)
        if not self.coordinates(member.network_id):
            self.require_member(member_id, Right.MANAGE)
        self.store.networks.remove_member(member.id)

    # ------------------------------------------------------------------ rounds and agreements

    def rounds(self, network_id: int) -> list[Round]:
        self.require_view(network_id)
        return self.store.networks.rounds(network_id)

    def add_round(self, network_id: int, values: dict[str, Any]) -> Round:
        self.require_coordinator(network_id)
        return self.store.networks.add_round(network_id, check_round(values))

    def agreements(self, network_id: int) -> list[Agreement]:
        """The network's agreements (those of a member's quality dialogue stay with the member)."""
        self.require_view(network_id)
        dialogues = self.store.dialogues.hosts(network_id)
        return [a for a in self.store.networks.agreements(network_id) if a.meeting_id not in dialogues]

    def add_agreement(self, network_id: int, values: dict[str, Any]) -> Agreement:
        self.require_coordinator(network_id)
        return self.store.networks.add_agreement(network_id, check_agreement(values), self.access.who())
