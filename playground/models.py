"""A learner's sandboxes: one simulated minikube cluster each, stored as the engine's JSON state."""
from __future__ import annotations

from django.conf import settings
from django.db import connection, models

from .fastjson import FastJSONField
from .sim.delta import join

RESET_LINE = "# podscape: sandbox reset"   # the CommandRecord a reset leaves: the terminal's scrollback starts after it


class Sandbox(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sandboxes")
    name = models.CharField(max_length=63)
    # Engine.to_state() without cluster.objects (the clock, counters, runtime, the learner's host); each
    # object is a SandboxObject row (playground/store.py), so a command writes only what it changed.
    meta = FastJSONField(default=dict)
    version = models.PositiveIntegerField(default=0)   # bumped by every command, so two tabs lose nothing
    seed = models.BigIntegerField(default=0)
    lesson_slug = models.CharField(max_length=100, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="unique_sandbox_name_per_owner")]
        ordering = ["-updated"]

    def __str__(self) -> str:
        return f"{self.owner}/{self.name}"

    @property
    def group_name(self) -> str:
        """The channel-layer group every socket showing this sandbox joins."""
        return f"sandbox-{self.pk}"

    @property
    def state(self) -> dict:
        """The whole engine state as stored, read once per version (Engine.from_state takes it)."""
        cached = self.__dict__.get("_state_cache")
        if cached is None or cached[0] != self.version:
            cached = (self.version, join(self.meta, self.stored_objects()))
            self.__dict__["_state_cache"] = cached
        return cached[1]

    def stored_objects(self) -> dict[str, dict[str, dict]]:
        """Every stored cluster object, {plural: {key: body}}, in the order they were first written."""
        # Raw SQL: a page's hello on a worker that has not cached the sandbox reads every row, and the ORM's
        # values_list cost more than decoding the bodies (py-spy, 500 learners arriving: 13 % of the
        # workers' CPU in this read). The body field decodes as the ORM would (orjson, stdlib fallback).
        decode = SandboxObject._meta.get_field("body").from_db_value
        objects: dict[str, dict[str, dict]] = {}
        with connection.cursor() as cursor:
            cursor.execute(_OBJECTS_SQL, [self.pk])
            for plural, key, body in cursor.fetchall():
                objects.setdefault(plural, {})[key] = decode(body, None, connection)
        return objects

    def history(self, limit: int | None = None, recorded: bool = True) -> list[str]:
        """The last commands typed (oldest first), for the terminal's arrow keys; without `recorded`, only
        what the machine's shell remembers (the caller knows no command record exists)."""
        limit = limit or settings.PODSCAPE_HISTORY
        host = self.meta.get("host", {})
        if host.get("session", "1") != "1":       # tab 1's history, while another tab's session is in use
            host = (host.get("sessions") or {}).get("1") or {}
        lines = host.get("history") or []
        if lines:
            return lines[-limit:]
        if not recorded:
            return []
        # A reset starts a new machine with no history: offer what was typed before it.
        recent = (self.commands.exclude(line__startswith="# editor:").exclude(line=RESET_LINE).order_by("-seq")
                  .values_list("line", flat=True)[:limit])
        return list(reversed(recent))


class SandboxObject(models.Model):
    """One stored cluster object of a sandbox, in its API shape (a pod, a Service, an event...)."""
    sandbox = models.ForeignKey(Sandbox, on_delete=models.CASCADE, related_name="objects_stored")
    plural = models.CharField(max_length=63)          # "pods", "services", ...
    key = models.CharField(max_length=320)            # "namespace/name" ("/name" for cluster-scoped)
    body = FastJSONField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sandbox", "plural", "key"], name="unique_sandbox_object")]

    def __str__(self) -> str:
        return f"{self.sandbox_id}:{self.plural}/{self.key}"


class CommandRecord(models.Model):
    """One line the learner ran (or an editor save), what it printed and how the lesson judged it."""
    sandbox = models.ForeignKey(Sandbox, on_delete=models.CASCADE, related_name="commands")
    seq = models.PositiveIntegerField()
    line = models.TextField()
    prompt = models.CharField(max_length=300, blank=True, default="")   # shown before the line ("" for an editor save)
    clear = models.BooleanField(default=False)                          # `clear` / Ctrl-L wiped the screen after it
    session = models.CharField(max_length=8, default="1")               # the terminal tab it was typed in
    output = models.TextField(blank=True)
    exit_code = models.IntegerField(default=0)
    assessment = models.JSONField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sandbox", "seq"]
        constraints = [models.UniqueConstraint(fields=["sandbox", "seq"], name="unique_command_seq")]

    def __str__(self) -> str:
        return f"{self.sandbox_id}#{self.seq}: {self.line[:40]}"


class ApiToken(models.Model):
    """`Authorization: Token <key>` for the JSON API (one per user). Only the key's SHA-256 is stored: the
    key is shown once, when issued (playground/accounts.py). `stamp` is the user's session auth hash at
    issue, so a password change invalidates the token as it ends the user's other sessions."""
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_token")
    key = models.CharField(max_length=64, unique=True)        # sha256 hex of the key
    stamp = models.CharField(max_length=128, default="")
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"token for {self.user}"


_OBJECTS_SQL = f'SELECT "plural", "key", "body" FROM "{SandboxObject._meta.db_table}" WHERE "sandbox_id" = %s ORDER BY "id"'
