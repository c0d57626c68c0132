"""Quality dialogues per round (issue 15 point 4): every provider and every youth office of a QMF region hosts one
per round – planned and recorded by the member itself, its agreements into its own plan once, the coordinators'
overview (held, planned, not yet; who is overdue), the calendar file, the CLI, and where dialogues are offered.

Runs on SQLite and, with QMKIT_TEST_POSTGRES, on PostgreSQL.
"""

from __future__ import annotations

import threading
from datetime import date, time, timedelta

import icalendar
import pytest
from sqlalchemy import create_engine, text

from qmkit.documents.meeting_calendar import meetings_calendar
from qmkit.domain.network import Member, MemberKind, MemberStatus, NetworkKind, Round
from qmkit.domain.network_meetings import Meeting, MeetingKind, MeetingStatus
from qmkit.domain.quality_dialogues import DialogueState, dialogues_offered, round_overview
from qmkit.errors import AccessDenied, InputError
from qmkit.services.network_meetings import NetworkMeetings
from qmkit.services.networks import NetworkService
from qmkit.services.planning import Planning
from qmkit.services.quality_dialogues import QualityDialogues
from qmkit.store import Store
from qmkit.ui.widgets.date_field import DateField
from tests.conftest import shipped_catalogs
from tests.test_networks import person

TODAY = date.today()
MINUTES = "Eltern erhalten Einladungen zu spät. Vertraulich: Einzelheiten nur beim Träger."
AGREEMENT = "Einladungen gehen zwei Wochen vorher an die Eltern."


def region(store, kinds=("traeger", "traeger", "traeger", "jugendamt", "jugendamt")):
    """A QMF region of joined members (Träger 0–2, Jugendamt 3–4), one cycle each, a round around today,
    coordinated by "kora"; returns (network, round, members, kora's service)."""
    catalogs = shipped_catalogs()
    admin = NetworkService(store, catalogs)
    network = admin.create({"name": "Region Heilbronn-Franken", "kind": "region", "catalog_id": "qmf"}, "kora")
    members = []
    for i, kind in enumerate(kinds):
        inst = store.institutions.create(f"{'Jugendamt' if kind == 'jugendamt' else 'Träger'} {i}")
        member = admin.invite(network.id, {"kind": kind}, inst.id)
        admin.accept(member.id)
        store.cycles.create(inst.id, "Runde 2026", catalogs.get("qmf"))
        members.append(member)
    the_round = admin.add_round(
        network.id, {"name": "Runde 2025–2027", "starts": TODAY - timedelta(400), "ends": TODAY + timedelta(300)}
    )
    return network, the_round, members, QualityDialogues(NetworkService(store, catalogs, person(store, "kora")))


def as_qmb(store, login: str, institution: str) -> QualityDialogues:
    return QualityDialogues(NetworkService(store, shipped_catalogs(), person(store, login, institution)))


def plan(dialogues, member, the_round, days: int, **more):
    values = {"day": TODAY + timedelta(days), "starts": "14:00", "ends": "16:00", "place": "Haus am See", **more}
    return dialogues.plan(member.id, the_round.id, values)


# ---------------------------------------------------------------------- where dialogues are offered


def test_dialogues_belong_to_regions_and_to_networks_whose_catalog_asks_for_them(store):
    assert dialogues_offered(NetworkKind.REGION, [])
    assert not dialogues_offered(NetworkKind.VERBUND, ["audit", "managementbewertung"])
    assert dialogues_offered(NetworkKind.KOMMUNE, ["schwerpunkte", "qualitaetsdialog"])
    admin = NetworkService(store, shipped_catalogs())
    service = QualityDialogues(admin)
    verbund = admin.create({"name": "Verbund", "kind": "verbund", "catalog_id": "qesplus"})
    kommune_qmf = admin.create({"name": "Kreis", "kind": "kommune", "catalog_id": "qmf"})
    kommune = admin.create({"name": "Stadt", "kind": "kommune", "catalog_id": "dkbm"})
    assert [service.offered(n.id) for n in (verbund, kommune_qmf, kommune)] == [False, True, False]
    admin.add_round(verbund.id, {"name": "Runde 1"})
    with pytest.raises(InputError, match="nicht mit Qualitätsdialogen"):
        service.overview(verbund.id, admin.rounds(verbund.id)[0].id)


# ---------------------------------------------------------------------- planning and recording


def test_a_member_plans_its_dialogue_and_records_it(store):
    network, the_round, members, _kora = region(store)
    anna = as_qmb(store, "anna", "Träger 0")
    made = anna.plan(
        members[0].id,
        the_round.id,
        {
            "day": TODAY + timedelta(30),
            "starts": "9:30",
            "ends": "12",
            "place": "Träger 0, Saal",
            "agenda": "1. Befragung",
        },
        ([members[3].id, members[3].id], "Fachberatung HzE\n\nfachberatung hze"),
    )
    assert (made.kind, made.round_id, made.host_member_id) == (
        MeetingKind.QUALITAETSDIALOG,
        the_round.id,
        members[0].id,
    )
    assert made.title == "Qualitätsdialog Träger 0" and made.status == MeetingStatus.GEPLANT
    assert [(p.member_id, p.name) for p in made.invited] == [(members[3].id, ""), (None, "Fachberatung HzE")]
    assert made.participants == ()
    # a second dialogue in the round (a double click) is refused; one before the round began too
    with pytest.raises(InputError, match="schon einen Qualitätsdialog"):
        plan(anna, members[0], the_round, 60)
    with pytest.raises(InputError, match="vor dem Beginn der Runde"):
        plan(as_qmb(store, "bert", "Träger 1"), members[1], the_round, -500)
    with pytest.raises(InputError, match="Zukunft"):
        anna.update(members[0].id, made.id, {"status": "stattgefunden"})
    for values, field in (({"ends": "8:00"}, "Uhrzeiten"), ({"day": "31.02.2026"}, "Datum")):
        with pytest.raises(InputError, match=field):
            anna.update(members[0].id, made.id, values)
    with pytest.raises(InputError, match="nur Mitglieder"):
        anna.update(members[0].id, made.id, {}, invited=(["1; DROP TABLE"], ""))
    # recorded: held (in the past), who took part, topics, minutes
    recorded = anna.update(
        members[0].id,
        made.id,
        {
            "day": TODAY - timedelta(3),
            "status": "stattgefunden",
            "agenda": "1. Befragung\n2. Beteiligung",
            "minutes": MINUTES,
        },
        present=([members[0].id, members[3].id], "Fachberatung HzE"),
    )
    assert recorded.status == MeetingStatus.STATTGEFUNDEN and recorded.minutes == MINUTES and recorded.revision == 2
    assert [p.member_id for p in recorded.participants] == [members[0].id, members[3].id, None]
    assert [p.name for p in recorded.invited] == ["", "Fachberatung HzE"]  # the invitation stays as it was
    [view] = anna.hosted(members[0].id)
    assert view.invited == ("Jugendamt 3", "Fachberatung HzE") and view.participants[-1] == "Fachberatung HzE"
    # network meetings do not show dialogues, and a year plan of meetings is not blocked by them
    meetings = NetworkMeetings(_kora.networks)
    assert meetings.meetings(network.id) == [] and meetings.years(network.id) == []
    assert len(meetings.plan_year(network.id, meetings.propose(network.id, TODAY.year), {})) == 4


def test_three_clicks_at_the_same_moment_plan_one_dialogue(store):
    network, the_round, members, _kora = region(store)
    outcomes: list[str] = []

    def click() -> None:
        try:
            plan(as_qmb(store, "anna", "Träger 0"), members[0], the_round, 30)
            outcomes.append("ok")
        except InputError:
            outcomes.append("refused")

    as_qmb(store, "anna", "Träger 0")  # the person exists before the threads start
    threads = [threading.Thread(target=click) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "refused", "refused"]
    assert len(store.meetings.meetings(network.id, kind=MeetingKind.QUALITAETSDIALOG)) == 1


def test_a_cancelled_dialogue_makes_room_for_a_new_one(store):
    _network, the_round, members, _kora = region(store)
    anna = as_qmb(store, "anna", "Träger 0")
    first = plan(anna, members[0], the_round, 20)
    anna.update(members[0].id, first.id, {"status": "abgesagt"})
    second = plan(anna, members[0], the_round, 40)
    with pytest.raises(InputError, match="schon einen Qualitätsdialog"):
        anna.update(members[0].id, first.id, {"status": "geplant"})
    assert [d.dialogue.id for d in anna.hosted(members[0].id)] == [first.id, second.id]


def test_a_member_cannot_plan_or_record_another_members_dialogue(store):
    network, the_round, members, kora = region(store)
    bert = as_qmb(store, "bert", "Träger 1")
    theirs = plan(bert, members[1], the_round, 30)
    anna = as_qmb(store, "anna", "Träger 0")
    reader = QualityDialogues(NetworkService(store, shipped_catalogs(), person(store, "mia", "Träger 1", "lesen")))
    for attempt in (
        lambda: anna.update(members[0].id, theirs.id, {"minutes": "von Anna"}),  # its own member, their dialogue
        lambda: anna.update(members[1].id, theirs.id, {"minutes": "von Anna"}),  # their member
        lambda: plan(anna, members[1], the_round, 50),
        lambda: anna.add_agreement(members[0].id, theirs.id, {"text": "Anna will"}),
        lambda: anna.hosted(members[1].id),
        lambda: plan(kora, members[0], the_round, 10),  # the coordinator has no role in the institutions
        lambda: kora.update(members[1].id, theirs.id, {"status": "abgesagt"}),
        lambda: kora.hosted(members[1].id),
        lambda: as_qmb(store, "lena", "Träger 1").overview(network.id, the_round.id),  # members: no overview
        lambda: plan(reader, members[1], the_round, 70),  # a reader of its own institution
    ):
        with pytest.raises(AccessDenied):
            attempt()
    assert (
        store.meetings.meeting(theirs.id).minutes == "" and store.meetings.meeting(theirs.id).status.value == "geplant"
    )
    assert len(store.meetings.meetings(network.id, kind=MeetingKind.QUALITAETSDIALOG)) == 1


# ---------------------------------------------------------------------- the overview


def _member(i: int, kind: MemberKind) -> Member:
    return Member(i, 1, f"M{i}", kind, MemberStatus.MITGLIED, institution_id=i)


def _dialogue(i: int, host: int, day: date, status: MeetingStatus) -> Meeting:
    return Meeting(i, 1, day, "Q", host_member_id=host, status=status, kind=MeetingKind.QUALITAETSDIALOG, round_id=1)


def test_the_overview_counts_per_kind_and_marks_who_is_overdue_as_the_end_nears():
    today = date(2027, 9, 1)
    the_round = Round(1, 1, "Runde 2025–2027", date(2025, 1, 1), date(2027, 12, 31))
    members = [_member(i, MemberKind.TRAEGER) for i in range(1, 6)] + [
        _member(i, MemberKind.JUGENDAMT) for i in (6, 7)
    ] + [Member(8, 1, "M8", MemberKind.TRAEGER, MemberStatus.EINGELADEN)]  # fmt: skip
    dialogues = [
        _dialogue(1, 1, date(2026, 3, 4), MeetingStatus.STATTGEFUNDEN),
        _dialogue(2, 2, date(2027, 10, 6), MeetingStatus.GEPLANT),
        _dialogue(3, 3, date(2028, 1, 12), MeetingStatus.GEPLANT),  # after the round's end
        _dialogue(4, 4, date(2027, 5, 5), MeetingStatus.ABGESAGT),  # cancelled: not planned any more
        _dialogue(5, 6, date(2027, 8, 20), MeetingStatus.GEPLANT),  # past, not recorded yet
        _dialogue(6, 7, date(2025, 6, 1), MeetingStatus.STATTGEFUNDEN),
    ]
    overview = round_overview(the_round, members, dialogues, today)
    states = {r.member_id: r.state for r in overview.rows}
    assert states == {
        1: DialogueState.DURCHGEFUEHRT, 2: DialogueState.GEPLANT, 3: DialogueState.GEPLANT,
        4: DialogueState.NICHT_GEPLANT, 5: DialogueState.NICHT_GEPLANT, 6: DialogueState.GEPLANT,
        7: DialogueState.DURCHGEFUEHRT,
    }  # fmt: skip
    assert overview.counts[MemberKind.TRAEGER] == {
        DialogueState.DURCHGEFUEHRT: 1, DialogueState.GEPLANT: 2, DialogueState.NICHT_GEPLANT: 2
    }  # fmt: skip
    assert overview.counts[MemberKind.JUGENDAMT] == {
        DialogueState.DURCHGEFUEHRT: 1, DialogueState.GEPLANT: 1, DialogueState.NICHT_GEPLANT: 0
    }  # fmt: skip
    assert overview.kinds() == [MemberKind.TRAEGER, MemberKind.JUGENDAMT]
    # four months before the end: no date yet is overdue, a date after the end too; a past date not yet recorded
    # is a note, not (yet) overdue
    assert {r.member_id for r in overview.overdue} == {3, 4, 5}
    notes = {r.member_id: r.note for r in overview.rows}
    assert "nach dem Ende der Runde" in notes[3] and "noch kein Termin" in notes[4]
    assert "noch nicht als durchgeführt erfasst" in notes[6] and notes[1] == notes[2] == ""
    # early in the round only a date after its end is flagged; after its end everyone who has not held one is
    assert [r.member_id for r in round_overview(the_round, members, dialogues, date(2025, 3, 1)).overdue] == [3]
    late = round_overview(the_round, members, dialogues, date(2028, 2, 1))
    assert {r.member_id for r in late.overdue} == {2, 3, 4, 5, 6}
    assert "beendet" in {r.member_id: r.note for r in late.rows}[4]


def test_the_coordinator_sees_the_round_but_not_the_record(store):
    network, the_round, members, kora = region(store)
    anna = as_qmb(store, "anna", "Träger 0")
    held = plan(anna, members[0], the_round, 10, agenda="Vertrauliche Themen")
    anna.update(members[0].id, held.id, {"day": TODAY - timedelta(5), "status": "stattgefunden", "minutes": MINUTES},
                present=([members[0].id], "Frau Dr. Geheim"))  # fmt: skip
    anna.add_agreement(members[0].id, held.id, {"text": AGREEMENT})
    plan(as_qmb(store, "jana", "Jugendamt 3"), members[3], the_round, 40)
    overview = kora.overview(network.id, the_round.id)
    assert (overview.total(DialogueState.DURCHGEFUEHRT), overview.total(DialogueState.GEPLANT)) == (1, 1)
    assert overview.total(DialogueState.NICHT_GEPLANT) == 3
    assert overview.counts[MemberKind.JUGENDAMT][DialogueState.GEPLANT] == 1
    seen = repr(overview) + repr(kora.calendar(network.id, the_round.id))
    for secret in (MINUTES, "Vertrauliche Themen", "Frau Dr. Geheim", AGREEMENT):
        assert secret not in seen
    # the dialogue's agreement is the host's: not among the network's agreements, not in the coordinator's status
    coordination = kora.networks
    assert AGREEMENT not in repr(coordination.agreements(network.id))
    assert NetworkMeetings(coordination).agreement_status(network.id) == []
    # another member sees nothing of it; none of its agreements reaches that member's plan
    bert = as_qmb(store, "bert", "Träger 1")
    assert bert.invitations(members[1].id) == []
    assert NetworkMeetings(bert.networks).open_agreements(members[1].id) == []


def test_an_invited_member_sees_date_place_and_topics_of_the_dialogue_not_its_record(store):
    network, the_round, members, _kora = region(store)
    anna = as_qmb(store, "anna", "Träger 0")
    values = {"day": TODAY + timedelta(9), "place": "Saal", "agenda": "1. Befragung"}
    made = anna.plan(members[0].id, the_round.id, values, ([members[3].id], "Fachberatung HzE"))
    anna.update(members[0].id, made.id, {"minutes": "Vorbereitung intern"})
    jana = as_qmb(store, "jana", "Jugendamt 3")
    [invited] = jana.invitations(members[3].id)
    assert (invited.host, invited.dialogue.place, invited.dialogue.agenda) == ("Träger 0", "Saal", "1. Befragung")
    assert invited.dialogue.minutes == "" and invited.dialogue.invited == () and invited.invited == ()
    entries = jana.calendar(network.id, the_round.id, members[3].id)
    assert [m.id for m, _host in entries] == [made.id]
    ics = meetings_calendar(network.name, entries).decode()
    assert "Themen:" in ics and "Vorbereitung intern" not in ics and "Fachberatung" not in ics


# ---------------------------------------------------------------------- agreements → the host's plan


def test_agreements_of_a_dialogue_go_into_the_hosts_plan_once(store):
    network, the_round, members, _kora = region(store)
    anna = as_qmb(store, "anna", "Träger 0")
    held = plan(anna, members[0], the_round, 10)
    anna.update(members[0].id, held.id, {"day": TODAY - timedelta(2), "status": "stattgefunden"})
    agreement = anna.add_agreement(members[0].id, held.id, {"text": AGREEMENT, "due": TODAY + timedelta(90)})
    assert agreement.released and agreement.meeting_id == held.id
    assert [a.member_id for a in store.meetings.adoptions([agreement.id])[agreement.id]] == [members[0].id]
    [(_agreement, decision)] = anna.hosted(members[0].id)[0].agreements
    assert decision.status.value == "offen"
    cycle = store.cycles.all(members[0].institution_id)[0]
    outcomes: list[str] = []

    def click() -> None:
        try:
            as_qmb(store, "anna", "Träger 0").adopt(members[0].id, agreement.id, cycle.id, "A. Anker")
            outcomes.append("ok")
        except InputError:
            outcomes.append("refused")

    threads = [threading.Thread(target=click) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "refused", "refused"]
    [measure] = Planning.open(store, cycle.id, shipped_catalogs()).measures()
    assert measure.title == "Qualitätsdialog: " + AGREEMENT and measure.due == TODAY + timedelta(90)
    assert "Qualitätsdialog" in measure.description and network.name in measure.description
    with pytest.raises(InputError, match="schon übernommen"):
        anna.adopt(members[0].id, agreement.id, cycle.id, "A. Anker")
    # another member cannot take the host's agreement, even into its own plan
    bert = as_qmb(store, "bert", "Träger 1")
    with pytest.raises(AccessDenied, match="anderen Einrichtung"):
        bert.adopt(members[1].id, agreement.id, store.cycles.all(members[1].institution_id)[0].id, "B")
    assert len(Planning.open(store, cycle.id, shipped_catalogs()).measures()) == 1


# ---------------------------------------------------------------------- calendar, schema, CLI


def test_the_rounds_calendar_has_every_dialogue_with_stable_uids(store):
    network, the_round, members, kora = region(store)
    first = plan(as_qmb(store, "anna", "Träger 0"), members[0], the_round, 20)
    jana = as_qmb(store, "jana", "Jugendamt 3")
    second = jana.plan(members[3].id, the_round.id, {"day": TODAY + timedelta(50), "place": "Landratsamt"})
    events = {str(e["uid"]): e for e in icalendar.Calendar.from_ical(
        meetings_calendar(network.name, kora.calendar(network.id, the_round.id))).walk("VEVENT")}  # fmt: skip
    timed = events[f"{first.uid}@qmkit"]
    assert (timed.decoded("dtstart").time(), timed.decoded("dtend").time()) == (time(14), time(16))
    assert str(timed["categories"].cats[0]) == "Qualitätsdialog" and "Gastgeber: Träger 0" in str(timed["description"])
    assert events[f"{second.uid}@qmkit"].decoded("dtstart") == TODAY + timedelta(50)  # no time: all day
    jana.update(members[3].id, second.id, {"status": "abgesagt"})
    again = {str(e["uid"]): e for e in icalendar.Calendar.from_ical(
        meetings_calendar(network.name, kora.calendar(network.id, the_round.id))).walk("VEVENT")}  # fmt: skip
    assert set(again) == set(events) and str(again[f"{second.uid}@qmkit"]["status"]) == "CANCELLED"
    assert int(again[f"{second.uid}@qmkit"]["sequence"]) == 1


def test_meetings_stored_before_schema_16_stay_network_meetings(empty_store_url):
    from alembic import command

    from qmkit.store.migrations import LATEST, alembic_config, migration_transaction, upgrade

    engine = create_engine(empty_store_url)
    with migration_transaction(engine) as conn:
        command.upgrade(alembic_config(conn), "0013")
        conn.execute(
            text(
                "INSERT INTO networks (name, kind, catalog_id, threshold, description, uid, origin, "
                "created_by, created_at) VALUES ('Alt', 'verbund', 'qesplus', 5, '', 'u1', 'hier', '', 'x')"
            )
        )
        network_id = conn.execute(text("SELECT id FROM networks")).scalar()
        conn.execute(text("INSERT INTO network_meetings (network_id, day, place, title, agenda, minutes, status, uid, "
                          "revision, changed_by, changed_at) VALUES (:n, '2026-02-11', '', 'Altes Treffen', '', '', "
                          "'geplant', 'm1', 1, '', 'x')"), {"n": network_id})  # fmt: skip
        meeting_id = conn.execute(text("SELECT id FROM network_meetings")).scalar()
        conn.execute(text("INSERT INTO network_meeting_participants (meeting_id, member_id, name) "
                          "VALUES (:m, NULL, 'Gast')"), {"m": meeting_id})  # fmt: skip
    assert upgrade(engine) == LATEST  # every later revision leaves the meetings as they were
    engine.dispose()
    store = Store(empty_store_url)
    [old] = store.meetings.meetings(network_id)
    assert (old.title, old.kind, old.round_id) == ("Altes Treffen", MeetingKind.TREFFEN, None)
    assert [(p.name, p.invited) for p in old.participants] == [("Gast", False)] and old.invited == ()
    store.close()


def test_cli_lists_the_demo_regions_round_and_exports_its_calendar(capsys, tmp_path, monkeypatch):
    from qmkit.cli import main

    monkeypatch.setenv("QMKIT_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("QMKIT_EXPORTS", str(tmp_path / "exports"))
    monkeypatch.delenv("QMKIT_USER", raising=False)
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    assert main(["demo", "--network", "8", "--catalog", "qmf"]) == 0
    capsys.readouterr()
    assert main(["network", "dialogues"]) == 0
    out = capsys.readouterr().out
    assert "Träger:" in out and "Jugendämter:" in out
    for word in ("durchgeführt – am", "geplant – am", "noch nicht geplant"):
        assert word in out
    store = Store()
    network = store.networks.find("Demo-Verbund")
    dialogues = store.meetings.meetings(network.id, kind=MeetingKind.QUALITAETSDIALOG)
    assert {d.status for d in dialogues} == {MeetingStatus.STATTGEFUNDEN, MeetingStatus.GEPLANT}
    assert any(d.minutes and d.participants for d in dialogues)
    adopted = [a for a in store.networks.agreements(network.id) if a.meeting_id in {d.id for d in dialogues}]
    assert len(adopted) == 1 and store.meetings.adoptions([adopted[0].id])[adopted[0].id][0].measure_id
    target = tmp_path / "dialoge.ics"
    assert main(["export", "dialogues", "--out", str(target)]) == 0
    assert f"{len(dialogues)} Qualitätsdialoge als Kalender gespeichert" in capsys.readouterr().out
    events = icalendar.Calendar.from_ical(target.read_bytes()).walk("VEVENT")
    assert sorted(e.decoded("dtstart").date() for e in events) == sorted(d.day for d in dialogues)
    assert main(["export", "dialogues", "--round", "Runde 1999"]) == 1
    assert "Runde 1999" in capsys.readouterr().err
    assert main(["export", "dialogues", "--out", str(tmp_path / "x.pdf")]) == 1
    store.close()


# ---------------------------------------------------------------------- the page


def _page(store, identity, network):
    from qmkit.ui.app import build_page

    return build_page("netzwerk", {"netzwerk": str(network.id)}, store, shipped_catalogs(), identity=identity)


def _widgets(widget, kind, label=None):
    found = [widget] if isinstance(widget, kind) and (label is None or widget.description == label) else []
    for child in getattr(widget, "children", ()):
        found += _widgets(child, kind, label)
    return found


def _text(widget) -> str:
    from tests.test_network_meetings import _texts

    return " ".join(_texts(widget))


def test_a_member_plans_records_and_adopts_on_the_page_and_the_coordinator_sees_the_round(store):
    import ipywidgets as w

    network, _round, members, kora = region(store)
    anna = person(store, "anna", "Träger 0")
    page = _page(store, anna.identity, network)
    assert "Unser Qualitätsdialog" in _text(page) and "noch nicht geplant" in _text(page)
    [day] = [d for d in _widgets(page, DateField, "Datum")]
    day.value = TODAY + timedelta(20)
    [topics] = _widgets(page, w.Textarea, "Themen")
    topics.value = "<script>alert(1)</script> Thema Heimaufsicht"
    [plan_button] = _widgets(page, w.Button, "Qualitätsdialog planen")
    plan_button.click()
    plan_button.click()  # a double click: a German message, one dialogue
    assert len(store.meetings.meetings(network.id, kind=MeetingKind.QUALITAETSDIALOG)) == 1
    assert "schon einen Qualitätsdialog" in _text(page)
    page = _page(store, anna.identity, network)
    assert "Stand in dieser Runde: geplant" in _text(page)
    [minutes] = _widgets(page, w.Textarea, "Protokoll")
    minutes.value = MINUTES
    [day] = [d for d in _widgets(page, DateField, "Datum") if d.value]
    day.value = TODAY - timedelta(1)
    [status] = [d for d in _widgets(page, w.Dropdown, "Status") if ("durchgeführt", "stattgefunden") in d.options]
    status.value = "stattgefunden"
    [text] = [t for t in _widgets(page, w.Textarea, "Vereinbarung")]
    text.value = AGREEMENT
    _widgets(page, w.Button, "Vereinbarung festhalten")[0].click()
    assert "Stand in dieser Runde: durchgeführt" in _text(page) and "<script>alert" not in _text(page)
    adopt = _widgets(page, w.Button, "Übernehmen")
    assert len(adopt) == 1
    adopt[0].click()
    adopt[0].click()  # twice: one measure
    cycle = store.cycles.all(members[0].institution_id)[0]
    [measure] = Planning.open(store, cycle.id, shipped_catalogs()).measures()
    assert measure.title == "Qualitätsdialog: " + AGREEMENT
    # the coordinator's overview: counts per kind, no record
    coordinator = _text(_page(store, kora.access.identity, network))
    assert "Träger: 1 durchgeführt · 0 geplant · 2 noch nicht geplant" in coordinator
    assert "Jugendämter: 0 durchgeführt · 0 geplant · 2 noch nicht geplant" in coordinator
    assert MINUTES not in coordinator and AGREEMENT not in coordinator and "Heimaufsicht" not in coordinator
    # a Verbund without dialogues in its catalog shows no such card
    admin = NetworkService(store, shipped_catalogs())
    verbund = admin.create({"name": "Verbund Süd", "kind": "verbund", "catalog_id": "qesplus"})
    assert "Qualitätsdialog" not in _text(_page(store, admin.access.identity, verbund))


def test_the_coordination_enters_the_dialogue_of_a_member_on_its_own_installation(store):
    import ipywidgets as w

    network, the_round, _members, kora = region(store)
    admin = NetworkService(store, shipped_catalogs())
    external = admin.invite(network.id, {"name": "Kreisjugendamt Hohenlohe (eigene Installation)", "kind": "jugendamt"})
    store.networks.set_member(external.id, status="mitglied")  # as reading its first contribution file does
    anna = as_qmb(store, "anna", "Träger 0")
    with pytest.raises(AccessDenied):  # a member cannot enter another member's dialogue
        plan(anna, external, the_round, 10)
    page = _page(store, kora.access.identity, network)
    [box] = [a for a in _widgets(page, w.Accordion) if "Mitglieder mit eigener Installation" in a.titles]
    [who] = _widgets(box, w.Dropdown, "Mitglied")
    assert who.value == external.id
    [day] = _widgets(box, DateField, "Datum")
    day.value = TODAY - timedelta(8)
    [status] = _widgets(box, w.Dropdown, "Status")
    status.value = "stattgefunden"
    [enter] = _widgets(box, w.Button, "Eintragen")
    enter.click()
    assert "Jugendämter: 1 durchgeführt · 0 geplant · 2 noch nicht geplant" in _text(page)
    day.value = TODAY - timedelta(9)
    enter.click()  # entered again: the same dialogue changes
    [dialogue] = [d for d in store.meetings.meetings(network.id, kind=MeetingKind.QUALITAETSDIALOG)]
    assert (dialogue.host_member_id, dialogue.day, dialogue.revision) == (external.id, TODAY - timedelta(9), 2)
    assert {r.member_id: r.state for r in kora.overview(network.id, the_round.id).rows}[external.id] == (
        DialogueState.DURCHGEFUEHRT
    )
