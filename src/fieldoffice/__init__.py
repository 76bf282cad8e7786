"""fieldoffice: which field office is responsible for this place, and how to reach it."""

__version__ = "0.1.0"
