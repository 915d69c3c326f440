"""What must hold of an engine's state after any command, whatever the learner typed."""
from __future__ import annotations

import json

from playground.sim import resources
from playground.sim.engine import Engine
from playground.sim.validation.meta import validate_object_meta


def check_state(engine: Engine) -> None:
    state = engine.to_state()
    # JSON all the way down (it is stored in a JSONField), and loading it back gives the same state
    assert json.loads(json.dumps(state)) == state
    assert Engine.from_state(state).to_state() == state
    cluster = engine.cluster
    uids, versions = set(), set()
    for plural, items in cluster.objects.items():
        r = resources.BY_PLURAL.get(plural)
        for key, obj in items.items():
            meta = obj["metadata"]
            assert obj.get("kind") and obj.get("apiVersion"), (plural, key)
            assert meta.get("name") and meta["name"] in key, (plural, key)
            if r is not None:
                assert bool(meta.get("namespace")) == r.namespaced, (plural, key)
                if r.namespaced and plural != "namespaces":
                    assert cluster.get("namespaces", None, meta["namespace"]) is not None or \
                        meta.get("deletionTimestamp"), f"{plural}/{key} in a namespace that does not exist"
            assert meta.get("uid") not in uids, f"duplicate uid {meta.get('uid')}"
            uids.add(meta.get("uid"))
            rv = int(meta.get("resourceVersion") or 0)
            assert 0 < rv <= cluster.resource_version, (plural, key, rv)
            assert rv not in versions or plural == "events", f"resourceVersion {rv} used twice"
            versions.add(rv)
            if plural != "events":
                assert validate_object_meta(obj) == [], (plural, key, validate_object_meta(obj))
