"""The JSON API: sandboxes and commands for their owner only, session (+CSRF) or token auth."""
from __future__ import annotations

import json

import pytest
from django.test import Client

from playground.models import Sandbox
from playground.sim.engine import Engine

pytestmark = pytest.mark.django_db


def post(client, url, data=None, **extra):
    return client.post(url, json.dumps(data or {}), content_type="application/json", **extra)


def test_it_creates_and_lists_sandboxes(alice_client, alice):
    response = post(alice_client, "/api/sandboxes", {"name": "api-made"})
    assert response.status_code == 201
    created = response.json()
    assert created["name"] == "api-made" and created["version"] == 0
    assert Sandbox.objects.get(pk=created["id"]).owner == alice
    listed = alice_client.get("/api/sandboxes").json()["sandboxes"]
    assert [s["name"] for s in listed] == ["api-made"]


def test_a_command_returns_what_the_terminal_shows(alice_client, alice_sandbox):
    line = "kubectl get nodes"
    response = post(alice_client, f"/api/sandboxes/{alice_sandbox.pk}/commands", {"line": line})
    assert response.status_code == 200
    body = response.json()
    assert body["exit_code"] == 0 and body["prompt"] == "student@ubuntu:~$ "
    header, row = body["output"].splitlines()
    assert header.split() == ["NAME", "STATUS", "ROLES", "AGE", "VERSION"]
    assert row.split()[:3] == ["minikube", "Ready", "control-plane"] and row.split()[-1] == "v1.35.0"
    assert body["editor"] is None and body["assessment"] is None


def test_state_persists_across_engine_reloads(alice_client, alice_sandbox, create_deploy_line):
    url = f"/api/sandboxes/{alice_sandbox.pk}/commands"
    created = post(alice_client, url, {"line": create_deploy_line}).json()
    assert created["exit_code"] == 0 and created["output"] == "deployment.apps/nginx-app created\n"
    # Each request loads the engine afresh from the database.
    objects = alice_client.get(f"/api/sandboxes/{alice_sandbox.pk}/objects?kind=deploy&namespace=default").json()
    assert [o["metadata"]["name"] for o in objects["items"]] == ["nginx-app"]
    pods = alice_client.get(f"/api/sandboxes/{alice_sandbox.pk}/objects?kind=pods&namespace=default").json()
    assert len(pods["items"]) == 3
    assert all(p["metadata"]["name"].startswith("nginx-app-") for p in pods["items"])
    listed = post(alice_client, url, {"line": "kubectl get deployments"}).json()
    name, ready = listed["output"].splitlines()[1].split()[:2]
    assert listed["exit_code"] == 0 and name == "nginx-app" and ready.endswith("/3")   # pods may still pull


def test_topology_and_objects_read_the_sandbox(alice_client, alice_sandbox):
    topo = alice_client.get(f"/api/sandboxes/{alice_sandbox.pk}/topology").json()
    ids = {e["data"]["id"] for e in topo["elements"]}
    assert {"host", "node/minikube", "service/default/kubernetes", "service/kube-system/kube-dns"} <= ids
    nodes = alice_client.get(f"/api/sandboxes/{alice_sandbox.pk}/objects?kind=no").json()["items"]
    assert [n["metadata"]["name"] for n in nodes] == ["minikube"]
    bad = alice_client.get(f"/api/sandboxes/{alice_sandbox.pk}/objects?kind=gizmos")
    assert bad.status_code == 400 and 'resource type "gizmos"' in bad.json()["error"]


def test_reset_and_delete(alice_client, alice_sandbox, create_deploy_line):
    post(alice_client, f"/api/sandboxes/{alice_sandbox.pk}/commands", {"line": create_deploy_line})
    reset = post(alice_client, f"/api/sandboxes/{alice_sandbox.pk}/reset")
    assert reset.status_code == 200 and reset.json()["version"] == 2
    engine = Engine.from_state(Sandbox.objects.get(pk=alice_sandbox.pk).state)
    assert engine.cluster.get("deployments", "default", "nginx-app") is None
    assert alice_client.delete(f"/api/sandboxes/{alice_sandbox.pk}").status_code == 200
    assert not Sandbox.objects.filter(pk=alice_sandbox.pk).exists()


@pytest.mark.parametrize("method,suffix", [("get", ""), ("delete", ""), ("post", "/reset"), ("post", "/commands"),
                                           ("get", "/topology"), ("get", "/objects"), ("post", "/editor")])
def test_it_404s_for_bob_on_alices_sandbox(bob_client, alice_sandbox, method, suffix):
    url = f"/api/sandboxes/{alice_sandbox.pk}{suffix}"
    if method == "post":
        response = post(bob_client, url, {"line": "kubectl get pods", "content": None})
    else:
        response = getattr(bob_client, method)(url)
    assert response.status_code == 404
    assert Sandbox.objects.get(pk=alice_sandbox.pk).version == 0


def test_it_requires_authentication(client, alice_sandbox):
    assert client.get("/api/sandboxes").status_code == 401
    assert post(client, f"/api/sandboxes/{alice_sandbox.pk}/commands", {"line": "ls"}).status_code == 401


def test_session_auth_needs_the_csrf_token(alice, alice_sandbox):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    url = f"/api/sandboxes/{alice_sandbox.pk}/commands"
    assert post(client, url, {"line": "echo hi"}).status_code == 403
    assert client.get("/api/sandboxes").status_code == 200       # reads need no token
    client.get("/sandboxes/")                                      # the page sets the csrftoken cookie
    ok = post(client, url, {"line": "echo hi"}, HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
    assert ok.status_code == 200


def test_token_auth_works_without_csrf(alice, alice_sandbox):
    from playground.accounts import issue_token

    key = issue_token(alice)
    client = Client(enforce_csrf_checks=True)
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
    response = post(client, f"/api/sandboxes/{alice_sandbox.pk}/commands", {"line": "echo hi"}, **auth)
    assert response.status_code == 200
    assert Sandbox.objects.get(pk=alice_sandbox.pk).version == 1
    assert client.get("/api/sandboxes", HTTP_AUTHORIZATION="Token wrong").status_code == 401


def test_bad_bodies_get_json_errors(alice_client, alice_sandbox):
    url = f"/api/sandboxes/{alice_sandbox.pk}/commands"
    assert alice_client.post(url, "not json", content_type="application/json").status_code == 400
    assert post(alice_client, url, {"line": 42}).status_code == 400
    assert post(alice_client, "/api/sandboxes", {"name": ""}).status_code == 400
    assert alice_client.put(url).status_code == 405


def test_an_overlong_line_is_answered_not_stored_whole(alice_client, alice_sandbox):
    line = "echo " + "x" * 50_000
    body = post(alice_client, f"/api/sandboxes/{alice_sandbox.pk}/commands", {"line": line}).json()
    assert body["exit_code"] != 0 and "too long" in body["output"]
    record = Sandbox.objects.get(pk=alice_sandbox.pk).commands.get()
    assert len(record.line) < len(line)


def test_a_logged_in_user_gets_an_api_token(alice, alice_sandbox):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.get("/api/token").json() == {"token": None}
    assert client.post("/api/token").status_code == 403                  # CSRF, like any form
    client.get("/sandboxes/")
    key = client.post("/api/token", HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value).json()["token"]
    listed = Client().get("/api/sandboxes", HTTP_AUTHORIZATION=f"Token {key}").json()["sandboxes"]
    assert [s["id"] for s in listed] == [alice_sandbox.pk]
