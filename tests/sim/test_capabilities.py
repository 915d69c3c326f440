"""The engine's capability registries are built explicitly: a key registered twice is an error, never an
override decided by module order (issue 15, item 5)."""
from __future__ import annotations

import pytest

from playground.sim import capabilities
from playground.sim.engine import Engine
from playground.sim.validation import networkpolicy


def test_registering_a_key_twice_raises():
    reg = capabilities.Registry("validators")
    reg.register("networkpolicies", networkpolicy.validate_networkpolicy)
    with pytest.raises(capabilities.DuplicateCapability, match="'networkpolicies' is registered twice"):
        reg.register("networkpolicies", lambda cluster, obj, old: [])
    assert reg.get("networkpolicies") is networkpolicy.validate_networkpolicy


def test_an_engine_carries_the_registries_it_was_built_with():
    engine = Engine.new(seed=1)
    caps = engine.capabilities
    assert caps.validators.get("networkpolicies") is networkpolicy.validate_networkpolicy
    assert {"services", "pods", "deployments", "ingresses", "configmaps", "secrets"} <= set(caps.validators.entries)
    assert {"services", "ingresses"} <= set(caps.allocators.entries)


def test_importing_a_validation_module_registers_nothing():
    """The validators are the explicit list's, whatever has been imported."""
    import importlib
    from playground.sim.validation import networking
    importlib.reload(networking)
    assert capabilities.build().validators.get("networkpolicies") is networkpolicy.validate_networkpolicy
    assert not hasattr(networking, "validate_networkpolicy")


def test_the_registered_validator_answers_for_its_kind():
    engine = Engine.new(seed=1)
    engine.host.files[engine.host.abspath("np.yaml")] = (
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: x\nspec:\n  podSelector: {}\n"
        "  policyTypes: [Ingress, Egress, Ingress]\n")
    out = engine.run("kubectl apply -f np.yaml").output
    assert "may not specify more than two policyTypes" in out
