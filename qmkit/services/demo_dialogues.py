"""The demo region's quality dialogues in the running round: about half of the members have held theirs (the
latest with topics, participants, minutes and an agreement its host took into its plan), a quarter have planned one,
the rest have not yet – so the round's overview shows all three states and who is overdue as the round's end nears.
Everything goes through the services, as a member's QMB would do it."""

from __future__ import annotations

from datetime import date, timedelta

from qmkit.domain.network import MemberKind, Network
from qmkit.domain.network_meetings import MeetingStatus
from qmkit.services.networks import NetworkService
from qmkit.services.quality_dialogues import QualityDialogues

TOPICS = (
    "1. Rückblick: Hilfeplanung und Zusammenarbeit seit dem letzten Qualitätsdialog\n"
    "2. Ergebnisse der Befragung der Systempartner\n"
    "3. Schwerpunkt der Runde: Beteiligung von Kindern und Eltern\n"
    "4. Vereinbarungen"
)
MINUTES = (
    "Jugendamt und Träger sehen die Hilfeplangespräche gut vorbereitet; Eltern erhalten die Einladung zu spät. "
    "Die Befragung zeigt Zustimmung bei der Erreichbarkeit, Kritik bei Rückmeldungen nach Krisen."
)
AGREEMENT = "Einladungen zum Hilfeplangespräch gehen den Eltern spätestens zwei Wochen vorher zu."


def add_demo_dialogues(service: NetworkService, network: Network, today: date | None = None) -> int:
    """Dialogues in the running round (nothing when the network has none); returns how many were planned."""
    today = today or date.today()
    dialogues = QualityDialogues(service)
    the_round = dialogues.current_round(network.id, today)
    if the_round is None or not dialogues.offered(network.id):
        return 0
    start = max(the_round.starts or today - timedelta(days=700), today - timedelta(days=700))
    local = [m for m in service.members(network.id) if m.joined and m.institution_id is not None]
    youth_offices = [m.id for m in local if m.kind == MemberKind.JUGENDAMT]
    held = local[: len(local) // 2]
    planned = local[len(local) // 2 : (3 * len(local)) // 4]
    span = max(1, (today - start).days - 14)
    made = 0
    for i, member in enumerate(held):
        day = start + timedelta(days=span * (i + 1) // (len(held) + 1))
        guests = [m for m in youth_offices if m != member.id][:1]
        values = {"day": day, "starts": "14:00", "ends": "16:30", "place": member.name, "agenda": TOPICS}
        dialogue = dialogues.plan(member.id, the_round.id, values, (guests, "Fachberatung Hilfen zur Erziehung"))
        last = i == len(held) - 1
        record = {"status": MeetingStatus.STATTGEFUNDEN.value, "minutes": MINUTES if last else "Siehe Themen."}
        present = ([member.id, *guests], "Fachberatung Hilfen zur Erziehung\nElternvertretung" if last else "")
        dialogues.update(member.id, dialogue.id, record, present=present)
        if last:
            agreement = dialogues.add_agreement(member.id, dialogue.id, {"text": AGREEMENT, "due": day + timedelta(90)})
            cycles = dialogues.meetings.member_cycles(member.id)
            if cycles:
                dialogues.adopt(member.id, agreement.id, cycles[0].id, "QMB der Einrichtung")
        made += 1
    for i, member in enumerate(planned):
        day = today + timedelta(days=14 * (i + 1))
        values = {"day": day, "starts": "10:00", "ends": "12:30", "place": member.name, "agenda": TOPICS}
        dialogues.plan(member.id, the_round.id, values, ([m for m in youth_offices if m != member.id][:1], ""))
        made += 1
    return made
