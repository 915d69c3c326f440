"""`kubectl autoscale`: an autoscaling/v2 HorizontalPodAutoscaler for a workload (pkg/cmd/autoscale/autoscale.go).

Validation order and wording are kubectl v1.35's; the HPA is built by createHorizontalPodAutoscalerV2 and
the API server defaults it (minReplicas 1, a CPU 80% metric, the scaling behavior). What the HPA controller
does with it lives in playground/sim/autoscaling.py.
"""
from __future__ import annotations

import re

from ... import apiserver, resources as res
from ...apierrors import ApiError
from ...validation import quantity
from .delete import NO_RESOURCES
from .framework import Flag, Invocation, KubectlError, command
from .helpflags import flags_from_help
from .objout import check_output, dry_run_strategy
from .objrefs import find, manifest_refs, print_errors, print_object
from .record import record
from .create import create_on_server, save_config

SCALABLE = {"deployments", "replicasets", "statefulsets", "replicationcontrollers"}
_FLAGS = flags_from_help("autoscale", {"min": "int32", "max": "int32", "filename": "stringSlice"})
CPU_PERCENT = Flag("cpu-percent", kind="int32", default=-1, hidden=True,
                   deprecated="Use --cpu with percentage or resource quantity format (e.g., '70%' for utilization "
                              "or '500m' for milliCPU).")


def parse_resource_input(text: str, resource: str) -> tuple[str, int | str]:
    """parseResourceInput: ("Utilization", percent) or ("AverageValue", quantity string)."""
    text = text.strip()
    if not text:
        raise KubectlError("empty input")
    if text.endswith("%"):
        digits = text[:-1]
        if not re.fullmatch(r"[+-]?\d+", digits) or int(digits) < 0 or int(digits) >= 1 << 31:
            raise KubectlError(f"invalid percentage value: {digits}")
        return "Utilization", int(digits)
    try:
        number = float(text)
    except ValueError:
        number = None
    if number is not None and re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", text):
        text = f"{number:g}{'m' if resource == 'cpu' else 'Mi'}"
    if quantity.problem(text) is not None:
        raise KubectlError(f"invalid resource {resource} value: {text}")
    return "AverageValue", quantity.canonical(text)


def _metric(resource: str, target: tuple[str, int | str]) -> dict:
    kind, value = target
    field = "averageUtilization" if kind == "Utilization" else "averageValue"
    return {"type": "Resource", "resource": {"name": resource, "target": {"type": kind, field: value}}}


@command("autoscale", flags=[*_FLAGS, CPU_PERCENT])
def autoscale(inv: Invocation) -> int:
    f = inv.flags
    if "max" not in inv.changed:
        raise KubectlError('required flag(s) "max" not set')
    dry = dry_run_strategy(inv)
    if f["max"] < 1:
        raise KubectlError(f"--max=MAXPODS is required and must be at least 1, max: {f['max']}")
    if f["max"] < f["min"]:
        raise KubectlError(f"--max=MAXPODS must be larger or equal to --min=MINPODS, max: {f['max']}, min: {f['min']}")
    if f["cpu-percent"] > 0 and f["cpu"]:
        raise KubectlError("--cpu-percent and --cpu are mutually exclusive")
    cpu = parse_resource_input(f["cpu"], "cpu") if f["cpu"] else None
    memory = parse_resource_input(f["memory"], "memory") if f["memory"] else None
    check_output(inv)
    if f["filename"]:
        found = manifest_refs(inv, f["filename"], f.get("recursive", False))
        for ref in found.refs:
            ref.obj = inv.cluster.get(ref.r.plural, ref.namespace, ref.name)
            if ref.obj is None:
                found.errors.append(str(apiserver.not_found(ref.r, ref.name)))
        found.refs = [ref for ref in found.refs if ref.obj is not None]
    else:
        if not inv.args:
            raise KubectlError(NO_RESOURCES)
        if len(inv.args) == 1 and "/" not in inv.args[0]:
            raise KubectlError("resource(s) were provided, but no name was specified")
        found = find(inv, inv.args)
    errors = list(found.errors)
    count = 0
    for ref in found.refs:
        r = ref.r
        if r.plural not in SCALABLE:
            base = f"{r.group}/{r.version}" if r.group else f"/{r.version}"
            errors.append(f"cannot autoscale a {r.kind}: could not find scale subresource for {base}, "
                          f"Resource={r.plural} in discovery information")
            break
        spec: dict = {"scaleTargetRef": {"kind": r.kind, "name": ref.name, "apiVersion": r.api_version},
                      "maxReplicas": f["max"]}
        if f["min"] > 0:
            spec["minReplicas"] = f["min"]
        metrics = []
        if f["cpu-percent"] > 0:
            metrics.append(_metric("cpu", ("Utilization", f["cpu-percent"])))
        if cpu:
            metrics.append(_metric("cpu", cpu))
        if memory:
            metrics.append(_metric("memory", memory))
        if metrics:
            spec["metrics"] = metrics
        meta: dict = {"name": f["name"] or ref.name}
        if inv.namespace_explicit:
            meta["namespace"] = inv.namespace
        hpa = {"kind": "HorizontalPodAutoscaler", "apiVersion": "autoscaling/v2", "metadata": meta, "spec": spec,
               "status": {"desiredReplicas": 0}}
        record(inv, hpa)
        count += 1
        if dry == "client":
            print_object(inv, r_hpa(), hpa, dry, "created")
            continue
        if f["save-config"]:
            save_config(hpa)
        meta["namespace"] = ref.namespace or inv.namespace
        try:
            stored = create_on_server(inv, hpa, dry)
        except ApiError as exc:
            errors.append(str(exc))
            break
        print_object(inv, r_hpa(), stored, dry, "autoscaled")
    if not count and not errors:
        raise KubectlError("no objects passed to autoscale")
    return print_errors(inv, errors)


def r_hpa():
    return res.lookup("horizontalpodautoscalers.autoscaling")
