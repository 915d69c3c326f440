"""SIGKILL a worker while learners type: every command whose result came back is in the database, every
sandbox loads (on the surviving worker, and on the killed one after a plain restart)."""
from __future__ import annotations

import asyncio
import json
import time

from .conftest import make_stack
from .stack import http_client, recv_until, ws_connect

LEARNERS = 8


def test_sigkill_under_load_loses_no_committed_command():
    stack = make_stack(workers=2, PODSCAPE_COMMANDS_PER_WINDOW=1_000_000)
    with stack:
        learners = stack.seed(LEARNERS)
        victim = stack.workers[0]
        acked: dict[int, list[str]] = {l["sandbox"]: [] for l in learners}

        async def learner_loop(learner):
            try:
                async with ws_connect(victim, learner) as ws:
                    await recv_until(ws, lambda m: m["type"] == "hello")
                    for i in range(10_000):
                        name = f"cm-{i}"
                        await ws.send(json.dumps({"type": "command", "id": i,
                                                  "line": f"kubectl create configmap {name} --from-literal=i={i}"}))
                        msg, _ = await recv_until(ws, lambda m: m["type"] in ("result", "error"), timeout=30)
                        if msg["type"] == "result" and msg["exit_code"] == 0:
                            acked[learner["sandbox"]].append(name)
            except Exception:         # the worker died under us: that is the point
                return

        async def run():
            tasks = [asyncio.create_task(learner_loop(l)) for l in learners]
            await asyncio.sleep(4)
            victim.kill()
            await asyncio.wait(tasks, timeout=30)

        asyncio.run(run())
        assert victim.proc.returncode == -9
        total = sum(len(v) for v in acked.values())
        assert total >= LEARNERS, f"the load never got going: {total} commands acknowledged"

        def check(worker):
            for learner in learners:
                with http_client(worker, learner) as client:
                    assert client.get(f"/sandboxes/{learner['sandbox']}/").status_code == 200
                    items = client.get(f"/api/sandboxes/{learner['sandbox']}/objects",
                                       params={"kind": "configmaps", "namespace": "default"}).json()["items"]
                    names = {o["metadata"]["name"] for o in items}
                    missing = set(acked[learner["sandbox"]]) - names
                    assert not missing, f"acknowledged but lost: {sorted(missing)}"

        async def still_usable(worker, learner):
            async with ws_connect(worker, learner) as ws:
                await recv_until(ws, lambda m: m["type"] == "hello")
                await ws.send('{"type":"command","id":1,"line":"kubectl get configmap cm-0 -o name"}')
                msg, _ = await recv_until(ws, lambda m: m["type"] == "result")
                return msg["output"]

        survivors = stack.workers[1:] or []
        for w in survivors:
            check(w)
        t0 = time.time()
        victim.start()            # the same command as the first start: no manual step
        restart = time.time() - t0
        check(victim)
        for learner in learners:
            assert asyncio.run(still_usable(victim, learner)) == "configmap/cm-0\n"
        assert restart < 30
