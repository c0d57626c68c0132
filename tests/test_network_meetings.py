"""Network meetings (issue 14 point 4): the year plan with hosts in turn, who may plan and who may decide, an
agreement released to every member's plan (adopted, adapted, declined), the meetings as a calendar file.

Runs on SQLite and, with QMKIT_TEST_POSTGRES, on PostgreSQL.
"""

from __future__ import annotations

import threading
from datetime import date, time

import icalendar
import ipywidgets as w
import pytest

from qmkit.documents.meeting_calendar import meetings_calendar
from qmkit.domain.network_meetings import (
    AdoptionStatus,
    Rhythm,
    host_order,
    meeting_days,
    propose_year,
)
from qmkit.errors import AccessDenied, InputError
from qmkit.services.network_meetings import NetworkMeetings
from qmkit.services.networks import NetworkService
from qmkit.services.planning import Planning
from qmkit.ui.app import build_page
from tests.conftest import shipped_catalogs
from tests.test_networks import person

CATALOG = "qesplus"
AGREEMENT = "Alle Partner setzen den gemeinsamen Fragebogen ein.\nErgebnisse zum nächsten Treffen."


def small_network(store, size: int = 4):
    """A Verbund of ``size`` joined institutions (one cycle each), coordinated by "kora"; member 0 named."""
    catalogs = shipped_catalogs()
    admin = NetworkService(store, catalogs)
    network = admin.create({"name": "Verbund Nord", "kind": "verbund", "catalog_id": CATALOG}, "kora")
    members = []
    for i in range(size):
        inst = store.institutions.create(f"Einrichtung {i:02d}")
        member = admin.invite(network.id, {"kind": "traeger"}, inst.id)
        admin.accept(member.id)
        store.cycles.create(inst.id, "Zyklus 2027", catalogs.get(CATALOG))
        members.append(member)
    admin.set_named(members[0].id, True)
    kora = person(store, "kora")
    return network, members, NetworkMeetings(NetworkService(store, catalogs, kora))


def as_person(store, login: str, institution: str | None = None) -> NetworkMeetings:
    return NetworkMeetings(NetworkService(store, shipped_catalogs(), person(store, login, institution)))


def cycle_of(store, member):
    return store.cycles.all(member.institution_id)[0]


def _texts(widget: w.Widget, out: list[str] | None = None) -> list[str]:
    out = [] if out is None else out
    if isinstance(widget, w.HTML):
        out.append(widget.value)
    if isinstance(widget, w.Dropdown | w.SelectMultiple):
        out.extend(label for label, _v in widget.options)
    for child in getattr(widget, "children", ()):
        _texts(child, out)
    return out


def _buttons(widget: w.Widget, label: str) -> list[w.Button]:
    found = [widget] if isinstance(widget, w.Button) and widget.description == label else []
    for child in getattr(widget, "children", ()):
        found += _buttons(child, label)
    return found


# ---------------------------------------------------------------------- the year plan (pure)


def test_meeting_days_lie_in_the_middle_month_of_each_period():
    quarterly = meeting_days(2027)
    assert [d.month for d in quarterly] == [2, 5, 8, 11]
    assert all(d.weekday() == 2 and 8 <= d.day <= 14 for d in quarterly)  # the second Wednesday
    assert len(meeting_days(2027, Rhythm.MONATLICH)) == 12
    assert [d.month for d in meeting_days(2027, Rhythm.ZWEIMONATLICH)] == [2, 4, 6, 8, 10, 12]
    assert [d.month for d in meeting_days(2027, Rhythm.HALBJAEHRLICH, weekday=3, week=1)] == [4, 10]
    assert meeting_days(2027, Rhythm.HALBJAEHRLICH, weekday=3, week=1)[0] == date(2027, 4, 1)
    for weekday in (6, "Sonntag", None):
        with pytest.raises(InputError, match="Wochentag"):
            meeting_days(2027, weekday=weekday)
    with pytest.raises(InputError, match="Woche"):
        meeting_days(2027, week=5)


def test_hosts_rotate_fairly_who_hosted_least_recently_first():
    members = {1: "Volkshochschule", 2: "Beratungsstelle", 3: "Jugendhilfe", 4: "Anker e. V.", 5: "Zentrum", 6: "Kita"}
    last = {1: date(2026, 11, 11), 2: date(2026, 2, 11), 3: date(2026, 8, 12), 4: date(2026, 5, 13)}
    # never hosted (5, 6: by name), then who hosted longest ago
    assert host_order(members, last) == [6, 5, 2, 4, 3, 1]
    plan = propose_year(2027, members, last)
    assert [p.host_member_id for p in plan] == [6, 5, 2, 4]
    assert [p.title for p in plan] == [f"{n}. Netzwerktreffen 2027" for n in range(1, 5)]
    # over the years every member hosts once before anyone hosts twice, and the counts never differ by more than 1
    hosted = {m: 0 for m in members}
    for year in range(2027, 2033):
        for p in propose_year(year, members, last):
            hosted[p.host_member_id] += 1
            last[p.host_member_id] = p.day
        assert max(hosted.values()) - min(hosted.values()) <= 1
    # more meetings than members: everyone once, then again in the same order
    monthly = propose_year(2027, {1: "A", 2: "B", 3: "C"}, {}, Rhythm.MONATLICH)
    assert [p.host_member_id for p in monthly[:6]] == [1, 2, 3, 1, 2, 3]
    assert [p.host_member_id for p in propose_year(2027, {}, {})] == [None] * 4


# ---------------------------------------------------------------------- who may what


def test_only_coordinators_plan_and_members_read(store):
    network, members, kora = small_network(store)
    plan = kora.plan_year(network.id, kora.propose(network.id, 2027), {"place": "beim Gastgeber"})
    assert len(plan) == 4 and {m.host_member_id for m in plan} == {m.id for m in members}
    assert [(m.starts, m.ends) for m in plan] == [(time(10), time(13))] * 4
    with pytest.raises(InputError, match="schon Treffen geplant"):
        kora.plan_year(network.id, kora.propose(network.id, 2027), {})
    anna = as_person(store, "anna", "Einrichtung 01")
    meeting = plan[0]
    for attempt in (
        lambda: anna.propose(network.id, 2028),
        lambda: anna.plan_year(network.id, kora.propose(network.id, 2028), {}),
        lambda: anna.add_meeting(network.id, {"title": "Eigenes Treffen", "day": "01.03.2028"}),
        lambda: anna.update_meeting(network.id, meeting.id, {"minutes": "von Anna"}),
        lambda: anna.add_agreement(network.id, meeting.id, {"text": "Anna will"}),
        lambda: anna.agreement_status(network.id),
    ):
        with pytest.raises(AccessDenied):
            attempt()
    assert store.meetings.meeting(meeting.id).minutes == ""
    # a member reads the meetings; hosts by name only when named (member 0) or itself (member 1)
    hosts = {v.meeting.host_member_id: v.host for v in anna.meetings(network.id)}
    assert hosts[members[0].id] == "Einrichtung 00" and hosts[members[1].id] == "Einrichtung 01"
    assert hosts[members[2].id] == hosts[members[3].id] == "ein Mitglied"
    with pytest.raises(AccessDenied):
        as_person(store, "olaf").meetings(network.id)


def test_a_meeting_is_checked_and_participants_are_kept(store):
    network, members, kora = small_network(store)
    made = kora.add_meeting(network.id, {"title": "Auftakt", "day": "10.03.2027", "starts": "9:30", "ends": "12"})
    assert (made.starts, made.ends, made.status.value) == (time(9, 30), time(12), "geplant")
    for values, field in (
        ({"ends": "9:00"}, "Uhrzeiten"),
        ({"starts": "abends"}, "Uhrzeit"),
        ({"status": "stattgefunden"}, "Zukunft"),
        ({"title": " "}, "Titel"),
        ({"host_member_id": 99999}, "Gastgeber"),
        ({"host_member_id": "<x>"}, "Gastgeber"),
    ):
        with pytest.raises(InputError, match=field):
            kora.update_meeting(network.id, made.id, values)
    kora.update_meeting(
        network.id,
        made.id,
        {"agenda": "1. Begrüßung", "day": "10.03.2020", "status": "stattgefunden", "minutes": "Gut."},
        ([members[0].id, members[2].id, members[0].id], "Dr. P. Lenz\n\ndr. p. lenz\nK. Gast"),
    )
    with pytest.raises(InputError, match="nur Mitglieder"):
        kora.update_meeting(network.id, made.id, {}, (["1; DROP TABLE"], ""))
    stored = store.meetings.meeting(made.id)
    assert stored.status.value == "stattgefunden" and stored.revision == 2
    assert [(p.member_id, p.name) for p in stored.participants] == [
        (members[0].id, ""),
        (members[2].id, ""),
        (None, "Dr. P. Lenz"),
        (None, "K. Gast"),
    ]
    # a member sees named institutions and itself; persons' names only the coordinators
    anna = as_person(store, "anna", "Einrichtung 01")
    [seen] = anna.meetings(network.id)
    assert seen.participants == ("Einrichtung 00",) and seen.hidden == 3
    [coordinator_view] = kora.meetings(network.id)
    assert coordinator_view.participants == ("Einrichtung 00", "Einrichtung 02", "Dr. P. Lenz", "K. Gast")


# ---------------------------------------------------------------------- agreements → measures


def _released(store, network, kora):
    meeting = kora.add_meeting(network.id, {"title": "Frühjahr", "day": "11.02.2026"})
    agreement = kora.add_agreement(network.id, meeting.id, {"text": AGREEMENT, "due": "30.06.2026"})
    assert agreement.agreed_on == date(2026, 2, 11) and not agreement.released
    assert kora.release(network.id, agreement.id) == 4
    return agreement


def test_releasing_twice_does_not_double_and_asks_members_who_joined_since(store):
    network, _members, kora = small_network(store)
    agreement = _released(store, network, kora)
    assert kora.release(network.id, agreement.id) == 0
    assert len(store.meetings.adoptions([agreement.id])[agreement.id]) == 4
    late = store.institutions.create("Neu dabei")
    admin = NetworkService(store, shipped_catalogs())
    admin.accept(admin.invite(network.id, {"kind": "vhs"}, late.id).id)
    admin.invite(network.id, {"name": "Eigene Installation e. V.", "kind": "traeger"})  # invited, no server
    assert kora.release(network.id, agreement.id) == 1
    [status] = kora.agreement_status(network.id)
    assert status.tally.get(AdoptionStatus.OFFEN) == 5 and len(status.members) == 5


def test_adopting_puts_the_measure_into_that_members_plan_and_nowhere_else(store):
    network, members, kora = small_network(store)
    agreement = _released(store, network, kora)
    anna = as_person(store, "anna", "Einrichtung 01")
    [(offered, state)] = anna.open_agreements(members[1].id)
    assert offered.id == agreement.id and state.status == AdoptionStatus.OFFEN
    cycle = cycle_of(store, members[1])
    made = anna.adopt(members[1].id, agreement.id, cycle.id, "A. Anker")
    assert made.title == "Netzwerk: Alle Partner setzen den gemeinsamen Fragebogen ein."
    assert made.due == date(2026, 6, 30) and made.responsible == "A. Anker"
    assert "Verbund Nord" in made.description and "Ergebnisse zum nächsten Treffen." in made.description
    plans = {m.id: [x.id for x in Planning.open(store, cycle_of(store, m).id, shipped_catalogs()).measures()]
             for m in members}  # fmt: skip
    assert plans == {members[0].id: [], members[1].id: [made.id], members[2].id: [], members[3].id: []}
    # a second click (or a colleague's) makes no second measure
    with pytest.raises(InputError, match="schon übernommen"):
        anna.adopt(members[1].id, agreement.id, cycle.id, "A. Anker")
    assert len(Planning.open(store, cycle.id, shipped_catalogs()).measures()) == 1
    # adapted: another title and due date
    bert = as_person(store, "bert", "Einrichtung 02")
    changed = bert.adopt(
        members[2].id, agreement.id, cycle_of(store, members[2]).id, "B. Berg", {"title": "Fragebogen", "due": None}
    )
    assert changed.title == "Fragebogen" and changed.due is None
    decided = store.meetings.adoptions_of(members[2].id)[agreement.id]
    assert decided.status == AdoptionStatus.ANGEPASST and decided.measure_id == changed.id
    cleo = as_person(store, "cleo", "Einrichtung 03")
    with pytest.raises(InputError, match="verantwortliche"):
        cleo.adopt(members[3].id, agreement.id, cycle_of(store, members[3]).id, "")


def test_a_member_cannot_decide_for_another_member(store):
    network, members, kora = small_network(store)
    agreement = _released(store, network, kora)
    anna = as_person(store, "anna", "Einrichtung 01")
    other_cycle = cycle_of(store, members[2])
    with pytest.raises(AccessDenied):
        anna.adopt(members[2].id, agreement.id, other_cycle.id, "A. Anker")
    with pytest.raises(AccessDenied):
        anna.decline(members[2].id, agreement.id, "passt nicht")
    with pytest.raises(AccessDenied):  # its own member, but another institution's cycle
        anna.adopt(members[1].id, agreement.id, other_cycle.id, "A. Anker")
    with pytest.raises(AccessDenied):  # the coordinator has no role in the institutions
        kora.adopt(members[2].id, agreement.id, other_cycle.id, "K. Kora")
    with pytest.raises(AccessDenied):
        as_person(store, "lena", "Einrichtung 01").open_agreements(members[2].id)
    assert Planning.open(store, other_cycle.id, shipped_catalogs()).measures() == []
    assert {a.status for a in store.meetings.adoptions([agreement.id])[agreement.id]} == {AdoptionStatus.OFFEN}
    # an agreement not released yet cannot be adopted
    quiet = kora.add_agreement(network.id, store.meetings.meetings(network.id)[0].id, {"text": "Noch intern"})
    with pytest.raises(InputError, match="noch nicht"):
        anna.adopt(members[1].id, quiet.id, cycle_of(store, members[1]).id, "A. Anker")


def test_declining_needs_a_reason_which_the_coordinator_sees_only_as_a_count(store):
    network, members, kora = small_network(store)
    agreement = _released(store, network, kora)
    anna = as_person(store, "anna", "Einrichtung 01")
    with pytest.raises(InputError, match="begründen"):
        anna.decline(members[1].id, agreement.id, "  ")
    reason = "Wir nutzen den Fragebogen unseres Trägers."
    declined = anna.decline(members[1].id, agreement.id, reason)
    assert declined.status == AdoptionStatus.ABGELEHNT and declined.reason == reason
    as_person(store, "bert", "Einrichtung 02").adopt(members[2].id, agreement.id, cycle_of(store, members[2]).id, "B")
    [status] = kora.agreement_status(network.id)
    assert (status.tally.get(AdoptionStatus.ABGELEHNT), status.tally.get(AdoptionStatus.UEBERNOMMEN)) == (1, 1)
    assert status.tally.get(AdoptionStatus.OFFEN) == 2 and status.tally.reasons == 1
    assert dict(status.members)["Einrichtung 01"] == AdoptionStatus.ABGELEHNT
    assert reason not in repr(status)
    page = " ".join(_texts(build_page("netzwerk", {"netzwerk": str(network.id)}, store, shipped_catalogs(),
                                      identity=kora.access.identity)))  # fmt: skip
    assert "abgelehnt 1" in page and "1 Begründung – sie bleibt beim Mitglied" in page and reason not in page
    own = " ".join(_texts(build_page("netzwerk", {"netzwerk": str(network.id)}, store, shipped_catalogs(),
                                     identity=anna.access.identity)))  # fmt: skip
    assert reason in own
    # declined can be taken back: adopt after all
    anna.adopt(members[1].id, agreement.id, cycle_of(store, members[1]).id, "A. Anker")
    assert store.meetings.adoptions_of(members[1].id)[agreement.id].status == AdoptionStatus.UEBERNOMMEN


def test_two_clicks_at_the_same_moment_make_one_measure(store):
    network, members, kora = small_network(store)
    agreement = _released(store, network, kora)
    cycle = cycle_of(store, members[1])
    outcomes: list[str] = []

    def click() -> None:
        try:
            as_person(store, "anna", "Einrichtung 01").adopt(members[1].id, agreement.id, cycle.id, "A. Anker")
            outcomes.append("ok")
        except InputError:
            outcomes.append("refused")

    threads = [threading.Thread(target=click) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "refused", "refused"]
    assert len(Planning.open(store, cycle.id, shipped_catalogs()).measures()) == 1


def test_a_member_who_leaves_takes_its_decisions_the_meetings_stay(store):
    network, members, kora = small_network(store)
    plan = kora.plan_year(network.id, kora.propose(network.id, 2027), {})
    agreement = _released(store, network, kora)
    anna = as_person(store, "anna", "Einrichtung 01")
    measure = anna.adopt(members[1].id, agreement.id, cycle_of(store, members[1]).id, "A. Anker")
    hosted = next(m for m in plan if m.host_member_id == members[1].id)
    kora.update_meeting(network.id, hosted.id, {}, ([members[1].id, members[2].id], ""))
    NetworkService(store, shipped_catalogs()).leave(members[1].id)
    after = store.meetings.meeting(hosted.id)
    assert after.host_member_id is None and [p.member_id for p in after.participants] == [members[2].id]
    assert members[1].id not in {a.member_id for a in store.meetings.adoptions([agreement.id])[agreement.id]}
    assert store.plans.measure(measure.id).title == measure.title  # the measure stays in its own plan


# ---------------------------------------------------------------------- calendar, CLI, page


def test_the_calendar_parses_back_with_times_places_and_stable_uids(store):
    network, _members, kora = small_network(store)
    plan = kora.plan_year(network.id, kora.propose(network.id, 2027), {"place": "Markt 1, Leipzig", "agenda": "1. A"})
    day_off = kora.add_meeting(network.id, {"title": "Klausur", "day": "01.12.2027"})  # no time: all day
    first = kora.meetings(network.id)
    data = meetings_calendar(network.name, [(v.meeting, v.host) for v in first])
    cal = icalendar.Calendar.from_ical(data)
    events = cal.walk("VEVENT")
    assert len(events) == 5 and len(cal.walk("VTIMEZONE")) == 1
    timed = {str(e["uid"]): e for e in events}
    for meeting in plan:
        event = timed[f"{meeting.uid}@qmkit"]
        start, end = event.decoded("dtstart"), event.decoded("dtend")
        assert (start.date(), start.hour, end.hour) == (meeting.day, 10, 13)
        assert start.utcoffset().total_seconds() == (7200 if 4 <= meeting.day.month <= 9 else 3600)
        assert str(event["location"]) == "Markt 1, Leipzig" and "1. A" in str(event["description"])
        assert "Gastgeber: Einrichtung" in str(event["description"])
    assert timed[f"{day_off.uid}@qmkit"].decoded("dtstart") == date(2027, 12, 1)
    # a cancelled meeting stays in with the same UID, as cancelled, with a higher sequence
    kora.update_meeting(network.id, plan[1].id, {"status": "abgesagt"})
    again = icalendar.Calendar.from_ical(
        meetings_calendar(network.name, [(v.meeting, v.host) for v in kora.meetings(network.id, 2027)])
    )
    by_uid = {str(e["uid"]): e for e in again.walk("VEVENT")}
    assert set(by_uid) == set(timed)
    cancelled = by_uid[f"{plan[1].uid}@qmkit"]
    assert str(cancelled["status"]) == "CANCELLED" and int(cancelled["sequence"]) == 1
    # a member's calendar does not name hosts who did not agree to be named
    anna = as_person(store, "anna", "Einrichtung 01")
    own = meetings_calendar(network.name, [(v.meeting, v.host) for v in anna.meetings(network.id)]).decode()
    assert "Einrichtung 02" not in own and "Einrichtung 03" not in own and "Gastgeber: ein Mitglied" in own


def test_cli_exports_the_demo_networks_meetings(capsys, tmp_path, monkeypatch):
    from qmkit.cli import main
    from qmkit.store import Store

    monkeypatch.setenv("QMKIT_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("QMKIT_EXPORTS", str(tmp_path / "exports"))
    monkeypatch.delenv("QMKIT_USER", raising=False)
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    assert main(["demo", "--network", "6", "--catalog", "qesplus"]) == 0
    store = Store()
    network = store.networks.find("Demo-Verbund")
    meetings = store.meetings.meetings(network.id)
    assert len(meetings) >= 4 and any(m.status.value == "stattgefunden" and m.minutes for m in meetings)
    assert any(m.status.value == "geplant" for m in meetings)
    [agreement] = [a for a in store.networks.agreements(network.id) if a.released]
    decisions = {a.status for a in store.meetings.adoptions([agreement.id])[agreement.id]}
    assert {AdoptionStatus.UEBERNOMMEN, AdoptionStatus.ABGELEHNT, AdoptionStatus.OFFEN} <= decisions
    out = tmp_path / "treffen.ics"
    capsys.readouterr()
    assert main(["export", "meetings", "--network", "Demo-Verbund", "--out", str(out)]) == 0
    assert f"{len(meetings)} Treffen als Kalender gespeichert" in capsys.readouterr().out
    events = icalendar.Calendar.from_ical(out.read_bytes()).walk("VEVENT")
    assert sorted(e.decoded("dtstart").date() for e in events) == [m.day for m in meetings]
    year = meetings[-1].day.year
    assert main(["export", "meetings", "--year", str(year)]) == 0
    saved = tmp_path / "exports" / f"Netzwerktreffen_Demo-Verbund_{year}.ics"
    assert len(icalendar.Calendar.from_ical(saved.read_bytes()).walk("VEVENT")) == 4
    assert main(["export", "meetings", "--out", str(tmp_path / "x.pdf")]) == 1
    assert ".ics" in capsys.readouterr().err


def test_the_coordinator_plans_a_year_on_the_page_and_a_member_decides_there(store):
    network, members, kora = small_network(store)
    catalogs = shipped_catalogs()
    page = build_page("netzwerk", {"netzwerk": str(network.id)}, store, catalogs, identity=kora.access.identity)
    assert "Netzwerktreffen" in " ".join(_texts(page))
    [accept] = _buttons(page, "Vorschlag übernehmen")
    accept.click()
    assert len(store.meetings.meetings(network.id)) == 4
    text = " ".join(_texts(page))
    assert "4 Treffen für" in text and "Traceback" not in text
    accept.click()  # twice: a German message, nothing doubled
    assert "schon Treffen geplant" in " ".join(_texts(page)) and len(store.meetings.meetings(network.id)) == 4
    shown = kora.next_meeting(network.id)  # the editor shows the next meeting (or the latest)
    kora.add_agreement(network.id, shown.id, {"text": "<b>Alle</b> befragen ihre Teilnehmenden."})
    kora.update_meeting(network.id, shown.id, {"agenda": "1. <script>alert(1)</script>"})
    page = build_page("netzwerk", {"netzwerk": str(network.id)}, store, catalogs, identity=kora.access.identity)
    [release] = _buttons(page, "An Mitglieder freigeben")
    release.click()
    assert "Freigegeben: 4 Mitglieder" in " ".join(_texts(page))
    anna = person(store, "anna", "Einrichtung 01")
    own = build_page("netzwerk", {"netzwerk": str(network.id)}, store, catalogs, identity=anna.identity)
    text = " ".join(_texts(own))
    assert "Vereinbarungen für Ihren Plan" in text and "&lt;b&gt;Alle&lt;/b&gt;" in text and "<b>Alle</b>" not in text
    assert "Einrichtung 02" not in text and "Einrichtung 03" not in text  # unnamed members stay unnamed
    assert "1. &lt;script&gt;alert(1)&lt;/script&gt;" in text and "<script>alert" not in text
    [adopt] = _buttons(own, "Übernehmen")
    adopt.click()  # responsible: the logged-in person, prefilled
    [measure] = Planning.open(store, cycle_of(store, members[1]).id, catalogs).measures()
    assert measure.responsible == "Anna" and "ist im Plan „Zyklus 2027“ angelegt" in " ".join(_texts(own))
    assert _buttons(own, "Übernehmen") == [] and "übernommen" in " ".join(_texts(own))
