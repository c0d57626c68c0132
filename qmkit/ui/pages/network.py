"""Netzwerk: a Verbund, a region or a municipality compares itself anonymously and agrees on what to do.

One page for everyone in a network: a coordinator sees the whole picture (aggregates only) and manages members,
rounds and agreements; a member's QMB sees the same picture with its own position marked, "where others are
further" (one click → a measure in its plan), contributes a cycle to a round and decides whether its name may be
shown. Which parts appear follows from the person's rights, checked again by the services on every click.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from qmkit.config import exports_dir
from qmkit.domain.network import NETWORK_KIND_LABELS, Member, Network
from qmkit.domain.network_comparison import NetworkReport, trend
from qmkit.excel.network_report import network_report_filename, network_report_workbook
from qmkit.excel.style import save_workbook
from qmkit.i18n import _
from qmkit.services.network_compare import NetworkComparison
from qmkit.services.network_files import NetworkFiles
from qmkit.services.network_meetings import NetworkMeetings
from qmkit.services.networks import NetworkService
from qmkit.services.quality_dialogues import QualityDialogues
from qmkit.ui.pages.network_coord import CoordinatorCards, create_card
from qmkit.ui.pages.network_files import CoordinatorFileCard, join_card, member_file_card
from qmkit.ui.pages.network_meetings import MeetingsCard
from qmkit.ui.pages.network_meetings_member import MemberMeetingsCard
from qmkit.ui.pages.network_member import MemberCards, invitations_card
from qmkit.ui.pages.quality_dialogues import DialoguesCard
from qmkit.ui.pages.quality_dialogues_member import MemberDialoguesCard
from qmkit.ui.routes import PageRequest
from qmkit.ui.widgets.common import Feedback, button, card, download_html, esc, guard, make, page_box
from qmkit.ui.widgets.network_chart import areas_html, requirements_html, trend_html

OVERALL = "gesamt"


def _int(query: dict[str, str], key: str) -> int | None:
    raw = query.get(key, "")
    return int(raw) if raw.isdigit() and len(raw) < 12 else None


class NetworkPage:
    def __init__(self, service: NetworkService, query: dict[str, str]):
        self.service, self.compare = service, NetworkComparison(service)
        self.files = NetworkFiles(self.compare)
        self.feedback = Feedback()
        self.guard = guard(self.feedback)
        self.network_choice = make(w.Dropdown, description=_("Netzwerk"), layout={"width": "420px"})
        self.view_choice = make(w.Dropdown, description=_("Ansicht"), layout={"width": "420px"})
        self.round_choice = make(w.Dropdown, description=_("Runde"), layout={"width": "420px"})
        self.body = make(w.VBox)
        self.download = make(w.HTML)
        self.top = make(w.VBox)
        head = make(
            w.HTML,
            '<nav class="qm-nav"><a href="Start.ipynb">' + esc(_("Start")) + "</a></nav>"
            f"<h1>{esc(_('Netzwerk'))}</h1><div class='qm-muted'>"
            + esc(
                _(
                    "Verbund, Region oder Kommune: gemeinsam Qualität entwickeln. Der Vergleich ist anonym – Werte "
                    "erscheinen erst ab der Mindestgruppe, Namen nur mit Zustimmung, Freitexte nie."
                )
            )
            + "</div>",
        )
        self.widget = page_box(head, self.feedback.widget, self.top, self.body)
        self._wanted = (_int(query, "netzwerk"), _int(query, "mitglied"), _int(query, "runde"))
        self._quiet = False  # True while the page itself sets the choices
        self.network_choice.observe(self.guard(lambda _c: self._chosen(self.choose_network)), names="value")
        self.view_choice.observe(self.guard(lambda _c: self._chosen(self.show)), names="value")
        self.round_choice.observe(self.guard(lambda _c: self._chosen(self.show)), names="value")
        self.reload()

    def _chosen(self, then: Any) -> None:
        if not self._quiet:
            then()

    # ------------------------------------------------------------------ choosing

    def reload(self, network_id: int | None = None) -> None:
        """Read the person's networks and invitations again and show the chosen network."""
        networks = self.service.networks()
        parts: list[w.Widget] = []
        invitations = self.service.invitations()
        if invitations:
            parts.append(invitations_card(self.service, invitations, self.guard, self.feedback, self.reload))
        if self.service.access.identity.everything:
            parts.append(create_card(self.service, self.guard, self.feedback, self.reload))
        joining = join_card(self.files, self.guard, self.feedback, self.reload)
        if joining is not None:
            parts.append(joining)
        self.top.children = (*parts, make(w.HBox, [self.network_choice]))
        wanted = network_id or self._wanted[0]
        options = [(f"{n.name} ({_(NETWORK_KIND_LABELS[n.kind])})", n.id) for n in networks]
        self._quiet = True
        try:
            self.network_choice.options = options
            if options:
                ids = [n.id for n in networks]
                self.network_choice.value = wanted if wanted in ids else ids[0]
        finally:
            self._quiet = False
        if not networks:
            self.body.children = (
                make(
                    w.HTML,
                    "<div class='qm-muted'>"
                    + esc(
                        _(
                            "Sie gehören noch zu keinem Netzwerk. Eine Koordination lädt Ihre Einrichtung ein; die "
                            "Einladung erscheint dann hier. Zum Ausprobieren: qmkit demo --network 12 --catalog qesplus"
                        )
                    )
                    + "</div>",
                ),
            )
            return
        self.choose_network()

    def network(self) -> Network:
        return self.service.network(int(self.network_choice.value))

    def choose_network(self) -> None:
        network = self.network()
        views: list[tuple[str, Any]] = []
        if self.service.coordinates(network.id):
            views.append((_("Gesamtbild (Koordination, ohne Einzelwerte)"), OVERALL))
        own = [m for m in self.service.own_members(network.id) if m.joined]
        views += [(_("als Mitglied: {name}").format(name=m.name), m.id) for m in own]
        rounds = self.service.rounds(network.id)
        self._quiet = True
        try:
            self.view_choice.options = views or [("–", None)]
            self.round_choice.options = [(r.name, r.id) for r in rounds] or [("–", None)]
            if views:
                values = [v for _l, v in views]
                self.view_choice.value = self._wanted[1] if self._wanted[1] in values else values[0]
            if rounds:
                ids = [r.id for r in rounds]
                self.round_choice.value = self._wanted[2] if self._wanted[2] in ids else ids[-1]
        finally:
            self._quiet = False
        self._wanted = (None, None, None)
        self.show()

    def member(self) -> Member | None:
        value = self.view_choice.value
        return self.service.member(int(value)) if isinstance(value, int) else None

    # ------------------------------------------------------------------ showing

    def show(self) -> None:
        self.download.value = ""
        network, member = self.network(), self.member()
        parts: list[w.Widget] = [self._about(network)]
        reports: list[NetworkReport] = []
        if self.view_choice.value is None and not self.service.coordinates(network.id):
            parts.append(make(w.HTML, f"<div class='qm-muted'>{esc(_('Bitte zuerst die Einladung annehmen.'))}</div>"))
        else:
            reports = self.compare.reports(network.id, member.id if member else None)  # every round, read once
            parts.append(make(w.HBox, [self.view_choice, self.round_choice]))
            parts += self._comparison(network, member, reports)
        meetings = NetworkMeetings(self.service)
        dialogues = QualityDialogues(self.service)
        # quality dialogues in a region (or where the catalog asks for them); a copy on a member's laptop has none
        with_dialogues = not network.copy and dialogues.offered(network.id)
        if member is not None:
            latest = reports[-1] if reports else None
            parts += MemberCards(self.compare, member, self.guard, self.feedback, self.after_change).widgets(latest)
            if network.copy:
                parts.append(member_file_card(self.files, member, self.guard, self.feedback, self.after_change))
            else:  # a member's copy on its own laptop has no meetings: the coordinator's installation keeps them
                if with_dialogues:
                    card = MemberDialoguesCard(dialogues, network, member, self.guard, self.feedback, self.show)
                    parts.append(card.widget)
                parts.append(MemberMeetingsCard(meetings, network, member, self.guard, self.feedback).widget)
        if self.service.coordinates(network.id) and not network.copy:
            if with_dialogues:
                parts.append(DialoguesCard(dialogues, network, self.guard, self.feedback).widget)
            parts.append(MeetingsCard(meetings, network, self.guard, self.feedback).widget)
            parts += CoordinatorCards(self.service, network, self.guard, self.feedback, self.after_change).widgets()
            files = CoordinatorFileCard(self.files, network, self.guard, self.feedback, self.after_change)
            parts.append(files.widget(self.service.members(network.id)))
        self.body.children = tuple(parts)

    def after_change(self) -> None:
        """After a change that alters who sees what (joined, left, new round): read everything again."""
        self.reload(int(self.network_choice.value))

    def _about(self, network: Network) -> w.HTML:
        joined, invited = self.service.member_count(network.id)
        agreements = self.service.agreements(network.id)
        lines = "".join(
            f"<li>{esc(a.agreed_on.strftime('%d.%m.%Y') if a.agreed_on else '')} {esc(a.text)}</li>" for a in agreements
        )
        facts = _(
            "{kind} · Katalog {catalog} · {joined} Mitglieder, {invited} eingeladen · Mindestgruppe {min}"
        ).format(
            kind=_(NETWORK_KIND_LABELS[network.kind]),
            catalog=network.catalog_id,
            joined=joined,
            invited=invited,
            min=network.threshold,
        )
        if network.copy:
            facts = _(
                "{kind} · Katalog {catalog} · Mindestgruppe {min} · eigene Installation: die Werte des Netzwerks "
                "kommen als Netzwerkergebnis (Datei) von der Koordination"
            ).format(kind=_(NETWORK_KIND_LABELS[network.kind]), catalog=network.catalog_id, min=network.threshold)
        named = [m.name for m in self.service.members(network.id) if m.joined and (m.named or self._coordinating())]
        who = _("Mitglieder: {names}").format(names=", ".join(named)) if named else ""
        hidden = joined - len(named)
        if hidden > 0 and named:
            who += " " + _("und {n} weitere (ohne Namen)").format(n=hidden)
        return make(
            w.HTML,
            f"<h2>{esc(network.name)}</h2><div class='qm-muted'>{esc(facts)}</div>"
            + (f"<div>{esc(who)}</div>" if who else "")
            + (f"<h3>{esc(_('Vereinbarungen'))}</h3><ul>{lines}</ul>" if lines else ""),
        )

    def _coordinating(self) -> bool:
        return self.view_choice.value == OVERALL

    def _comparison(self, network: Network, member: Member | None, reports: list[NetworkReport]) -> list[w.Widget]:
        if self.round_choice.value is None or not reports:
            return [make(w.HTML, f"<div class='qm-muted'>{esc(_('Noch keine Runde angelegt.'))}</div>")]
        ids = [r.id for r in self.service.rounds(network.id)]
        chosen = int(self.round_choice.value)
        report = reports[ids.index(chosen)] if chosen in ids and len(ids) == len(reports) else reports[-1]
        counts = _("{round}: {n} Beiträge von {members} Mitgliedern.").format(
            round=report.round_name, n=report.contributions, members=report.members
        )
        if not report.shown:
            counts += " " + _(
                "Zu wenige Beiträge für einen Vergleich: Werte erscheinen ab {min} Beiträgen, damit niemand auf "
                "einzelne Mitglieder schließen kann."
            ).format(min=report.threshold)
        export = button(self.guard, "Netzwerkbericht als Excel", "file-excel-o", self.export)
        return [
            card(
                make(w.HTML, f"<h2>{esc(_('Vergleich je Bereich'))}</h2><div>{esc(counts)}</div>"),
                make(w.HTML, areas_html(report)),
                make(w.HBox, [export]),
                self.download,
            ),
            card(make(w.HTML, f"<h2>{esc(_('Je Anforderung'))}</h2>" + requirements_html(report))),
            card(
                make(
                    w.HTML,
                    f"<h2>{esc(_('Verlauf über die Runden'))}</h2>"
                    + trend_html(trend(reports), [r.round_name for r in reports], bool(member)),
                )
            ),
        ]

    def export(self) -> None:
        network, member = self.network(), self.member()
        reports = self.compare.reports(network.id, member.id if member else None)
        ids = [r.id for r in self.service.rounds(network.id)]
        reports = reports[: ids.index(int(self.round_choice.value)) + 1]
        name = network_report_filename(network.name, reports[-1].round_name, member.name if member else None)
        path = save_workbook(network_report_workbook(network, reports), exports_dir() / name)
        self.download.value = download_html(path, _("Netzwerkbericht herunterladen"), "qm-download-network")
        self.feedback.ok(_("Der Netzwerkbericht ist erstellt."))


def build(request: PageRequest) -> w.VBox:
    return NetworkPage(request.services.networks(), request.query).widget
