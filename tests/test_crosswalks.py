"""Crosswalks between catalogs: what a QMB checks after writing one, prefilling a cycle or comparing in a network.

A broken crosswalk file names file, line and fix and breaks nothing else; ratings carried to another scale land on the
value a person would choose (nearest by score, the lower one on a tie, the lowest of several sources); a prefill never
overwrites; a contribution of another catalog counts in the network as its translated ratings.
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import ipywidgets as w
import pytest

from qmkit.cli import main
from qmkit.config import BUILTIN_STANDARDS
from qmkit.domain.crosswalk import parse_crosswalk, translate
from qmkit.domain.network_comparison import compare
from qmkit.errors import AccessDenied, CatalogError, InputError
from qmkit.services.access import Access
from qmkit.services.cycles import CycleService
from qmkit.services.network_compare import NetworkComparison
from qmkit.services.networks import NetworkService
from qmkit.services.people import People, identify
from qmkit.services.prefill import Prefill
from qmkit.services.selfeval import SelfEvaluation
from qmkit.store import Store
from qmkit.store.catalogs import discover, load_crosswalk
from qmkit.ui.app import build_page
from tests.conftest import shipped_catalogs

GOOD = (BUILTIN_STANDARDS / "crosswalks" / "qm4-qesplus.yaml").read_text(encoding="utf-8")


def _line(text: str, marker: str) -> int:
    return next(i for i, row in enumerate(text.splitlines(), 1) if marker in row)


# --------------------------------------------------------------------------- files


def test_shipped_crosswalks_load_with_the_catalogs(catalogs):
    assert not catalogs.errors
    assert set(catalogs.crosswalks) == {"qm4-qesplus", "lqw-qm4"}
    assert catalogs.crosswalk("qesplus", "qm4") is catalogs.crosswalk("qm4", "qesplus")
    assert catalogs.crosswalk("qm4", "qmf") is None
    for walk in catalogs.crosswalks.values():
        assert all(m.note for m in walk.mappings), walk.id  # every mapping says why, in our own words


BROKEN = {
    "unknown_requirement": (
        GOOD.replace("source: QB2.3\n", "source: QB2.9\n"),
        "source: QB2.9",
        "Anforderung „QB2.9“ gibt es im Katalog „qm4“ nicht",
    ),
    "unknown_requirement_in_list": (
        GOOD.replace("target: [F2.1.1, F2.1.2]", "target: [F2.1.1, F2.1.7]"),
        "F2.1.7",
        "„F2.1.7“ gibt es im Katalog „qesplus“ nicht",
    ),
    "unknown_catalog": (
        GOOD.replace("target: {catalog: qesplus", "target: {catalog: qes-plus"),
        "catalog: qes-plus",
        "Katalog „qes-plus“ ist nicht geladen",
    ),
    "bad_yaml": (GOOD.replace("    target: U1.1.1\n", "    target: U1.1.1: x\n"), "U1.1.1: x", "YAML-Fehler"),
    "duplicate_mapping": (
        GOOD + "  - {source: QB2.3, target: U1.1.2, kind: teilweise, note: doppelt}\n",
        "note: doppelt",
        "Zuordnung steht doppelt",
    ),
    "unknown_kind": (
        GOOD.replace("    kind: teilweise\n", "    kind: aehnlich\n", 1),
        "kind: aehnlich",
        "ungültiger Wert",
    ),
    "typo_in_key": (
        GOOD.replace("    note: Fortbildung", "    nte: Fortbildung"),
        "nte: Fortbildung",
        "unbekanntes Feld",
    ),
}


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_broken_crosswalk_names_file_line_and_fix(tmp_path: Path, kind: str):
    text, marker, expected = BROKEN[kind]
    bad = tmp_path / f"{kind}.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError) as info:
        load_crosswalk(bad, shipped_catalogs().catalogs)
    message = str(info.value)
    assert expected in message
    assert f"{bad}, Zeile {_line(text, marker)}" in message, message
    assert "Traceback" not in message


def test_messages_say_how_to_fix():
    text = GOOD.replace("source: QB2.3\n", "source: QB2.9\n")
    with pytest.raises(CatalogError, match=r"bitte eine ID des Katalogs eintragen \(meinten Sie „QB2\.\d“\?\)"):
        parse_crosswalk(text, "x.yaml", shipped_catalogs().catalogs)
    with pytest.raises(CatalogError, match="bitte die Katalog-ID korrigieren"):
        parse_crosswalk(GOOD.replace("{catalog: qm4,", "{catalog: qm5,"), "x.yaml", shipped_catalogs().catalogs)
    with pytest.raises(CatalogError, match="bitte eine der beiden löschen"):
        parse_crosswalk(GOOD + "  - {source: QB1.1, target: K1.1.1}\n", "x.yaml", shipped_catalogs().catalogs)


def test_a_broken_crosswalk_breaks_nothing_else_and_a_users_folder_counts(tmp_path: Path):
    (tmp_path / "crosswalks").mkdir()
    (tmp_path / "crosswalks" / "kaputt.yaml").write_text(BROKEN["unknown_requirement"][0], encoding="utf-8")
    own = "id: qmf-dkbm\ntitle: QMF ↔ DKBM\nsource: {catalog: qmf}\ntarget: {catalog: dkbm}\nmappings:\n"
    own += "  - {source: V.3, target: D5.1, kind: teilweise, note: Zuständigkeit}\n"
    (tmp_path / "crosswalks" / "eigen.yaml").write_text(own, encoding="utf-8")
    found = discover([BUILTIN_STANDARDS, tmp_path])
    assert set(found.catalogs) == set(shipped_catalogs().catalogs)
    assert set(found.crosswalks) == {"qm4-qesplus", "lqw-qm4", "qmf-dkbm"}
    assert [Path(e.source).name for e in found.errors] == ["kaputt.yaml"]
    # the same pair a second time: reported, the first one stays
    (tmp_path / "crosswalks" / "kaputt.yaml").write_text(GOOD.replace("id: qm4-qesplus", "id: zweite"), "utf-8")
    found = discover([BUILTIN_STANDARDS, tmp_path])
    assert "zweite" not in found.crosswalks and "schon der Crosswalk" in str(found.errors[0])


def test_a_broken_crosswalk_is_listed_on_the_start_page(store, tmp_path: Path):
    (tmp_path / "crosswalks").mkdir()
    (tmp_path / "crosswalks" / "kaputt.yaml").write_text(BROKEN["unknown_catalog"][0], encoding="utf-8")
    page = build_page("start", {}, store, discover([BUILTIN_STANDARDS, tmp_path]))
    text = "\n".join(x.value for x in _walk(page) if isinstance(x, w.HTML))
    assert "kaputt.yaml" in text and "qes-plus" in text


# --------------------------------------------------------------------------- carrying ratings across

DKBM_QM4 = """id: dkbm-qm4
title: Probe
source: {catalog: dkbm}
target: {catalog: qm4}
mappings:
  - {source: D1.3, target: QB4.2, note: Zuständigkeiten}
  - {source: [D5.1, D5.3], target: QB4.3, note: Ausstattung}
"""


def test_scales_are_translated_by_score_to_the_nearest_value(catalogs):
    qm4, lqw, dkbm = catalogs.get("qm4"), catalogs.get("lqw"), catalogs.get("dkbm")
    walk = catalogs.crosswalk("lqw", "qm4")
    lqw_to_qm4 = {"beschrieben": "erfuellt", "in_arbeit": "teilweise", "offen": "nicht_erfuellt"}
    for have, want in lqw_to_qm4.items():
        assert translate(walk, lqw, qm4, {"L8.1": have}).carried["QB2.1"].value == want
        assert translate(walk, qm4, lqw, {"QB2.1": want}).carried["L8.1"].value == have
    # "nicht zutreffend" has no counterpart in LQW: not carried, and the reason is given
    back = translate(walk, qm4, lqw, {"QB2.1": "nz"})
    reasons = {s.requirement_id: s.reason for s in back.skipped}
    assert "L8.1" not in back.carried and "„nicht zutreffend“ gibt es in der Skala" in reasons["L8.1"]
    # four steps to three: 66.7 → teilweise (50), 33.3 → teilweise, 0 → nicht erfüllt; 50 is a tie → the lower
    probe = parse_crosswalk(DKBM_QM4, "probe.yaml", catalogs.catalogs)
    expected = {"etabliert": "erfuellt", "in_arbeit": "teilweise", "geplant": "teilweise", "offen": "nicht_erfuellt"}
    for have, want in expected.items():
        assert translate(probe, dkbm, qm4, {"D1.3": have}).carried["QB4.2"].value == want
    assert translate(probe, qm4, dkbm, {"QB4.2": "teilweise"}).carried["D1.3"].value == "geplant"
    assert translate(probe, qm4, dkbm, {"QB4.2": "nz"}).carried["D1.3"].value == "nz"


def test_several_sources_give_the_more_careful_value(catalogs):
    qm4, lqw = catalogs.get("qm4"), catalogs.get("lqw")
    walk = catalogs.crosswalk("lqw", "qm4")
    both = translate(walk, lqw, qm4, {"L2.1": "beschrieben", "L2.3": "in_arbeit"})
    assert both.carried["QB1.1"].value == "teilweise" and both.carried["QB1.1"].sources == ("L2.1", "L2.3")
    half = translate(walk, lqw, qm4, {"L2.1": "beschrieben"})
    assert "QB1.1" not in half.carried
    assert any(s.requirement_id == "QB1.1" and "L2.3" in s.reason for s in half.skipped)


def test_partial_mappings_only_suggest_and_an_equal_one_wins(catalogs):
    qm4, qes, lqw = catalogs.get("qm4"), catalogs.get("qesplus"), catalogs.get("lqw")
    carried = translate(catalogs.crosswalk("qm4", "qesplus"), qm4, qes, {"QB4.4": "teilweise", "QB1.1": "erfuellt"})
    assert carried.carried["F2.1.1"].suggestion and carried.carried["F2.1.2"].value == "teilweise"
    assert not carried.carried["K1.1.1"].suggestion
    assert carried.ratings(suggestions=False) == {"K1.1.1": "erfuellt"}
    # L5.3 is reached by QB1.4 (gleich) and QB4.4 (teilweise): the equal mapping decides, no suggestion
    walk = catalogs.crosswalk("lqw", "qm4")
    found = translate(walk, qm4, lqw, {"QB1.4": "erfuellt", "QB4.4": "nicht_erfuellt"}).carried["L5.3"]
    assert (found.value, found.suggestion) == ("beschrieben", False)


def test_best_and_worst_stay_best_and_worst_both_ways(catalogs):
    for walk in catalogs.crosswalks.values():
        for a, b in ((walk.source.catalog, walk.target.catalog), (walk.target.catalog, walk.source.catalog)):
            one, other = catalogs.get(a), catalogs.get(b)
            for pick, index in ((0, 0), (-1, -1)):
                usable = [v.value for v in one.scale.values if not v.not_applicable]
                ratings = {r.id: usable[pick] for r in one.requirements()}
                result = translate(walk, one, other, ratings)
                want = [v.value for v in other.scale.values if not v.not_applicable][index]
                assert result.carried and {c.value for c in result.carried.values()} == {want}, (a, b, pick)


# --------------------------------------------------------------------------- prefill


@pytest.fixture
def two_cycles(store, catalogs):
    """A VHS with a rated qm4 cycle (and evidence) and a new QESplus cycle."""
    cycles = CycleService(store)
    inst = cycles.create_institution("VHS Nord", "K. Ahrens")
    old = cycles.create_cycle(inst.id, "QM4 2025", catalogs.get("qm4"))
    new = cycles.create_cycle(inst.id, "QESplus 2026", catalogs.get("qesplus"))
    source = SelfEvaluation.open(store, old.id, catalogs)
    source.rate_all({"QB1.1": "erfuellt", "QB1.2": "teilweise", "QB1.4": "nicht_erfuellt", "QB4.4": "teilweise"})
    source.add_evidence("QB1.1", title="Bedarfsanalyse 2025")
    return old, new


def test_prefill_fills_only_what_is_empty(store, catalogs, two_cycles):
    old, new = two_cycles
    target = SelfEvaluation.open(store, new.id, catalogs)
    target.rate("K1.1.2", "erfuellt", "Kim")  # QB1.2 says "teilweise": Kim's value stays
    target.add_evidence("K1.1.1", title="Eigene Bedarfserhebung")
    service = Prefill.open(store, new.id, catalogs)
    assert [s.cycle.id for s in service.sources()] == [old.id]
    preview = service.preview()
    assert preview.prefilled == ("K1.1.1",) and preview.kept == ("K1.1.2",)
    assert target.assessments()["K1.1.1"].rating is None  # a preview stores nothing
    target.rate("K1.2.2", "erfuellt", "Lea")  # a colleague rates after the preview …
    write = store.carry_over.prefill

    def meanwhile(*args, **kwargs):  # … and another one while the prefill is on its way to the store
        target.rate("F2.1.2", "nicht_erfuellt", "Max")
        return write(*args, **kwargs)

    store.carry_over.prefill = meanwhile
    done = service.apply(user="QMB")
    answers = target.assessments()
    assert {k: a.rating for k, a in answers.items() if a.rating} == {
        "K1.1.1": "erfuellt",
        "K1.1.2": "erfuellt",
        "K1.2.2": "erfuellt",
        "F2.1.1": "teilweise",
        "F2.1.2": "nicht_erfuellt",
    }
    assert set(done.kept) == {"K1.1.2", "K1.2.2", "F2.1.2"} and done.suggested == ("F2.1.1",)
    assert answers["K1.1.2"].changed_by == "Kim" and answers["K1.2.2"].changed_by == "Lea"
    assert answers["F2.1.2"].changed_by == "Max"
    assert target.to_confirm() == {"F2.1.1"}  # suggestions are marked, equal mappings and Max's value are not
    assert [e.title for e in answers["K1.1.1"].evidence] == ["Eigene Bedarfserhebung"]  # had its own: unchanged
    assert "K1.2.1" in {s.requirement_id for s in done.skipped}  # QB1.3 was not rated
    again = service.apply()
    assert again.prefilled == () and again.suggested == () and again.linked == 0


def test_prefill_copies_evidence_where_there_is_none(store, catalogs, two_cycles):
    _old, new = two_cycles
    done = Prefill.open(store, new.id, catalogs).apply()
    answers = SelfEvaluation.open(store, new.id, catalogs).assessments()
    assert done.linked == 1 and [e.title for e in answers["K1.1.1"].evidence] == ["Bedarfsanalyse 2025"]
    assert "1 verknüpft" in done.message() and "3 davon nur als Vorschlag" in done.message()


def test_prefill_needs_the_right_to_edit_and_a_crosswalk(store, catalogs, two_cycles):
    old, new = two_cycles
    people = People(store)
    people.add("dora", "Dora Dietz")
    people.grant("dora", new.institution_id, "lesen")
    reader = Prefill.open(store, new.id, catalogs, Access(store, identify(store, "dora")))
    assert reader.preview().prefilled  # reading is allowed
    with pytest.raises(AccessDenied, match="Rolle"):
        reader.apply()
    assert not SelfEvaluation.open(store, new.id, catalogs).assessments()
    qmf = CycleService(store).create_cycle(new.institution_id, "QMF 2026", catalogs.get("qmf"))
    with pytest.raises(InputError, match="keinen Crosswalk"):
        Prefill.open(store, new.id, catalogs).apply(qmf.id)
    with pytest.raises(InputError, match="aus sich selbst"):
        Prefill.open(store, new.id, catalogs).preview(new.id)
    other = CycleService(store).create_institution("Jugendhilfe Süd")
    theirs = CycleService(store).create_cycle(other.id, "QM4", catalogs.get("qm4"))
    with pytest.raises(InputError, match="anderen Einrichtung"):
        Prefill.open(store, new.id, catalogs).apply(theirs.id)
    assert [s.cycle.id for s in Prefill.open(store, new.id, catalogs).sources()] == [old.id]


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def test_the_page_card_prefills_and_says_what_it_did(store, catalogs, two_cycles):
    old, new = two_cycles
    page = build_page("selbstbewertung", {"zyklus": str(new.id)}, store, catalogs)
    html = "\n".join(x.value for x in _walk(page) if isinstance(x, w.HTML))
    assert "Aus anderem Katalog vorbelegen" in html and "Vier-Bereiche-Modell ↔ QESplus" in html
    choice = next(x for x in _walk(page) if isinstance(x, w.Dropdown) and x.description == "Vorlage")
    assert choice.value == old.id
    buttons = {x.description: x for x in _walk(page) if isinstance(x, w.Button)}
    buttons["Leere Felder vorbelegen"].click()
    html = "\n".join(x.value for x in _walk(page) if isinstance(x, w.HTML))
    assert "Bewertungen 5 übernommen" in html and "Traceback" not in html
    assert "3 übernommene Angaben noch zu bestätigen" in html
    assert SelfEvaluation.open(store, new.id, catalogs).assessments()["K1.1.1"].rating == "erfuellt"
    # a cycle whose catalog has no crosswalk shows no card
    lone = CycleService(store).create_cycle(new.institution_id, "QMF", catalogs.get("qmf"))
    page = build_page("selbstbewertung", {"zyklus": str(lone.id)}, store, catalogs)
    assert "Aus anderem Katalog" not in "\n".join(x.value for x in _walk(page) if isinstance(x, w.HTML))


# --------------------------------------------------------------------------- networks


def test_a_contribution_of_another_catalog_counts_as_its_translated_ratings(store, catalogs):
    qes, qm4 = catalogs.get("qesplus"), catalogs.get("qm4")
    service = NetworkService(store, catalogs)
    comparison = NetworkComparison(service)
    network = service.create({"name": "Verbund", "kind": "verbund", "catalog_id": "qesplus", "threshold": 3})
    the_round = service.add_round(network.id, {"name": "2026", "starts": date(2026, 1, 1)})
    rng = random.Random(3)
    expected, members = {}, []
    for i, catalog in enumerate([qes, qes, qes, qm4]):
        inst = store.institutions.create(f"Einrichtung {i}")
        member = service.invite(network.id, {"kind": "traeger"}, inst.id)
        service.accept(member.id)
        cycle = store.cycles.create(inst.id, "2026", catalog)
        ratings = {r.id: rng.choice([v.value for v in catalog.scale_for(r)]) for r in catalog.requirements()}
        SelfEvaluation(store, cycle, catalog).rate_all(ratings)
        made = comparison.contribute(member.id, the_round.id, cycle.id)
        assert made.catalog_id == catalog.id and made.ratings == ratings  # stored as given
        walk = catalogs.crosswalk("qm4", "qesplus")
        expected[member.id] = ratings if catalog is qes else translate(walk, qm4, qes, ratings).ratings(False)
        members.append(member)
    assert comparison.member_cycles(members[3].id) == []  # measures go to cycles of the network's catalog
    assert len(comparison.member_cycles(members[3].id, crosswalked=True)) == 1
    own = members[3].id
    report = comparison.report(network.id, the_round.id, own)
    assert report == compare(qes, expected, 3, "2026", 4, own, members[3].name)
    assert report.contributions == 4
    by_id = {s.requirement_id: s for s in report.requirements}
    assert by_id["K1.1.1"].n == 4 and by_id["F2.1.3"].n == 3  # F2.1.3 has no counterpart in qm4
    assert by_id["F2.1.1"].n == 3  # only a partial mapping: no comparison


# --------------------------------------------------------------------------- command line


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_crosswalk_check(capsys, tmp_path: Path):
    code, out, _ = run(capsys, "crosswalk", "check")
    assert code == 0 and "qm4 ↔ qesplus, 8 Zuordnungen (5 gleich, 3 teilweise)" in out
    text, marker, _expected = BROKEN["unknown_requirement"]
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    good = BUILTIN_STANDARDS / "crosswalks" / "lqw-qm4.yaml"
    code, out, _ = run(capsys, "crosswalk", "check", str(bad), str(good))
    assert code == 1
    assert f"{bad}, Zeile {_line(text, marker)} (mappings[5].source): Anforderung „QB2.9“" in out
    assert f"{good}: gültig – lqw-qm4" in out


def test_cli_prefill_preview_then_apply(capsys, tmp_path: Path, monkeypatch, catalogs):
    monkeypatch.setenv("QMKIT_DATA", str(tmp_path / "data"))
    store = Store(upgrade=True)
    cycles = CycleService(store)
    inst = cycles.create_institution("VHS Ost")
    old = cycles.create_cycle(inst.id, "LQW 2024", catalogs.get("lqw"))
    new = cycles.create_cycle(inst.id, "QM4 2026", catalogs.get("qm4"))
    SelfEvaluation.open(store, old.id, catalogs).rate_all(
        {"L8.1": "in_arbeit", "L10.2": "beschrieben", "L8.2": "beschrieben"}
    )
    code, out, _ = run(capsys, "prefill", "--cycle", str(new.id))
    assert code == 0 and "Bewertungen 4 würden übernommen (2 davon nur als Vorschlag" in out
    assert "Nichts gespeichert" in out and not store.assessments.of_cycle(new.id)
    code, out, _ = run(capsys, "prefill", "--cycle", str(new.id), "--from-cycle", str(old.id), "--apply")
    assert code == 0 and "Bewertungen 4 übernommen" in out
    stored = {k: a.rating for k, a in store.assessments.of_cycle(new.id).items()}
    assert stored == {"QB2.1": "teilweise", "QB3.2": "erfuellt", "QB2.3": "erfuellt", "QB2.4": "erfuellt"}
    code, _out, err = run(capsys, "prefill", "--cycle", str(old.id), "--from-cycle", str(old.id))
    assert code == 1 and err.startswith("Fehler: ") and "aus sich selbst" in err
