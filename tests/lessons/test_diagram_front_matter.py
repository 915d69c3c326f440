"""A lesson says in its front matter which namespaces the live diagram shows unfolded (`diagram: {expand:
[...]}`); the WebSocket's hello carries it to the page."""
from __future__ import annotations

import io

import pytest

from lessons import format
from playground import services


def lesson(front: str) -> str:
    return f"---\ntitle: T\nslug: t\norder: 1\n{front}---\nIntro.\n\n## Step\n```step\nid: s\ncommands:\n  - kubectl get pods\ncheck:\n  command: '^kubectl get pods'\n```\nText.\n"


def test_the_key_is_optional_and_validated():
    assert format.parse_lesson(lesson(""))["diagram"] == {"expand": []}
    assert format.parse_lesson(lesson("diagram:\n  expand: [kube-system, ingress-nginx]\n"))["diagram"] == {
        "expand": ["kube-system", "ingress-nginx"]}
    for bad in ("diagram: [kube-system]\n", "diagram:\n  expand: kube-system\n",
                "diagram:\n  expand: [Kube_System]\n", "diagram:\n  fold: [default]\n"):
        with pytest.raises(format.LessonFormatError, match="diagram"):
            format.parse_lesson(lesson(bad))


def test_the_dns_and_policy_lessons_unfold_kube_system():
    by_slug = {lsn["slug"]: lsn for lsn in format.load_all()}
    assert by_slug["services-dns"]["diagram"]["expand"] == ["kube-system"]          # kube-dns and coredns
    assert by_slug["network-policies"]["diagram"]["expand"] == ["kube-system"]      # the calico pods
    assert by_slug["services-clusterip-nodeport"]["diagram"]["expand"] == []


@pytest.mark.django_db
def test_hello_carries_the_lessons_diagram_options(alice):
    from django.core.management import call_command

    call_command("loadlessons", stdout=io.StringIO())
    dns = services.create_sandbox(alice, "dns", "services-dns")
    assert services.hello(dns)["diagram"] == {"expand": ["kube-system"]}
    free = services.create_sandbox(alice, "free")
    assert services.hello(free)["diagram"] == {"expand": []}
