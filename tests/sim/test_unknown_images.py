"""An image the playground does not know: under a user or registry it is taken to exist, starts, and serves
nothing unless its command is one processes.py simulates; `podscape why` says so. Docker Hub official names
outside the catalogue and near misses of known images fail to pull, as a typo does on a real node."""
from __future__ import annotations

from playground.sim import images

from .podhelpers import Sandbox


def test_which_images_pull():
    assert images.pullable("myorg/shop:1.2") and not images.known("myorg/shop:1.2")
    assert images.pullable("ghcr.io/acme/api:v3")
    assert not images.pullable("ngnix:latest")                                   # an official name misspelt
    assert not images.pullable("gcr.io/google-samples/helo-app:1.0")             # two edits from hello-app
    assert images.pullable("registry.k8s.io/e2e-test-images/jessie-dnsutils:1.3")


def test_an_unknown_image_runs_serves_nothing_and_why_says_so():
    sb = Sandbox().setup("kubectl create deploy app --image=myorg/shop:1.2 --port=8080",
                         "kubectl expose deploy app --port=80 --target-port=8080",
                         "kubectl run c --image=busybox -- sleep 3600")
    assert "1/1     Running" in sb.out("kubectl get pods -l app=app")
    r = sb.run("kubectl exec c -- wget -qO- -T1 app")
    assert r.output.startswith("wget: can't connect to remote host (") and "Connection refused" in r.output
    r = sb.run("podscape why c app:80")
    assert r.exit_code == 1
    assert "But the connection is refused: Pod app-" in r.output
    assert "runs myorg/shop:1.2, an image the playground does not know: it starts, but nothing in it listens" \
        in r.output


def test_told_what_to_run_an_unknown_image_serves_it():
    sb = Sandbox().setup("kubectl create deploy app --image=myorg/shop:1.2 -- python3 -m http.server 8080",
                         "kubectl run c --image=busybox -- sleep 3600")
    ip = sb.cluster.list("pods", "default")[0]["status"]["podIP"]
    r = sb.run(f"podscape why c {ip}:8080")
    assert "refused" not in r.output
