"""Everything that changes a sandbox: create, reset, delete, run a command, save the editor.

A command runs the line on the engine (this worker's cached one, or the stored state), then in one
transaction saves the state and bumps the version only if nobody wrote since (a conditional UPDATE that
takes the row lock; SQLite takes its write lock at BEGIN IMMEDIATE), lets the lesson assess it, records
the command, and once the transaction commits publish the diagram's diff and any traffic
traces to the sandbox's channel group, so every open tab sees the change.
"""
from __future__ import annotations

import contextlib
import copy
import logging
import secrets
import threading
import weakref
from typing import Callable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from . import quotas, ratelimit, store, topology, topology_delta
from .hooks import lesson_hook as _lesson_hook
from .models import RESET_LINE, CommandRecord, Sandbox
from .sim import apiserver, delta, jobs, resources
from .sim.completion import complete as engine_complete
from .sim.host import Host
from .sim.engine import Engine, Result

log = logging.getLogger(__name__)

MAX_NAME = 63
MAX_STORED_OUTPUT = 100_000       # characters of output kept in a CommandRecord
MAX_STORED_LINE = 20_000          # the engine refuses longer lines anyway (proc.MAX_LINE)
SCROLLBACK_COMMANDS = 50          # what the hello replays into a reopened terminal: the last 50 commands...
SCROLLBACK_CHARS = 200_000        # ...and at most this much of their output (the newest kept)
UNCOUNTED = {"events"}            # the apiserver expires events; they do not count against the quota


class SandboxError(Exception):
    """Something the learner asked for that we refuse, with a message to show them."""


class RateLimited(SandboxError):
    """Refused because the learner is going too fast (HTTP 429)."""


# ---- hooks into the lessons app ---------------------------------------------------------------------
# The lessons app sits above this module: it registers them as Django starts (playground/hooks.py). A sandbox
# without a lesson never asks; one with a lesson and no hook registered raises LookupError.
def assess(sandbox: Sandbox, line: str, result: Result, engine: Engine) -> tuple[dict | None, dict | None]:
    """(the lesson's verdict on the command, the lesson pane's state after it), from one read of the lesson
    and the learner's progress."""
    if not sandbox.lesson_slug:
        return None, None
    hook = _lesson_hook("assess_command_and_state")
    try:
        return hook(sandbox, line, result, engine)
    except Exception:        # a broken lesson must never lose the learner's command
        log.exception("assess_command failed for sandbox %s", sandbox.pk)
        return None, lesson_state(sandbox)


def lesson_state(sandbox: Sandbox) -> dict | None:
    if not sandbox.lesson_slug:
        return None
    hook = _lesson_hook("lesson_state")
    try:
        return hook(sandbox)
    except Exception:
        log.exception("lesson_state failed for sandbox %s", sandbox.pk)
        return None


def _prepare_for_lesson(sandbox: Sandbox, engine: Engine) -> None:
    """Let the lesson place its files in the learner's home (`lessons.progress.prepare_sandbox`)."""
    if not sandbox.lesson_slug:
        return
    hook = _lesson_hook("prepare_sandbox")
    try:
        hook(sandbox, engine)
    except Exception:
        log.exception("prepare_sandbox failed for sandbox %s", sandbox.pk)


def lesson_exists(slug: str) -> bool:
    return bool(_lesson_hook("lesson_exists")(slug))


# ---- publishing to the sandbox's sockets -------------------------------------------------------------
def publish(sandbox_id: int, message: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(f"sandbox-{sandbox_id}", message)
    except Exception:        # a channel layer hiccup must not fail a command that already committed
        log.exception("publishing to sandbox-%s failed", sandbox_id)


def _publish_after_commit(sandbox_id: int, d: dict | None, traces: list[dict], outbox: list[dict] | None = None,
                          version: int | None = None, base: int | None = None) -> None:
    """Once the transaction commits, send the diagram's diff `d` and the traces to the sandbox's group; or,
    given an outbox, leave them there for an async caller to send (the WebSocket consumer does, so its
    one database thread is not held while the channel layer delivers).

    A diff says `version` (the sandbox's version after the command) and `base`: the version since which
    the diagram it applies to has not changed, or None when this worker cannot know (it loaded the sandbox
    since). A page whose diagram is at version v >= base applies it; one at v < base missed a diff
    (commands that change nothing send none) and asks for the whole diagram."""
    messages = []
    if d is not None:
        if not topology.is_empty(d):
            messages.append({"type": "sandbox.topology", **d, "version": version,
                             "base": base})
    if traces:
        messages.append({"type": "sandbox.traces", "traces": traces})
    if messages and outbox is not None:
        transaction.on_commit(lambda: outbox.extend(messages))
    elif messages:
        transaction.on_commit(lambda: [publish(sandbox_id, m) for m in messages])


def unicode_text(value: str, what: str) -> str:
    """Refuse text that is not valid Unicode (a lone surrogate such as "\\ud800", which JSON can carry but
    UTF-8, the terminal and the database cannot) with a message, instead of failing deep inside."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise SandboxError(f"{what} holds text that is not valid Unicode (a lone surrogate); "
                           f"nothing was run") from None
    return value


# ---- sandboxes ---------------------------------------------------------------------------------------
def _validate_name(name: str) -> str:
    name = unicode_text((name or "").strip(), "The sandbox name")
    if not name:
        raise SandboxError("Give the sandbox a name.")
    if len(name) > MAX_NAME:
        raise SandboxError(f"A sandbox name has at most {MAX_NAME} characters.")
    return name


def create_sandbox(user, name: str, lesson_slug: str = "") -> Sandbox:
    name = _validate_name(name)

    if not ratelimit.allow_create(getattr(user, "pk", None)):
        raise RateLimited(ratelimit.CREATE_MESSAGE)
    lesson_slug = (lesson_slug or "").strip()
    if lesson_slug and not lesson_exists(lesson_slug):
        raise SandboxError(f"There is no lesson {lesson_slug!r}.")
    limit = settings.PODSCAPE_MAX_SANDBOXES
    seed = secrets.randbelow(2**31)
    engine = Engine.new(seed=seed)
    try:
        with transaction.atomic():
            if Sandbox.objects.filter(owner=user).count() >= limit:
                raise SandboxError(f"You have {limit} sandboxes, the most one learner may have. "
                                   f"Delete one to make room.")
            sandbox = Sandbox(owner=user, name=name, seed=seed, lesson_slug=lesson_slug)
            _prepare_for_lesson(sandbox, engine)
            sandbox.save()
            store.write_all(sandbox, engine)
            sandbox.save(update_fields=["meta"])
    except IntegrityError:
        raise SandboxError(f"You already have a sandbox named {name!r}.") from None
    return sandbox


_OWN_SQL = (f'SELECT * FROM "{Sandbox._meta.db_table}" WHERE "id" = %s '
            f'AND "{Sandbox._meta.get_field("owner").column}" = %s')


def get_for_user(sandbox_id: int, user) -> Sandbox:
    """The user's sandbox; Sandbox.DoesNotExist for anyone else's (callers answer 404). A raw query (the
    ORM's get built the same statement in twice the CPU, once per page's socket and HTTP request)."""
    if not getattr(user, "is_authenticated", False):
        raise Sandbox.DoesNotExist
    for sandbox in Sandbox.objects.raw(_OWN_SQL, [int(sandbox_id), user.pk]):
        return sandbox
    raise Sandbox.DoesNotExist("Sandbox matching query does not exist.")


def _locked(sandbox_id: int, user) -> Sandbox:
    """The row, locked until the transaction ends; its meta is read only when the engine is not cached."""
    if not getattr(user, "is_authenticated", False):
        raise Sandbox.DoesNotExist
    return Sandbox.objects.select_for_update().defer("meta").get(pk=sandbox_id, owner=user)


def reset_sandbox(sandbox_id: int, user) -> Sandbox:
    """A fresh `minikube start` in place of the old cluster (same name, same lesson)."""
    with transaction.atomic():
        sandbox = _locked(sandbox_id, user)
        store.engines.drop(sandbox.pk)
        old = topology.elements(sandbox.state)
        sandbox.seed = secrets.randbelow(2**31)
        engine = Engine.new(seed=sandbox.seed)
        _prepare_for_lesson(sandbox, engine)
        store.write_all(sandbox, engine)
        sandbox.version += 1
        sandbox.save()
        # the reopened terminal's scrollback starts after this: the old cluster's output is gone with it
        CommandRecord.objects.create(sandbox=sandbox, seq=sandbox.version, line=RESET_LINE)
        _publish_after_commit(sandbox.pk, topology.diff(old, topology.elements(engine)), [], version=sandbox.version)
    return sandbox


def delete_sandbox(sandbox_id: int, user) -> None:
    with transaction.atomic():
        sandbox = _locked(sandbox_id, user)
        store.engines.drop(sandbox.pk)
        sandbox.delete()
        transaction.on_commit(lambda: publish(sandbox_id, {"type": "sandbox.deleted"}))


# ---- commands ----------------------------------------------------------------------------------------
def _named(objects: list[dict]) -> str:
    """How a quota refusal names what the learner asked for (the Deployment, not the pods made from it)."""

    first = min(objects, key=lambda o: (bool(o["metadata"].get("ownerReferences")),
                                        int(o["metadata"].get("resourceVersion") or 0)))
    r = resources.for_object(first)
    return f'{r.qualified if r else first.get("kind", "objects").lower()} "{first["metadata"].get("name", "")}"'


def _bytes_error(engine: Engine, entry: store.Entry, files_before: int) -> tuple[str | None, dict]:
    """(the byte quota's refusal or None, the object sizes after the command)."""
    sizes = quotas.sizes_after(engine, entry.stamps, entry.sizes)
    changed = delta.changes(engine.cluster, entry.stamps)[0]       # (asked again: answered from memory)
    grown = [engine.cluster.objects[p][k] for p, k in changed if sizes[(p, k)] > entry.sizes.get((p, k), 0)]
    return quotas.check(engine, entry.sizes, sizes, files_before, _named(grown) if grown else "objects"), sizes


def _quota_error(engine: Engine, before: store.Stamps) -> str | None:
    """Kubernetes' ResourceQuota answer when the command took the sandbox past its object limit.
    `before` is what was stored before the command; only a sandbox over the limit is looked at closely."""
    limit = engine.cluster.limits.max_objects       # the engine's own limit: one setting, read in one place
    objects = engine.cluster.objects
    if sum(len(items) for plural, items in objects.items() if plural not in UNCOUNTED) <= limit:
        return None
    created = [obj for plural, items in objects.items() if plural not in UNCOUNTED
               for key, obj in items.items() if (plural, key) not in before]
    if not created:
        return None
    what = _named(created)
    used = sum(1 for plural, _ in before if plural not in UNCOUNTED)
    return f"Error from server (Forbidden): {apiserver.exceeded_quota(what, 'count/objects', len(created), used, limit)}\n"


def _as_stored(sandbox: Sandbox, engine: Engine) -> Engine:
    """The engine as stored before this command, keeping the line in the history (bash would)."""
    history = engine.host.history
    sandbox.refresh_from_db(fields=["meta"])
    stored = store.load_engine(sandbox)
    stored.host.history = history
    stored.host.pending_editor = None
    stored.host.last_exit = 1
    return stored


class _Gate:
    """Orders this worker's commands to one sandbox (the version check below orders workers)."""
    __slots__ = ("lock", "__weakref__")

    def __init__(self):
        self.lock = threading.Lock()


_gates: "weakref.WeakValueDictionary[int, _Gate]" = weakref.WeakValueDictionary()
_gates_lock = threading.Lock()
ATTEMPTS = 3      # another worker committed to the sandbox while we ran: run the line again on its state


def _gate(sandbox_id: int) -> _Gate:
    with _gates_lock:
        gate = _gates.get(sandbox_id)
        if gate is None:
            gate = _gates[sandbox_id] = _Gate()
        return gate


def _current(sandbox_id: int, user, meta: bool = False) -> Sandbox:
    if not getattr(user, "is_authenticated", False):
        raise Sandbox.DoesNotExist
    rows = Sandbox.objects if meta else Sandbox.objects.defer("meta")
    return rows.get(pk=sandbox_id, owner=user)


def _engine_entry(sandbox_id: int, user, trust_cache: bool = False) -> tuple[Sandbox, store.Entry]:
    """The sandbox and its engine: the one this worker cached at the version read now, or the stored state
    (read in one transaction; a commit between its reads bumps the version the caller checks).

    With `trust_cache`, an engine this worker cached for the user's sandbox is taken without reading the
    row: the sandbox is as this worker last wrote it, and the caller's conditional UPDATE (_save_sandbox)
    finds out whether another worker wrote since (then the line runs again on a fresh read)."""
    if trust_cache and getattr(user, "is_authenticated", False):
        entry = store.engines.take_owned(sandbox_id, user.pk)
        if entry is not None and entry.sandbox is not None:
            return entry.sandbox, entry
    sandbox = _current(sandbox_id, user)
    entry = store.engines.take(sandbox)
    if entry is None:
        with transaction.atomic():
            sandbox = _current(sandbox_id, user, meta=True)
            engine = store.load_engine(sandbox)
        entry = store.Entry(sandbox.version, sandbox.created, engine, store.stamps(engine),
                            topology_delta.Diagram.build(engine))
    entry.sandbox = sandbox
    return sandbox, entry


_SAVE_SQL = (f'UPDATE "{Sandbox._meta.db_table}" SET "meta" = %s, "version" = "version" + 1, "updated" = %s '
             'WHERE "id" = %s AND "owner_id" = %s AND "version" = %s AND "created" = %s')


def _save_sandbox(sandbox: Sandbox, meta: dict) -> bool:
    """Store the meta and bump the version if the row is still at `sandbox.version` (and is the same
    sandbox: `created`); False, changing nothing, when another worker wrote it since. The UPDATE takes the
    row's lock until the transaction ends, and PostgreSQL checks its WHERE again on the row a concurrent
    writer committed, so two writers of one version never both succeed: what select_for_update and a
    version compare did, in one statement instead of two. Raw SQL: the ORM's query building cost more
    than the statement."""
    field = Sandbox._meta.get_field
    now = timezone.now()
    params = [field("meta").get_db_prep_save(meta, connection), field("updated").get_db_prep_save(now, connection),
              sandbox.pk, sandbox.owner_id, sandbox.version, field("created").get_db_prep_save(sandbox.created, connection)]
    with connection.cursor() as cursor:
        cursor.execute(_SAVE_SQL, params)
        saved = cursor.rowcount == 1
    if saved:
        sandbox.version += 1
        sandbox.updated = now
    return saved


_RECORD_COLUMNS = ("sandbox_id", "seq", "line", "prompt", "clear", "output", "exit_code", "session", "assessment",
                   "created")
_RECORD_SQL = "INSERT INTO \"{}\" ({}) VALUES ({})".format(
    CommandRecord._meta.db_table, ", ".join(f'"{c}"' for c in _RECORD_COLUMNS), ", ".join(["%s"] * len(_RECORD_COLUMNS)))


def _record(sandbox_id: int, seq: int, line: str, shown_prompt: str, clear: bool, output: str, exit_code: int,
            session: str, assessment: dict | None) -> None:
    """The command's CommandRecord row, in one raw INSERT: the ORM's create (building the model, compiling
    its query, the signals) was 5 % of a worker's CPU samples under load (py-spy, 300 learners). The values
    go through the fields' own conversions, as the ORM would send them."""
    field = CommandRecord._meta.get_field
    values = (sandbox_id, seq, line, shown_prompt, clear, output, exit_code, session, assessment, timezone.now())
    params = [field(column.removesuffix("_id")).get_db_prep_save(value, connection)
              for column, value in zip(_RECORD_COLUMNS, values)]
    with connection.cursor() as cursor:
        cursor.execute(_RECORD_SQL, params)


def _execute(sandbox_id: int, user, record_line: str | None, act: Callable[[Engine], Result],
             assess_line: Callable[[Engine], str] | None = None, outbox: list[dict] | None = None,
             session: str = "1", counted: bool = False) -> dict:
    """Run a line within the learner's share (engine work per window, commands in flight in this worker);
    `counted`: it also counts against the commands per window (ratelimit.MESSAGE past them), in the same
    Redis round trip that books its work."""

    user_id = getattr(user, "pk", None)
    try:
        with ratelimit.in_flight(user_id):
            refusal = ratelimit.admit(user_id, count_command=counted)
            if refusal is not None:
                raise RateLimited(refusal.strip())
            work = 0
            try:
                reply, work = _execute_in_turn(sandbox_id, user, record_line, act, assess_line, outbox, session)
            finally:
                ratelimit.settle(user_id, work)
    except ratelimit.InFlight:
        if counted and not ratelimit.allow(user_id):      # a refused command still counts against the window
            raise RateLimited(ratelimit.MESSAGE.strip()) from None
        raise RateLimited(ratelimit.IN_FLIGHT_MESSAGE) from None
    return reply


def _execute_in_turn(sandbox_id: int, user, record_line: str | None, act: Callable[[Engine], Result],
                     assess_line: Callable[[Engine], str] | None, outbox: list[dict] | None,
                     session: str = "1") -> tuple[dict, int]:
    """Run the line on the engine outside any transaction, then store it under the row lock if nobody else
    wrote the sandbox meanwhile: a slow line holds no lock and no database connection another learner needs
    (SQLite's one write lock included), and commands to one sandbox still apply one after the other.
    (reply, units of work the engine did)."""
    gate = _gate(sandbox_id)            # held here: the weak table forgets a gate nobody holds
    store.release_connection()          # waiting for the gate holds no database connection
    work = 0
    with gate.lock:
        for attempt in range(ATTEMPTS):
            last = attempt == ATTEMPTS - 1
            # the last attempt holds the row lock while it runs, as every command once did: it cannot lose
            with transaction.atomic() if last else contextlib.nullcontext():
                if last:
                    _locked(sandbox_id, user)
                # the first try runs on this worker's cached engine without reading the row; a retry reads it
                sandbox, entry = _engine_entry(sandbox_id, user, trust_cache=attempt == 0)
                store.release_connection()
                if entry.sizes is None:
                    entry.sizes = quotas.object_sizes(entry.engine)
                files_before = quotas.file_bytes(entry.engine)
                line = assess_line(entry.engine) if assess_line else record_line
                # the prompt the line was typed at, for the reopened terminal (an editor save has none)
                shown_prompt = "" if assess_line else _session_prompt(entry.engine, session)
                result = act(entry.engine)
                work += result.work
                reply = _store_result(sandbox, user, entry, record_line, line, shown_prompt, result, outbox,
                                      files_before, session)
                if reply is not None:
                    return reply, work
    raise AssertionError("the row-locked attempt cannot be overtaken")


def _store_result(read: Sandbox, user, entry: store.Entry, record_line: str | None, line: str | None,
                  shown_prompt: str, result: Result, outbox: list[dict] | None, files_before: int,
                  session: str = "1") -> dict | None:
    """Commit what the line did; None when another worker committed since `read` (the caller runs it again).

    The usual case writes the row first, with a conditional UPDATE that is also the check that nobody wrote
    since `read` (_save_sandbox). A refused or stopped line locks the row and compares instead, because it
    reloads the stored state before it knows what to write."""
    engine = entry.engine
    quota, sizes = None, entry.sizes     # the quotas read only the engine: checked before the write lock
    if not result.stopped:
        quota = _quota_error(engine, entry.stamps)
        if not quota:
            quota, sizes = _bytes_error(engine, entry, files_before)
    meta = None if quota or result.stopped else store.meta_of(engine)
    with transaction.atomic():
        if meta is not None:
            sandbox = read
            if not _save_sandbox(sandbox, meta):
                return None
        else:
            sandbox = _locked(read.pk, user)
            if (sandbox.version, sandbox.created) != (read.version, read.created):
                return None
            sizes = entry.sizes
            # Put back the sandbox as the last completed command left it: nothing this one did is kept.
            engine = _as_stored(sandbox, engine)
            result = Result(output=quota or result.output, exit_code=1, prompt=engine.host.prompt())
        assessment, pane = assess(sandbox, line, result, engine) if line is not None else (None, None)
        changes = delta.changes(engine.cluster, entry.stamps)
        new_stamps = store.write_changes(sandbox, engine, entry.stamps, changes, meta=meta is None)
        if meta is None:
            sandbox.version += 1
            sandbox.save(update_fields=["meta", "version", "updated"])
        if record_line is not None:      # a wake-up of the clock or a Ctrl-C is not a command
            _record(sandbox.pk, sandbox.version, record_line[:MAX_STORED_LINE].replace("\x00", ""),
                    shown_prompt[:300], bool(result.clear), result.output[:MAX_STORED_OUTPUT].replace("\x00", "\ufffd"),
                    result.exit_code, session[:8], assessment)
        changed = result.changed and not quota
        # The diagram follows the objects the command changed (a refusal or a stopped line reloaded the engine
        # as it was: nothing changed). The cached diagram is this command's to update: the entry was taken.
        d = entry.diagram.advance(engine, changes[0], changes[1]) if changed or changes[0] or changes[1] else None
        if getattr(settings, "PODSCAPE_VERIFY_STORE", False):
            store.verify(sandbox, engine)
            entry.diagram.verify(engine)
        base = entry.diagram.version           # None: this worker does not know since when (version - 1)
        if d is not None and not topology.is_empty(d):
            entry.diagram.version = sandbox.version
        _publish_after_commit(sandbox.pk, d, result.traces, outbox, sandbox.version, base)
        if result.streams:      # other terminals' jobs printed (a watch saw this command's pods)
            _publish_streams(sandbox.pk, result.streams, outbox)
        cached = store.Entry(sandbox.version, sandbox.created, engine, new_stamps, entry.diagram, sizes, sandbox)
        transaction.on_commit(lambda: (_forget_meta(sandbox), store.engines.put(sandbox.pk, cached),
                                       store.freeze_survivors()))
        return {"output": result.output, "exit_code": result.exit_code, "prompt": result.prompt,
                "editor": result.editor, "clear": result.clear, "changed": changed,
                "assessment": assessment, "lesson": pane if pane is not None else lesson_state(sandbox),
                "version": sandbox.version, "session": session, "running": result.running,
                "wake": _wake_delay(engine, result.wake)}


def _forget_meta(sandbox: Sandbox) -> None:
    """The cached row keeps no meta (the engine holds it; a few MB of files would be kept twice)."""
    sandbox.__dict__.pop("meta", None)
    sandbox.__dict__.pop("_state_cache", None)


def complete(sandbox_id: int, user, line: str, cursor: int) -> tuple[int, list[str]]:
    """Tab completion on the engine this worker caches for the sandbox (stored state only on a miss), in
    turn with the sandbox's commands; it changes nothing, so the engine goes back to the cache."""

    unicode_text(line, "The line")
    gate = _gate(sandbox_id)
    store.release_connection()
    with gate.lock:
        sandbox, entry = _engine_entry(sandbox_id, user)
        try:
            start, matches = engine_complete(entry.engine, line, cursor)
        except Exception:
            log.exception("completion failed for %r", line)
            return cursor, []
        finally:
            store.engines.put(sandbox.pk, entry)
    return int(start), list(matches)[:200]


def run_command(sandbox_id: int, user, line: str, outbox: list[dict] | None = None, session: str = "1",
                counted: bool = False) -> dict:
    """Run one terminal line in the user's sandbox, in terminal tab `session`. Sandbox.DoesNotExist if it is
    not theirs. With an outbox, the group messages land there after the commit instead of being sent.
    `counted`: the line counts against the learner's commands per window (RateLimited past them)."""
    line = unicode_text(line if isinstance(line, str) else "", "The command")
    # bash cannot hold a NUL in a command line (C strings) and drops it; so do we. PostgreSQL could not
    # store it either (text and jsonb refuse U+0000).
    line = line.replace("\x00", "")
    session = check_session(session)
    return _execute(sandbox_id, user, line, lambda engine: _in_session(engine, session, lambda: engine.run(line)),
                    outbox=outbox, session=session, counted=counted)


def interrupt(sandbox_id: int, user, session: str = "1", outbox: list[dict] | None = None) -> dict:
    """Ctrl-C in terminal tab `session`: its foreground job ends as the program does on SIGINT."""
    session = check_session(session)
    return _execute(sandbox_id, user, None, lambda engine: _in_session(engine, session, engine.interrupt),
                    outbox=outbox, session=session)


def close_session(sandbox_id: int, user, session: str, outbox: list[dict] | None = None) -> dict:
    """The learner closed terminal tab `session` (not tab 1): its jobs end, as on a terminal's hangup, and
    its shell state goes."""
    session = check_session(session)
    if session == "1":
        raise SandboxError("the first terminal stays open")

    def close(engine: Engine) -> Result:
        jobs.close_session(engine, session)
        return engine.wake()
    return _execute(sandbox_id, user, None, close, outbox=outbox, session="")


def wake(sandbox_id: int, user, outbox: list[dict] | None = None) -> dict:
    """The clock reached a time a running process waits for (a pod starting under a watch, sleep's end)."""
    return _execute(sandbox_id, user, None, lambda engine: engine.wake(), outbox=outbox,
                    session="")


def check_session(session) -> str:
    """A terminal tab's id: "1".."8" (jobs.MAX_SESSIONS)."""
    session = str(session or "1")
    if not session.isdigit() or not 1 <= int(session) <= jobs.MAX_SESSIONS:
        raise SandboxError(f"a terminal is numbered 1 to {jobs.MAX_SESSIONS}")
    return session


def _in_session(engine: Engine, session: str, act: Callable[[], Result]) -> Result:
    jobs.use_session(engine, session)
    return act()


def _session_prompt(engine: Engine, session: str) -> str:
    if not session:
        return ""
    if session == engine.host.session:
        return engine.host.prompt()
    return jobs.session_view(engine.host, session)["prompt"]


def _wake_delay(engine: Engine, when: float | None) -> float | None:
    """Seconds from now until a running process wants a wake-up (the cluster's clock is the wall clock)."""
    import time
    if when is None:
        return None
    return max(0.0, float(when) - time.time())


def _publish_streams(sandbox_id: int, streams: dict, outbox: list[dict] | None) -> None:
    message = {"type": "sandbox.stream", "streams": streams}
    if outbox is not None:
        transaction.on_commit(lambda: outbox.append(message))
    else:
        transaction.on_commit(lambda: publish(sandbox_id, message))


def _editor_line(engine: Engine) -> str:
    """The command that opened the editor (e.g. `kubectl edit svc nginx-app`): what a save completes."""
    history = engine.host.history
    return history[-1] if history else ""


def save_editor(sandbox_id: int, user, content: str | None, outbox: list[dict] | None = None,
                counted: bool = False) -> dict:
    """The learner saved the editor pane (content) or closed it (None); `counted` as for run_command."""
    if content is not None:
        unicode_text(content, "The editor's content")
    record = "# editor: saved" if content is not None else "# editor: cancelled"
    return _execute(sandbox_id, user, record, lambda engine: engine.save_editor(content), _editor_line, outbox,
                    counted=counted)


def pending_editor(sandbox: Sandbox) -> dict | None:
    pending = sandbox.meta.get("host", {}).get("pending_editor")
    if not pending:
        return None
    return {"title": pending.get("title", ""), "content": pending.get("content", ""),
            "language": pending.get("language", "yaml")}


def prompt(sandbox: Sandbox, session: str = "1") -> str:
    return jobs.session_view(Host.from_dict(sandbox.meta.get("host", {})), session)["prompt"]


def scrollback(sandbox: Sandbox, session: str = "1") -> list[dict]:
    """The recent commands and their output, oldest first, for a reopened terminal to show before its prompt
    (as a terminal reattached to a running shell would): since the last reset or `clear`, at most
    SCROLLBACK_COMMANDS commands and SCROLLBACK_CHARS characters of output (an older output is cut from the top)."""
    rows = (sandbox.commands.filter(session__in=(session, "")).order_by("-seq")
            .values_list("line", "prompt", "output", "exit_code", "clear")[:SCROLLBACK_COMMANDS])
    kept, budget = [], SCROLLBACK_CHARS
    for line, shown_prompt, output, exit_code, clear in rows:
        if line == RESET_LINE or budget <= 0:
            break
        # records from before prompts were kept show today's prompt
        entry = {"prompt": shown_prompt or prompt(sandbox), "line": line, "output": output, "exit_code": exit_code}
        if line.startswith("# editor:") or clear:
            # an editor save prints under the `kubectl edit` that opened it; `clear` wiped its own line
            entry["prompt"], entry["line"] = "", None
        if len(output) > budget:
            entry["output"], entry["cut"] = output[len(output) - budget:], True
        budget -= len(output)
        kept.append(entry)
        if clear:                  # nothing from before the wipe is on the screen
            break
    return kept[::-1]


def diagram_options(sandbox: Sandbox) -> dict:
    """The lesson's front matter `diagram: {expand: [...]}`: namespaces the diagram shows unfolded."""
    if not sandbox.lesson_slug:
        return {"expand": []}
    hook = _lesson_hook("get_lesson")
    try:
        lesson = hook(sandbox.lesson_slug)
    except Exception:
        log.exception("get_lesson failed for sandbox %s", sandbox.pk)
        return {"expand": []}
    return dict((getattr(lesson, "spec", None) or {}).get("diagram") or {"expand": []})


def hello(sandbox: Sandbox) -> dict:
    """The WebSocket's first message: everything a freshly opened page needs."""
    elements, wake = store.engines.elements(sandbox), None
    if elements is None:
        elements, wake = _load_for_page(sandbox)
    elif _has_jobs(sandbox):
        wake = wake_delay(store.load_engine(sandbox))
    # A sandbox at version 0 has run nothing, so it has no command records (each record's seq is the
    # version its command bumped): a class opening fresh sandboxes skips two queries per page.
    ran = sandbox.version > 0
    return {"type": "hello", "prompt": prompt(sandbox), "elements": elements,
            "history": sandbox.history(recorded=ran), "scrollback": scrollback(sandbox) if ran else [],
            "editor": pending_editor(sandbox),
            "lesson": lesson_state(sandbox), "version": sandbox.version, "diagram": diagram_options(sandbox),
            "sessions": sessions(sandbox), "wake": wake, "fresh_prompt": Host().prompt()}


def _load_for_page(sandbox: Sandbox) -> tuple[list[dict], float | None]:
    """The diagram of a sandbox this worker has not cached, for a page that is opening.

    The engine is loaded once and offered to the cache: the learner's next command would load it again
    (and the page's second socket, the diagram, builds the same elements). When a class opens a lesson at
    once, every learner's hellos and first commands queued behind three loads each (README "Load figures").
    Kept only if no command was written between the row and the objects read (a write bumps the version);
    the elements (and the running jobs' next wake-up) are taken before the entry is shared, as a command
    may then take and update it."""
    engine = store.load_engine(sandbox)
    # the entry keeps its own copy of the row: a command that takes it updates that row as it saves, while
    # this hello goes on reading its own
    entry = store.Entry(sandbox.version, sandbox.created, engine, store.stamps(engine),
                        topology_delta.Diagram.build(engine), sandbox=copy.copy(sandbox))
    elements = entry.diagram.elements()
    wake = wake_delay(engine) if _has_jobs(sandbox) else None
    if _still_at(sandbox):
        store.engines.offer(sandbox.pk, entry)
    store.freeze_survivors()
    return elements, wake


_STILL_AT_SQL = f'SELECT 1 FROM "{Sandbox._meta.db_table}" WHERE "id" = %s AND "version" = %s'


def _still_at(sandbox: Sandbox) -> bool:
    """Whether the row is still at the version read (raw SQL: once per page opening, the ORM's exists() was
    3.4 % of the workers' CPU samples while 500 learners opened their pages)."""
    with connection.cursor() as cursor:
        cursor.execute(_STILL_AT_SQL, [sandbox.pk, sandbox.version])
        return cursor.fetchone() is not None


def sessions(sandbox: Sandbox) -> list[dict]:
    """Every terminal tab of the sandbox: its prompt, history, scrollback and a running foreground job."""
    host = Host.from_dict(sandbox.meta.get("host", {}))
    out = []
    for sid in jobs.session_ids(host):
        view = jobs.session_view(host, sid)
        view["scrollback"] = scrollback(sandbox, sid) if sid != "1" else None   # tab 1's is the hello's own
        out.append(view)
    return out


def _has_jobs(sandbox: Sandbox) -> bool:
    """Whether a terminal tab of the sandbox has a running job (its meta says so: no engine needed)."""
    host = sandbox.meta.get("host", {})
    return bool(host.get("jobs")) or any(s.get("jobs") for s in (host.get("sessions") or {}).values())


def wake_delay(engine: Engine) -> float | None:
    """For a reopened page: when the running processes next want the clock (None: nothing is waiting)."""
    return _wake_delay(engine, jobs.next_wake(engine))
