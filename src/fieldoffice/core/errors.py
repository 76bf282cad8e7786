"""One exception hierarchy. Each error knows the HTTP status and CLI exit code it maps to."""

from __future__ import annotations


class FieldOfficeError(Exception):
    """Base class: `message` says what was wrong, `hint` says what to do about it."""

    http_status = 500
    exit_code = 3
    code = "internal_error"

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if not self.hint:
            return self.message
        return f"{self.message}. {self.hint[:1].upper()}{self.hint[1:]}"


class InvalidInput(FieldOfficeError):
    """The caller gave something that cannot be understood as asked."""

    http_status = 400
    exit_code = 2
    code = "invalid_input"


class InvalidCoordinates(InvalidInput):
    code = "invalid_coordinates"


class NotFound(FieldOfficeError):
    http_status = 404
    exit_code = 1
    code = "not_found"


class DataError(FieldOfficeError):
    """A data file (directory, regions, boundaries) is missing or wrong; names the file and field."""

    http_status = 500
    exit_code = 2  # the usual cause is a --directory file given by the user
    code = "data_error"


class Unauthorized(FieldOfficeError):
    """No valid session or token (the editors' pages and API)."""

    http_status = 401
    exit_code = 2
    code = "unauthorized"


class Forbidden(FieldOfficeError):
    """Signed in, but the role does not allow it."""

    http_status = 403
    exit_code = 2
    code = "forbidden"


class Conflict(FieldOfficeError):
    """The request is understood but the store's state refuses it (lint blocks a publish).
    `details` are shown with it (the findings)."""

    http_status = 409
    exit_code = 1
    code = "conflict"

    def __init__(self, message: str, *, hint: str | None = None, code: str | None = None,
                 details: object = None) -> None:  # fmt: skip
        super().__init__(message, hint=hint)
        self.code = code or type(self).code
        self.details = details


class StaleEdit(Conflict):
    """An edit based on a draft that has changed since (If-Match does not match)."""

    http_status = 412
    code = "stale_draft"


class PreconditionRequired(FieldOfficeError):
    http_status = 428
    exit_code = 2
    code = "if_match_required"


class TooManyAttempts(FieldOfficeError):
    """Login throttled: `retry_after` seconds until the lockout ends."""

    http_status = 429
    exit_code = 1
    code = "locked_out"

    def __init__(self, message: str, *, retry_after: int, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.retry_after = retry_after
