"""What a diagnosis is: a cause in words a learner can act on, and a fix that works now. diagnose.py and
diagnose_gateway.py (Gateway API routes) both word their findings so; the lessons' hints reuse them."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Diagnosis:
    cause: str                      # one or two sentences: what happened and why
    fix: str | None = None          # a command that works in the current state
    rename: tuple[str, str] | None = None    # (name typed, name meant): diagnose_command rewrites the line

    def text(self) -> str:
        return self.cause + (f" Fix: {self.fix}" if self.fix else "")

    def pair(self) -> tuple[str, str | None]:
        return self.cause, self.fix
