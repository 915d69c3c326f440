"""services: every command runs under the sandbox's lock, and every update is kept."""
from __future__ import annotations

import threading

import pytest
from django.db import connection

from playground import services
from playground.models import CommandRecord, Sandbox
from playground.sim.engine import Engine

pytestmark = pytest.mark.django_db


def test_a_new_sandbox_is_a_fresh_minikube(alice):
    sandbox = services.create_sandbox(alice, "first")
    engine = Engine.from_state(Sandbox.objects.get(pk=sandbox.pk).state)
    assert engine.cluster.get("nodes", None, "minikube") is not None
    assert engine.cluster.get("services", "kube-system", "kube-dns")["spec"]["clusterIP"] == "10.96.0.10"
    assert sandbox.version == 0 and sandbox.lesson_slug == ""


def test_two_commands_keep_every_update(alice_sandbox, alice, create_deploy_line):
    first = services.run_command(alice_sandbox.pk, alice, create_deploy_line)
    second = services.run_command(alice_sandbox.pk, alice, "echo second-command")
    assert first["exit_code"] == 0, first["output"]
    assert first["changed"] is True and second["changed"] is False
    sandbox = Sandbox.objects.get(pk=alice_sandbox.pk)
    assert sandbox.version == 2
    assert list(sandbox.commands.values_list("seq", "line")) == [(1, create_deploy_line), (2, "echo second-command")]
    assert sandbox.commands.get(seq=1).output == first["output"]
    engine = Engine.from_state(sandbox.state)           # what a reload or a server restart sees
    assert engine.cluster.get("deployments", "default", "nginx-app") is not None
    assert len([p for p in engine.cluster.list("pods", "default") if p["metadata"]["name"].startswith("nginx-app-")]) == 3
    assert sandbox.history()[-2:] == [create_deploy_line, "echo second-command"]


def test_a_command_reports_the_prompt_and_the_exit_code(alice_sandbox, alice):
    result = services.run_command(alice_sandbox.pk, alice, "no-such-program --flag")
    assert result["exit_code"] == 127
    assert "no-such-program: command not found" in result["output"]
    assert result["prompt"] == "student@ubuntu:~$ "


def test_it_refuses_someone_elses_sandbox(alice_sandbox, bob):
    with pytest.raises(Sandbox.DoesNotExist):
        services.run_command(alice_sandbox.pk, bob, "kubectl get pods")
    with pytest.raises(Sandbox.DoesNotExist):
        services.reset_sandbox(alice_sandbox.pk, bob)
    with pytest.raises(Sandbox.DoesNotExist):
        services.delete_sandbox(alice_sandbox.pk, bob)
    assert Sandbox.objects.get(pk=alice_sandbox.pk).version == 0
    assert not CommandRecord.objects.exists()


def test_names_are_unique_per_learner_and_the_count_is_limited(alice, bob, settings):
    settings.PODSCAPE_MAX_SANDBOXES = 2
    services.create_sandbox(alice, "one")
    services.create_sandbox(bob, "one")                       # another learner may use the same name
    with pytest.raises(services.SandboxError, match="already have a sandbox named 'one'"):
        services.create_sandbox(alice, "one")
    services.create_sandbox(alice, "two")
    with pytest.raises(services.SandboxError, match="2 sandboxes"):
        services.create_sandbox(alice, "three")
    with pytest.raises(services.SandboxError):
        services.create_sandbox(alice, "   ")
    assert Sandbox.objects.filter(owner=alice).count() == 2


def test_reset_gives_a_fresh_cluster(alice_sandbox, alice, create_deploy_line):
    services.run_command(alice_sandbox.pk, alice, create_deploy_line)
    services.reset_sandbox(alice_sandbox.pk, alice)
    sandbox = Sandbox.objects.get(pk=alice_sandbox.pk)
    engine = Engine.from_state(sandbox.state)
    assert engine.cluster.get("deployments", "default", "nginx-app") is None
    assert engine.cluster.get("nodes", None, "minikube") is not None
    assert sandbox.version == 2 and sandbox.name == "alice-cluster"


def test_over_the_object_quota_the_command_is_forbidden_and_nothing_is_kept(alice_sandbox, alice, settings,
                                                                           create_deploy_line):
    engine = Engine.from_state(alice_sandbox.state)
    used = len([k for plural, items in engine.cluster.objects.items() if plural != "events" for k in items])
    settings.PODSCAPE_MAX_OBJECTS = used
    result = services.run_command(alice_sandbox.pk, alice, create_deploy_line)
    assert result["exit_code"] == 1
    # the engine has the same cap (settings.PODSCAPE_MAX_OBJECTS), so kubectl itself reports the refusal
    assert result["output"].startswith('error: failed to create deployment: deployments.apps "nginx-app" is '
                                       "forbidden: exceeded quota: podscape-sandbox, requested: count/objects=")
    assert result["output"].endswith(f"used: count/objects={used}, limited: count/objects={used}\n")
    after = Engine.from_state(Sandbox.objects.get(pk=alice_sandbox.pk).state)
    assert after.cluster.get("deployments", "default", "nginx-app") is None
    assert result["changed"] is False


def test_a_command_publishes_the_topology_diff_after_commit(alice_sandbox, alice, create_deploy_line,
                                                            django_capture_on_commit_callbacks):
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(f"sandbox-{alice_sandbox.pk}", channel)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.run_command(alice_sandbox.pk, alice, create_deploy_line)
    assert callbacks
    message = async_to_sync(layer.receive)(channel)
    assert message["type"] == "sandbox.topology"
    added = {e["data"]["id"] for e in message["add"]}
    assert any(i.startswith("pod/default/nginx-app-") for i in added)


@pytest.mark.django_db(transaction=True)
def test_two_tabs_typing_at_once_lose_nothing(alice, create_deploy_line):
    sandbox = services.create_sandbox(alice, "busy")
    errors = []

    def tab(n: int) -> None:
        try:
            for i in range(5):
                services.run_command(sandbox.pk, alice, f"echo tab{n}-{i}")
        except Exception as exc:     # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=tab, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    sandbox.refresh_from_db()
    assert sandbox.version == 10
    assert sorted(sandbox.commands.values_list("seq", flat=True)) == list(range(1, 11))
    assert sorted(sandbox.history()) == sorted(f"echo tab{n}-{i}" for n in range(2) for i in range(5))


def test_the_rate_limit_stops_a_flood_but_not_a_typist(alice, settings):
    from playground import ratelimit

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "ratelimit-test"}}
    assert all(ratelimit.allow(alice.pk, limit=5, window=60) for _ in range(5))
    assert not ratelimit.allow(alice.pk, limit=5, window=60)
    assert ratelimit.allow(alice.pk + 1, limit=5, window=60)      # someone else is not slowed down
