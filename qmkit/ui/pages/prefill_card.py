"""The card "Aus anderem Katalog vorbelegen" on the Selbstbewertung page: choose a cycle of another catalog of the
institution, see the crosswalk that connects the two, preview, then fill what is still empty."""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w

from qmkit.domain.crosswalk import version_notes
from qmkit.i18n import _
from qmkit.services.prefill import Prefill, PrefillSource
from qmkit.ui.widgets.common import Feedback, button, card, esc, make


class PrefillCard:
    """Shown only when the institution has a cycle whose catalog has a crosswalk to this cycle's catalog."""

    def __init__(
        self,
        prefill: Prefill,
        user: Callable[[], str],
        wrap: Callable[[Callable[..., object]], Callable[..., object]],
        feedback: Feedback,
        done: Callable[[], None],
    ):
        self.prefill, self.user, self.feedback, self.done = prefill, user, feedback, done
        self.sources = {s.cycle.id: s for s in prefill.sources()}
        self.choice = make(
            w.Dropdown,
            options=[(s.label, s.cycle.id) for s in self.sources.values()],
            description=_("Vorlage"),
            layout={"width": "560px"},
            style={"description_width": "initial"},
        )
        self.about = make(w.HTML)
        self.result = make(w.HTML)
        self.choice.observe(wrap(lambda _change: self.show_crosswalk()), names="value")
        self.widget: w.VBox | None = None
        if self.sources:
            lead = _(
                "Übernimmt Bewertungen und Nachweise aus einem Zyklus mit einem anderen Katalog dieser Einrichtung – "
                "nur wo hier noch nichts steht. Was nur teilweise zusammenpasst, wird als Vorschlag übernommen und "
                "„bitte prüfen“ markiert."
            )
            self.widget = card(
                make(
                    w.HTML,
                    f"<h2>{esc(_('Aus anderem Katalog vorbelegen'))}</h2><div class='qm-muted'>{esc(lead)}</div>",
                ),
                self.choice,
                self.about,
                make(
                    w.HBox,
                    [
                        button(wrap, "Vorschau", "eye", self.preview),
                        button(wrap, "Leere Felder vorbelegen", "magic", self.apply),
                    ],
                ),
                self.result,
            )
            self.show_crosswalk()

    def chosen(self) -> PrefillSource:
        return self.sources[int(self.choice.value)]

    def show_crosswalk(self) -> None:
        """Which crosswalk connects the chosen cycle's catalog with this one, and a hint if versions differ."""
        walk = self.chosen().crosswalk
        lines = [
            _("Crosswalk „{title}“: {n} Zuordnungen zwischen {a} und {b}.").format(
                title=walk.title, n=len(walk.mappings), a=walk.source.catalog, b=walk.target.catalog
            ),
            *version_notes(walk, self.prefill.catalogs.catalogs),
        ]
        self.about.value = "<div class='qm-muted'>" + "<br>".join(esc(x) for x in lines) + "</div>"
        self.result.value = ""

    def preview(self) -> None:
        found = self.prefill.preview(self.chosen().cycle.id)
        self.result.value = f"<div class='qm-msg-info'>{esc(found.message())}</div>"

    def apply(self) -> None:
        done = self.prefill.apply(self.chosen().cycle.id, self.user())
        self.result.value = ""
        self.feedback.ok(done.message())
        self.done()
