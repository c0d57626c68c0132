"""The member's parts of the network page: invitations, where others are further (→ measure), the contribution
of a cycle to a round, whether the name may be shown, leaving the network."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import ipywidgets as w

from qmkit.domain.model import Cycle, local_time_text
from qmkit.domain.network import Member, Network, NetworkKind
from qmkit.domain.network_comparison import Further, NetworkReport
from qmkit.i18n import _
from qmkit.services.network_compare import NetworkComparison
from qmkit.services.networks import NetworkService
from qmkit.services.offers_members import own_report
from qmkit.ui.routes import route
from qmkit.ui.widgets.common import Feedback, button, card, esc, make

Wrap = Callable[[Callable[..., Any]], Callable[..., Any]]


def invitations_card(
    service: NetworkService,
    invitations: list[tuple[Network, Member]],
    wrap: Wrap,
    feedback: Feedback,
    done: Callable[[], None],
) -> w.VBox:
    def accept(member: Member) -> None:
        service.accept(member.id)
        feedback.ok(_("„{name}“ ist jetzt Mitglied.").format(name=member.name))
        done()

    def decline(member: Member) -> None:
        service.leave(member.id)
        feedback.ok(_("Einladung abgelehnt."))
        done()

    rows = []
    for network, member in invitations:
        text = _("„{network}“ lädt „{member}“ ein (Katalog {catalog}).").format(
            network=network.name, member=member.name, catalog=network.catalog_id
        )
        rows.append(
            make(
                w.HBox,
                [
                    make(w.HTML, esc(text), layout={"width": "520px"}),
                    button(wrap, "Annehmen", "check", functools.partial(accept, member)),
                    button(wrap, "Ablehnen", "times", functools.partial(decline, member)),
                ],
            )
        )
    return card(make(w.HTML, f"<h2>{esc(_('Einladungen'))}</h2>"), *rows)


def offers_card(service: NetworkService, member: Member) -> w.VBox:
    """In a municipality's network: which offers table this member reports (its newest offers load)."""
    found = own_report(service, member.id)
    page = route("daten")
    link = (
        f" <a href='{esc(page.href(found.cycle_id))}' id='qm-own-offers'>{esc(_('Angebote und Bedarfe öffnen'))}</a>"
        if found.cycle_id is not None
        else ""
    )
    if found.load is None:
        text = _(
            "Noch keine Angebote gemeldet. Lesen Sie Ihr Angebotsverzeichnis auf der Seite „Angebote und Bedarfe“ ein."
        )
    else:
        text = _(
            "Gemeldet ist Ihr neuestes Angebotsverzeichnis: {title}, {n} Zeilen. Die Koordination kann es in die "
            "Analyse der Kommune einbeziehen."
        ).format(title=found.load.title, n=found.load.rows)
    rule = _("Ihr Name steht dabei nur, wenn Sie ihn unten freigeben; sonst heißt es „Mitglied“.")
    return card(
        make(
            w.HTML,
            f"<h2>{esc(_('Ihre Angebote für die Kommune'))}</h2><div id='qm-reported-offers'>{esc(text)}{link}</div>"
            f"<div class='qm-muted'>{esc(rule)}</div>",
        )
    )


class MemberCards:
    """What the QMB of a member does here; every click is checked again by the service."""

    def __init__(
        self, compare: NetworkComparison, member: Member, wrap: Wrap, feedback: Feedback, done: Callable[[], None]
    ):
        self.compare, self.member, self.wrap, self.feedback, self.done = compare, member, wrap, feedback, done
        self.service = compare.networks
        self.cycles = compare.member_cycles(member.id)
        self.cycle_choice = self._cycle_dropdown()  # where a measure goes
        self.responsible = make(
            w.Text,
            description=_("Verantwortlich"),
            placeholder=_("für neue Maßnahmen"),
            layout={"width": "420px"},
            style={"description_width": "initial"},
        )

    def _cycle_dropdown(self, cycles: list[Cycle] | None = None) -> w.Dropdown:
        """The member's cycles with the network's catalog (or ``cycles``, labelled with their catalog)."""
        options: list[tuple[str, int | None]] = (
            [(c.name, c.id) for c in self.cycles]
            if cycles is None
            else [(f"{c.name} ({c.catalog_id})", c.id) for c in cycles]
        )
        options = options or [(_("(noch kein Zyklus mit diesem Katalog)"), None)]
        return make(w.Dropdown, options=options, description=_("Zyklus"), layout={"width": "420px"})

    def widgets(self, latest: NetworkReport | None) -> list[w.Widget]:
        """The member's cards; ``latest``: the newest round's report with this member's own column."""
        cards = [self._further_card(latest), self._contribution_card()]
        network = self.service.network(self.member.network_id)
        if network.kind == NetworkKind.KOMMUNE and not network.copy:  # a copy's offers stay on this laptop
            cards.append(offers_card(self.service, self.member))
        return [*cards, self._settings_card()]

    # ------------------------------------------------------------------ where others are further

    def _further_card(self, report: NetworkReport | None) -> w.VBox:
        if report is None:
            return card(make(w.HTML, ""))
        found = report.further()
        if not report.shown or report.own_member is None:
            text = _("Sobald genug Beiträge da sind, steht hier, wo andere im Netzwerk weiter sind.")
            return card(
                make(w.HTML, f"<h2>{esc(_('Wo andere weiter sind'))}</h2><div class='qm-muted'>{esc(text)}</div>")
            )
        rows = [self._further_row(f) for f in found[:15]]
        lead = _(
            "Anforderungen der Runde „{round}“, bei denen der Median des Netzwerks über Ihrer eigenen Bewertung liegt. "
            "Ein Klick legt eine Maßnahme im gewählten Zyklus an."
        ).format(round=report.round_name)
        if not rows:
            rows = [
                make(
                    w.HTML,
                    f"<div class='qm-muted'>{esc(_('Nirgends: Sie liegen überall im Median oder darüber.'))}</div>",
                )
            ]
        return card(
            make(w.HTML, f"<h2>{esc(_('Wo andere weiter sind'))}</h2><div class='qm-muted'>{esc(lead)}</div>"),
            make(w.HBox, [self.cycle_choice, self.responsible]),
            *rows,
        )

    def _further_row(self, further: Further) -> w.HBox:
        s = further.stat
        text = _("{id} {title}: Netzwerk „{median}“, Sie „{own}“").format(
            id=s.requirement_id, title=s.title, median=s.median_label, own=s.own_label
        )
        return make(
            w.HBox,
            [
                make(w.HTML, esc(text), layout={"width": "620px"}),
                button(self.wrap, "→ Maßnahme", "plus", functools.partial(self.to_measure, further)),
            ],
        )

    def to_measure(self, further: Further) -> None:
        if self.cycle_choice.value is None:
            self.feedback.error(_("Bitte zuerst einen Zyklus mit dem Katalog des Netzwerks anlegen."))
            return
        made = self.compare.measure_from_further(
            self.member.id, further, int(self.cycle_choice.value), self.responsible.value
        )
        self.feedback.ok(_("Maßnahme „{title}“ ist im Plan angelegt.").format(title=made.title))

    # ------------------------------------------------------------------ contributing

    def _contribution_card(self) -> w.VBox:
        rounds = self.service.rounds(self.member.network_id)
        mine = self.compare.own_contributions(self.member.id)
        # which cycle's ratings are contributed: the network's catalog, or one with a crosswalk to it
        source = self._cycle_dropdown(self.compare.member_cycles(self.member.id, crosswalked=True))
        round_choice = make(
            w.Dropdown,
            options=[(r.name, r.id) for r in rounds] or [("–", None)],
            value=rounds[-1].id if rounds else None,
            description=_("Runde"),
            layout={"width": "420px"},
        )
        lines = "".join(
            "<li>"
            + esc(
                _("{round}: {source}, {progress:.0f} % bewertet").format(
                    round=r.name, source=mine[r.id].source, progress=mine[r.id].progress
                )
                if r.id in mine
                else _("{round}: noch kein Beitrag").format(round=r.name)
            )
            + "</li>"
            for r in rounds
        )
        lead = _(
            "Ihr Beitrag ist eine Kopie der Bewertungen des gewählten Zyklus – keine Texte, keine Namen von Personen. "
            "Ein neuer Beitrag zur selben Runde ersetzt den alten. Ein Zyklus eines anderen Katalogs zählt über "
            "den Crosswalk: nur gleichwertig zugeordnete Anforderungen gehen in den Vergleich ein."
        )

        def give() -> None:
            if round_choice.value is None or source.value is None:
                self.feedback.error(_("Bitte Runde und Zyklus wählen."))
                return
            made = self.compare.contribute(self.member.id, int(round_choice.value), int(source.value))
            self.feedback.ok(_("Beitrag gespeichert ({n} Bewertungen).").format(n=len(made.ratings)))
            self.done()

        return card(
            make(w.HTML, f"<h2>{esc(_('Ihr Beitrag'))}</h2><div class='qm-muted'>{esc(lead)}</div><ul>{lines}</ul>"),
            make(w.HBox, [source, round_choice]),
            make(w.HBox, [button(self.wrap, "Beitrag abgeben", "upload", give)]),
        )

    # ------------------------------------------------------------------ named, leaving

    def _settings_card(self) -> w.VBox:
        named = make(
            w.Checkbox,
            value=self.member.named,
            description=_("Unser Name darf im Netzwerk neben unseren Werten stehen"),
            indent=False,
            layout={"width": "auto"},
        )

        def set_named(change: dict[str, Any]) -> None:
            try:
                self.service.set_named(self.member.id, bool(change["new"]))
            except Exception:
                named.unobserve_all("value")
                named.value = bool(change["old"])  # a refusal shows the stored choice again
                named.observe(self.wrap(set_named), names="value")
                raise
            self.feedback.ok(_("Gespeichert: Name wird gezeigt.") if change["new"] else _("Gespeichert: kein Name."))

        named.observe(self.wrap(set_named), names="value")

        confirm = make(w.HBox)

        def leave() -> None:
            self.service.leave(self.member.id)
            self.feedback.ok(
                _("„{name}“ hat das Netzwerk verlassen; seine Beiträge sind entfernt.").format(name=self.member.name)
            )
            self.done()

        def ask() -> None:
            warning = _("Wirklich verlassen? Alle Beiträge von „{name}“ werden aus dem Netzwerk entfernt.").format(
                name=self.member.name
            )
            confirm.children = (
                make(w.HTML, f"<b>{esc(warning)}</b>", layout={"width": "520px"}),
                button(self.wrap, "Ja, verlassen", "sign-out", leave),
            )

        joined = _("Mitglied seit {day}").format(day=local_time_text(self.member.joined_at))
        head = f"<h2>{esc(_('Mitgliedschaft'))}</h2><div class='qm-muted'>{esc(self.member.name)} · {esc(joined)}</div>"
        return card(
            make(w.HTML, head),
            named,
            make(w.HBox, [button(self.wrap, "Netzwerk verlassen …", "sign-out", ask)]),
            confirm,
        )
