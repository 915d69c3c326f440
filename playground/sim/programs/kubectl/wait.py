"""`kubectl wait --for=condition=...|delete|create|jsonpath=...`, on simulated time, and `kubectl auth whoami`.

Wording from kubectl/pkg/cmd/wait (wait.go, condition.go, json.go). While a condition does not hold, the
cluster's clock moves a second at a time and the controllers run, up to --timeout (30s by default, at most
rollout.WAIT_LIMIT), so `kubectl wait --for=condition=Ready pod -l app=web` returns when the pods are
ready, as it would on a real cluster.
"""
from __future__ import annotations

import re

from ... import controllers
from ...printers.jsonpath import JSONPath, JSONPathError
from ...printers.tabwriter import format_text
from .framework import Invocation, KubectlError, command
from .helpflags import flags_from_help
from .objrefs import find
from .rollout import WAIT_LIMIT, _seconds
from ...printers.output import print_objects


def _check(cond: str):
    """conditionFuncFor: a function obj-or-None -> met?"""
    if cond == "delete":
        return lambda obj: obj is None
    if cond == "create":
        return lambda obj: obj is not None
    if cond.startswith("condition="):
        name, _, value = cond[len("condition="):].partition("=")
        value = value or "true"

        def met(obj):
            for c in ((obj or {}).get("status") or {}).get("conditions") or []:
                if c.get("type", "").lower() == name.lower():
                    return str(c.get("status", "")).lower() == value.lower()
            return False
        return met
    if cond.startswith("jsonpath="):
        expr = cond[len("jsonpath="):]
        m = re.match(r"^(\{.*\})(?:=(.*))?$", expr, re.S)
        if not m:
            raise KubectlError(f"unrecognized condition: {cond!r}".replace("'", '"'))
        try:
            jp = JSONPath(m.group(1), allow_missing_keys=True)
        except JSONPathError as exc:
            raise KubectlError(str(exc))
        want = m.group(2)

        def met(obj):
            if obj is None:
                return False
            try:
                text = jp.execute(obj)
            except JSONPathError:
                return False
            return bool(text) if want is None else text == want
        return met
    raise KubectlError(f'unrecognized condition: "{cond}"')


@command("wait", flags=flags_from_help("wait", {"filename": "stringSlice"}))
def wait(inv: Invocation) -> int:
    f = inv.flags
    met = _check(f["for"])
    if not inv.args and not f["filename"]:
        raise KubectlError("You must provide one or more resources by argument or filename.\nExample resource "
                           "specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> "
                           "<name>'\n   '<resource>'")
    if f["filename"]:
        raise KubectlError("the playground does not simulate 'kubectl wait -f'; name the objects instead")
    controllers.reconcile(inv.cluster)          # what the controllers did since the last command, first
    found = find(inv, inv.args, selector=f["selector"], all_=f["all"], all_namespaces=f["all-namespaces"],
                 field_selector=f["field-selector"])
    if f["for"] == "delete" and found.errors:
        found.errors = []                       # already gone: nothing to wait for
    if found.errors:
        raise KubectlError(found.errors[0] + "\n", raw=True)
    if not found.refs:
        if f["for"] == "delete":
            return 0
        raise KubectlError("no matching resources found")
    timeout = min(_seconds(f["timeout"]) if f["timeout"] not in ("", "0") else 0, WAIT_LIMIT)
    if f["timeout"].startswith("-"):
        timeout = WAIT_LIMIT                    # a negative timeout waits "a week": here, the playground's limit
    cluster, waited = inv.cluster, 0.0
    for ref in found.refs:
        while True:
            obj = cluster.get(ref.r.plural, ref.namespace, ref.name)
            if met(obj):
                inv.out(f"{ref.r.type_name}/{ref.name} condition met\n")
                break
            if waited >= timeout:
                raise KubectlError(f"timed out waiting for the condition on {ref.r.plural}/{ref.name}")
            cluster.now += 1.0                  # simulated time passes while kubectl waits
            waited += 1.0
            controllers.reconcile(cluster)
    return 0


# ---- auth whoami ----------------------------------------------------------------------------------------
@command("auth whoami", flags=flags_from_help("auth whoami"))
def auth_whoami(inv: Invocation) -> int:
    """minikube's client certificate: user minikube-user in system:masters."""
    fmt = inv.flags["output"]
    review = {"kind": "SelfSubjectReview", "apiVersion": "authentication.k8s.io/v1",
              "metadata": {"creationTimestamp": None},
              "status": {"userInfo": {"username": "minikube-user",
                                      "groups": ["system:masters", "system:authenticated"]}}}
    if fmt:
        return print_objects(inv, [review], fmt)
    inv.out(format_text("ATTRIBUTE\tVALUE\nUsername\tminikube-user\nGroups\t[system:masters system:authenticated]\n",
                        6, 3))
    return 0
