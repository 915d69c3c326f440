"""Issue 13, item 4: what is cheap to ask for but costly to answer is throttled or served from the cache:
Tab completion, exercise submits, sign-ups."""
from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client

from playground import services, store
from tests.security.test_isolation import learner, socket

EXERCISE = "exercise-publish-web"


@pytest.mark.django_db(transaction=True)
async def test_tab_completion_uses_the_cached_engine_and_is_rate_limited(settings, monkeypatch):
    settings.PODSCAPE_COMPLETIONS_PER_WINDOW = 5
    # the limit counts in fixed windows (ratelimit.hit_many): an hour-long one, so six Tabs never straddle a
    # window's edge (with the 10 s default, a slow CI run let the sixth through now and then)
    settings.PODSCAPE_COMMAND_WINDOW = 3600
    _, box, session = await learner("alice", "kubectl create deployment web --image=nginx")
    loads = []
    real = store.load_state
    monkeypatch.setattr(store, "load_state", lambda sandbox: loads.append(sandbox.pk) or real(sandbox))
    comm = await socket(box, session)
    for i in range(5):
        await comm.send_json_to({"type": "complete", "id": i, "line": "kubectl get deployment w", "cursor": 24})
        reply = await comm.receive_json_from(timeout=10)
        assert reply == {"type": "completion", "id": i, "start": 23, "matches": ["web"]}
    assert loads == []              # the engine the last command left in the cache, not a rebuild per Tab
    await comm.send_json_to({"type": "complete", "id": 9, "line": "kubectl get deployment w", "cursor": 24})
    assert await comm.receive_json_from(timeout=10) == {
        "type": "error", "id": 9, "message": "too many Tab completions; wait a few seconds"}
    await comm.send_json_to({"type": "command", "id": 10, "line": "echo still here"})
    assert (await comm.receive_json_from(timeout=10))["output"] == "still here\n"
    await comm.disconnect()


@pytest.mark.django_db
def test_exercise_submits_are_throttled(settings, alice, client):
    settings.PODSCAPE_SUBMITS_PER_MINUTE = 3
    call_command("loadlessons", stdout=io.StringIO())
    box = services.create_sandbox(alice, "ex", EXERCISE)
    client.force_login(alice)
    codes = [client.post(f"/lessons/{EXERCISE}/submit/{box.pk}/").status_code for _ in range(4)]
    assert codes == [302, 302, 302, 429]
    from lessons.models import Attempt

    assert Attempt.objects.filter(user=alice).count() == 3


@pytest.mark.django_db
def test_a_submit_keeps_a_bounded_snapshot_not_the_sandboxs_bytes(alice, client):
    """Issue 13: submit copied the whole state (up to the byte quotas, 15 MiB) into every attempt."""
    import json

    from lessons.models import Attempt

    call_command("loadlessons", stdout=io.StringIO())
    box = services.create_sandbox(alice, "ex", EXERCISE)
    for line in ["seq 1 120000 > big", "kubectl create configmap big --from-file=big",
                 "kubectl create deployment shop --image=nginx"]:
        r = services.run_command(box.pk, alice, line)
        assert r["exit_code"] == 0, r["output"]
    box.refresh_from_db()
    assert len(json.dumps(box.state)) > 1_400_000              # the file and the ConfigMap, 729 kB each
    client.force_login(alice)
    assert client.post(f"/lessons/{EXERCISE}/submit/{box.pk}/").status_code == 302
    attempt = Attempt.objects.get(user=alice)
    assert len(json.dumps(attempt.snapshot)) < 200_000
    value = attempt.snapshot["cluster"]["objects"]["configmaps"]["default/big"]["data"]["big"]
    text = "".join(f"{i}\n" for i in range(1, 120001))
    assert value == text[:1024] + f"...[{len(text) - 1024} characters not kept]"
    page = client.get(f"/lessons/attempts/{attempt.pk}/").content.decode()
    assert "deployment.apps/shop" in page                      # the drill-down's final state still shows


@pytest.mark.django_db
def test_signups_are_throttled_per_address(settings, django_user_model):
    settings.PODSCAPE_SIGNUPS_PER_HOUR = 3

    def sign_up(n, address):
        return Client(REMOTE_ADDR=address).post("/accounts/signup/", {
            "username": f"spam{n}", "password1": "a-long-Passphrase-9", "password2": "a-long-Passphrase-9"})
    codes = [sign_up(n, "10.0.0.1").status_code for n in range(4)]
    assert codes == [302, 302, 302, 429]
    assert "Too many new accounts from your address" in sign_up(9, "10.0.0.1").content.decode()
    assert sign_up(5, "10.0.0.2").status_code == 302          # another address is not slowed down
    assert django_user_model.objects.filter(username__startswith="spam").count() == 4


@pytest.mark.django_db
def test_api_reads_are_rate_limited_too(settings, alice, alice_client, alice_sandbox):
    settings.PODSCAPE_API_PER_WINDOW = 3
    url = f"/api/sandboxes/{alice_sandbox.pk}/objects?kind=cm"
    assert [alice_client.get(url).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert alice_client.get(url).json() == {"error": "too many API requests; wait a few seconds and try again"}
