"""Ingresses in the diagram: a node per Ingress, edges to the Services it routes to (labelled with the
rules), the controller pod serving it, and a curl traced from the host through the controller to a pod."""
from __future__ import annotations

from playground import topology
from playground.sim.engine import Engine

T0 = 1_800_000_000.0


def session(*lines: str) -> tuple[Engine, list]:
    e = Engine.new(seed=3, now=T0)
    results = [e.run(line, now=T0 + 3 * (i + 1)) for i, line in enumerate(lines)]
    return e, results


def by_id(cluster):
    return {el["data"]["id"]: el for el in topology.elements(cluster)}


def test_an_ingress_links_to_its_services_with_the_rules_as_labels():
    e, _ = session("kubectl create deploy foo --image=nginx", "kubectl expose deploy foo --port=80",
                   "kubectl create deploy bar --image=httpd", "kubectl expose deploy bar --port=80",
                   'kubectl create ingress multihost --rule="foo.example.com/=foo:80" '
                   '--rule="bar.example.com/api*=bar:80" --rule="/x=missing:80"')
    els = by_id(e.cluster)
    node = els["ingress/default/multihost"]
    assert node["data"]["hosts"] == "foo.example.com,bar.example.com"
    assert "unserved" in node["classes"]                      # no controller yet
    assert els["edge/ingress/default/multihost->service/default/foo"]["data"]["label"] == "foo.example.com/"
    assert els["edge/ingress/default/multihost->service/default/bar"]["data"]["label"] == "bar.example.com/api*"
    assert not any(i.endswith("service/default/missing") for i in els)     # no edge to a Service that is not there


def test_the_controller_serves_ingresses_and_a_curl_goes_through_it():
    e, results = session("minikube addons enable ingress", "kubectl create deploy foo --image=nginx",
                         "kubectl expose deploy foo --port=80",
                         'kubectl create ingress web --rule="foo.example.com/*=foo:80"',
                         'echo "192.168.49.2 foo.example.com" | sudo tee -a /etc/hosts',
                         "curl -s foo.example.com/")
    els = by_id(e.cluster)
    controller = next(i for i in els if i.startswith("pod/ingress-nginx/ingress-nginx-controller-"))
    assert f"edge/host->{controller}" in els
    assert f"edge/{controller}->ingress/default/web" in els
    assert "unserved" not in els["ingress/default/web"]["classes"]
    # one path along the diagram's edges: host -hostport-> controller -serves-> ingress -routes-> service -> pod
    [trace] = results[-1].traces
    ids = [h["id"] for h in trace["hops"]]
    assert ids[:4] == ["host", controller, "ingress/default/web", "service/default/foo"]
    assert ids[4].startswith("pod/default/foo-") and trace["verdict"] == "ok"
    for a, b in zip(ids, ids[1:-1]):
        assert f"edge/{a}->{b}" in els
