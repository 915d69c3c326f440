"""The engine's capability registries, built explicitly when an Engine is constructed.

    caps = build()                          # Engine() keeps it as engine.capabilities
    caps.validators.get("services")         # fn(cluster, obj, old) -> [cause, ...]

Nothing registers itself by being imported: each registry is filled here from an explicit list, and a key
registered twice raises DuplicateCapability instead of letting module order decide which one wins (as
validation/networkpolicy.py once silently replaced networking.py's NetworkPolicy validator). The kubectl
command registry (programs/kubectl/registry.py) follows the same rule.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Callable

from . import batch
from .addons import ingress_admission
from .validation import batch as batch_validation, config, namespaces, networking, networkpolicy, pods, services, workloads


class DuplicateCapability(RuntimeError):
    pass


@dataclass
class Registry:
    """One kind of capability: key -> implementation, each key registered once."""
    name: str
    entries: dict[str, Callable] = field(default_factory=dict)

    def register(self, key: str, value: Callable) -> None:
        if key in self.entries:
            raise DuplicateCapability(f"{self.name}: {key!r} is registered twice "
                                      f"({_where(self.entries[key])} and {_where(value)})")
        self.entries[key] = value

    def get(self, key: str, default=None):
        return self.entries.get(key, default)

    def __contains__(self, key: str) -> bool:
        return key in self.entries


def _where(fn) -> str:
    return f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', repr(fn))}"


@dataclass(frozen=True)
class Capabilities:
    validators: Registry        # API-server validation per resource plural
    allocators: Registry        # API-server allocation (ClusterIPs, NodePorts) per resource plural


def _validators(reg: Registry) -> None:
    for plural, fn in [("configmaps", config.validate_configmap), ("secrets", config.validate_secret),
                       ("services", services.validate_service), ("namespaces", namespaces.validate_namespace),
                       ("pods", pods.validate_pod), ("deployments", workloads.validate_deployment),
                       ("replicasets", workloads.validate_replicaset), ("daemonsets", workloads.validate_daemonset),
                       ("ingresses", networking.validate_ingress), ("jobs", batch_validation.validate_job),
                       ("cronjobs", batch_validation.validate_cronjob),
                       ("networkpolicies", networkpolicy.validate_networkpolicy)]:
        reg.register(plural, fn)


def _allocators(reg: Registry) -> None:
    reg.register("services", services.allocate_service)
    reg.register("ingresses", ingress_admission.admission)     # default class, then ingress-nginx's webhook
    reg.register("jobs", batch.allocate_job)                 # the Job strategy's generated selector


@cache
def build() -> Capabilities:
    caps = Capabilities(Registry("validators"), Registry("allocators"))
    _validators(caps.validators)
    _allocators(caps.allocators)
    return caps
