"""A network without a shared server: invitation, contribution and result as files, checked.

The coordinator gives a member on its own laptop an invitation file; the member's QMB reads it in (a copy of the
network on the laptop, the member linked to its own institution), contributes a cycle there as on a shared server
and saves the contribution as a file; the coordinator reads the contributions in (``import_contributions``) and
saves the result file with the anonymous figures of every round, which the members read in to see the comparison
with their own column. A contribution of another catalog, a changed file, a second contribution of the same
member and round: refused in German, nothing mixed; each file is read in whole or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from qmkit.domain.access import Right
from qmkit.domain.model import Institution
from qmkit.domain.network import (
    Contribution,
    Member,
    MemberStatus,
    Network,
    Round,
    check_member,
    check_network,
    check_round,
)
from qmkit.domain.network_files import (
    ContributionFile,
    Invitation,
    ResultFile,
    RoundInfo,
    RoundResult,
    check_ratings,
    contribution_bytes,
    file_name,
    invitation_bytes,
    read_contribution,
    read_invitation,
    read_result,
    report_figures,
    result_bytes,
)
from qmkit.errors import AccessDenied, InputError, NotFoundError, QmkitError
from qmkit.i18n import _
from qmkit.services.network_compare import NetworkComparison


@dataclass(frozen=True)
class Outcome:
    """What became of one file read in: ``done`` False means nothing of it was stored."""

    file: str
    done: bool
    message: str


class NetworkFiles:
    def __init__(self, comparison: NetworkComparison):
        self.comparison = comparison
        self.networks = comparison.networks
        self.store, self.catalogs, self.access = comparison.store, comparison.catalogs, comparison.access

    # ------------------------------------------------------------------ coordinator

    def invitation(self, member_id: int) -> tuple[str, bytes]:
        """The invitation file for a member working on its own laptop (file name, bytes)."""
        member = self.store.networks.member(int(member_id))
        network = self.networks.require_coordinator(member.network_id)
        if network.copy:
            raise InputError(_("Einladen kann nur die Koordination des Netzwerks."), "member")
        if member.institution_id is not None:
            raise InputError(
                _("„{name}“ arbeitet auf diesem Server mit und braucht keine Einladungsdatei.").format(
                    name=member.name
                ),
                "member",
            )
        catalog = self.catalogs.get(network.catalog_id)
        rounds = tuple(RoundInfo(r.name, r.starts, r.ends) for r in self.store.networks.rounds(network.id))
        invitation = Invitation(
            network.uid,
            network.name,
            network.kind.value,
            catalog.id,
            catalog.version,
            network.threshold,
            member.key,
            member.name,
            member.kind.value,
            rounds,
        )
        return file_name("Einladung", network.name, member.name), invitation_bytes(invitation)

    def import_contributions(self, files: list[tuple[str, bytes]], replace: bool = False) -> list[Outcome]:
        """Each file read in whole or refused with a German reason; ``replace``: a newer file replaces an older."""
        outcomes = []
        for name, data in files:
            try:
                outcomes.append(Outcome(name, True, self._import_contribution(name, data, replace)))
            except QmkitError as refused:
                outcomes.append(Outcome(name, False, str(refused)))
        return outcomes

    def _import_contribution(self, name: str, data: bytes, replace: bool) -> str:
        got = read_contribution(data, name)
        network = self.store.networks.by_uid(got.network_uid)
        if network is None:
            raise InputError(_("„{file}“ gehört zu keinem Netzwerk dieser Installation.").format(file=name), "file")
        self.networks.require_coordinator(network.id)
        member = self.store.networks.member_by_key(got.member_key)
        if member is None or member.network_id != network.id:
            raise InputError(
                _("„{file}“: Das Mitglied „{member}“ ist in „{network}“ nicht (mehr) eingeladen.").format(
                    file=name, member=got.member_name, network=network.name
                ),
                "file",
            )
        if not self.comparison.accepts(got.catalog_id, network):
            raise InputError(
                _(
                    "„{file}“ enthält Bewertungen zum Katalog „{have}“, das Netzwerk vergleicht „{want}“, und es gibt "
                    "keinen Crosswalk zwischen beiden. Nichts wurde eingelesen."
                ).format(file=name, have=got.catalog_id, want=network.catalog_id),
                "file",
            )
        check_ratings(self.catalogs.get(got.catalog_id), got.ratings, name)
        the_round = self._round_named(network, got.round_name, name)
        earlier = self.store.networks.contributions_of(member.id).get(the_round.id)
        if earlier is not None and earlier.content_hash == got.content_hash:
            return _("schon eingelesen, nichts geändert ({member}, {round}).").format(
                member=member.name, round=the_round.name
            )
        self._store(member, the_round.id, got, name, replace)
        return _("eingelesen: {member}, {round}, {n} Bewertungen ({progress} %).").format(
            member=member.name, round=the_round.name, n=len(got.ratings), progress=f"{got.progress:.0f}"
        )

    def _round_named(self, network: Network, round_name: str, file: str) -> Round:
        found = [r for r in self.store.networks.rounds(network.id) if r.name == round_name]
        if not found:
            raise InputError(
                _("„{file}“: Eine Runde „{round}“ gibt es in „{network}“ nicht.").format(
                    file=file, round=round_name, network=network.name
                ),
                "file",
            )
        return found[0]

    def _store(self, member: Member, round_id: int, got: ContributionFile, file: str, replace: bool) -> None:
        self.networks.require_coordinator(member.network_id)
        made = Contribution(
            member.id,
            round_id,
            got.catalog_id,
            got.catalog_version,
            dict(got.ratings),
            got.progress,
            None,
            _("Datei „{file}“").format(file=file)[:300],
            got.content_hash,
        )
        self.store.networks.contribute(made, self.access.who(), replace=replace)
        if not member.joined or member.named != got.named:
            self.store.networks.set_member(member.id, status=MemberStatus.MITGLIED.value, named=got.named)

    def result(self, network_id: int) -> tuple[str, bytes]:
        """The result file: the anonymous figures of every round (no member's own column, nothing below the
        threshold) for the members to read in on their laptops."""
        network = self.networks.require_coordinator(int(network_id))
        rounds = self.store.networks.rounds(network.id)
        reports = self.comparison.reports(network.id)
        result = ResultFile(
            network.uid,
            network.name,
            network.catalog_id,
            tuple(
                RoundResult(RoundInfo(r.name, r.starts, r.ends), rep) for r, rep in zip(rounds, reports, strict=True)
            ),
        )
        return file_name("Netzwerkergebnis", network.name), result_bytes(result)

    # ------------------------------------------------------------------ member on its own laptop

    def institutions(self) -> list[Institution]:
        """The institutions this person manages (for which an invitation file may be read in)."""
        visible = self.access.visible(self.store.institutions.all())
        return [i for i in visible if self.access.may(i.id, Right.MANAGE)]

    def join(self, data: bytes, name: str, institution_id: int) -> Member:
        """Read an invitation file in for one of this person's institutions: the network's copy, the membership."""
        got = read_invitation(data, name)
        self.access.require(int(institution_id), Right.MANAGE)
        try:
            catalog = self.catalogs.get(got.catalog_id)
        except NotFoundError:
            raise InputError(
                _(
                    "Der Katalog „{id}“ des Netzwerks fehlt in dieser Installation. Bitte zuerst den Katalog laden."
                ).format(id=got.catalog_id),
                "file",
            ) from None
        network = self.store.networks.by_uid(got.network_uid)
        if network is None:
            values = {"name": got.network_name, "kind": got.kind, "catalog_id": catalog.id, "threshold": got.threshold}
            clean = check_network(values, {catalog.id})
            network = self.store.networks.create(clean, got.network_uid, self.access.who(), origin="einladung")
        member = self.store.networks.member_by_key(got.member_key)
        if member is None and not network.copy:  # the coordinator's own installation: only its invitations
            raise InputError(_("Diese Einladung gilt nicht mehr. Bitte die Koordination um eine neue."), "file")
        if member is None:
            clean_member = check_member({"name": got.member_name, "kind": got.member_kind})
            member = self.store.networks.invite(network.id, clean_member, int(institution_id), got.member_key, "")
        elif member.institution_id not in (None, int(institution_id)):
            raise InputError(_("Diese Einladung ist schon für eine andere Einrichtung eingelesen."), "file")
        joined = self.store.networks.set_member(
            member.id, institution_id=int(institution_id), status=MemberStatus.MITGLIED.value
        )
        self._add_rounds(network, got.rounds)
        return joined

    def _add_rounds(self, network: Network, rounds: tuple[RoundInfo, ...]) -> None:
        """Rounds of the network's copy that are new here (for a member of the copy)."""
        self.networks.require_view(network.id)
        have = {r.name for r in self.store.networks.rounds(network.id)}
        for info in rounds:
            if info.name not in have:
                self.store.networks.add_round(
                    network.id, check_round({"name": info.name, "starts": info.starts, "ends": info.ends})
                )

    def contribution(self, member_id: int, round_id: int) -> tuple[str, bytes]:
        """The member's contribution to a round as a file for the coordinator (ratings and progress only)."""
        member = self.networks.require_member(int(member_id), Right.MANAGE)
        network = self.store.networks.get(member.network_id)
        the_round = self.store.networks.round(int(round_id))
        made = self.store.networks.contributions_of(member.id).get(the_round.id)
        if made is None or the_round.network_id != network.id:
            raise InputError(
                _("Für „{round}“ gibt es noch keinen Beitrag. Bitte zuerst einen Zyklus beitragen.").format(
                    round=the_round.name
                ),
                "round",
            )
        out = ContributionFile(
            network.uid,
            member.key,
            member.name,
            the_round.name,
            made.catalog_id,
            made.catalog_version,
            made.ratings,
            made.progress,
            member.named,
        )
        return file_name("Beitrag", network.name, member.name, the_round.name), contribution_bytes(out)

    def import_result(self, data: bytes, name: str) -> Network:
        """Read a result file in: the figures of its rounds replace earlier ones (rounds new here are added)."""
        got = read_result(data, name, self.catalogs.get)
        network = self.store.networks.by_uid(got.network_uid)
        if network is None or not self.networks.may_see(network.id):
            raise AccessDenied(
                _(
                    "„{file}“: Das Netzwerk „{network}“ ist hier nicht eingerichtet. "
                    "Bitte zuerst die Einladung einlesen."
                ).format(file=name, network=got.network_name)
            )
        self.networks.require_view(network.id)
        if not network.copy:
            raise InputError(_("Dieses Netzwerk wird hier koordiniert; sein Ergebnis wird hier berechnet."), "file")
        if got.catalog_id != network.catalog_id:
            raise InputError(
                _("„{file}“ gehört zum Katalog „{have}“, nicht zu „{want}“.").format(
                    file=name, have=got.catalog_id, want=network.catalog_id
                ),
                "file",
            )
        self._add_rounds(network, tuple(r.info for r in got.rounds))
        ids = {r.name: r.id for r in self.store.networks.rounds(network.id)}
        figures = {ids[r.info.name]: report_figures(r.report) for r in got.rounds}
        self.store.network_results.keep(figures, got.content_hash, self.access.who())
        return network
