"""The error the API server answers a refused request with, as kubectl prints it. Below the API server, so
that admission it runs (addons/ingress_admission.py) and the programs that catch it share one type.
"""
from __future__ import annotations


class ApiError(Exception):
    """An API error. str() is what kubectl prints for it (cmdutil.CheckErr), without a trailing newline."""

    def __init__(self, reason: str, message: str, code: int = 422, *, kind: str = "", name: str = "",
                 causes: list[str] | None = None):
        super().__init__(message)
        self.reason = reason        # NotFound, AlreadyExists, Invalid, BadRequest, Forbidden, Conflict
        self.message = message
        self.code = code
        self.kind = kind            # details.kind for Invalid: "Deployment"
        self.name = name
        self.causes = causes or []  # "spec.replicas: Invalid value: -1: must be ..."

    def __str__(self) -> str:
        return self.render()

    def render(self, source: str = "", verb: str = "creating") -> str:
        """kubectl's rendering; `source` is the manifest file for `error when creating "x.yaml": ...`."""
        if self.reason == "Invalid" and self.kind:
            head = f'The {self.kind} "{self.name}" is invalid'
            if not self.causes:
                return head
            if len(self.causes) == 1:
                return f"{head}: {self.causes[0]}"
            return f"{head}: \n" + "\n".join(f"* {c}" for c in self.causes)
        message = f'error when {verb} "{source}": {self.message}' if source else self.message
        return f"Error from server ({self.reason}): {message}"
