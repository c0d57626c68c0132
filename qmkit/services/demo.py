"""A realistic, partly filled self-evaluation so a newcomer can look around (``qmkit demo``)."""

from __future__ import annotations

from datetime import date, timedelta

from qmkit.domain.catalog import Catalog
from qmkit.domain.model import Cycle
from qmkit.domain.timeline import step_key, suggest_schedule
from qmkit.errors import NotFoundError
from qmkit.i18n import N_, _
from qmkit.services.certification import CertificationPlan
from qmkit.services.demo_processes import add_demo_processes
from qmkit.services.process_map import ProcessMap
from qmkit.services.selfeval import SelfEvaluation
from qmkit.store import Store

# The demo's texts are messages (N_): a demo made with QMKIT_LANG=en reads English.
DEMO_INSTITUTION = N_("Demo-Einrichtung")
PEOPLE = [
    N_("A. Keller (Leitung)"),
    N_("B. Yilmaz (QMB)"),
    N_("C. Brandt (Programmbereich)"),
    N_("D. Novak (Verwaltung)"),
]
TEXTS = [
    N_(
        "Wir haben dazu ein schriftliches Verfahren, das im Team abgestimmt ist und jährlich überprüft wird. "
        "Zuletzt wurde es im Frühjahr angepasst."
    ),
    N_("Die Umsetzung ist begonnen: Ein Entwurf liegt vor, die Abstimmung mit der Leitung steht noch aus."),
    N_("Das Vorgehen ist im QM-Handbuch beschrieben. Die Mitarbeitenden wurden in der Teamsitzung eingewiesen."),
    N_("Bisher nur mündlich geregelt; eine schriftliche Fassung ist für das nächste Quartal geplant."),
]


def demo_cycle_name(catalog: Catalog) -> str:
    return _("Selbstbewertung {year} – {catalog}").format(year=date.today().year, catalog=catalog.id)


def create_demo(store: Store, catalog: Catalog) -> tuple[Cycle, bool]:
    """Create (or find) the demo institution and a partly rated cycle; returns (cycle, newly_created)."""
    try:
        inst = store.institutions.find(_(DEMO_INSTITUTION))
    except NotFoundError:
        inst = store.institutions.create(_(DEMO_INSTITUTION), qmb="B. Yilmaz")
    name = demo_cycle_name(catalog)
    try:
        return store.cycles.find(inst.id, name), False
    except NotFoundError:
        pass
    cycle = store.cycles.create(inst.id, name, catalog)
    evaluation = SelfEvaluation(store, cycle, catalog)
    if catalog.offers_needs:  # first: the members' cycles it makes are older than the demo cycle's ratings
        from qmkit.services.demo_offers import add_demo_members
        from qmkit.services.offers_data import OffersNeeds

        add_demo_members(OffersNeeds(evaluation))
    user = "Demo"
    for i, req in enumerate(catalog.requirements()):
        if i % 3 == 2:
            continue  # about a third stays open
        scale = catalog.scale_for(req)
        usable = [v for v in scale if not v.not_applicable]
        pick = usable[0] if i % 5 in (0, 1, 3) else usable[min(1 + i % 2, len(usable) - 1)]
        evaluation.rate(req.id, pick.value, user)
        evaluation.set_text(req.id, "implementation", _(TEXTS[i % len(TEXTS)]), user)
        evaluation.set_text(req.id, "responsible", _(PEOPLE[i % len(PEOPLE)]), user)
        for j, title in enumerate(req.evidence[:2]):
            evaluation.add_evidence(
                req.id,
                user,
                title=title,
                version=_("Stand {date}").format(date=f"{1 + (i + j) % 12:02d}/{date.today().year}"),
                location=f"QM-Handbuch, Kapitel {1 + i % 9}",
                on_site_only="Verzeichnis" in title or "Personal" in title,
            )
    # a schedule that began eight weeks ago, its first step done
    start = date.today() - timedelta(weeks=8)
    schedule = suggest_schedule(catalog, start)
    plan = CertificationPlan(evaluation)
    plan.suggest(start, user)
    first = step_key(catalog.procedure.steps[0].id)
    if first in schedule:
        plan.set_date(first, "done", min(schedule[first], date.today()), user)
    add_demo_processes(ProcessMap(evaluation))
    if catalog.internal_audit:
        from qmkit.services.demo_audit import add_demo_audit

        add_demo_audit(evaluation)
    if catalog.offers_needs:
        from qmkit.services.demo_offers import add_demo_data
        from qmkit.services.offers_data import OffersNeeds

        add_demo_data(OffersNeeds(evaluation))
    return store.cycles.get(cycle.id), True
