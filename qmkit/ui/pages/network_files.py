"""The network page's file cards, for members on their own laptops (no shared server).

On the coordinator's side: an invitation file per member with its own installation, reading the members'
contribution files in (several at once; each whole or refused with its reason) and the result file for the members.
On a member's laptop: reading the invitation in, saving the own contribution as a file, reading the result in.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets as w

from qmkit.config import exports_dir
from qmkit.domain.network import Member, Network
from qmkit.domain.network_files import MAX_BYTES
from qmkit.excel.style import save_atomic
from qmkit.i18n import _
from qmkit.services.network_files import NetworkFiles, Outcome
from qmkit.ui.pages.network_coord import Wrap
from qmkit.ui.widgets.common import Feedback, button, card, download_html, esc, make
from qmkit.ui.widgets.received import MemoryFiles, ReceivedFile
from qmkit.ui.widgets.upload import ChunkedUpload

JSON_MIME = "application/json"


def _saved(name: str, data: bytes, label: str, element_id: str) -> str:
    """Save the file to the exports folder and give the download link (saving and download are separate)."""
    path = exports_dir() / name
    save_atomic(path, lambda tmp: Path(tmp).write_bytes(data))
    return download_html(path, label, element_id, JSON_MIME)


def _upload(wrap: Wrap, on_file: Callable[[ReceivedFile], None], feedback: Feedback, label: str, many: bool) -> Any:
    return ChunkedUpload(
        MemoryFiles(MAX_BYTES), wrap(on_file), feedback.error, label=label, multiple=many, accept=".json"
    )


def _outcomes_html(outcomes: list[Outcome]) -> str:
    lines = [
        f'<li class="{"qm-ok" if o.done else "qm-fehlt"}">{"✓" if o.done else "✗"} '
        f"{esc(o.message if not o.done else o.file + ': ' + o.message)}</li>"
        for o in outcomes
    ]
    return f'<ul class="qm-findings">{"".join(lines)}</ul>'


def join_card(files: NetworkFiles, wrap: Wrap, feedback: Feedback, done: Callable[[int], None]) -> w.VBox | None:
    """Read an invitation file in (a member with its own installation); ``None`` when the person manages nothing."""
    mine = files.institutions()
    if not mine:
        return None
    which = make(
        w.Dropdown, options=[(i.name, i.id) for i in mine], description=_("Einrichtung"), layout={"width": "420px"}
    )

    def received(got: ReceivedFile) -> None:
        member = files.join(got.content, got.name, int(which.value))
        feedback.ok(_("„{name}“ ist jetzt Mitglied im Netzwerk.").format(name=member.name))
        done(member.network_id)

    lead = _(
        "Ohne gemeinsamen Server: Die Koordination schickt Ihnen eine Einladungsdatei (.json). Nach dem Einlesen "
        "tragen Sie hier bei, speichern Ihren Beitrag als Datei und lesen das Netzwerkergebnis ein."
    )
    body = make(
        w.VBox,
        [
            make(w.HTML, f"<div class='qm-muted'>{esc(lead)}</div>"),
            which,
            _upload(wrap, received, feedback, _("Einladungsdatei wählen … (.json)"), many=False),
        ],
    )
    toggle = make(w.Accordion, children=[body], titles=(_("Einladungsdatei einlesen"),), selected_index=None)
    return card(toggle)


class CoordinatorFileCard:
    """Invitation files, contributions read in, the result file: for members with their own installation."""

    def __init__(self, files: NetworkFiles, network: Network, wrap: Wrap, feedback: Feedback, done: Callable[[], None]):
        self.files, self.network, self.wrap, self.feedback, self.done = files, network, wrap, feedback, done
        self.links = make(w.HTML)
        self.outcome = make(w.HTML)
        self.replace = make(
            w.Checkbox,
            value=False,
            indent=False,
            description=_("frühere Beiträge derselben Mitglieder ersetzen"),
            style={"description_width": "initial"},
            layout={"width": "auto", "margin": "0 0 0 16px"},
        )

    def widget(self, members: list[Member]) -> w.VBox:
        laptops = [m for m in members if m.institution_id is None]
        rows = [self._invitation_row(m) for m in laptops] or [
            make(w.HTML, f"<div class='qm-muted'>{esc(_('Alle Mitglieder arbeiten auf diesem Server mit.'))}</div>")
        ]
        lead = _(
            "Mitglieder mit eigener Installation bekommen eine Einladungsdatei, schicken ihren Beitrag als Datei "
            "und erhalten das Netzwerkergebnis (nur die anonymen Werte, nichts unter der Mindestgruppe) zurück."
        )
        upload = _upload(self.wrap, self._received, self.feedback, _("Beitragsdateien wählen … (.json)"), many=True)
        return card(
            make(w.HTML, f"<h2>{esc(_('Dateien für Mitglieder ohne gemeinsamen Server'))}</h2>"),
            make(w.HTML, f"<div class='qm-muted'>{esc(lead)}</div>"),
            *rows,
            make(w.HTML, f"<h3>{esc(_('Beiträge einlesen'))}</h3>"),
            make(w.HBox, [upload, self.replace]),
            self.outcome,
            make(w.HBox, [button(self.wrap, "Netzwerkergebnis erstellen", "download", self._result)]),
            self.links,
        )

    def _invitation_row(self, member: Member) -> w.HBox:
        def make_file() -> None:
            name, data = self.files.invitation(member.id)
            self.links.value = _saved(name, data, _("Einladungsdatei herunterladen"), "qm-download-invitation")
            self.feedback.ok(_("Einladungsdatei für „{name}“ erstellt.").format(name=member.name))

        status = _("Mitglied") if member.joined else _("eingeladen")
        text = f"<b>{esc(member.name)}</b> · {esc(status)}"
        return make(
            w.HBox,
            [
                make(w.HTML, text, layout={"width": "420px"}),
                button(self.wrap, "Einladungsdatei", "envelope", make_file),
            ],
        )

    def _received(self, got: ReceivedFile) -> None:
        outcomes = self.files.import_contributions([(got.name, got.content)], replace=self.replace.value)
        self.outcome.value += _outcomes_html(outcomes)
        if all(o.done for o in outcomes):
            self.feedback.ok(_("Beitrag eingelesen."))
        else:
            self.feedback.error(outcomes[0].message)

    def _result(self) -> None:
        name, data = self.files.result(self.network.id)
        self.links.value = _saved(name, data, _("Netzwerkergebnis herunterladen"), "qm-download-result")
        self.feedback.ok(
            _("Das Netzwerkergebnis ist erstellt. Bitte an die Mitglieder mit eigener Installation schicken.")
        )


def member_file_card(
    files: NetworkFiles, member: Member, wrap: Wrap, feedback: Feedback, done: Callable[[], None]
) -> w.VBox:
    """On a member's own installation: the contribution as a file per round, the network result read in."""
    links = make(w.HTML)
    rounds = files.networks.rounds(member.network_id)
    given = files.comparison.own_contributions(member.id)
    choice = make(
        w.Dropdown,
        options=[(r.name, r.id) for r in rounds if r.id in given],
        description=_("Runde"),
        layout={"width": "420px"},
    )

    def save() -> None:
        if choice.value is None:
            feedback.error(_("Bitte zuerst einen Zyklus zu einer Runde beitragen."))
            return
        name, data = files.contribution(member.id, int(choice.value))
        links.value = _saved(name, data, _("Beitragsdatei herunterladen"), "qm-download-contribution")
        feedback.ok(_("Beitragsdatei erstellt. Bitte an die Koordination schicken."))

    def received(got: ReceivedFile) -> None:
        network = files.import_result(got.content, got.name)
        feedback.ok(_("Netzwerkergebnis für „{name}“ eingelesen.").format(name=network.name))
        done()

    lead = _(
        "Ihr Beitrag enthält nur die Bewertungen je Anforderung und den Fortschritt – keine Texte, keine Namen "
        "von Personen. Die Koordination schickt das Netzwerkergebnis zurück; Ihre eigene Spalte entsteht hier."
    )
    return card(
        make(w.HTML, f"<h2>{esc(_('Austausch mit der Koordination'))}</h2><div class='qm-muted'>{esc(lead)}</div>"),
        make(w.HBox, [choice, button(wrap, "Beitrag als Datei speichern", "download", save)]),
        links,
        _upload(wrap, received, feedback, _("Netzwerkergebnis wählen … (.json)"), many=False),
    )
