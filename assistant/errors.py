"""Errors a user can fix: each carries one Chinese sentence that says what to change."""


class InputError(ValueError):
    """Input that cannot be settled; `message` is shown to the user as is."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class KnowledgeError(RuntimeError):
    """A policy pack or document that fails validation (names the file and the field)."""
