"""Collegial inspections, checked: who may set topics, plan, write findings, state and plan agreements.

- The network's coordinators set the focus topics of a round and plan inspections (host, peer team, day).
- The host's QMB may plan its own inspection too, choose the documents to look at, write the statement and take
  the agreements into its plan (right *bearbeiten* in its cycle).
- The peer team (people of the peer institutions) and the coordinators write what they saw, strengths and
  suggestions; the host reads them (it is its report) but does not write them.
- An inspection is seen only by its host, its peers and the coordinators: other members see that it took place,
  not what was found.
Every answer is German; nothing reaches the store unchecked.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from qmkit.domain.access import Right
from qmkit.domain.evidence import KIND_LABELS, DocumentKind
from qmkit.domain.inspection import (
    FocusTopic,
    FollowUp,
    Inspection,
    InspectionAgreement,
    InspectionFile,
    InspectionStatus,
    OnSiteDocument,
    agreement_measure,
    check_finding,
    check_inspection,
    check_inspection_agreement,
    check_statement,
    check_topic,
)
from qmkit.domain.network import Member, Round
from qmkit.domain.planning import STATUS_LABELS, MeasureStatus, check_measure
from qmkit.errors import AccessDenied, InputError
from qmkit.i18n import N_, _
from qmkit.services.networks import NetworkService
from qmkit.services.planning import Planning

ROLE_LABELS = {
    "koordination": N_("die Koordination des Netzwerks"),
    "gastgebend": N_("die gastgebende Einrichtung"),
    "begehungsteam": N_("das Begehungsteam"),
}


class InspectionService:
    def __init__(self, networks: NetworkService):
        self.networks = networks
        self.store, self.access = networks.store, networks.access

    # ------------------------------------------------------------------ who is who

    def _round(self, network_id: int, round_id: int) -> Round:
        found = [r for r in self.store.networks.rounds(network_id) if r.id == int(round_id)]
        if not found:
            raise InputError(_("Diese Runde gehört nicht zu diesem Netzwerk."), "round")
        return found[0]

    def _joined(self, network_id: int) -> dict[int, Member]:
        return {m.id: m for m in self.store.networks.members(network_id) if m.joined}

    def _host_documents(self, member: Member | None) -> dict[int, Any]:
        if member is None or member.institution_id is None:
            return {}
        return {d.id: d for d in self.store.evidence.documents(member.institution_id)}

    def roles(self, inspection: Inspection) -> set[str]:
        """What this person is in the inspection: "koordination", "gastgebend", "begehungsteam" (any of them)."""
        found = set()
        if self.networks.coordinates(inspection.network_id):
            found.add("koordination")
        own = {m.id for m in self.networks.own_members(inspection.network_id)}
        if inspection.host_member_id in own:
            found.add("gastgebend")
        if own & set(inspection.peers):
            found.add("begehungsteam")
        return found

    def _require(self, inspection: Inspection, *allowed: str) -> set[str]:
        roles = self.roles(inspection)
        if not roles & set(allowed):
            names = [_(ROLE_LABELS[a]) for a in allowed]
            who = (
                names[0]
                if len(names) == 1
                else _("{some} oder {last}").format(some=", ".join(names[:-1]), last=names[-1])
            )
            raise AccessDenied(_("Das dürfen bei dieser Begehung nur {who}.").format(who=who))
        return roles

    def inspection(self, inspection_id: int) -> Inspection:
        found = self.store.inspections.get(int(inspection_id))
        self._require(found, "koordination", "gastgebend", "begehungsteam")
        return found

    # ------------------------------------------------------------------ focus topics (coordinators)

    def topics(self, network_id: int, round_id: int) -> list[FocusTopic]:
        self.networks.require_view(int(network_id))
        return self.store.inspections.topics(self._round(int(network_id), round_id).id)

    def add_topic(self, network_id: int, round_id: int, values: dict[str, Any]) -> FocusTopic:
        self.networks.require_coordinator(int(network_id))
        found = self._round(int(network_id), round_id)
        return self.store.inspections.add_topic(int(network_id), found.id, check_topic(values), self.access.who())

    def remove_topic(self, network_id: int, topic_id: int) -> None:
        self.networks.require_coordinator(int(network_id))
        if all(t.id != int(topic_id) for r in self.store.networks.rounds(int(network_id))
               for t in self.store.inspections.topics(r.id)):  # fmt: skip
            raise InputError(_("Dieses Thema gehört nicht zu diesem Netzwerk."), "topic")
        self.store.inspections.remove_topic(int(topic_id))

    # ------------------------------------------------------------------ planning

    def plan(self, network_id: int, round_id: int, values: dict[str, Any]) -> Inspection:
        """A new inspection: by a coordinator, or by the host's QMB for its own institution."""
        network_id = int(network_id)
        self.networks.require_view(network_id)
        found = self._round(network_id, round_id)
        joined = self._joined(network_id)
        host = joined.get(int(values.get("host_member_id") or 0))
        if not self.networks.coordinates(network_id):
            if host is None:
                raise InputError(_("Gastgebend kann nur ein Mitglied des Netzwerks sein."), "host_member_id")
            self.networks.require_member(host.id, Right.MANAGE)
        clean = check_inspection(values, set(joined), set(self._host_documents(host)))
        return self.store.inspections.add(network_id, found.id, clean, self.access.who())

    def update(self, inspection_id: int, values: dict[str, Any]) -> Inspection:
        current = self.inspection(inspection_id)
        self._require(current, "koordination", "gastgebend")
        joined = self._joined(current.network_id)
        merged = {
            "host_member_id": current.host_member_id,
            "day": current.day,
            "place": current.place,
            "agenda": current.agenda,
            "peers": current.peers,
            "peer_names": "\n".join(current.peer_names),
            "documents": current.documents,
            "status": current.status.value,
            **values,
        }
        if int(merged["host_member_id"]) != current.host_member_id:
            raise InputError(_("Die gastgebende Einrichtung bleibt; bitte eine neue Begehung anlegen."), "host")
        host = self.store.networks.member(current.host_member_id)
        clean = check_inspection(merged, set(joined) | {host.id}, set(self._host_documents(host)))
        return self.store.inspections.update(current.id, clean, self.access.who())

    def inspections(self, network_id: int, round_id: int) -> list[tuple[Inspection, bool]]:
        """The round's inspections, each with whether this person may open it (others: only that it exists)."""
        self.networks.require_view(int(network_id))
        found = self.store.inspections.of_round(self._round(int(network_id), round_id).id)
        return [(i, bool(self.roles(i))) for i in found]

    def host_documents(self, inspection_id: int) -> list[tuple[int, str]]:
        """The host's register entries to choose from (id, title · art), for the host and the coordination."""
        current = self.inspection(inspection_id)
        self._require(current, "koordination", "gastgebend")
        docs = self._host_documents(self.store.networks.member(current.host_member_id))
        return [(d.id, f"{d.title} · {_on_site(d).kind}") for d in sorted(docs.values(), key=lambda d: d.title)]

    def host_cycles(self, inspection_id: int) -> list[Any]:
        """The host's cycles an agreement can go into (for the host's QMB)."""
        current = self.inspection(inspection_id)
        self._require(current, "gastgebend")
        host = self.store.networks.member(current.host_member_id)
        return self.store.cycles.all(host.institution_id) if host.institution_id else []

    # ------------------------------------------------------------------ on the day and after

    def _open_for_writing(self, inspection: Inspection) -> None:
        if inspection.status == InspectionStatus.ABGESCHLOSSEN:
            raise InputError(_("Der Bericht ist abgeschlossen; Änderungen erst nach dem Wiedereröffnen."), "status")

    def write_finding(self, inspection_id: int, topic_id: int, question: int, field: str, value: Any) -> None:
        """What the peers saw, strengths or suggestions for one question – saved as typed."""
        current = self.inspection(inspection_id)
        self._require(current, "begehungsteam", "koordination")
        self._open_for_writing(current)
        topic = next((t for t in self.store.inspections.topics(current.round_id) if t.id == int(topic_id)), None)
        if topic is None or not 0 <= int(question) < len(topic.questions):
            raise InputError(_("Diese Prüffrage gibt es in dieser Runde nicht."), "question")
        text = check_finding(field, value)
        self.store.inspections.write_finding(current.id, topic.id, int(question), field, text, self.access.who())

    def set_statement(self, inspection_id: int, value: Any) -> Inspection:
        current = self.inspection(inspection_id)
        self._require(current, "gastgebend")
        self._open_for_writing(current)
        return self.store.inspections.update(current.id, {"statement": check_statement(value)}, self.access.who())

    def set_status(self, inspection_id: int, status: Any) -> Inspection:
        current = self.inspection(inspection_id)
        self._require(current, "koordination", "gastgebend", "begehungsteam")
        try:
            new = InspectionStatus(status)
        except ValueError:
            raise InputError(_("Unbekannter Status."), "status") from None
        if new != InspectionStatus.GEPLANT and current.day > date.today():
            raise InputError(_("Eine Begehung in der Zukunft kann noch nicht durchgeführt sein."), "status")
        return self.store.inspections.update(current.id, {"status": new.value}, self.access.who())

    def add_agreement(self, inspection_id: int, values: dict[str, Any]) -> InspectionAgreement:
        current = self.inspection(inspection_id)
        self._require(current, "koordination", "gastgebend", "begehungsteam")
        self._open_for_writing(current)
        clean = check_inspection_agreement(values, current.day)
        return self.store.inspections.add_agreement(current.id, clean, self.access.who())

    def to_plan(self, inspection_id: int, agreement_id: int, cycle_id: int) -> int:
        """The agreement becomes a measure in the host's cycle (once; the host's QMB with right *bearbeiten*)."""
        current = self.inspection(inspection_id)
        self._require(current, "gastgebend")
        agreement = self.store.inspections.agreement(int(agreement_id))
        if agreement.inspection_id != current.id:
            raise InputError(_("Diese Vereinbarung gehört nicht zu dieser Begehung."), "agreement")
        host = self.store.networks.member(current.host_member_id)
        planning = Planning.open(self.store, int(cycle_id), self.networks.catalogs, access=self.access)
        if planning.cycle.institution_id != host.institution_id:
            raise InputError(_("Dieser Zyklus gehört nicht zu „{name}“.").format(name=host.name), "cycle")
        self.access.require(planning.cycle.institution_id, Right.EDIT)
        measure = check_measure(agreement_measure(agreement, current.day))
        return self.store.inspections.to_plan(agreement.id, planning.cycle.id, measure, self.access.who())

    # ------------------------------------------------------------------ the report's content

    def report(self, inspection_id: int) -> InspectionFile:
        current = self.inspection(inspection_id)
        network = self.store.networks.get(current.network_id)
        members = {m.id: m for m in self.store.networks.members(current.network_id)}
        host = members[current.host_member_id]
        docs = self._host_documents(host)
        agreements = self.store.inspections.agreements(current.id)
        status = self.store.inspections.measure_status([a.measure_id for a in agreements if a.measure_id])
        return InspectionFile(
            current,
            network.name,
            self._round(current.network_id, current.round_id).name,
            host.name,
            tuple(members[p].name for p in current.peers if p in members),
            tuple(self.store.inspections.topics(current.round_id)),
            tuple(self.store.inspections.findings(current.id)),
            tuple(_on_site(docs[d]) for d in current.documents if d in docs),
            tuple((a, _status_label(status.get(a.measure_id or 0))) for a in agreements),
            self._follow_up(current),
        )

    def _follow_up(self, current: Inspection) -> tuple[FollowUp, ...]:
        """The agreements of the host's latest earlier inspection, with what became of them."""
        earlier = [i for i in self.store.inspections.of_host(current.host_member_id) if i.day < current.day]
        if not earlier:
            return ()
        last = earlier[-1]
        agreements = self.store.inspections.agreements(last.id)
        status = self.store.inspections.measure_status([a.measure_id for a in agreements if a.measure_id])
        rows = []
        for a in agreements:
            title, state = status.get(a.measure_id or 0, ("", ""))
            rows.append(FollowUp(last.day, a.text, a.responsible, a.due, title, _status_label((title, state))))
        return tuple(rows)


def _status_label(found: tuple[str, str] | None) -> str:
    if not found or not found[1]:
        return _("noch nicht im Plan")
    try:
        return _(STATUS_LABELS[MeasureStatus(found[1])])
    except ValueError:
        return found[1]


def _on_site(doc: Any) -> OnSiteDocument:
    try:
        kind = _(KIND_LABELS[DocumentKind(doc.kind)])
    except ValueError:
        kind = str(doc.kind)
    return OnSiteDocument(doc.title, kind, doc.version or "", bool(doc.on_site_only), doc.location or "")
