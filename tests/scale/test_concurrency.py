"""Two tabs (on two workers in the PostgreSQL + Redis pass) type 500 commands each into one sandbox at the
same time: nothing is lost, versions and resourceVersions strictly increase, the object count is exact.

Each tab creates a ConfigMap every tenth command and annotates it with the nine commands between: a lost
update (two commands reading the same state, the later save dropping the earlier) shows as a missing
annotation or ConfigMap."""
from __future__ import annotations

import asyncio
import json

from .conftest import make_stack
from .stack import http_client, recv_until, ws_connect

PER_TAB = 500


def line(tag: str, i: int) -> tuple[str, str]:
    base = f"{tag}-{i - i % 10}"
    if i % 10 == 0:
        return f"kubectl create configmap {base} --from-literal=n={i}", f"configmap/{base} created\n"
    return f"kubectl annotate configmap {base} step-{i}=done", f"configmap/{base} annotated\n"


def test_two_tabs_racing_lose_no_update():
    stack = make_stack(workers=2, PODSCAPE_COMMANDS_PER_WINDOW=1_000_000)
    with stack:
        learner = stack.seed(1)[0]
        w_a, w_b = stack.workers[0], stack.workers[-1]

        async def tab(worker, tag):
            versions = []
            async with ws_connect(worker, learner) as ws:
                await recv_until(ws, lambda m: m["type"] == "hello")
                for i in range(PER_TAB):
                    text, expected = line(tag, i)
                    await ws.send(json.dumps({"type": "command", "id": i, "line": text}))
                    msg, _ = await recv_until(ws, lambda m: m["type"] in ("result", "error"), timeout=60)
                    assert msg["type"] == "result" and msg["id"] == i, msg
                    assert msg["output"] == expected
                    versions.append(msg["version"])
            return versions

        async def both():
            return await asyncio.gather(tab(w_a, "a"), tab(w_b, "b"))

        va, vb = asyncio.run(both())
        for v in (va, vb):
            assert all(x < y for x, y in zip(v, v[1:]))                 # each tab sees its commands in order
        assert len(set(va) | set(vb)) == 2 * PER_TAB                    # no two commands saved the same version
        assert min(vb) < max(va) and min(va) < max(vb)                  # the tabs really interleaved

        with http_client(w_a, learner) as client:
            items = client.get(f"/api/sandboxes/{learner['sandbox']}/objects",
                               params={"kind": "configmaps", "namespace": "default"}).json()["items"]
        mine = {o["metadata"]["name"]: o for o in items if o["metadata"]["name"][:2] in ("a-", "b-")}
        assert sorted(mine) == sorted(f"{t}-{i}" for t in "ab" for i in range(0, PER_TAB, 10))   # exact count
        for name, obj in mine.items():
            start = int(name.split("-")[1])
            steps = {k for k in (obj["metadata"].get("annotations") or {}) if k.startswith("step-")}
            assert steps == {f"step-{i}" for i in range(start + 1, start + 10)}, name
        rv = {name: int(o["metadata"]["resourceVersion"]) for name, o in mine.items()}
        assert len(set(rv.values())) == len(rv)
        for t in "ab":      # each tab's objects were last written in order, so their resourceVersions rise
            seq = [rv[f"{t}-{i}"] for i in range(0, PER_TAB, 10)]
            assert all(x < y for x, y in zip(seq, seq[1:]))
