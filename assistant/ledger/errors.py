"""What the ledger says when it refuses: always one Chinese sentence a cadre can act on."""
from __future__ import annotations

from ..errors import InputError


class LedgerError(InputError):
    """Input the ledger cannot take (a bad field, a missing household); `message` says what to fix."""


class NotAllowed(LedgerError):
    """The signed-in person may not see or change this (another village, not an admin)."""


class EditConflict(LedgerError):
    """Someone saved this household after it was opened; `changes` says who changed what, masked."""

    def __init__(self, message: str, changes: list[str], version: int):
        super().__init__(message)
        self.changes = changes
        self.version = version
