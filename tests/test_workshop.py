"""Workshop core: tokens, joining and continuing, answers, aggregation with the anonymity threshold,
dot counts, consensus into the self-evaluation, and 20 participants writing at once."""

from __future__ import annotations

import multiprocessing as mp
from datetime import date

import pytest

from qmkit.domain.workshop import CANNOT_JUDGE, aggregate
from qmkit.errors import InputError, NotFoundError
from qmkit.services.cycles import CycleService
from qmkit.services.workshop import workshop_by_code, workshop_for_facilitator, workshop_for_participant
from qmkit.store import Store
from tests.conftest import taking_part, workshops


@pytest.fixture
def setup(store, catalogs):
    catalog = catalogs.get("qm4")
    inst = CycleService(store).create_institution("VHS Workshop")
    cycle = CycleService(store).create_cycle(inst.id, "2027", catalog)
    ws = workshops(store, cycle.id).create(
        title="Teamtag", held_on="2027-03-10", requirement_ids=["QB1.1", "QB1.2", "QB3.1"]
    )
    return catalog, cycle, ws


def test_tokens_guard_the_workshop(store, catalogs, setup):
    _catalog, cycle, ws = setup
    other = workshops(store, cycle.id).create(title="Leitung", requirement_ids=["QB4.1"])
    assert len({ws.token, ws.facilitator_token, other.token}) == 3 and len(ws.token) >= 20
    assert workshop_for_participant(store, ws.token).id == ws.id
    assert workshop_by_code(store, ws.join_code.lower()).id == ws.id
    altered = ws.token[:-1] + ("B" if ws.token.endswith("A") else "A")  # one character off, never the same
    for bad in ("", None, "x" * 500, altered, ws.token.swapcase(), ws.facilitator_token, "' OR 1=1 --"):
        with pytest.raises(NotFoundError) as err:
            workshop_for_participant(store, bad)
        assert "Workshop-Link ist ungültig" in str(err.value)
    with pytest.raises(NotFoundError):
        workshop_for_facilitator(store, ws.token)  # a participant link never opens the facilitator view
    assert workshop_for_facilitator(store, ws.facilitator_token).id == ws.id
    assert workshop_for_participant(store, other.token).requirement_ids == ("QB4.1",)
    with pytest.raises(InputError) as err:
        workshops(store, cycle.id).create(title="Leer", requirement_ids=[])
    assert err.value.field == "requirement_ids"
    with pytest.raises(InputError):
        workshops(store, cycle.id).create(title="X", requirement_ids=["QB9.9"])
    assert ws.source == "Workshop Teamtag, 10.03.2027"


def test_join_continue_and_answer(store, setup):
    _catalog, _cycle, ws = setup
    p = taking_part(store, ws.id).join(display_name="<b>Anna</b>", role_group="Verwaltung")
    assert p.display_name == "" and p.role_group == "Verwaltung"  # names only in named workshops
    taking_part(store, p.workshop_id).rate(p, "QB1.1", "teilweise", "Noch <script>alert(1)</script> offen")
    again = taking_part(store, ws.id).join(key=p.key)  # reconnecting continues where the person left
    assert again.id == p.id
    taking_part(store, again.workshop_id).rate(again, "QB1.1", "erfuellt")
    [answer] = store.workshops.ratings(ws.id)
    assert (answer.value, answer.comment, answer.role_group) == ("erfuellt", "", "Verwaltung")
    taking_part(store, p.workshop_id).rate(p, "QB1.2", CANNOT_JUDGE)
    for req, value in (("QB2.1", "erfuellt"), ("QB1.1", "sehr gut"), ("QB1.1", None)):
        with pytest.raises(InputError):
            taking_part(store, p.workshop_id).rate(p, req, value)
    assert len(store.workshops.ratings(ws.id)) == 2


def test_aggregation_hides_small_groups_and_flags_disagreement(store, setup):
    catalog, _cycle, ws = setup
    people = [taking_part(store, ws.id).join(role_group="Leitung" if i < 3 else "Verwaltung") for i in range(5)]
    for p, value in zip(people[:2], ["erfuellt", "nicht_erfuellt"], strict=True):
        taking_part(store, p.workshop_id).rate(p, "QB1.1", value)
    stats = {s.requirement_id: s for s in aggregate(catalog, ws, store.workshops.ratings(ws.id))}
    assert stats["QB1.1"].rated == 2 and not stats["QB1.1"].shown and stats["QB1.1"].counts == {}
    taking_part(store, people[2].workshop_id).rate(people[2], "QB1.1", "erfuellt")
    taking_part(store, people[3].workshop_id).rate(people[3], "QB1.1", CANNOT_JUDGE)
    s = {s.requirement_id: s for s in aggregate(catalog, ws, store.workshops.ratings(ws.id))}["QB1.1"]
    assert (s.answers, s.rated, s.cannot_judge, s.shown) == (4, 3, 1, True)
    assert s.counts["erfuellt"] == 2 and s.counts["nicht_erfuellt"] == 1
    assert s.median == "erfuellt" and s.spread == 2 and s.disagreement
    assert s.by_role == {}  # Verwaltung has fewer than 3 ratings: no breakdown at all
    taking_part(store, people[4].workshop_id).rate(people[4], "QB1.1", "teilweise")
    taking_part(store, people[3].workshop_id).rate(people[3], "QB1.1", "teilweise")
    more = [taking_part(store, ws.id).join(role_group="Verwaltung")]
    taking_part(store, more[0].workshop_id).rate(more[0], "QB1.1", "teilweise")
    s = {s.requirement_id: s for s in aggregate(catalog, ws, store.workshops.ratings(ws.id))}["QB1.1"]
    assert set(s.by_role) == {"Leitung", "Verwaltung"} and s.by_role["Verwaltung"]["teilweise"] == 3


def test_dots_in_a_room_without_devices(store, setup):
    catalog, _cycle, ws = setup
    workshops(store, ws.cycle_id).set_dots(ws, "QB3.1", "erfuellt", 7)
    workshops(store, ws.cycle_id).set_dots(ws, "QB3.1", "teilweise", "2")
    workshops(store, ws.cycle_id).set_dots(ws, "QB3.1", "teilweise", "3")  # corrected count replaces
    for bad in ("viele", -1, 501):
        with pytest.raises(InputError):
            workshops(store, ws.cycle_id).set_dots(ws, "QB3.1", "erfuellt", bad)
    s = {s.requirement_id: s for s in aggregate(catalog, ws, [], store.workshops.dots(ws.id))}["QB3.1"]
    assert (s.rated, s.counts["erfuellt"], s.counts["teilweise"], s.median) == (10, 7, 3, "erfuellt")


def test_consensus_goes_into_the_self_evaluation_with_its_source(store, setup):
    _catalog, cycle, ws = setup
    c = workshops(store, ws.cycle_id).record_consensus(
        ws, "QB1.1", "teilweise", "Verfahren fehlt noch", "2 sahen es erfüllt", "QMB"
    )
    a = store.assessments.get(cycle.id, "QB1.1")
    assert a.rating == "teilweise" and a.changed_by == "Workshop „Teamtag“"
    assert store.workshops.consensus(ws.id)["QB1.1"] == c
    with pytest.raises(InputError):
        workshops(store, ws.cycle_id).record_consensus(ws, "QB1.1", CANNOT_JUDGE)
    store.assessments.set_field(cycle.id, "QB1.1", "rating", "erfuellt", "QMB")  # changed later like any rating
    assert store.assessments.get(cycle.id, "QB1.1").rating == "erfuellt"
    assert store.workshops.consensus(ws.id)["QB1.1"].rating == "teilweise"  # the workshop record stays


def _participant(url: str, token: str, n: int, out: mp.Queue) -> None:
    store = Store(url)
    ws = workshop_for_participant(store, token)
    errors = 0
    p = taking_part(store, ws.id).join(role_group=["Leitung", "Verwaltung"][n % 2])
    for req in ws.requirement_ids:
        try:
            taking_part(store, p.workshop_id).rate(p, req, ["erfuellt", "teilweise", "nicht_erfuellt"][n % 3], f"p{n}")
        except Exception:
            errors += 1
    out.put(errors)


def test_twenty_participants_rate_at_once(store_url: str, catalogs):
    url = store_url
    store = Store(url)
    catalog = catalogs.get("qm4")
    cycle = CycleService(store).create_cycle(CycleService(store).create_institution("Viele").id, "2027", catalog)
    ws = workshops(store, cycle.id).create(
        title="Groß",
        held_on=date(2027, 5, 1),
        requirement_ids=[r.id for r in catalog.requirements()],
    )
    ctx = mp.get_context("spawn")
    queue: mp.Queue = ctx.Queue()
    procs = [ctx.Process(target=_participant, args=(url, ws.token, n, queue)) for n in range(20)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(180)
    assert [queue.get(timeout=5) for _ in procs] == [0] * 20
    ratings = store.workshops.ratings(ws.id)
    assert len(ratings) == 20 * len(ws.requirement_ids)  # every rating arrived, none doubled
    stats = aggregate(catalog, ws, ratings)
    assert all(s.rated == 20 and sum(s.counts.values()) == 20 for s in stats)
