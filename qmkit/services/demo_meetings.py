"""The demo network's meetings: quarterly, hosts in turn, those already past held (the latest with minutes,
participants and an agreement released to the members, which two of them have decided on), the next ones planned.
Everything goes through the services, as a coordinator and a member's QMB would do it."""

from __future__ import annotations

from datetime import date, timedelta

from qmkit.domain.network import Member, Network
from qmkit.domain.network_meetings import Meeting, MeetingStatus, meeting_days
from qmkit.services.network_meetings import NetworkMeetings
from qmkit.services.networks import NetworkService

AGENDA = (
    "1. Ankommen, Rückblick auf die Arbeit seit dem letzten Treffen\n"
    "2. Kollegiale Beratung: Befragung der Teilnehmenden\n"
    "3. Vereinbarungen bis zum nächsten Treffen"
)
MINUTES = (
    "Alle Einrichtungen berichten vom Stand ihrer Selbstbewertung. Drei Einrichtungen befragen ihre Teilnehmenden "
    "bisher nur mündlich. Die Gastgeberin stellt ihren Fragebogen vor; er wird gemeinsam gekürzt.\n"
    "Nächstes Treffen: Erfahrungen mit dem gemeinsamen Fragebogen."
)
AGREEMENT = (
    "Alle Partner setzen den gemeinsamen Fragebogen zur Teilnehmendenzufriedenheit in mindestens einem Kurs ein "
    "und bringen die Ergebnisse zum nächsten Treffen mit."
)


def demo_years(today: date) -> list[int]:
    """This year, with last year when nothing has been held yet and next year when little is still to come."""
    years = [today.year]
    if meeting_days(today.year)[0] > today:
        years.insert(0, today.year - 1)
    if sum(1 for d in meeting_days(today.year) if d >= today) < 2:
        years.append(today.year + 1)
    return years


def add_demo_meetings(service: NetworkService, network: Network, today: date | None = None) -> int:
    """Plan the demo network's meetings (past ones held); returns how many meetings it has."""
    today = today or date.today()
    meetings = NetworkMeetings(service)
    for year in demo_years(today):
        proposal = meetings.propose(network.id, year)
        meetings.plan_year(network.id, proposal, {"place": "bei der gastgebenden Einrichtung", "agenda": AGENDA})
    held = [v.meeting for v in meetings.meetings(network.id) if v.meeting.day <= today]
    members = [m for m in service.members(network.id) if m.joined]
    for i, meeting in enumerate(held):
        first = i == len(held) - 1  # the latest held meeting has full minutes and an agreement
        minutes = MINUTES if first else "Austausch, siehe Tagesordnung."
        present = [m.id for m in members if (m.id + i) % 4 != 0 or m.id == meeting.host_member_id]
        guest = "Dr. Petra Lenz (Referentin)" if first else ""
        values = {"status": MeetingStatus.STATTGEFUNDEN.value, "minutes": minutes}
        meetings.update_meeting(network.id, meeting.id, values, (present, guest))
    if held:
        _agreement(meetings, network, held[-1], members)
    return len(meetings.meetings(network.id))


def _agreement(meetings: NetworkMeetings, network: Network, meeting: Meeting, members: list[Member]) -> None:
    """An agreement of the meeting, released; one member adopts it, another declines it."""
    due = meeting.day + timedelta(days=120)  # by the meeting after next
    agreement = meetings.add_agreement(network.id, meeting.id, {"text": AGREEMENT, "due": due})
    meetings.release(network.id, agreement.id)
    local = [m for m in members if m.institution_id is not None]
    cycles = meetings.member_cycles(local[0].id) if local else []
    if len(local) >= 2 and cycles:
        meetings.adopt(local[0].id, agreement.id, cycles[0].id, "QMB der Einrichtung")
        meetings.decline(local[1].id, agreement.id, "Wir befragen schon mit dem Fragebogen unseres Trägers.")
