"""Rating workshops, checked: the facilitator's side (create, dots, consensus) and the participants' side.

A participant reaches a workshop only with its join token (or code), a facilitator only with the facilitator
token; any other value gets one German refusal that says nothing about what exists.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from qmkit.domain.access import Right
from qmkit.domain.catalog import Catalog, CatalogSet
from qmkit.domain.text import clean_name, clean_text
from qmkit.domain.workshop import (
    CANNOT_JUDGE,
    MAX_PARTICIPANTS,
    Consensus,
    Participant,
    Workshop,
    WorkshopRating,
    WorkshopResult,
    check_answer,
    check_role,
    check_workshop,
    closed_reason,
    new_token,
    same_token,
    valid_key,
)
from qmkit.errors import InputError, NotFoundError, StoreError
from qmkit.i18n import N_, _
from qmkit.services.access import needs
from qmkit.services.selfeval import CycleWork, workshop_result
from qmkit.store import Store


def _by_token(find: Callable[[str, str], Workshop], token: Any, field: str, refused: str) -> Workshop:
    """The workshop ``find`` returns for ``token`` – compared again in constant time – or ``refused``."""
    if not isinstance(token, str) or not token or len(token) > 100:
        raise NotFoundError(refused)
    found = find(token, refused)
    if not same_token(token, getattr(found, field)):
        raise NotFoundError(refused)
    return found


def workshop_for_facilitator(store: Store, token: Any) -> Workshop:
    """The workshop whose facilitator link carries ``token`` (a participant's token is refused)."""
    refused = _("Dieser Moderationslink ist ungültig.")
    return _by_token(store.workshops.by_facilitator_token, token, "facilitator_token", refused)


def workshop_for_participant(store: Store, token: Any) -> Workshop:
    """The workshop whose join link carries ``token``; any other value is refused with one message."""
    refused = _("Dieser Workshop-Link ist ungültig oder abgelaufen. Bitte den Link der Moderation verwenden.")
    return _by_token(store.workshops.by_token, token, "token", refused)


def workshop_by_code(store: Store, code: Any) -> Workshop:
    """The workshop with this join code (as typed on a phone: case and spaces do not matter)."""
    refused = _("Diesen Beitrittscode gibt es nicht. Bitte genau so eingeben, wie er angezeigt wird.")
    if not isinstance(code, str) or not 4 <= len(code.strip()) <= 12:
        raise NotFoundError(refused)
    return store.workshops.by_code(code.strip().upper(), refused)


def _in_workshop(workshop: Workshop, requirement_id: str) -> None:
    if requirement_id not in workshop.requirement_ids:
        raise InputError(_("Diese Anforderung gehört nicht zum Workshop."), "requirement_id")


class Workshops(CycleWork):
    """The facilitator's work on the workshops of one cycle."""

    def workshops(self) -> list[Workshop]:
        return self.store.workshops.of_cycle(self.cycle.id)

    def workshop(self, workshop_id: int) -> Workshop:
        found = self.store.workshops.get(int(workshop_id))
        if found.cycle_id != self.cycle.id:
            raise NotFoundError(_("Diesen Workshop gibt es nicht."))
        return found

    @needs(Right.MANAGE)
    def create(self, **values: Any) -> Workshop:
        """A workshop on selected requirements with fresh random tokens and a short join code."""
        return self.store.workshops.create(self.cycle.id, check_workshop(values, self.catalog))

    def result(self, workshop: Workshop) -> WorkshopResult:
        """Everything the live view and the exports show of a workshop, read at one moment."""
        return workshop_result(self.store, workshop, self.catalog)

    def participants(self, workshop: Workshop) -> list[Participant]:
        return self.store.workshops.participants(workshop.id)

    def consensus(self, workshop: Workshop) -> dict[str, Consensus]:
        return self.store.workshops.consensus(workshop.id)

    def dots(self, workshop: Workshop) -> dict[str, dict[str, int]]:
        return self.store.workshops.dots(workshop.id)

    @needs(Right.EDIT)
    def set_dots(self, workshop: Workshop, requirement_id: str, value: str, count: Any) -> None:
        """Facilitator-only mode: the number of dots on one scale value of one requirement."""
        _in_workshop(workshop, requirement_id)
        check_answer(self.catalog, requirement_id, value, "")
        try:
            number = int(str(count).strip() or 0)
        except ValueError:
            raise InputError(_("Bitte die Zahl der Punkte als ganze Zahl eingeben."), "count") from None
        if not 0 <= number <= 500:
            raise InputError(_("Die Zahl der Punkte muss zwischen 0 und 500 liegen."), "count")
        self.store.workshops.set_dots(workshop.id, requirement_id, value, number)

    @needs(Right.EDIT)
    def record_consensus(
        self, workshop: Workshop, requirement_id: str, rating: str, reason: Any = "", dissent: Any = "", user: str = ""
    ) -> Consensus:
        """Store the agreed rating and write it into the cycle's self-evaluation, naming the workshop as source."""
        _in_workshop(workshop, requirement_id)
        value, _comment = check_answer(self.catalog, requirement_id, rating, "")
        if value == CANNOT_JUDGE:
            raise InputError(_("Als Konsens bitte einen Wert der Skala wählen."), "rating")
        clean_reason = clean_text(reason, "reason", limit=2000, label=N_("Begründung"), multiline=True)
        clean_dissent = clean_text(dissent, "dissent", limit=2000, label=N_("Abweichende Meinungen"), multiline=True)
        author = self.access.author(user)
        return self.store.workshops.record_consensus(
            workshop, requirement_id, value, clean_reason, clean_dissent, author
        )


class Participation:
    """One phone's side of a workshop: join or continue, answer, see one's own answers."""

    def __init__(self, store: Store, workshop: Workshop, catalog: Catalog):
        self.store, self.workshop, self.catalog = store, workshop, catalog

    @classmethod
    def open(cls, store: Store, token: Any, catalogs: CatalogSet) -> Participation:
        workshop = workshop_for_participant(store, token)
        return cls(store, workshop, catalogs.get(store.cycles.get(workshop.cycle_id).catalog_id))

    def participant(self, key: Any) -> Participant | None:
        """The participant of this workshop with ``key``, or None (a key of another workshop is no match)."""
        if not valid_key(key):
            return None
        found = self.store.workshops.participant(self.workshop.id, key)
        return found if found is not None and same_token(key, found.key) else None

    def closed(self, today: date | None = None) -> str | None:
        """Why nobody can answer any more (a German sentence), or None while the workshop is open."""
        decided = set(self.store.workshops.consensus(self.workshop.id))
        return closed_reason(self.workshop, today or date.today(), decided)

    def _refuse_when_closed(self) -> None:
        reason = self.closed()
        if reason:
            raise InputError(reason, "workshop")

    def join(self, display_name: Any = "", role_group: Any = "", key: str | None = None) -> Participant:
        """Join (or, with the ``key`` of an earlier visit, continue). Names are kept only in named workshops."""
        found = self.participant(key)
        if found is not None:
            return found
        self._refuse_when_closed()
        name = clean_name(display_name, "display_name", limit=100, label=N_("Name")) if self.workshop.named else ""
        role = check_role(clean_text(role_group, "role_group", limit=100, label=N_("Rollengruppe")))
        if len(self.store.workshops.participants(self.workshop.id)) >= MAX_PARTICIPANTS:
            raise InputError(_("Dieser Workshop ist voll. Bitte bei der Moderation melden."), "workshop")
        # A key the browser brought (its cookie) is kept, so the same device continues after a reload.
        new_key = key if key is not None and valid_key(key) else new_token()
        for _attempt in range(3):
            joined = self.store.workshops.add_participant(self.workshop.id, new_key, name, role)
            if joined is not None:
                return joined
            again = self.participant(new_key)  # the same device joined twice at once
            if again is not None:
                return again
            new_key = new_token()  # the key belongs to another workshop's participant
        raise StoreError(_("Die Teilnahme konnte nicht angelegt werden. Bitte die Seite neu laden."))

    def answers(self, participant: Participant) -> dict[str, WorkshopRating]:
        """What one participant has answered so far (to continue after reconnecting)."""
        return self.store.workshops.answers_of(participant)

    def rate(self, participant: Participant, requirement_id: str, value: Any, comment: Any = "") -> WorkshopRating:
        """Store one participant's answer at once (the later answer of the same person replaces it)."""
        return self.rate_all(participant, {requirement_id: (value, comment)})[0]

    def rate_all(self, participant: Participant, answers: Mapping[str, tuple[Any, Any]]) -> list[WorkshopRating]:
        """Store several answers (requirement id -> (value, comment)): all are checked first, so one value not on
        the scale or one comment too long stores none of them."""
        if participant.workshop_id != self.workshop.id:
            raise NotFoundError(_("Diese Teilnahme gehört zu einem anderen Workshop."))
        checked = []
        for requirement_id, (value, comment) in answers.items():
            _in_workshop(self.workshop, requirement_id)
            checked.append((requirement_id, *check_answer(self.catalog, requirement_id, value, comment)))
        self._refuse_when_closed()
        return [self.store.workshops.rate(participant, req, value, comment) for req, value, comment in checked]
