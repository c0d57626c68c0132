"""Named exceptions of qmkit. Their message is German text meant for the person using the app."""

from __future__ import annotations


class QmkitError(Exception):
    """Base of every error qmkit shows to a person; ``str(err)`` is the German message."""


class CatalogError(QmkitError):
    """A catalog file cannot be used; the message names the file, the place and the fix."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        super().__init__("\n".join(problems))


class InputError(QmkitError):
    """A value entered by a person is not acceptable; ``field`` names the form field."""

    def __init__(self, message: str, field: str = ""):
        self.field = field
        super().__init__(message)


class NotFoundError(QmkitError):
    """An institution, cycle or requirement asked for does not exist."""


class StoreError(QmkitError):
    """The store cannot be read or written (locked too long, unreachable, newer schema)."""


class ExportError(QmkitError):
    """An export cannot be built or saved."""


class UploadError(QmkitError):
    """An upload was refused (too large, empty, interrupted); the message is German."""


class AccessDenied(QmkitError):
    """The person's role does not allow this (or they have none in that institution); the message is German."""
