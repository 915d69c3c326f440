"""`kubectl rollout history|undo|restart|status|pause|resume` for Deployments, as kubectl v1.35 prints them.

Revisions are the ReplicaSets the deployment controller owns, numbered by their
deployment.kubernetes.io/revision annotation; CHANGE-CAUSE is their kubernetes.io/change-cause (the
controller copies it from the Deployment). Wording from kubectl/pkg/polymorphichelpers (history.go,
rollback.go, rollout_status.go) and pkg/cmd/rollout.

`rollout status` waits as kubectl does, but on simulated time: the cluster's clock moves a second at a
time (at most WAIT_LIMIT seconds, or --timeout) and the controllers run, printing each new status line.
"""
from __future__ import annotations

import copy
import time

from ... import controllers, resources as res
from .framework import Invocation, KubectlError, command
from .helpflags import flags_from_help
from .objout import check_output, dry_run_strategy
from ...printers.output import print_objects
from .objrefs import Ref, find, print_errors, update_and_print
from ...printers.describe import pod_template
from ...printers.describe_writer import PrefixWriter
from ...printers.tabwriter import format_text

REVISION = "deployment.kubernetes.io/revision"
CHANGE_CAUSE = "kubernetes.io/change-cause"
WAIT_LIMIT = 600                  # simulated seconds `rollout status` waits at most
SUPPORTED = {"deployments", "daemonsets", "statefulsets"}


def _targets(inv: Invocation, verb: str) -> tuple[list[Ref], list]:
    if not inv.args and not inv.flags.get("filename"):
        raise KubectlError("required resource not specified")
    if inv.flags.get("filename"):
        raise KubectlError(f"the playground does not simulate 'kubectl rollout {verb} -f'; name the deployment "
                           f"(kubectl rollout {verb} deployment/NAME)")
    found = find(inv, inv.args, selector=inv.flags.get("selector", ""))
    return found.refs, list(found.errors)


def template_text(template: dict | None) -> str:
    """DescribePodTemplate as rollout prints it: through a plain writer, tabs kept (no tabwriter)."""

    class Raw(PrefixWriter):
        def __init__(self):
            self.parts: list[str] = []

        def write(self, level: int, text: str) -> None:
            self.parts.append("  " * level + text)

        def line(self, text: str = "") -> None:
            self.parts.append(text + "\n")

        def flush(self) -> None:
            pass

        def value(self) -> str:
            return "".join(self.parts)
    w = Raw()
    pod_template(w, template)
    return w.value()


def revisions(inv: Invocation, dep: dict) -> dict[int, dict]:
    """revision number -> ReplicaSet, for the ReplicaSets this deployment controls."""
    uid = dep["metadata"].get("uid")
    out = {}
    for rs in inv.cluster.list("replicasets", dep["metadata"]["namespace"]):
        owner = controllers.controller_of(rs)
        if owner and owner.get("uid") == uid:
            rev = (rs["metadata"].get("annotations") or {}).get(REVISION)
            if rev and rev.isdigit():
                out[int(rev)] = rs
    return out


# ---- history ------------------------------------------------------------------------------------------
@command("rollout history", flags=flags_from_help("rollout history", {"filename": "stringSlice"}))
def rollout_history(inv: Invocation) -> int:
    refs, errors = _targets(inv, "history")
    want = inv.flags["revision"]
    for ref in refs:
        if ref.r.plural != "deployments":
            raise KubectlError(f"the playground simulates rollout history for deployments only, not {ref.r.plural}")
        revs = revisions(inv, ref.obj)
        if inv.flags["output"] or inv.flags["template"]:
            chosen = [revs[want]] if want > 0 and want in revs else [revs[n] for n in sorted(revs)]
            if want > 0 and want not in revs:
                raise KubectlError("unable to find the specified revision")
            if print_objects(inv, chosen, inv.flags["output"]):
                return 1
            continue
        if want > 0:
            rs = revs.get(want)
            if rs is None:
                raise KubectlError("unable to find the specified revision")
            tmpl = copy.deepcopy(rs["spec"].get("template") or {})
            cause = (rs["metadata"].get("annotations") or {}).get(CHANGE_CAUSE)
            if cause:
                tmpl.setdefault("metadata", {}).setdefault("annotations", {})[CHANGE_CAUSE] = cause
            inv.out(f"{ref.r.type_name}/{ref.name} with revision #{want}\n{template_text(tmpl)}\n")
            continue
        rows = ["REVISION\tCHANGE-CAUSE"]
        for n in sorted(revs):
            cause = (revs[n]["metadata"].get("annotations") or {}).get(CHANGE_CAUSE) or "<none>"
            rows.append(f"{n}\t{cause}")
        inv.out(f"{ref.r.type_name}/{ref.name} \n{format_text(chr(10).join(rows) + chr(10), 0, 2)}\n")
    return print_errors(inv, errors)


# ---- undo ---------------------------------------------------------------------------------------------
def _template_without_hash(rs: dict) -> dict:
    tmpl = copy.deepcopy(rs["spec"]["template"])
    labels = tmpl.get("metadata", {}).get("labels") or {}
    labels.pop("pod-template-hash", None)
    return tmpl


@command("rollout undo", flags=flags_from_help("rollout undo", {"filename": "stringSlice"}))
def rollout_undo(inv: Invocation) -> int:
    check_output(inv)
    dry = dry_run_strategy(inv)
    refs, errors = _targets(inv, "undo")
    to = inv.flags["to-revision"]
    for ref in refs:
        if ref.r.plural != "deployments":
            raise KubectlError(f"the playground simulates rollout undo for deployments only, not {ref.r.plural}")
        dep = copy.deepcopy(ref.obj)
        if dep["spec"].get("paused"):
            errors.append("you cannot rollback a paused deployment; resume it first with 'kubectl rollout "
                          "resume' and try again")
            continue
        revs = revisions(inv, dep)
        if to > 0:
            target = revs.get(to)
            if target is None:
                errors.append(f"unable to find specified revision {to} in history")
                continue
        else:
            if len(revs) < 2:
                errors.append(f'no rollout history found for deployment "{ref.name}"')
                continue
            target = revs[sorted(revs)[-2]]
        tmpl = _template_without_hash(target)
        if dry != "none":               # kubectl's dry run prints the template it would roll back to
            suffix = " (server dry run)" if dry == "server" else " (dry run)"
            inv.out(f"{ref.r.type_name}/{ref.name} {template_text(target['spec'].get('template'))}{suffix}\n")
            continue
        if tmpl == dep["spec"]["template"]:
            rev = (target["metadata"].get("annotations") or {}).get(REVISION)
            inv.out(f"{ref.r.type_name}/{ref.name} skipped rollback (current template already matches revision "
                    f"{rev})\n")
            continue
        dep["spec"]["template"] = tmpl
        cause = (target["metadata"].get("annotations") or {}).get(CHANGE_CAUSE)
        ann = dep["metadata"].setdefault("annotations", {})
        if cause:
            ann[CHANGE_CAUSE] = cause
        else:
            ann.pop(CHANGE_CAUSE, None)
        update_and_print(inv, ref.r, dep, dry, "rolled back", errors)
    return print_errors(inv, errors)


# ---- restart, pause, resume -----------------------------------------------------------------------------
def _rfc3339(now: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))


def _patch_each(inv: Invocation, verb: str, change) -> int:
    """Apply change(obj) -> error or None to each target; print `kind/name <verb>`."""
    check_output(inv)
    dry = dry_run_strategy(inv) if "dry-run" in inv.flags else "none"
    refs, errors = _targets(inv, verb)
    for ref in refs:
        if ref.r.plural not in SUPPORTED:
            errors.append(f'{ref.r.type_name}/{ref.name} {"restarting" if verb == "restart" else verb} '
                          "is not supported")
            continue
        obj = copy.deepcopy(ref.obj)
        problem = change(obj)
        if problem:
            errors.append(problem)
            continue
        update_and_print(inv, ref.r, obj, dry, {"restart": "restarted", "pause": "paused", "resume": "resumed"}[verb],
                         errors)
    return print_errors(inv, errors)


@command("rollout restart", flags=flags_from_help("rollout restart", {"filename": "stringSlice"}))
def rollout_restart(inv: Invocation) -> int:
    stamp = _rfc3339(inv.cluster.now)

    def change(obj: dict) -> str | None:
        if obj["spec"].get("paused"):
            return "can't restart paused deployment (run rollout resume first)"
        meta = obj["spec"]["template"].setdefault("metadata", {})
        meta.setdefault("annotations", {})["kubectl.kubernetes.io/restartedAt"] = stamp
        return None
    return _patch_each(inv, "restart", change)


def _pause(paused: bool):
    def change(obj: dict) -> str | None:
        if bool(obj["spec"].get("paused")) == paused:
            r = res.for_object(obj)
            state = "already paused" if paused else "not paused"
            return f'{r.qualified if r else obj["kind"]} "{obj["metadata"]["name"]}" is {state}'
        if paused:
            obj["spec"]["paused"] = True
        else:
            obj["spec"].pop("paused", None)
        return None
    return change


@command("rollout pause", flags=flags_from_help("rollout pause", {"filename": "stringSlice"}))
def rollout_pause(inv: Invocation) -> int:
    return _patch_each(inv, "pause", _pause(True))


@command("rollout resume", flags=flags_from_help("rollout resume", {"filename": "stringSlice"}))
def rollout_resume(inv: Invocation) -> int:
    return _patch_each(inv, "resume", _pause(False))


# ---- status ---------------------------------------------------------------------------------------------
def status_line(dep: dict) -> tuple[str, bool]:
    """rollout_status.go's DeploymentStatusViewer.Status: (message, done)."""
    name = dep["metadata"]["name"]
    st = dep.get("status") or {}
    if dep["metadata"].get("generation", 1) > st.get("observedGeneration", 0):
        return "Waiting for deployment spec update to be observed...\n", False
    for cond in st.get("conditions") or []:
        if cond.get("type") == "Progressing" and cond.get("reason") == "ProgressDeadlineExceeded":
            raise KubectlError(f'deployment "{name}" exceeded its progress deadline')
    want = int(dep["spec"].get("replicas", 1))
    updated, replicas, available = st.get("updatedReplicas", 0), st.get("replicas", 0), st.get("availableReplicas", 0)
    if updated < want:
        return (f'Waiting for deployment "{name}" rollout to finish: {updated} out of {want} new replicas have been '
                "updated...\n"), False
    if replicas > updated:
        return (f'Waiting for deployment "{name}" rollout to finish: {replicas - updated} old replicas are pending '
                "termination...\n"), False
    if available < updated:
        return (f'Waiting for deployment "{name}" rollout to finish: {available} of {updated} updated replicas are '
                "available...\n"), False
    return f'deployment "{name}" successfully rolled out\n', True


def _seconds(text: str) -> float:
    import re
    total = 0.0
    for num, unit in re.findall(r"(\d+(?:\.\d+)?)(ms|s|m|h)", text):
        total += float(num) * {"ms": 0.001, "s": 1, "m": 60, "h": 3600}[unit]
    return total


@command("rollout status", flags=flags_from_help("rollout status", {"filename": "stringSlice"}))
def rollout_status(inv: Invocation) -> int:
    refs, errors = _targets(inv, "status")
    if errors:
        return print_errors(inv, errors)
    if len(refs) != 1:
        raise KubectlError("rollout status is only supported on individual resources and resource collections, "
                           f"{len(refs)} resources were found")
    ref = refs[0]
    if ref.r.plural != "deployments":
        raise KubectlError(f"the playground simulates rollout status for deployments only, not {ref.r.plural}")
    cluster = inv.cluster
    timeout = _seconds(inv.flags["timeout"]) or WAIT_LIMIT
    waited, last = 0.0, ""
    while True:
        dep = cluster.get("deployments", ref.namespace, ref.name)
        if dep is None:
            raise KubectlError("object has been deleted")
        line, done = status_line(dep)
        if line != last:
            inv.out(line)
            last = line
        if done:
            return 0
        if not inv.flags["watch"]:
            return 0
        if waited >= min(timeout, WAIT_LIMIT):
            raise KubectlError("timed out waiting for the condition")
        cluster.now += 1.0            # simulated time passes while kubectl watches
        waited += 1.0
        controllers.reconcile(cluster)
