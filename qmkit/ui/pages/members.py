"""Zugänge: who works in this institution with which role (a shared installation's log-ins).

The QMB gives colleagues a role, changes it or takes it away; every change is saved at once and a refusal (the
last QMB, a name qmkit does not know) stays visible in German. People are added by the administration
(``qmkit user add``); on a laptop without log-in the page explains that roles matter only in a shared installation.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from qmkit.domain.access import ROLE_LABELS, Membership, Role
from qmkit.errors import AccessDenied
from qmkit.i18n import _
from qmkit.services.people import People
from qmkit.ui.routes import PageRequest
from qmkit.ui.widgets.common import Feedback, card, esc, guard, make, nav_html, page_box


def role_options() -> list[tuple[str, str]]:
    """The roles in the page's language (read when the page is built, not at import: QMKIT_LANG may change)."""
    return [(_(label), role.value) for role, label in ROLE_LABELS.items()]


class MembersPage:
    def __init__(self, people: People, institution_id: int, institution_name: str, cycle_id: int):
        self.people, self.institution_id = people, institution_id
        self.feedback = Feedback()
        self.guard = guard(self.feedback)
        self.rows = make(w.VBox)
        self.login = make(w.Text, placeholder=_("Anmeldename"), layout=dict(width="220px"))
        self.role = make(
            w.Dropdown, options=role_options(), value=Role.MITARBEIT.value, layout=dict(width="240px"), name=_("Rolle")
        )
        self.add = make(w.Button, description=_("Zugang geben"), icon="plus", layout=dict(width="auto"))
        self.add.on_click(self.guard(lambda _b: self.give()))
        lead = _("Wer in „{name}“ mit welcher Rolle arbeitet. Jede Änderung gilt sofort.").format(name=institution_name)
        hint = ""
        if people.access.identity.local:
            hint = _(
                "Auf diesem Rechner gibt es keine Anmeldung: Rollen wirken erst in einer gemeinsamen Installation "
                "(JupyterHub, siehe README)."
            )
        self.form = make(w.HBox, [self.login, self.role, self.add])
        self.widget = page_box(
            make(
                w.HTML,
                nav_html("zugaenge", cycle_id)
                + f"<h1>{esc(_('Zugänge'))}</h1><div class='qm-muted'>{esc(lead)}</div>"
                + (f"<div class='qm-muted'>{esc(hint)}</div>" if hint else ""),
            ),
            self.feedback.widget,
            card(make(w.HTML, f"<h2>{esc(_('Personen und Rollen'))}</h2>"), self.rows),
            card(
                make(w.HTML, f"<h2>{esc(_('Zugang geben'))}</h2>"),
                make(
                    w.HTML,
                    f"<div class='qm-muted'>{esc(_('Der Anmeldename, den die Administration eingetragen hat.'))}</div>",
                ),
                self.form,
            ),
        )
        self.refresh()

    def refresh(self) -> None:
        try:
            members = self.people.members(self.institution_id)
        except AccessDenied as exc:
            self.rows.children = (make(w.HTML, f"<div class='qm-muted'>{esc(exc)}</div>"),)
            self.form.children = ()  # nothing to give without the right to manage
            return
        self.rows.children = tuple(self._row(m) for m in members) or (
            make(w.HTML, f"<div class='qm-muted'>{esc(_('Noch niemand eingetragen.'))}</div>"),
        )

    def _row(self, member: Membership) -> w.HBox:
        name = make(
            w.HTML, f"<b>{esc(member.name or member.login)}</b> <span class='qm-muted'>({esc(member.login)})</span>"
        )
        role = make(
            w.Dropdown,
            options=role_options(),
            value=member.role.value,
            layout=dict(width="240px"),
            name=_("Rolle von {name}").format(name=member.name or member.login),
        )
        remove = make(w.Button, description=_("Rolle entziehen"), icon="times", layout=dict(width="auto"))
        role.observe(self.guard(lambda change: self.change(member, change["new"])), names="value")
        remove.on_click(self.guard(lambda _b: self.take_away(member)))
        return make(w.HBox, [make(w.Box, [name], layout=dict(width="320px")), role, remove])

    def give(self) -> None:
        made = self.people.grant(self.login.value, self.institution_id, self.role.value)
        self.login.value = ""
        self.feedback.ok(_("{login} ist jetzt {role}.").format(login=made.login, role=_(ROLE_LABELS[made.role])))
        self.refresh()

    def change(self, member: Membership, role: Any) -> None:
        try:
            made = self.people.grant(member.login, self.institution_id, role)
        finally:
            self.refresh()  # a refused change shows the stored role again, with the message above
        self.feedback.ok(_("{login} ist jetzt {role}.").format(login=made.login, role=_(ROLE_LABELS[made.role])))

    def take_away(self, member: Membership) -> None:
        self.people.revoke(member.login, self.institution_id)
        self.feedback.ok(_("{login} hat keine Rolle mehr in dieser Einrichtung.").format(login=member.login))
        self.refresh()


def build(request: PageRequest) -> w.VBox:
    evaluation = request.evaluation()
    page = MembersPage(
        request.services.people(), evaluation.cycle.institution_id, evaluation.institution.name, evaluation.cycle.id
    )
    return page.widget
