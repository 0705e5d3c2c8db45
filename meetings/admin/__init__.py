"""The meetings admin, one module per noun; importing them registers the model admins."""

from . import registrations, visits  # noqa: F401
