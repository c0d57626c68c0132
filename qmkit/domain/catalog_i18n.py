"""A catalog's texts in another language: the ``translations`` block of a catalog file and the translated copy.

A catalog is written in its own language (``language: de``). Its file may carry the same texts in other languages,
keyed by the ids the catalog already has::

    translations:
      en:
        name: Four-area QM model (working catalogue)
        levels: [Quality area, Standard]
        scale: {erfuellt: fulfilled, teilweise: partly fulfilled}
        procedure:
          name: Certification procedure
          steps: {anmeldung: {title: Registration and contract}}
          deadlines: {halbzeit: {title: Mid-term workshop, note: …}}
        items:
          QB1: {title: Education – the programme, description: …}
          QB1.1: {title: Identify needs, text: …, guidance: …, evidence: [Needs analysis, …]}

Every part is optional: what is not translated stays in the catalog's language. :func:`localized` returns the
catalog with the texts of ``QMKIT_LANG`` (see :mod:`qmkit.i18n`); ids, scale values and everything stored stay
the same, so data entered in one language is shown in the other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import Field

from qmkit.domain.yaml_data import StrictModel
from qmkit.i18n import _

if TYPE_CHECKING:
    from qmkit.domain.catalog import Catalog, Group, Requirement


class ItemTexts(StrictModel):
    """The texts of an area, a group or a requirement (which fields apply depends on what the id names)."""

    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = None
    text: str | None = Field(default=None, min_length=1)
    guidance: str | None = None
    evidence: list[str] | None = None


class StepTexts(StrictModel):
    """The texts of a procedure step or deadline."""

    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = None
    note: str | None = None


class ProcedureTexts(StrictModel):
    name: str | None = Field(default=None, min_length=1)
    cycle_note: str | None = None
    steps: dict[str, StepTexts] = Field(default_factory=dict)
    deadlines: dict[str, StepTexts] = Field(default_factory=dict)


class CatalogTexts(StrictModel):
    """One language's texts of a catalog (``translations: {en: …}``)."""

    name: str | None = Field(default=None, min_length=1)
    description: str | None = None
    source: str | None = None
    levels: list[str] | None = None
    definition: str | None = Field(default=None, max_length=120)  # self_report.definition
    scale: dict[str, str] = Field(default_factory=dict)  # scale value → label
    procedure: ProcedureTexts = Field(default_factory=ProcedureTexts)
    items: dict[str, ItemTexts] = Field(default_factory=dict)  # area, group or requirement id → texts


def unknown_ids(catalog: Catalog) -> list[str]:
    """The ids a translation names that the catalog does not have (a typo would silently stay untranslated)."""
    items = {i for i in catalog._all_ids()}
    scale = {v.value for v in catalog.scale.values}
    steps = {s.id for s in catalog.procedure.steps}
    deadlines = {d.id for d in catalog.procedure.deadlines}
    found = []
    for lang, texts in catalog.translations.items():
        found += [f"{lang}.items.{i}" for i in texts.items if i not in items]
        found += [f"{lang}.scale.{v}" for v in texts.scale if v not in scale]
        found += [f"{lang}.procedure.steps.{s}" for s in texts.procedure.steps if s not in steps]
        found += [f"{lang}.procedure.deadlines.{d}" for d in texts.procedure.deadlines if d not in deadlines]
    return found


def check_translations(catalog: Catalog) -> None:
    """Raise ``ValueError`` (the catalog validator's way) when a translation names an unknown id."""
    unknown = unknown_ids(catalog)
    if unknown:
        raise ValueError(_("Übersetzung nennt unbekannte IDs: {ids}").format(ids=", ".join(unknown)))


def _set(update: dict[str, Any], **texts: Any) -> dict[str, Any]:
    update.update({k: v for k, v in texts.items() if v is not None})
    return update


def localized(catalog: Catalog, lang: str) -> Catalog:
    """``catalog`` with its texts in ``lang`` where the file has them (the catalog itself when it has none)."""
    texts = catalog.translations.get(lang)
    if texts is None or lang == catalog.language:
        return catalog

    def requirement(req: Requirement) -> Requirement:
        t = texts.items.get(req.id, ItemTexts())
        return req.model_copy(update=_set({}, title=t.title, text=t.text, guidance=t.guidance, evidence=t.evidence))

    def group(node: Group) -> Group:
        t = texts.items.get(node.id, ItemTexts())
        update = {
            "groups": [group(g) for g in node.groups],
            "requirements": [requirement(r) for r in node.requirements],
        }
        return node.model_copy(update=_set(update, title=t.title, description=t.description))

    scale = catalog.scale.model_copy(
        update={"values": [v.model_copy(update=_set({}, label=texts.scale.get(v.value))) for v in catalog.scale.values]}
    )
    proc, pt = catalog.procedure, texts.procedure

    def step(s: Any, t: StepTexts | None) -> Any:
        return s.model_copy(update=_set({}, **t.model_dump(include=set(type(s).model_fields)))) if t else s

    procedure = proc.model_copy(
        update=_set(
            {
                "steps": [step(s, pt.steps.get(s.id)) for s in proc.steps],
                "deadlines": [step(d, pt.deadlines.get(d.id)) for d in proc.deadlines],
            },
            name=pt.name,
            cycle_note=pt.cycle_note,
        )
    )
    report = catalog.self_report.model_copy(update=_set({}, definition=texts.definition))
    update = {"areas": [group(a) for a in catalog.areas], "scale": scale, "procedure": procedure, "language": lang}
    update["self_report"] = report
    return catalog.model_copy(
        update=_set(update, name=texts.name, description=texts.description, source=texts.source, levels=texts.levels)
    )
