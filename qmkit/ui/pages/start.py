"""The start page: choose or create an institution and a cycle with its catalog, then go to the steps."""

from __future__ import annotations

from datetime import date

import ipywidgets as w

from qmkit.domain.catalog import CatalogSet
from qmkit.errors import InputError, NotFoundError
from qmkit.i18n import _
from qmkit.services.cycles import CycleService
from qmkit.ui.routes import PageRequest, Route, start_routes
from qmkit.ui.widgets.common import Feedback, card, error_html, esc, guard, make, nav_html, page_box


def start_link(route: Route, cycle_id: int) -> str:
    """A button to one step for the chosen cycle; the main one has an id and an arrow."""
    text = esc(_(route.start_label or route.label))
    if route.start_id:
        return f'<a class="qm-button" id="{esc(route.start_id)}" href="{esc(route.href(cycle_id))}">{text} →</a>'
    return f'<a class="qm-button" href="{esc(route.href(cycle_id))}">{text}</a>'


class StartPage:
    """Institution → cycle (with catalog) → links to Selbstbewertung and the later steps."""

    def __init__(self, cycles: CycleService, catalogs: CatalogSet):
        self.cycles, self.catalogs = cycles, catalogs
        self.feedback = Feedback()
        self.guard = guard(self.feedback)
        self._institution_widgets()
        self._cycle_widgets()
        self.links = make(w.HTML)
        self.create_institution.on_click(self.guard(lambda _b: self.add_institution()))
        self.create_cycle.on_click(self.guard(lambda _b: self.add_cycle()))
        self.demo_button.on_click(self.guard(lambda _b: self.add_demo()))
        self.institution.observe(self.guard(lambda _c: self.fill_cycles()), names="value")
        self.cycle.observe(self.guard(lambda _c: self.show_cycle()), names="value")
        self.catalog.observe(self.guard(lambda _c: self.show_catalog()), names="value")
        self.widget = self._layout()
        self.fill_institutions()
        self.show_catalog()

    def _institution_widgets(self) -> None:
        self.institution = make(
            w.Dropdown, description=_("Einrichtung"), style={"description_width": "8em"}, layout=dict(width="680px")
        )
        self.new_name = make(w.Text, placeholder=_("Name der Einrichtung"), layout=dict(width="300px"))
        self.new_qmb = make(w.Text, placeholder=_("QM-Beauftragte*r"), layout=dict(width="220px"))
        self.create_institution = make(
            w.Button, description=_("Einrichtung anlegen"), icon="plus", layout=dict(width="auto")
        )
        self.institution_error = make(w.HTML)

    def _cycle_widgets(self) -> None:
        self.cycle = make(
            w.Dropdown, description=_("Zyklus"), style={"description_width": "8em"}, layout=dict(width="680px")
        )
        self.cycle_info = make(w.HTML)
        self.new_cycle = make(
            w.Text,
            value=_("Selbstbewertung {year}").format(year=date.today().year),
            placeholder=_("Name des Zyklus"),
            layout=dict(width="300px"),
        )
        self.catalog = make(
            w.Dropdown,
            options=[(c.title, c.id) for c in self.catalogs.sorted()],
            description=_("Qualitätsmodell"),
            style={"description_width": "8em"},
            layout=dict(width="680px"),
        )
        self.catalog_info = make(w.HTML)
        self.create_cycle = make(w.Button, description=_("Zyklus anlegen"), icon="plus", layout=dict(width="auto"))
        self.demo_button = make(
            w.Button, description=_("Demo-Daten für dieses Modell anlegen"), icon="magic", layout=dict(width="auto")
        )
        self.cycle_error = make(w.HTML)

    def _layout(self) -> w.VBox:
        errors = self._catalog_errors_html()
        lead = _("Selbstbewertung nach Ihrem Qualitätsmodell, Schritt für Schritt. Alles wird sofort gespeichert.")
        person = self.cycles.person()
        signed_in = (
            f'<div class="qm-muted">{esc(_("Angemeldet als {name}").format(name=person))}</div>' if person else ""
        )
        intro = make(
            w.HTML,
            nav_html("start", None)
            + f"<h1>{esc(_('qmkit – Qualitätsmanagement'))}</h1>"
            + f'<div class="qm-muted">{esc(lead)}</div>'
            + signed_in,
        )
        # institutions and demo data are the administration's (on a laptop: the one local person's)
        admin = self.cycles.manages_installation()
        new_institution = [make(w.HBox, [self.new_name, self.new_qmb, self.create_institution])] if admin else []
        new_cycle = [self.new_cycle, self.create_cycle, *([self.demo_button] if admin else [])]
        return page_box(
            intro,
            self.feedback.widget,
            make(w.HTML, errors),
            card(
                make(w.HTML, f"<h2>1. {esc(_('Einrichtung'))}</h2>"),
                self.institution,
                *new_institution,
                self.institution_error,
            ),
            card(
                make(w.HTML, f"<h2>2. {esc(_('Zyklus und Qualitätsmodell'))}</h2>"),
                self.cycle,
                self.cycle_info,
                make(w.HTML, f"<b>{esc(_('Neuen Zyklus beginnen'))}</b>"),
                self.catalog,
                self.catalog_info,
                make(w.HBox, new_cycle),
                self.cycle_error,
                make(
                    w.HTML,
                    f'<span class="qm-muted">{esc(_("Offizielle Texte Ihres Zertifizierers?"))}</span> '
                    f'<a href="Katalog.ipynb" id="qm-catalog-import">'
                    f"{esc(_('Anforderungsliste (Excel) als Katalog einlesen'))}</a>",
                ),
            ),
            card(make(w.HTML, f"<h2>3. {esc(_('Weiter'))}</h2>"), self.links),
        )

    def _catalog_errors_html(self) -> str:
        if not self.catalogs.errors:
            return ""
        items = "".join(f"<li>{esc(p)}</li>" for e in self.catalogs.errors for p in e.problems)
        head = _("Diese Katalogdateien konnten nicht geladen werden; die übrigen Kataloge sind verfügbar:")
        return f'<div class="qm-msg-error">{esc(head)}<ul>{items}</ul></div>'

    def fill_institutions(self, select: int | None = None) -> None:
        items = self.cycles.institutions()
        self.institution.options = [(i.name, i.id) for i in items]
        if select is not None:
            self.institution.value = select
        elif items:
            latest = self.cycles.latest()
            self.institution.value = latest.institution_id if latest else items[0].id
        self.fill_cycles()

    def fill_cycles(self, select: int | None = None) -> None:
        inst_id = self.institution.value
        cycles = self.cycles.cycles(inst_id) if inst_id is not None else []
        names = {c.id: c.title for c in self.catalogs.sorted()}
        self.cycle.options = [(f"{c.name} – {names.get(c.catalog_id, c.catalog_id)}", c.id) for c in cycles]
        if select is not None:
            self.cycle.value = select
        elif cycles:
            self.cycle.value = cycles[0].id
        self.show_cycle()

    def show_cycle(self) -> None:
        cycle_id = self.cycle.value
        if cycle_id is None:
            self.cycle_info.value = (
                f'<span class="qm-muted">{esc(_("Noch kein Zyklus – legen Sie unten einen an."))}</span>'
            )
            self.links.value = f'<span class="qm-muted">{esc(_("Zuerst einen Zyklus wählen oder anlegen."))}</span>'
            return
        cycle = self.cycles.cycle(cycle_id)
        try:
            catalog = self.catalogs.get(cycle.catalog_id)
        except NotFoundError as exc:
            self.cycle_info.value = error_html(exc)
            self.links.value = ""
            return
        summary = self.cycles.progress(cycle, catalog)
        self.cycle_info.value = f'<span class="qm-muted">{esc(summary.progress_text())}</span>'
        self.links.value = "".join(start_link(route, cycle.id) for route in start_routes(catalog))

    def show_catalog(self) -> None:
        if self.catalog.value is None:
            self.catalog_info.value = error_html(_("Kein Katalog geladen."))
            return
        cat = self.catalogs.get(self.catalog.value)
        validity = (
            _("Gültigkeit {n:g} Jahre").format(n=cat.procedure.validity_years)
            if cat.procedure.validity_years and cat.procedure.certificate
            else _("Runden von {n:g} Jahren, ohne Zertifikat").format(n=cat.procedure.validity_years)
            if cat.procedure.validity_years
            else _("ohne Zertifizierung")
        )
        self.catalog_info.value = (
            f'<div class="qm-muted">{esc(cat.description)}<br>{len(cat.areas)} {esc(_("Bereiche"))} · '
            f"{len(cat.requirements())} {esc(_('Anforderungen'))} · {esc(cat.procedure.name)}, {esc(validity)}</div>"
        )

    def add_institution(self) -> None:
        try:
            inst = self.cycles.create_institution(self.new_name.value, self.new_qmb.value)
        except InputError as exc:
            self.institution_error.value = error_html(exc)
            return
        self.institution_error.value = ""
        self.new_name.value = self.new_qmb.value = ""
        self.fill_institutions(select=inst.id)
        self.feedback.ok(_("Einrichtung „{name}“ angelegt.").format(name=inst.name))

    def add_cycle(self) -> None:
        if self.institution.value is None:
            self.cycle_error.value = error_html(_("Bitte zuerst eine Einrichtung anlegen."))
            return
        if self.catalog.value is None:
            self.cycle_error.value = error_html(_("Bitte ein Qualitätsmodell wählen."))
            return
        try:
            cycle = self.cycles.create_cycle(
                self.institution.value, self.new_cycle.value, self.catalogs.get(self.catalog.value)
            )
        except InputError as exc:
            self.cycle_error.value = error_html(exc)
            return
        self.cycle_error.value = ""
        self.fill_cycles(select=cycle.id)
        self.feedback.ok(_("Zyklus „{name}“ angelegt.").format(name=cycle.name))

    def add_demo(self) -> None:
        if self.catalog.value is None:
            return
        cycle, created = self.cycles.create_demo(self.catalogs.get(self.catalog.value))
        self.fill_institutions(select=cycle.institution_id)
        self.fill_cycles(select=cycle.id)
        self.feedback.ok(
            _("Demo-Zyklus „{name}“ {word}.").format(
                name=cycle.name, word=_("angelegt") if created else _("ausgewählt")
            )
        )


def build(request: PageRequest) -> w.VBox:
    return StartPage(request.services.cycles(), request.catalogs).widget
