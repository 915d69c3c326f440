"""The connectivity matrix page (/sandboxes/<id>/matrix/): every pod to every pod per port, owner-only,
following the sandbox as commands change labels and policies."""
from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command

from playground import services

pytestmark = pytest.mark.django_db

SETUP = [
    "minikube delete",
    "minikube start --cni=calico",
    "kubectl create -f ckad/nwpolicy-complete-example.yaml",
]


@pytest.fixture(autouse=True)
def lessons_loaded():
    call_command("loadlessons", stdout=io.StringIO())


def run(sandbox, user, *lines):
    for line in lines:
        services.run_command(sandbox.pk, user, line)


def cells(html: str, port: str = "80/TCP") -> dict[tuple[str, str], str]:
    """(from, to) -> allowed/denied, read back from the table for one port."""
    table = re.search(rf'<table class="matrix-table" data-port="{re.escape(port)}">(.*?)</table>', html, re.S).group(1)
    heads = re.findall(r'<th scope="col">([^<]*)</th>', table)[1:]
    out = {}
    for row in re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", table, re.S):
        name = row.split("</th>", 1)[0]
        for to, cls in zip(heads, re.findall(r'<td class="(allowed|denied)"', row)):
            out[(name, to)] = cls
    return out


@pytest.fixture
def lesson_sandbox(alice):
    sandbox = services.create_sandbox(alice, "netpol", "network-policies")
    run(sandbox, alice, *SETUP)
    return sandbox


def test_it_shows_what_the_policy_allows(alice_client, alice, lesson_sandbox):
    r = alice_client.get(f"/sandboxes/{lesson_sandbox.pk}/matrix/")
    assert r.status_code == 200
    html = r.content.decode()
    assert cells(html) == {("busybox", "busybox"): "allowed", ("busybox", "nginx"): "denied",
                           ("nginx", "busybox"): "allowed", ("nginx", "nginx"): "allowed"}
    assert "does not enforce" not in html


def test_it_follows_a_label_change(alice_client, alice, lesson_sandbox):
    run(lesson_sandbox, alice, "kubectl label pod busybox access=true")
    html = alice_client.get(f"/sandboxes/{lesson_sandbox.pk}/matrix/", HTTP_HX_REQUEST="true").content.decode()
    assert html.lstrip().startswith('<div id="matrix"')          # the fragment htmx swaps in
    assert cells(html)[("busybox", "nginx")] == "allowed"


def test_it_says_when_the_cni_cannot_enforce_policies(alice_client, alice):
    sandbox = services.create_sandbox(alice, "bridge", "network-policies")
    run(sandbox, alice, "kubectl create -f ckad/nwpolicy-complete-example.yaml")
    html = alice_client.get(f"/sandboxes/{sandbox.pk}/matrix/").content.decode()
    assert "does not enforce NetworkPolicy" in html and "(1)" in html
    assert cells(html)[("busybox", "nginx")] == "allowed"


def test_it_takes_ports_and_a_namespace(alice_client, alice, lesson_sandbox):
    html = alice_client.get(f"/sandboxes/{lesson_sandbox.pk}/matrix/?ports=80,53/UDP&namespace=kube-system").content.decode()
    assert 'data-port="80/TCP"' in html and 'data-port="53/UDP"' in html
    names = {k[0] for k in cells(html, "53/UDP")}
    assert any(n.startswith("coredns-") for n in names) and "nginx" not in names
    assert not any(n.startswith("calico-node-") for n in names)      # host network: not a pod-network peer


def test_it_checks_ownership(bob_client, lesson_sandbox):
    assert bob_client.get(f"/sandboxes/{lesson_sandbox.pk}/matrix/").status_code == 404


def test_it_needs_a_login(client, lesson_sandbox):
    r = client.get(f"/sandboxes/{lesson_sandbox.pk}/matrix/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
