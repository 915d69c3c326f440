"""Volumes mounted as files inside containers (pkg/volume: configmap, secret, projected, emptydir) and the
API server reached from a pod at kubernetes.default:443 (the `kubernetes` Service's Endpoints are the
node's 8443), with curl's TLS options."""
from __future__ import annotations

import json

from playground.sim import pki

from .podhelpers import Sandbox

SA = "/var/run/secrets/kubernetes.io/serviceaccount"
POD = """cat > p.yaml <<'X'
apiVersion: v1
kind: Pod
metadata: {name: vp, namespace: team}
spec:
  containers:
  - name: c
    image: curlimages/curl
    command: [sleep, "3600"]
    volumeMounts:
    - {name: s, mountPath: /etc/s}
    - {name: c, mountPath: /etc/c}
    - {name: scratch, mountPath: /scratch}
  volumes:
  - {name: s, secret: {secretName: s1, items: [{key: password, path: pw}]}}
  - {name: c, configMap: {name: c1}}
  - {name: scratch, emptyDir: {}}
X
"""


def _sandbox() -> Sandbox:
    return Sandbox().setup("kubectl create ns team",
                           "kubectl create secret generic s1 -n team --from-literal=password=hunter2",
                           "kubectl create configmap c1 -n team --from-literal=greeting=hi", POD,
                           "kubectl apply -f p.yaml")


def test_service_account_secret_configmap_and_emptydir_are_files():
    sb = _sandbox()
    assert sb.out(f"kubectl exec -n team vp -- cat {SA}/namespace") == "team"
    assert sb.out(f"kubectl exec -n team vp -- ls {SA}") == "ca.crt\nnamespace\ntoken\n"
    assert sb.out(f"kubectl exec -n team vp -- cat {SA}/ca.crt") == pki.CA_CRT
    assert sb.out("kubectl exec -n team vp -- cat /etc/s/pw /etc/c/greeting") == "hunter2hi"
    assert sb.out("kubectl exec -n team vp -- ls /scratch") == ""
    assert sb.out("kubectl exec -n team vp -- sh -c 'echo x > /scratch/f; cat /scratch/f'") == "x\n"


def test_anonymous_curl_to_kubernetes_default_gets_the_403_status():
    """What a real cluster answers system:anonymous (RBAC grants it only the health paths)."""
    sb = _sandbox()
    r = sb.run("kubectl exec -n team vp -- curl -sk https://kubernetes.default")
    assert json.loads(r.output) == {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                                    "message": 'forbidden: User "system:anonymous" cannot get path "/"',
                                    "reason": "Forbidden", "details": {}, "code": 403}
    assert sb.out("kubectl exec -n team vp -- curl -sk https://kubernetes.default/healthz") == "ok"
    r = sb.run("kubectl exec -n team vp -- curl -sS https://kubernetes.default")
    assert r.output.startswith("curl: (60) SSL certificate problem: unable to get local issuer certificate")


def test_the_pods_token_reads_discovery_and_is_forbidden_resources():
    sb = _sandbox()
    auth = f'--cacert {SA}/ca.crt -H "Authorization: Bearer $(cat {SA}/token)"'
    out = sb.out(f"kubectl exec -n team vp -- sh -c 'curl -s {auth} https://kubernetes.default.svc/api'")
    assert json.loads(out)["kind"] == "APIVersions"
    out = sb.out(f"kubectl exec -n team vp -- sh -c 'curl -s {auth} https://kubernetes.default.svc/api/v1/namespaces/team/pods'")
    assert json.loads(out)["message"] == ('pods is forbidden: User "system:serviceaccount:team:default" cannot list '
                                          'resource "pods" in API group "" in the namespace "team"')
    out = sb.out("kubectl exec -n team vp -- curl -s -o /dev/null -w '%{http_code}' "
                 "-H 'Authorization: Bearer not.a.token' -k https://kubernetes.default/api")
    assert out == "401"


def test_cacert_checks_the_name_against_the_certificates_sans():
    sb = _sandbox()
    r = sb.run(f"kubectl exec -n team vp -- curl -sS --cacert {SA}/ca.crt --resolve api.example:443:10.96.0.1 "
               "https://api.example/healthz")
    assert r.output.startswith("curl: (60) SSL: no alternative certificate subject name matches target host name "
                               "'api.example'")
    r = sb.run("kubectl exec -n team vp -- curl -sS --cacert /nope https://kubernetes.default/healthz")
    assert r.output.startswith("curl: (77) error setting certificate file: /nope")
