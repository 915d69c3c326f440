"""Registers `kubectl edit`'s save handler whenever programs load, so a save in a fresh process works."""
from .kubectl import edit  # noqa: F401  (EDITOR_HANDLERS["kubectl-edit"])
