"""The standing hint and the earlier ones, kept in a lesson's progress so the pane can show them after a reload.

A hint stays until the learner acts on it: the next command that completes a step or is a new mistake
files it under "earlier hints" (and a mistake puts its own hint up); anything else (a detour, an
exploration answered) leaves it standing, and the pane shows that command's message beside it.

    remember(progress, verdict)     # after assess.assess updated progress["last"]
    progress["hint"]   -> {"text", "step", "fix"?} | None
    progress["hints"]  -> earlier hints, newest first (at most MAX_EARLIER)
"""
from __future__ import annotations

MAX_EARLIER = 20


def _retire(progress: dict) -> None:
    standing = progress.get("hint")
    if not standing:
        return
    earlier = [h for h in progress.get("hints") or [] if h.get("text") != standing.get("text")]
    progress["hints"] = ([standing] + earlier)[:MAX_EARLIER]
    progress["hint"] = None


def remember(progress: dict, verdict: dict | None) -> None:
    if not verdict:
        return
    kind = verdict.get("verdict")
    if kind == "complete":
        _retire(progress)
    elif kind == "mistake" and verdict.get("hint"):
        standing = progress.get("hint")
        if standing and standing.get("text") == verdict["hint"]:
            return                                   # the same mistake again: the same hint stands
        _retire(progress)
        hint = {"text": verdict["hint"], "step": verdict.get("step")}
        if verdict.get("fix"):
            hint["fix"] = verdict["fix"]
        progress["hint"] = hint
        progress["hints"] = [h for h in progress.get("hints") or [] if h.get("text") != hint["text"]]
