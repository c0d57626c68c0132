"""What can go wrong between the store and its database, in German, and the retry of a write that collided.

SQLite serialises writers (``BEGIN IMMEDIATE`` behind the write queue), so a check and its write never collide
there. PostgreSQL lets writers run side by side: two first saves of the same row, a deadlock between two
transactions or a unique key taken a moment ago end one transaction with an error although nothing is wrong
with the input. Such a write is run again (a few times, with a short random pause); only if it still collides
does the person see a German request to save once more. A check that runs again sees what the other writer
stored and refuses in its own words (e.g. "Zu dieser Rückmeldung gibt es schon die Maßnahme …").
"""

from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from qmkit.errors import StoreError
from qmkit.i18n import _

log = logging.getLogger(__name__)

ATTEMPTS = 5
# PostgreSQL's SQLSTATEs of a collision between writers: serialization failure, deadlock, unique violation.
_COLLISIONS = {"40001", "40P01", "23505"}
_UNREACHABLE_PREFIXES = ("08", "57P")  # connection exceptions; the server shutting down
_BAD_LOGIN = {"28P01", "28000", "3D000"}  # wrong password, no such role, no such database

F = TypeVar("F", bound=Callable[..., Any])


class WriteCollision(StoreError):
    """A write collided with another writer's at the same moment; running it again is safe.

    ``duplicate``: a unique key was taken (by a writer a moment ago, or long before): a method that inserts a
    name or token of its own catches this and answers in its own words ("gibt es schon", a new token).
    """

    def __init__(self, message: str, duplicate: bool = False):
        super().__init__(message)
        self.duplicate = duplicate


def _sqlstate(exc: DBAPIError) -> str:
    orig = exc.orig
    return str(getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None) or "")


def _is_duplicate(exc: DBAPIError) -> bool:
    if _sqlstate(exc) == "23505":
        return True
    return isinstance(exc, IntegrityError) and "UNIQUE constraint failed" in str(exc.orig)


def _is_collision(exc: DBAPIError) -> bool:
    return _sqlstate(exc) in _COLLISIONS or _is_duplicate(exc)


def _connection_problem(exc: DBAPIError, safe_url: str) -> StoreError | None:
    state = _sqlstate(exc)
    text = str(exc.orig).lower()
    # libpq refuses a connection before there is a session (and an SQLSTATE)
    at_connect = not state and type(exc.orig).__module__.startswith("psycopg")
    if state in _BAD_LOGIN or (at_connect and ("authentication failed" in text or "does not exist" in text)):
        return StoreError(
            _("Anmeldung am Datenspeicher abgelehnt ({url}): Benutzer, Passwort oder Datenbankname prüfen.").format(
                url=safe_url
            )
        )
    if state.startswith(_UNREACHABLE_PREFIXES) or exc.connection_invalidated or (at_connect and "connection" in text):
        return StoreError(
            _(
                "Der Datenspeicher ist nicht erreichbar ({url}). Nichts wurde gespeichert; bitte später erneut "
                "versuchen oder die Administration fragen."
            ).format(url=safe_url)
        )
    return None


@contextmanager
def german_errors(safe_url: str = "") -> Iterator[None]:
    """Database errors become German :class:`StoreError` s (collisions: :class:`WriteCollision`)."""
    try:
        yield
    except DBAPIError as exc:
        if _is_collision(exc):
            log.info("write collided, will run again: %s", exc.orig)
            raise WriteCollision(
                _("Zwei Änderungen kamen sich gerade in die Quere. Bitte die Eingabe noch einmal speichern."),
                duplicate=_is_duplicate(exc),
            ) from exc
        problem = _connection_problem(exc, safe_url)
        if problem is not None:
            log.warning("store unreachable: %s", exc.orig)
            raise problem from exc
        if not isinstance(exc, OperationalError):
            raise
        log.warning("store operational error: %s", exc)
        if "locked" in str(exc).lower() or "busy" in str(exc).lower():
            raise StoreError(
                _("Der Datenspeicher ist gerade belegt. Bitte die Eingabe in ein paar Sekunden wiederholen.")
            ) from exc
        raise StoreError(_("Der Datenspeicher meldet einen Fehler: {err}").format(err=exc.orig)) from exc


def retrying(method: F) -> F:
    """Run a store method that writes again when its transaction collided with another writer's.

    The method must do all its writing in one ``db.write()`` transaction (a collision rolls it back whole), so
    running it again stores everything once.
    """

    @functools.wraps(method)
    def run(*args: Any, **kwargs: Any) -> Any:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return method(*args, **kwargs)
            except WriteCollision:
                if attempt == ATTEMPTS:
                    raise
                time.sleep(random.uniform(0.002, 0.02) * attempt)  # noqa: S311 (a pause, not a secret)
        raise AssertionError("unreachable")  # pragma: no cover

    run.__qmkit_retrying__ = True  # type: ignore[attr-defined]
    return run  # type: ignore[return-value]
