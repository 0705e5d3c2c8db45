"""The recommendations admin, one module per noun; importing this package registers them all."""

from . import content, distribution, followup

__all__ = ["content", "distribution", "followup"]
