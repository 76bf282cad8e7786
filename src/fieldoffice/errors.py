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
