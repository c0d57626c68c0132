"""People and roles in a shared installation: each person sees and changes only what their role allows.

Runs on SQLite and, with QMKIT_TEST_POSTGRES, on PostgreSQL.
"""

from __future__ import annotations

from datetime import date

import ipywidgets as w
import pytest

from qmkit.domain.access import LOCAL, Role
from qmkit.errors import AccessDenied, InputError
from qmkit.services.access import Access
from qmkit.services.cycles import CycleService
from qmkit.services.people import People, identify
from qmkit.services.planning import Planning
from qmkit.services.selfeval import SelfEvaluation
from qmkit.ui.app import build_page
from tests.conftest import shipped_catalogs


@pytest.fixture
def house(store):
    """Two institutions, a cycle each, and five people (the administration sets them up as LOCAL)."""
    cycles, people = CycleService(store), People(store)
    vhs = cycles.create_institution("VHS Nord")
    hilfe = cycles.create_institution("Jugendhilfe Süd")
    catalog = shipped_catalogs().get("qm4")
    ours = cycles.create_cycle(vhs.id, "2027", catalog)
    theirs = cycles.create_cycle(hilfe.id, "2027", catalog)
    for login, name, inst, role in [
        ("anna", "Anna Acker", vhs, "qmb"),
        ("ben", "Ben Berg", vhs, "mitarbeit"),
        ("carla", "Carla Conrad", vhs, "leitung"),
        ("dora", "Dora Dietz", vhs, "lesen"),
        ("eva", "Eva Engel", hilfe, "qmb"),
    ]:
        people.add(login, name)
        people.grant(login, inst.id, role)
    SelfEvaluation.open(store, theirs.id, shipped_catalogs()).rate("QB1.1", "erfuellt", "Eva")  # theirs is newest
    return store, ours, theirs


def as_(store, login: str) -> Access:
    return Access(store, identify(store, login))


def test_each_role_may_what_it_should(house):
    store, ours, _theirs = house
    catalogs = shipped_catalogs()
    for login, edits, signs, manages in [
        ("anna", True, True, True),
        ("ben", True, False, False),
        ("carla", False, True, False),
        ("dora", False, False, False),
    ]:
        ev = SelfEvaluation.open(store, ours.id, catalogs, as_(store, login))
        assert ev.summary().total > 0  # everyone of the institution reads
        outcomes = []
        for action in (
            lambda ev=ev: ev.rate("QB1.1", "erfuellt", "getippt"),
            lambda ev=ev: Planning(ev).sign_off("Leitung", date(2027, 3, 1)),
            lambda ev=ev, name=f"neu {login}": CycleService(store, ev.access).create_cycle(
                ours.institution_id, name, ev.catalog
            ),
        ):
            try:
                action()
                outcomes.append(True)
            except AccessDenied as exc:
                assert "Ihre Rolle in dieser Einrichtung erlaubt nicht" in str(exc)
                outcomes.append(False)
        assert outcomes == [edits, signs, manages], login


def test_changes_are_recorded_with_the_logged_in_name(house):
    store, ours, _theirs = house
    ev = SelfEvaluation.open(store, ours.id, shipped_catalogs(), as_(store, "ben"))
    stored = ev.rate("QB1.2", "teilweise", "Jemand Anderes")
    assert stored.changed_by == "Ben Berg"  # not what was typed into "Bearbeitet von"
    local = SelfEvaluation.open(store, ours.id, shipped_catalogs())
    assert local.rate("QB1.2", "erfuellt", "R. Roth").changed_by == "R. Roth"  # the laptop: as typed


def test_another_institution_is_refused_and_not_listed(house):
    store, ours, theirs = house
    access = as_(store, "anna")
    with pytest.raises(AccessDenied, match="nicht zugeordnet"):
        SelfEvaluation.open(store, theirs.id, shipped_catalogs(), access)
    cycles = CycleService(store, access)
    assert [i.name for i in cycles.institutions()] == ["VHS Nord"]
    assert [c.id for c in cycles.cycles()] == [ours.id]
    assert cycles.latest().id == ours.id  # although the other institution's cycle changed last
    with pytest.raises(AccessDenied):
        cycles.cycle(theirs.id)
    with pytest.raises(AccessDenied):
        cycles.create_institution("Noch eine")  # only the administration


def test_a_membership_taken_away_counts_from_the_next_click(house):
    store, ours, _theirs = house
    ev = SelfEvaluation.open(store, ours.id, shipped_catalogs(), as_(store, "ben"))
    ev.rate("QB1.1", "erfuellt", "")
    People(store, as_(store, "anna")).revoke("ben", ours.institution_id)
    with pytest.raises(AccessDenied, match="nicht zugeordnet"):
        ev.rate("QB1.1", "teilweise", "")  # the page is still open
    assert store.assessments.get(ours.id, "QB1.1").rating == "erfuellt"


def test_a_qmb_manages_the_members_of_their_own_institution_only(house):
    store, ours, theirs = house
    anna = People(store, as_(store, "anna"))
    assert anna.grant("dora", ours.institution_id, "mitarbeit").role == Role.MITARBEIT
    with pytest.raises(AccessDenied):
        anna.grant("dora", theirs.institution_id, "lesen")
    with pytest.raises(AccessDenied):
        anna.add("fritz", "Fritz")  # adding people is the administration's
    with pytest.raises(InputError, match="einzige QMB"):
        anna.revoke("anna", ours.institution_id)
    with pytest.raises(InputError, match="keine Rolle"):
        anna.grant("ben", ours.institution_id, "chef")
    with pytest.raises(InputError, match="kein gültiger Anmeldename"):
        People(store).add("<script>", "X")
    assert [(m.login, m.role) for m in anna.members(ours.institution_id)][:2] == [
        ("anna", Role.QMB),
        ("ben", Role.MITARBEIT),
    ]


def test_unknown_login_gets_a_german_refusal(store):
    assert identify(store, "") == LOCAL
    with pytest.raises(AccessDenied, match="noch nicht eingetragen"):
        identify(store, "mallory")


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def _html(widget) -> str:
    return "\n".join(x.value for x in _walk(widget) if isinstance(x, w.HTML))


def _buttons(widget) -> set[str]:
    return {x.description for x in _walk(widget) if isinstance(x, w.Button)}


def _options(widget) -> list[str]:
    return [label for x in _walk(widget) if isinstance(x, w.Dropdown) for label, _v in x.options]


def test_pages_show_only_the_own_institution(house, monkeypatch):
    import qmkit

    store, _ours, theirs = house
    catalogs = shipped_catalogs()
    anna = identify(store, "anna")
    with pytest.raises(AccessDenied, match="Kein Zugang"):
        build_page("selbstbewertung", {"zyklus": str(theirs.id)}, store, catalogs, identity=anna)
    start = build_page("start", {}, store, catalogs, identity=anna)
    assert any("VHS Nord" in o for o in _options(start))
    assert not any("Jugendhilfe" in o for o in _options(start))
    assert "Angemeldet als Anna Acker" in _html(start)
    admin_only = {"Einrichtung anlegen", "Demo-Daten für dieses Modell anlegen"}
    assert not admin_only & _buttons(start)  # the administration's, not offered to a QMB
    local = build_page("start", {}, store, catalogs)  # the laptop: everything offered, nobody "angemeldet"
    assert "Angemeldet" not in _html(local) and admin_only <= _buttons(local)
    # in a kernel (qmkit.page): the person comes from the hub, a refusal is a German message on the page
    monkeypatch.setenv("QMKIT_DB", store.url)
    monkeypatch.setenv("JUPYTERHUB_USER", "anna")
    monkeypatch.setenv("QUERY_STRING", f"zyklus={theirs.id}")
    html = _html(qmkit.page("selbstbewertung"))
    assert "Kein Zugang" in html and "Jugendhilfe" not in html
    monkeypatch.setenv("JUPYTERHUB_USER", "mallory")  # logged in at the hub, unknown to qmkit
    assert "noch nicht eingetragen" in _html(qmkit.page("start"))


def test_the_qmb_manages_roles_on_the_members_page(house):
    store, ours, _theirs = house
    catalogs = shipped_catalogs()
    page = build_page("zugaenge", {"zyklus": str(ours.id)}, store, catalogs, identity=identify(store, "anna"))
    assert "Zugänge" in _html(page) and "Ben Berg" in _html(page)
    members = next(x for x in _walk(page) if isinstance(x, w.Text) and x.placeholder == "Anmeldename")
    members.value = "eva"  # Eva (Jugendhilfe Süd's QMB) gets read access here as well
    roles = [x for x in _walk(page) if isinstance(x, w.Dropdown)]
    roles[-1].value = "lesen"
    next(x for x in _walk(page) if isinstance(x, w.Button) and x.description == "Zugang geben").click()
    assert store.users.role("eva", ours.institution_id) == Role.LESEN
    assert "eva ist jetzt Lesen" in _html(page)
    anna_row = next(
        x
        for x in _walk(page)
        if isinstance(x, w.HBox) and "anna" in _html(x) and any(isinstance(c, w.Dropdown) for c in _walk(x))
    )
    own_role = next(x for x in _walk(anna_row) if isinstance(x, w.Dropdown))
    own_role.value = "lesen"  # the only QMB cannot step down: refused, and the stored role is shown again
    assert "einzige QMB" in _html(page)
    assert store.users.role("anna", ours.institution_id) == Role.QMB
    ben = build_page("zugaenge", {"zyklus": str(ours.id)}, store, catalogs, identity=identify(store, "ben"))
    assert "erlaubt nicht" in _html(ben) and "Zugang geben" not in _buttons(ben)
