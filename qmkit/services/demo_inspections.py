"""The demo network's collegial inspections: two focus topics in the latest round, one inspection held (findings,
an agreement taken into the host's plan, the host's statement), one planned for a later day. Everything through
the services, as the coordination, the peers and the host would do it."""

from __future__ import annotations

from datetime import date, timedelta

from qmkit.domain.network import Network
from qmkit.services.inspections import InspectionService
from qmkit.services.networks import NetworkService

TOPICS = (
    (
        "Beteiligung",
        "Wie werden die Menschen, für die die Einrichtung arbeitet, an Entscheidungen beteiligt?\n"
        "Wie erfahren sie von ihren Rechten und von den Wegen, sich zu beschweren?",
    ),
    (
        "Krisen und Notfälle",
        "Wer ist in einer Krise erreichbar, auch abends und am Wochenende?\n"
        "Wie wird nach einem Vorfall gemeinsam ausgewertet?",
    ),
)
FINDINGS = {
    (0, 0, "seen"): "Ein gewähltes Gremium tagt monatlich; die Protokolle hängen für alle sichtbar aus.",
    (0, 0, "strengths"): "Die Tagesordnung wird gemeinsam aufgestellt.",
    (0, 1, "seen"): "Ein Beschwerdebogen liegt aus; wer ihn liest, ist nicht genannt.",
    (0, 1, "suggestions"): "Auf dem Bogen sagen, wer ihn liest und bis wann es eine Antwort gibt.",
    (1, 0, "seen"): "Ein Bereitschaftsplan für Abende und Wochenenden hängt im Büro.",
}


def add_demo_inspections(service: NetworkService, network: Network, today: date | None = None) -> int:
    """Topics, one held and one planned inspection in the network's latest round; returns the inspections made."""
    today = today or date.today()
    rounds = service.rounds(network.id)
    members = [m for m in service.members(network.id) if m.joined]
    if not rounds or len(members) < 4:
        return 0
    latest = rounds[-1]
    inspections = InspectionService(service)
    topics = [inspections.add_topic(network.id, latest.id, {"title": t, "questions": q}) for t, q in TOPICS]
    host = members[0]
    documents = [d.id for d in service.store.evidence.documents(host.institution_id)][:3] if host.institution_id else []
    held = inspections.plan(
        network.id,
        latest.id,
        {
            "host_member_id": host.id,
            "day": today - timedelta(days=21),
            "place": "Räume der gastgebenden Einrichtung",
            "agenda": "09:00 Rundgang\n10:30 Gespräch mit dem Team\n12:00 Rückmeldung des Begehungsteams",
            "peers": [members[1].id, members[2].id],
            "peer_names": "Frau Beispiel\nHerr Muster",
            "documents": documents,
        },
    )
    for (topic, question, field), text in FINDINGS.items():
        inspections.write_finding(held.id, topics[topic].id, question, field, text)
    agreement = inspections.add_agreement(
        held.id,
        {
            "text": "Auf dem Beschwerdebogen nennen, wer ihn liest und bis wann geantwortet wird.",
            "responsible": "Leitung",
            "due": today + timedelta(days=60),
        },
    )
    cycles = service.store.cycles.all(host.institution_id) if host.institution_id else []
    if cycles:
        inspections.to_plan(held.id, agreement.id, cycles[0].id)
    inspections.set_statement(held.id, "Wir danken für den Blick von außen und nehmen die Anregung auf.")
    inspections.set_status(held.id, "durchgefuehrt")
    inspections.plan(
        network.id,
        latest.id,
        {"host_member_id": members[3].id, "day": today + timedelta(days=45), "peers": [members[0].id]},
    )
    return 2
