"""Acceptance: replay the tutorial's "Services and DNS" section through `manage.py sim --json` and match each
output. The tutorial's copy lost every line holding an IP address (CLUSTER-IP values, the `nameserver`,
`Server:`/`Address:` lines) and shows ages from its own cluster, so addresses and ages are matched by
shape; everything else the tutorial shows must appear, in order, exactly."""
from __future__ import annotations

import io
import ipaddress
import json
import re

import pytest
from django.core.management import call_command

# The state the section starts from: nginx-app with its NodePort Service on 32000 (earlier sections).
SETUP = """\
kubectl create deploy nginx-app --image=nginx:latest --replicas=3
kubectl create service nodeport nginx-app --tcp=80:80 --node-port=32000
"""
SECTION = """\
kubectl get service,pods -n kube-system
kubectl run testpod --image=busybox -- sleep 3600
kubectl exec -it testpod -- cat /etc/resolv.conf
kubectl exec -it testpod -- nslookup nginx-app
kubectl get service nginx-app
"""
IP = r"\d+\.\d+\.\d+\.\d+"
AGE = r"\d+[smhd](\d+[smh])?"


def sim(script: str) -> list[dict]:
    out = io.StringIO()
    call_command("sim", "--json", stdin=io.StringIO(script), stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


@pytest.fixture(scope="module")
def replay() -> dict[str, dict]:
    records = sim(SETUP + SECTION)
    assert [r["command"] for r in records] == (SETUP + SECTION).splitlines()
    assert all(r["exit_code"] == 0 for r in records[:2]), records[:2]
    keys = ["get-kube-system", "run", "resolv", "nslookup", "get-service"]
    return dict(zip(keys, records[2:]))


def test_kube_system_lists_kube_dns_and_coredns(replay):
    out = replay["get-kube-system"]["output"]
    lines = out.splitlines()
    assert lines[0].split() == ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"]
    assert re.fullmatch(rf"service/kube-dns   ClusterIP   10\.96\.0\.10   <none>        53/UDP,53/TCP,9153/TCP   {AGE}",
                        lines[1]), lines[1]
    assert lines[2] == ""
    assert lines[3].split() == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    coredns = [ln for ln in lines[4:] if ln.startswith("pod/coredns-")]
    assert len(coredns) == 1
    assert re.fullmatch(rf"pod/coredns-[0-9a-f]{{8,10}}-[a-z0-9]{{5}} +1/1 +Running +0 +{AGE}", coredns[0])
    assert replay["get-kube-system"]["exit_code"] == 0


def test_run_creates_the_testpod(replay):
    assert (replay["run"]["output"], replay["run"]["exit_code"]) == ("pod/testpod created\n", 0)


def test_resolv_conf_points_at_kube_dns(replay):
    # the tutorial shows the search and options lines; the nameserver line (an address) was stripped
    assert replay["resolv"]["output"] == ("search default.svc.cluster.local svc.cluster.local cluster.local\n"
                                          "nameserver 10.96.0.10\n"
                                          "options ndots:5\n")
    assert replay["resolv"]["exit_code"] == 0


def test_nslookup_resolves_the_short_name_through_the_search_path(replay):
    out = replay["nslookup"]["output"]
    lines = out.splitlines()
    # busybox 1.37: server lines first, then the answer for the first search domain
    assert lines[:3] == ["Server:\t\t10.96.0.10", "Address:\t10.96.0.10:53", ""]
    assert lines[3] == "Name:\tnginx-app.default.svc.cluster.local"       # the tutorial's line
    m = re.fullmatch(r"Address: (\S+)", lines[4])
    assert m and ipaddress.ip_address(m.group(1)) in ipaddress.ip_network("10.96.0.0/12")
    # and the ClusterIP is the Service's own (the last step of the section shows it)
    svc_line = replay["get-service"]["output"].splitlines()[1]
    assert svc_line.split()[2] == m.group(1)
    # the other search domains do not hold the name: busybox reports each and exits 1
    assert "** server can't find nginx-app.svc.cluster.local: NXDOMAIN" in lines
    assert "** server can't find nginx-app.cluster.local: NXDOMAIN" in lines
    assert lines[-1] == "command terminated with exit code 1"
    assert replay["nslookup"]["exit_code"] == 1


def test_get_service_shows_the_node_port(replay):
    lines = replay["get-service"]["output"].splitlines()
    assert lines[0].split() == ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"]
    assert re.fullmatch(rf"nginx-app   NodePort   {IP} +<none>        80:32000/TCP   {AGE}", lines[1]), lines[1]
