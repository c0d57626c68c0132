"""The coordinator's parts of the network page: members and invitations, rounds, agreements, the threshold and
co-coordinators; and, for the administration, creating a network."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as w

from qmkit.domain.network import MEMBER_KIND_LABELS, NETWORK_KIND_LABELS, Member, MemberKind, Network, NetworkKind
from qmkit.i18n import _
from qmkit.services.networks import NetworkService
from qmkit.ui.widgets.common import Feedback, button, card, esc, make
from qmkit.ui.widgets.date_field import DateField

Wrap = Callable[[Callable[..., Any]], Callable[..., Any]]
WIDE = {"width": "420px"}


def kind_options() -> list[tuple[str, str]]:
    """The kinds of member in the page's language (read when the page is built, not at import)."""
    return [(_(label), kind.value) for kind, label in MEMBER_KIND_LABELS.items()]


OWN_LAPTOP = -1


def create_card(service: NetworkService, wrap: Wrap, feedback: Feedback, done: Callable[[int], None]) -> w.VBox:
    """A new network (only the administration; on a laptop the one local person)."""
    name = make(w.Text, description=_("Name"), placeholder=_("z. B. Verbund Familienbildung Süd"), layout=WIDE)
    kind = make(
        w.Dropdown,
        options=[(_(label), k.value) for k, label in NETWORK_KIND_LABELS.items()],
        value=NetworkKind.VERBUND.value,
        description=_("Art"),
        layout=WIDE,
    )
    catalogs = service.catalogs.sorted()
    catalog = make(w.Dropdown, options=[(c.title, c.id) for c in catalogs], description=_("Katalog"), layout=WIDE)
    coordinator = make(w.Text, description=_("Koordination"), placeholder=_("Anmeldename (optional)"), layout=WIDE)

    def create() -> None:
        made = service.create(
            {"name": name.value, "kind": kind.value, "catalog_id": catalog.value}, coordinator.value.strip()
        )
        feedback.ok(
            _("Netzwerk „{name}“ angelegt. Jetzt Runden anlegen und Einrichtungen einladen.").format(name=made.name)
        )
        done(made.id)

    body = make(w.VBox, [name, kind, catalog, coordinator, button(wrap, "Netzwerk anlegen", "plus", create)])
    toggle = make(
        w.Accordion, children=[body], titles=(_("Neues Netzwerk anlegen (Administration)"),), selected_index=None
    )
    return card(toggle)


class CoordinatorCards:
    """Members, invitations, rounds, agreements, threshold, co-coordinators: for the network's coordinators."""

    def __init__(
        self, service: NetworkService, network: Network, wrap: Wrap, feedback: Feedback, done: Callable[[], None]
    ):
        self.service, self.network, self.wrap, self.feedback, self.done = service, network, wrap, feedback, done

    def widgets(self) -> list[w.Widget]:
        return [self._members_card(), self._rounds_card(), self._agreements_card(), self._settings_card()]

    def _say(self, text: str) -> None:
        self.feedback.ok(text)
        self.done()

    # ------------------------------------------------------------------ members

    def _members_card(self) -> w.VBox:
        members = self.service.members(self.network.id)
        rows = [self._member_row(m) for m in members] or [
            make(w.HTML, f"<div class='qm-muted'>{esc(_('Noch niemand eingeladen.'))}</div>")
        ]
        local = self.service.candidates(self.network.id)
        who = make(
            w.Dropdown,
            options=[(i.name, i.id) for i in local] + [(_("Einrichtung mit eigener Installation …"), OWN_LAPTOP)],
            description=_("Einrichtung"),
            layout=WIDE,
        )
        other = make(w.Text, description=_("Name"), placeholder=_("nur bei eigener Installation"), layout=WIDE)
        kind = make(
            w.Dropdown, options=kind_options(), value=MemberKind.TRAEGER.value, description=_("Art"), layout=WIDE
        )

        def invite() -> None:
            institution = None if who.value == OWN_LAPTOP else int(who.value)
            made = self.service.invite(self.network.id, {"name": other.value, "kind": kind.value}, institution)
            self._say(_("„{name}“ ist eingeladen.").format(name=made.name))

        lead = _(
            "Die QMB der eingeladenen Einrichtung nimmt die Einladung auf der Netzwerkseite an. Einzelne Bewertungen "
            "von Mitgliedern sehen Sie nie – nur die Verteilung ab der Mindestgruppe."
        )
        return card(
            make(w.HTML, f"<h2>{esc(_('Mitglieder'))}</h2><div class='qm-muted'>{esc(lead)}</div>"),
            *rows,
            make(w.HTML, f"<h3>{esc(_('Einladen'))}</h3>"),
            make(w.VBox, [who, other, kind, button(self.wrap, "Einladen", "envelope", invite)]),
        )

    def _member_row(self, member: Member) -> w.HBox:
        status = _("Mitglied") if member.joined else _("eingeladen")
        where = _("eigene Installation") if member.institution_id is None else ""
        named = _("Name darf gezeigt werden") if member.named else _("ohne Namen")
        text = f"<b>{esc(member.name)}</b> · {esc(_(MEMBER_KIND_LABELS[member.kind]))} · {esc(status)} · {esc(named)}"
        text += f" · {esc(where)}" if where else ""
        label = "Einladung zurückziehen" if not member.joined else "Aus dem Netzwerk nehmen"

        def remove() -> None:
            self.service.leave(member.id)
            self._say(_("„{name}“ gehört nicht mehr zum Netzwerk.").format(name=member.name))

        return make(w.HBox, [make(w.HTML, text, layout={"width": "640px"}), button(self.wrap, label, "times", remove)])

    # ------------------------------------------------------------------ rounds, agreements, settings

    def _rounds_card(self) -> w.VBox:
        rounds = self.service.rounds(self.network.id)
        name = make(w.Text, description=_("Name"), placeholder=_("z. B. Runde 2025–2027"), layout=WIDE)
        starts = make(DateField, description=_("Beginn"), layout=WIDE)
        ends = make(DateField, description=_("Ende"), layout=WIDE)

        def add() -> None:
            made = self.service.add_round(
                self.network.id, {"name": name.value, "starts": starts.value, "ends": ends.value}
            )
            self._say(_("Runde „{name}“ angelegt.").format(name=made.name))

        lines = "".join(f"<li>{esc(r.name)}</li>" for r in rounds) or f"<li>{esc(_('noch keine'))}</li>"
        return card(
            make(w.HTML, f"<h2>{esc(_('Runden'))}</h2><ul>{lines}</ul>"),
            make(w.VBox, [name, starts, ends, button(self.wrap, "Runde anlegen", "plus", add)]),
        )

    def _agreements_card(self) -> w.VBox:
        text = make(w.Textarea, description=_("Vereinbarung"), layout={"width": "620px", "height": "70px"})
        agreed_on = make(DateField, description=_("vereinbart am"), layout=WIDE)

        def add() -> None:
            self.service.add_agreement(self.network.id, {"text": text.value, "agreed_on": agreed_on.value})
            self._say(_("Vereinbarung gespeichert."))

        return card(
            make(w.HTML, f"<h2>{esc(_('Vereinbarung festhalten'))}</h2>"),
            make(w.VBox, [text, agreed_on, button(self.wrap, "Vereinbarung speichern", "save", add)]),
        )

    def _settings_card(self) -> w.VBox:
        threshold = make(
            w.BoundedIntText, value=self.network.threshold, min=3, max=1000, description=_("Mindestgruppe"), layout=WIDE
        )
        login = make(w.Text, description=_("Anmeldename"), layout=WIDE)

        def save_threshold() -> None:
            made = self.service.set_threshold(self.network.id, threshold.value)
            self._say(_("Mindestgruppe ist jetzt {n}.").format(n=made.threshold))

        def add_coordinator() -> None:
            self.service.add_coordinator(self.network.id, login.value)
            self._say(_("„{login}“ koordiniert jetzt mit.").format(login=login.value.strip()))

        coordinators = ", ".join(self.service.coordinators(self.network.id)) or _("(nur die Administration)")
        lead = _("Werte erscheinen erst, wenn mindestens so viele Mitglieder beigetragen haben (nie unter 3).")
        return card(
            make(w.HTML, f"<h2>{esc(_('Einstellungen'))}</h2><div class='qm-muted'>{esc(lead)}</div>"),
            make(w.HBox, [threshold, button(self.wrap, "Speichern", "save", save_threshold)]),
            make(w.HTML, f"<div>{esc(_('Koordination'))}: {esc(coordinators)}</div>"),
            make(w.HBox, [login, button(self.wrap, "Koordination hinzufügen", "user-plus", add_coordinator)]),
        )
