"""Catalogs: the five shipped models load with their facts; broken files give a message naming file and place."""

from __future__ import annotations

from pathlib import Path

import pytest

from qmkit.config import BUILTIN_STANDARDS
from qmkit.domain.catalog import parse_catalog
from qmkit.errors import CatalogError
from qmkit.store.catalogs import discover, load_catalog

from .conftest import SHIPPED


def test_all_five_models_are_shipped_and_valid(catalogs):
    assert set(catalogs.catalogs) == SHIPPED
    for cat in catalogs.catalogs.values():
        for area in cat.areas:
            assert len(area.all_requirements()) >= 3, (cat.id, area.id)
        assert cat.source and "Eigene Formulierungen" in cat.source


def test_model_facts_match_domain(catalogs):
    lqw = catalogs.get("lqw")
    assert len(lqw.areas) == 11
    assert [v.label for v in lqw.scale.values] == ["beschrieben", "in Arbeit", "offen"]  # no verdict
    assert lqw.procedure.validity_years == 4
    qm4 = catalogs.get("qm4")
    assert len(qm4.areas) == 4 and qm4.procedure.validity_years == 3 and len(qm4.procedure.steps) == 8
    assert any(v.not_applicable for v in qm4.scale.values)
    qes = catalogs.get("qesplus")
    assert qes.levels == ["Bereich", "Handlungsfeld", "Bestandteil"]  # QESplus' own names for its levels
    assert "Führungsprozesse" not in [a.title for a in qes.areas]  # process types are the institution's, not areas
    assert all(area.groups and area.groups[0].groups for area in qes.areas)  # three levels deep
    assert "internes Audit" in qes.procedure.cycle_note
    assert len(catalogs.get("dkbm").areas) == 6
    assert catalogs.get("qmf").procedure.validity_years == 3


GOOD = (BUILTIN_STANDARDS / "qm4.yaml").read_text(encoding="utf-8")

BROKEN = {
    "syntax": ("id: x\nname: [unclosed\n", "YAML-Fehler"),
    "empty": ("", "leer"),
    "not_mapping": ("- a\n- b\n", "oberste Ebene"),
    "duplicate_ids": (GOOD.replace("id: QB1.2\n", "id: QB1.1\n"), "mehrfach vergeben: QB1.1"),
    "unknown_scale_value": (
        GOOD.replace("scale: [erfuellt, teilweise, nicht_erfuellt, nz]", "scale: [erfuellt, super]"),
        "unbekannte Skalenwerte super",
    ),
    "missing_areas": (GOOD.split("\nareas:")[0] + "\n", "areas"),
    "alias_bomb": (
        'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n'
        "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n",
        "Anker",
    ),
    "python_tag": ("id: !!python/object/apply:os.system ['echo pwned']\n", "unerlaubtes YAML-Tag"),
}


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_each_broken_kind_names_file_and_problem(tmp_path: Path, kind: str):
    text, expected = BROKEN[kind]
    bad = tmp_path / f"{kind}.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError) as info:
        load_catalog(bad)
    message = str(info.value)
    assert str(bad) in message
    assert expected in message
    assert "Traceback" not in message


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_broken_catalog_does_not_stop_the_others(tmp_path: Path, kind: str):
    (tmp_path / "bad.yaml").write_text(BROKEN[kind][0], encoding="utf-8")
    (tmp_path / "good.yaml").write_text(GOOD.replace("id: qm4", "id: eigener"), encoding="utf-8")
    found = discover([BUILTIN_STANDARDS, tmp_path])
    assert set(found.catalogs) == {*SHIPPED, "eigener"}
    assert len(found.errors) == 1 and "bad.yaml" in found.errors[0].source


def test_message_gives_line_and_key_path():
    text = GOOD.replace("        text: Neue Mitarbeitende", "        txt: Neue Mitarbeitende")
    with pytest.raises(CatalogError) as info:
        parse_catalog(text, "mein.yaml")
    problems = info.value.problems
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "txt: Neue" in row)
    assert any(
        f"mein.yaml, Zeile {line} (areas[1].requirements[1].txt)" in p and "unbekanntes Feld" in p for p in problems
    ), problems
    assert any("areas[1].requirements[1].text" in p and "Pflichtfeld fehlt" in p for p in problems), problems


def test_extra_folders_from_environment(tmp_path: Path, monkeypatch):
    (tmp_path / "verbund.yaml").write_text(GOOD.replace("id: qm4", "id: verbund"), encoding="utf-8")
    monkeypatch.setenv("QMKIT_STANDARDS", str(tmp_path))
    assert "verbund" in discover().catalogs


def test_same_id_twice_is_reported_not_overwritten(tmp_path: Path):
    (tmp_path / "kopie.yaml").write_text(GOOD.replace("name: Vier-Bereiche", "name: Kopie"), encoding="utf-8")
    found = discover([BUILTIN_STANDARDS, tmp_path])
    assert found.get("qm4").name.startswith("Vier-Bereiche")
    assert "gibt es schon" in str(found.errors[0])


def test_oversized_file_is_refused(tmp_path: Path):
    big = tmp_path / "big.yaml"
    big.write_text("# " + "x" * (6 * 1024 * 1024), encoding="utf-8")
    with pytest.raises(CatalogError, match="größer als 5 MB"):
        load_catalog(big)
