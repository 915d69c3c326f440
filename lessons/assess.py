"""Judge one command against the learner's current step: complete, a harmless detour, or a mistake.

    progress = new_progress(lesson)
    verdict = assess(lesson, progress, line, result, engine)   # updates progress in place
    # {"verdict": "complete"|"detour"|"mistake", "step": id, "message": str, "hint": str|None,
    #  "next_step": id|None, "lesson_complete": bool}

Pure: the lesson is the dict from format.parse_lesson, progress a JSON-able dict, `result` the engine's
Result (or a dict with output/exit_code/editor) and `engine` the engine after the command ran.
For an editor save, pass the line that opened the editor (`kubectl edit service nginx-app`).
"""
from __future__ import annotations

import difflib
import re

from playground.sim import diagnose, network, resources
from playground.sim.diagnosis import Diagnosis

from . import checks

READ_ONLY_VERBS = {"kubectl get", "kubectl describe", "kubectl explain", "kubectl logs", "kubectl version",
                   "kubectl api-resources", "kubectl cluster-info", "kubectl help", "minikube ip",
                   "minikube status", "minikube service", "docker ps"}
# Commands that make or reshape an object (a label or an annotation does not change what a step checks).
SHAPING_VERBS = {"kubectl create", "kubectl expose", "kubectl apply", "kubectl edit", "kubectl patch",
                 "kubectl replace", "kubectl set", "kubectl scale", "kubectl run"}
KNOWN_COMMANDS = ("kubectl", "minikube", "curl", "docker", "cat", "echo", "grep", "history", "clear")


def new_progress(lesson: dict) -> dict:
    return {"current": lesson["steps"][0]["id"], "done": [], "completed": False, "last": None}


def _step(lesson: dict, sid: str | None) -> dict | None:
    return next((s for s in lesson["steps"] if s["id"] == sid), None)


def _index(lesson: dict, sid: str) -> int:
    return next(i for i, s in enumerate(lesson["steps"]) if s["id"] == sid)


def _field(result, name: str, default=None):
    if isinstance(result, dict):
        return result.get(name, default)
    return getattr(result, name, default)


def _verdict(kind: str, step: str | None, message: str, hint: str | None, next_step: str | None,
             done: bool) -> dict:
    return {"verdict": kind, "step": step, "message": message, "hint": hint, "next_step": next_step,
            "lesson_complete": done}


def _goal(step: dict) -> list[dict]:
    """The state that means the step's purpose is met, whatever command got there (check.goal; a
    state-only step's goal is its state). Empty: only the step's own check completes it."""
    check = step["check"]
    return check.get("goal") or (check["state"] if checks.state_only(check) else [])


def _settle(lesson: dict, progress: dict, cluster) -> list[dict]:
    """Move past the current step while it is done already (credited ahead) or its goal holds; returns the
    steps finished on the way."""
    finished = []
    while progress["current"] is not None:
        step = _step(lesson, progress["current"])
        goal = _goal(step)
        if step["id"] not in progress["done"]:
            if not goal or not all(checks.evaluate(p, cluster) is None for p in goal):
                return finished
            progress["done"].append(step["id"])
            finished.append(step)
        rest = [s["id"] for s in lesson["steps"][_index(lesson, step["id"]) + 1:] if s["id"] not in progress["done"]]
        progress["current"] = rest[0] if rest else None
    progress["completed"] = True
    return finished


def _advance(lesson: dict, progress: dict, cluster) -> list[dict]:
    """Mark the current step done and move on, past steps done ahead or whose goal the cluster meets."""
    finished = [_step(lesson, progress["current"])]
    progress["done"].append(progress["current"])
    return finished + _settle(lesson, progress, cluster)


ERROR_LINE = re.compile(r"^(error:|Error from server|Error:|curl: \(|bash: |The \w+ \"[^\"]*\" is invalid|"
                        r"\*\* server can't find|wget: |nslookup: |❌|🤷)")


def _first_line(output: str) -> str:
    """The line that says what went wrong (kubectl's `error: ...`), else the first line printed."""
    lines = [l.strip() for l in output.splitlines() if l.strip()]
    return next((l for l in lines if ERROR_LINE.match(l)), lines[0] if lines else "")


def _similar(norm: str, names: set[str]) -> tuple[str, str] | None:
    """(typed, meant) when the line names something one typo away from a lesson object."""
    for word in norm.split():
        for token in re.split(r"[=/:,]", word):
            if not token or token in names or token.startswith("-"):
                continue
            close = difflib.get_close_matches(token, sorted(names), n=1, cutoff=0.75)
            if close:
                return token, close[0]
    return None


def _error_hint(output: str, step: dict, norm: str, names: set[str], cluster=None) -> str:
    """A hint built from what went wrong when a command of the step's kind failed."""
    first = _first_line(output)
    parts = [f"The command failed with: {first}" if first else "The command failed."]
    typo = _similar(norm, names)
    low = first.lower()
    if typo:
        parts.append(f"Check the name: you typed {typo[0]!r}, the lesson uses {typo[1]!r}.")
    elif "already exists" in low:
        m = re.search(r'(\w+)(?:\.[\w.]+)? "([^"]+)" already exists', first)
        kind = resources.lookup(m.group(1)) if m else None
        what = f"{kind.singular if kind else m.group(1)} {m.group(2)}" if m else "that object"
        parts.append(f"The {what} is already there: carry on with it, or delete it first "
                     f"(kubectl delete {what}) to create it again.")
    elif "not found" in low:
        parts.append("kubectl looked for an object that does not exist: check the type and the name "
                     "(kubectl get all lists what there is).")
    elif "unknown flag" in low or "unknown shorthand flag" in low:
        parts.append("kubectl does not know that flag: check its spelling (every command has --help).")
    elif "required flag" in low or "exactly one name is required" in low:
        parts.append("Something the command needs is missing.")
    elif low.startswith("curl:"):
        parts.append("curl runs on your machine, outside the cluster: it reaches the node's IP "
                     "(minikube ip) on a NodePort, not a ClusterIP or a Service name.")
    ref = _safe_reference(step, cluster)
    if ref and checks.normalise(ref) != norm:
        parts.append(f"This step uses: {ref}")
    return " ".join(parts)


# What a step's reference command makes: (regex over its normalised line, kind, group of the name).
MAKES = ((r"^kubectl run ([a-z0-9.-]+)", "pod", 1),
         (r"^kubectl create (deploy|deployment) ([a-z0-9.-]+)", "deployment", 2),
         (r"^kubectl create (service|svc) \w+ ([a-z0-9.-]+)", "service", 2),
         (r"^kubectl expose \S+?[ /]([a-z0-9.-]+)", "service", 1),
         (r"^kubectl create (ingress|ing) ([a-z0-9.-]+)", "ingress", 2))


def _safe_reference(step: dict, cluster) -> str:
    """The step's reference command, made to work now: when what it creates exists already, delete first."""
    ref = step["commands"][0]
    if cluster is None:
        return ref
    norm = checks.normalise(ref)
    for pattern, kind, group in MAKES:
        m = re.match(pattern, norm)
        if not m:
            continue
        name = m.group(group)
        named = re.search(r"--name=([a-z0-9.-]+)", norm)
        if kind == "service" and named:
            name = named.group(1)
        ns = re.search(r"--namespace=([a-z0-9-]+)", norm)
        plural = {"pod": "pods", "deployment": "deployments", "service": "services", "ingress": "ingresses"}[kind]
        if cluster.get(plural, ns.group(1) if ns else "default", name) is not None:
            return f"kubectl delete {kind} {name}" + (f" -n {ns.group(1)}" if ns else "") + f" && {ref}"
        break
    return ref


def _lost_objects(lesson: dict, progress: dict, cluster) -> list[tuple[dict, str]]:
    """(step, "service nginx-app") for objects completed steps made that are gone now (deleted)."""
    lost: dict[str, dict] = {}
    for sid in progress["done"]:
        step = _step(lesson, sid)
        for pred in step["check"]["state"]:
            kind = checks.predicate_kind(pred)
            what = f"{kind} {pred[kind]}"
            if kind in ("service", "deployment") and pred.get("exists") is not False and what not in lost:
                probe = {kind: pred[kind], "namespace": pred.get("namespace", "default")}
                if checks.evaluate(probe, cluster):
                    lost[what] = step
    return [(step, what) for what, step in lost.items()]


def _step_verbs(step: dict) -> set[str]:
    return {checks.verb(checks.normalise(c)) for c in step["commands"]}


def assess(lesson: dict, progress: dict, line: str, result, engine) -> dict:
    cluster = engine.cluster
    output = _field(result, "output", "") or ""
    code = int(_field(result, "exit_code", 0) or 0)
    editor = _field(result, "editor")
    norm = checks.normalise(line)
    if progress.get("completed") or progress.get("current") is None:
        d = diagnose.diagnose_command(engine, line, result)
        v = _verdict("detour", None, (d.cause + " " if d else "") + "Lesson complete: explore as you like.",
                     f"Try: {d.fix}" if d and d.fix else None, None, True)
        progress["last"] = v
        return v
    step = _step(lesson, progress["current"])
    failures = checks.check_failures(step["check"], norm, output, code, cluster)
    if not failures and not editor:
        v = _completed(lesson, progress, _advance(lesson, progress, cluster), step["id"])
    else:
        v = _credit_later(lesson, progress, step, norm, output, code, cluster) if not editor else None
        v = v or _judge_miss(lesson, progress, step, norm, line, output, code, editor, failures, engine, result)
    progress["last"] = v
    return v


def _completed(lesson: dict, progress: dict, finished: list[dict], sid: str, ahead: str = "") -> dict:
    nxt = _step(lesson, progress["current"])
    titles = ", ".join(s["title"] for s in finished)
    msg = ahead + (f"Done: {titles}." if titles else "") + \
        (f" Next: {nxt['title']}." if nxt else " Lesson complete!")
    return _verdict("complete", sid, msg.strip(), None, progress["current"], progress["completed"])


def _credit_later(lesson, progress, step, norm, output, code, cluster) -> dict | None:
    """A command that does a later step correctly completes it there (done ahead); if that also meets the
    current step's goal (minikube delete also stops the cluster), the lesson moves on. A command that
    tries the current step (its pattern matches) is judged there, not credited elsewhere."""
    if step["check"]["command"] and checks.command_matches(step["check"]["command"], norm):
        return None
    for later in lesson["steps"][_index(lesson, step["id"]) + 1:]:
        if later["id"] in progress["done"]:
            continue
        check = later["check"]
        by_command = bool(check["command"]) and checks.command_matches(check["command"], norm)
        by_state = checks.state_only(check) and checks.verb(norm) in SHAPING_VERBS
        if (by_command or by_state) and not checks.check_failures(check, norm, output, code, cluster):
            progress["done"].append(later["id"])
            finished = _settle(lesson, progress, cluster)
            ahead = f"That does the step \"{later['title']}\" ahead of time: it is marked done. "
            if finished:
                return _completed(lesson, progress, finished, later["id"], ahead)
            return _verdict("complete", later["id"], ahead + f"Current step: {step['title']}.", None,
                            progress["current"], progress["completed"])
        if by_command:
            return None
    return None


GENERIC_REASONS = ("the output does not show", "the command exited with")
PROBES = ("curl", "wget", "nslookup", "ping", "kubectl exec", "minikube service", "kubectl get", "kubectl describe")


def _lesson_start(lesson: dict, fix: str | None, cluster) -> str | None:
    """`minikube start` after a `minikube delete` becomes the lesson's own (minikube start --cni=calico in
    lesson 5): the new cluster is made the way the lesson needs it."""
    if fix != "minikube start" or network.node_reachable(cluster) != "deleted":
        return fix
    commands = [c for s in lesson.get("steps") or [] for c in s["commands"]] + list(lesson.get("setup") or [])
    own = next((c for c in commands if c.startswith("minikube start ")), None)
    return own or fix


def _judge_miss(lesson, progress, step, norm, line, output, code, editor, failures, engine, result) -> dict:
    cluster = engine.cluster
    sid = step["id"]
    names = checks.names_in(lesson) | _reference_names(step)
    finished = _settle(lesson, progress, cluster)       # a detour may have met the step's goal after all
    if finished:
        return _completed(lesson, progress, finished, sid)

    def mistake(message: str, hint: str) -> dict:
        return _verdict("mistake", sid, message, hint, sid, False)

    def detour(message: str, hint: str | None = None) -> dict:
        return _verdict("detour", sid, message, hint, sid, False)

    if editor:
        problems = _editor_errors(editor)
        if problems:
            return mistake("kubectl could not save that.",
                           "The editor reopened with kubectl's error on top: " + " ".join(problems)
                           + " Fix it and save again, or close it to cancel.")
        return detour("The editor is open: make your change and save it (or close it to cancel).")
    failed = code != 0
    if not failed and output.startswith("Edit cancelled, no changes made."):
        return detour(f"You closed the editor without a change. Current step: {step['title']}.")
    for m in step["mistakes"]:
        if m["failed"] is not None and m["failed"] != failed:
            continue
        if re.search(m["match"], norm) and all(checks.evaluate(p, cluster) is None for p in m.get("when") or []):
            return mistake("Not quite.", m["hint"])
    diag = diagnose.diagnose_command(engine, line, result)
    if diag is not None:
        diag = Diagnosis(diag.cause, _lesson_start(lesson, diag.fix, cluster))
    verbs = _step_verbs(step)
    this_verb = checks.verb(norm)
    pattern_hit = bool(step["check"]["command"]) and checks.command_matches(step["check"]["command"], norm)
    related = pattern_hit or (this_verb in verbs and this_verb not in READ_ONLY_VERBS)
    probe = not related and norm.startswith(PROBES)
    later = None if related else _later_match(lesson, step, norm)
    later_note = f" (That command comes up further on, in \"{later['title']}\".)" if later else ""
    current = f"Current step: {step['title']}."
    touches = _touches_step_objects(step, norm)
    if diag is not None and not failed and (related or touches) and any(
            r != "command" and not r.startswith(GENERIC_REASONS) for r in failures):
        diag = None           # what the step's state lacks (port 8080, image nginx) says more
    if diag is not None and (failed or related or touches) and (not probe or _about_step(step, norm, diag)):
        return mistake("That command failed." if failed else "The command ran, but the step is not done yet.",
                       diag.text() + later_note)
    if diag is not None:          # exploration, or an early try at a later step: say what happened and why
        return detour(f"{diag.cause}{later_note} {current}", f"Try: {diag.fix}" if diag.fix else None)
    if failed and related:
        return mistake("That command failed.", _error_hint(output, step, norm, names, cluster))
    if failed and code == 127:
        cmd = norm.split()[0] if norm.split() else ""
        close = difflib.get_close_matches(cmd, KNOWN_COMMANDS, n=1, cutoff=0.6)
        if close and cmd not in KNOWN_COMMANDS:
            return mistake("Command not found.", f"There is no command {cmd!r}: did you mean {close[0]}? "
                                                 f"This step uses: {_safe_reference(step, cluster)}")
    if failed:
        typo = _similar(norm, names)
        if typo:
            return mistake("That command failed.", f"You typed {typo[0]!r}; the lesson's object is "
                                                   f"{typo[1]!r}. {_first_line(output)}")
    lost = _lost_objects(lesson, progress, cluster)
    if lost:
        s, what = lost[0]
        again = f"The step \"{s['title']}\" made {what}, and the steps after it need it. " \
                f"Create it again with: {s['commands'][0]}"
        if this_verb in READ_ONLY_VERBS:
            return detour(f"Note: the {what} is gone. {again}")
        return mistake(f"The {what} is gone.", again)
    if not failed and (pattern_hit or (this_verb not in READ_ONLY_VERBS and (
            (not step["check"]["command"] and this_verb in verbs) or _touches_step_objects(step, norm)))):
        reasons = sorted((r for r in failures if r != "command"), key=lambda r: "Fix: " in r)   # a fix ends the hint
        text = "; ".join(r[0].upper() + r[1:] for r in reasons)
        text += "" if "Fix: " in text or text.endswith(".") else "."
        ref = _safe_reference(step, cluster)
        if "Fix: " not in text and checks.normalise(ref) != norm:
            text += f" This step uses: {ref}"
        return mistake("The command ran, but the step is not done yet.", text)
    if later:
        return detour(f"That command comes up further on, in \"{later['title']}\". First: {step['title']}. "
                      f"This step uses: {_safe_reference(step, cluster)}")
    return detour(f"Fine, but not part of this step. {current}")


def _about_step(step: dict, norm: str, diag) -> bool:
    """A kubectl command that failed because of the step's own object (exec into the step's crash-looping
    pod): the step's business, not exploration."""
    return norm.startswith("kubectl ") and any(re.search(rf"(?<![\w.-]){re.escape(n)}(?![\w-])", diag.cause)
                                               for n in _reference_names(step))


def _touches_step_objects(step: dict, norm: str) -> bool:
    """The command names an object the step's state predicates are about (so a change to it matters)."""
    if checks.verb(norm) not in SHAPING_VERBS:
        return False
    words = set(re.split(r"[ /=]", norm))
    return any(checks.predicate_kind(p) in ("service", "deployment") and p[checks.predicate_kind(p)] in words
               for p in step["check"]["state"])


def _editor_errors(editor) -> list[str]:
    """The failures kubectl edit writes at the top of a reopened file (`# * spec.ports[0].nodePort: ...`)."""
    content = editor.get("content", "") if isinstance(editor, dict) else ""
    out = []
    for line in content.splitlines():
        if not line.startswith("#"):
            break
        text = line.lstrip("#").strip()
        if text.startswith("* "):
            out.append(text[2:])
        elif text.startswith("error:"):
            out.append(text)
    return out


def _reference_names(step: dict) -> set[str]:
    """Object names in the step's reference command (`kubectl expose deploy nginx-app` -> nginx-app)."""
    words = checks.normalise(step["commands"][0]).split()
    out = set()
    for i, w in enumerate(words):
        if w.startswith("--name="):
            out.add(w.split("=", 1)[1])
        elif i >= 3 and words[0] == "kubectl" and not w.startswith("-") and re.match(r"^[a-z0-9][a-z0-9-]*$", w):
            out.add(w)
    return out


def _later_match(lesson: dict, step: dict, norm: str) -> dict | None:
    """A later step this command belongs to (by its pattern or its kind of command)."""
    for later in lesson["steps"][_index(lesson, step["id"]) + 1:]:
        if later["check"]["command"] and checks.command_matches(later["check"]["command"], norm):
            return later
    return None


def explain(lesson: dict, engine, line: str, result) -> str | None:
    """The diagnosis of a command on its own (for exercises, which grade state and have no current step)."""
    d = diagnose.diagnose_command(engine, line, result)
    return Diagnosis(d.cause, _lesson_start(lesson, d.fix, engine.cluster)).text() if d else None


def lesson_view(lesson: dict, progress: dict | None) -> dict:
    """What the lesson pane and the WebSocket hello show: steps with done/current flags."""
    progress = progress or new_progress(lesson)
    done = set(progress.get("done") or [])
    return {
        "slug": lesson["slug"], "title": lesson["title"], "summary": lesson["summary"],
        "current": progress.get("current"), "completed": bool(progress.get("completed")),
        "last": progress.get("last"),
        "steps": [{"id": s["id"], "title": s["title"], "commands": s["commands"], "note": s["note"],
                   "done": s["id"] in done, "current": s["id"] == progress.get("current")}
                  for s in lesson["steps"]],
    }
