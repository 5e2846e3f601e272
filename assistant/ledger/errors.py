"""What the ledger says when it refuses: always one Chinese sentence a cadre can act on."""
from __future__ import annotations


class LedgerError(Exception):
    """Input the ledger cannot take (a bad field, a missing household); `message` says what to fix."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(LedgerError):
    """The signed-in person may not see or change this (another village, not an admin)."""


class EditConflict(LedgerError):
    """Someone saved this household after it was opened; `changes` says who changed what, masked."""

    def __init__(self, message: str, changes: list[str], version: int):
        super().__init__(message)
        self.changes = changes
        self.version = version
