"""Pod validation (pkg/apis/core/validation ValidatePod / ValidatePodSpec), also used for templates."""
from __future__ import annotations

from ..jsondata import deep_copy
from .meta import DNS1123_LABEL, LABEL_MSG, invalid, required, unsupported
from .quantity import parse, text

RESTART_POLICIES = ["Always", "OnFailure", "Never"]
DNS_POLICIES = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"]
PULL_POLICIES = ["Always", "IfNotPresent", "Never"]
PROTOCOLS = ["SCTP", "TCP", "UDP"]
PORT_RANGE = "must be between 1 and 65535, inclusive"
IANA_SVC_NAME_MSG = ("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")


def _port_name_errors(name: str) -> list[str]:
    """validation.IsValidPortName (IANA_SVC_NAME)."""
    errs = []
    if len(name) > 15:
        errs.append("must be no more than 15 characters")
    if not all(c.islower() or c.isdigit() or c == "-" for c in name) or not name.isascii():
        errs.append(IANA_SVC_NAME_MSG)
    if "--" in name:
        errs.append("must not contain consecutive hyphens")
    if not any(c.isalpha() for c in name):
        errs.append("must contain at least one letter (a-z)")
    if name.startswith("-") or name.endswith("-"):
        errs.append("must not begin or end with a hyphen")
    return errs


STANDARD_RESOURCES = {"cpu", "memory", "ephemeral-storage", "storage"}


def _resources(res: dict, path: str) -> list[str]:
    """ValidateResourceRequirements: known names, non-negative, requests not above limits."""
    causes = []
    limits, requests = res.get("limits") or {}, res.get("requests") or {}
    for section, values in (("limits", limits), ("requests", requests)):
        for name in sorted(values):
            p = f"{path}.{section}[{name}]"
            if name not in STANDARD_RESOURCES and "/" not in name and not name.startswith("hugepages-"):
                causes.append(invalid(p, name, "must be a standard resource type or fully qualified"))
                continue
            q = parse(values[name])
            if q is not None and q < 0:
                causes.append(invalid(p, text(values[name]), "must be greater than or equal to 0"))
    for name in sorted(requests):
        if name in limits:
            req, lim = parse(requests[name]), parse(limits[name])
            if req is not None and lim is not None and req > lim:
                causes.append(invalid(f"{path}.requests[{name}]", text(requests[name]),
                                      f"must be less than or equal to {name} limit of {text(limits[name])}"))
    return causes


def _container(c: dict, path: str, seen: set) -> list[str]:
    causes = []
    name = c.get("name")
    if not name:
        causes.append(required(f"{path}.name"))
    elif not isinstance(name, str) or len(name) > 63 or not DNS1123_LABEL.match(name):
        causes.append(invalid(f"{path}.name", name, LABEL_MSG))
    elif name in seen:
        causes.append(f'{path}.name: Duplicate value: "{name}"')
    if name:
        seen.add(name)
    if not c.get("image"):
        causes.append(required(f"{path}.image"))
    port_names = set()
    for j, p in enumerate(c.get("ports") or []):
        pp = f"{path}.ports[{j}]"
        if not isinstance(p, dict):
            continue
        if p.get("name"):
            for msg in _port_name_errors(str(p["name"])):
                causes.append(invalid(f"{pp}.name", p["name"], msg))
            if p["name"] in port_names:
                causes.append(f'{pp}.name: Duplicate value: "{p["name"]}"')
            port_names.add(p["name"])
        cp = p.get("containerPort")
        if not cp:
            causes.append(required(f"{pp}.containerPort"))
        elif isinstance(cp, int) and not 1 <= cp <= 65535:
            causes.append(invalid(f"{pp}.containerPort", cp, PORT_RANGE))
        hp = p.get("hostPort")
        if hp and isinstance(hp, int) and not 1 <= hp <= 65535:
            causes.append(invalid(f"{pp}.hostPort", hp, PORT_RANGE))
        proto = p.get("protocol", "TCP")
        if proto not in PROTOCOLS:
            causes.append(unsupported(f"{pp}.protocol", proto, PROTOCOLS))
    for j, e in enumerate(c.get("env") or []):
        if isinstance(e, dict) and not e.get("name"):
            causes.append(required(f"{path}.env[{j}].name"))
    causes += _resources(c.get("resources") or {}, f"{path}.resources")
    policy = c.get("imagePullPolicy")
    if policy is not None and policy not in PULL_POLICIES:
        causes.append(unsupported(f"{path}.imagePullPolicy", policy, PULL_POLICIES))
    return causes


def validate_pod_spec(spec: dict, path: str, restart_policies: list[str] | None = None) -> list[str]:
    causes = []
    vol_names = set()
    for i, v in enumerate(spec.get("volumes") or []):
        vp = f"{path}.volumes[{i}].name"
        n = v.get("name") if isinstance(v, dict) else None
        if not n:
            causes.append(required(vp))
        elif not DNS1123_LABEL.match(n) or len(n) > 63:
            causes.append(invalid(vp, n, LABEL_MSG))
        elif n in vol_names:
            causes.append(f'{vp}: Duplicate value: "{n}"')
        vol_names.add(n)
    containers = spec.get("containers") or []
    seen: set = set()
    if not containers:
        causes.append(required(f"{path}.containers"))
    for i, c in enumerate(spec.get("initContainers") or []):
        if isinstance(c, dict):
            causes += _container(c, f"{path}.initContainers[{i}]", seen)
    for i, c in enumerate(containers):
        if isinstance(c, dict):
            causes += _container(c, f"{path}.containers[{i}]", seen)
            for j, m in enumerate(c.get("volumeMounts") or []):
                if isinstance(m, dict) and m.get("name") and m["name"] not in vol_names \
                        and not str(m["name"]).startswith("kube-api-access-"):
                    causes.append(f'{path}.containers[{i}].volumeMounts[{j}].name: Not found: "{m["name"]}"')
    policy = spec.get("restartPolicy", "Always")
    if policy not in RESTART_POLICIES:
        causes.append(unsupported(f"{path}.restartPolicy", policy, RESTART_POLICIES))
    elif restart_policies is not None and policy not in restart_policies:
        causes.append(unsupported(f"{path}.restartPolicy", policy, restart_policies))
    dns = spec.get("dnsPolicy", "ClusterFirst")
    if dns not in DNS_POLICIES:
        causes.append(unsupported(f"{path}.dnsPolicy", dns, DNS_POLICIES))
    grace = spec.get("terminationGracePeriodSeconds")
    if isinstance(grace, int) and grace < 0:
        causes.append(invalid(f"{path}.terminationGracePeriodSeconds", grace,
                              "must be greater than or equal to 0"))
    return causes


# Fields a pod update may change (ValidatePodUpdate); everything else in spec is immutable.
_POD_UPDATE_FORBIDDEN = ("pod updates may not change fields other than `spec.containers[*].image`,"
                         "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` "
                         "(only additions to existing tolerations),`spec.terminationGracePeriodSeconds` "
                         "(allow it to be set to 1 if it was previously negative)")


def _mutable_view(spec: dict) -> dict:
    s = deep_copy(spec)
    for key in ("containers", "initContainers"):
        for c in s.get(key) or []:
            if isinstance(c, dict):
                c.pop("image", None)
    for key in ("activeDeadlineSeconds", "tolerations", "terminationGracePeriodSeconds"):
        s.pop(key, None)
    return s


def validate_pod(cluster, obj: dict, old: dict | None) -> list[str]:
    causes: list[str] = []   # metadata: apiserver checks it for every kind
    spec = obj.get("spec") or {}
    causes += validate_pod_spec(spec, "spec")
    if old is not None and not causes:
        if _mutable_view(spec) != _mutable_view(old.get("spec") or {}):
            causes.append(f"spec: Forbidden: {_POD_UPDATE_FORBIDDEN}")
    return causes
