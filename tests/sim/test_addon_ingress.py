"""`minikube addons enable|disable ingress`: what minikube v1.38 prints, the objects its manifest creates
(as `kubectl get` shows them), and the controller's status sync and events on the cluster clock."""
from __future__ import annotations

import re

from playground.sim.engine import Engine

T0 = 1_800_000_000.0
ENABLE_OUTPUT = (
    "💡  ingress is an addon maintained by Kubernetes. For any concerns contact minikube on GitHub.\n"
    "You can view the list of minikube maintainers at: https://github.com/kubernetes/minikube/blob/master/OWNERS\n"
    "    ▪ Using image registry.k8s.io/ingress-nginx/controller:v1.14.1\n"
    "    ▪ Using image registry.k8s.io/ingress-nginx/kube-webhook-certgen:v1.6.5\n"
    "    ▪ Using image registry.k8s.io/ingress-nginx/kube-webhook-certgen:v1.6.5\n"
    "🔎  Verifying ingress addon...\n"
    "🌟  The 'ingress' addon is enabled\n")
AGE = r"[0-9]+[smh]"


class Session:
    def __init__(self, seed: int = 5):
        self.engine = Engine.new(seed=seed, now=T0)
        self.t = T0

    def run(self, line: str, after: float = 3):
        self.t += after
        return self.engine.run(line, now=self.t)


def enabled(seed: int = 5) -> Session:
    s = Session(seed)
    r = s.run("minikube addons enable ingress")
    assert (r.output, r.exit_code) == (ENABLE_OUTPUT, 0)
    return s


def test_enable_prints_minikube_v138s_lines():
    enabled()


def test_addons_list_shows_ingress_enabled():
    s = enabled()
    out = s.run("minikube addons list").output
    assert re.search(r"^│ ingress +│ minikube │ enabled ✅ +│ Kubernetes +│$", out, re.M), out
    assert re.search(r"^│ ingress-dns +│ minikube │ disabled +│", out, re.M)


def test_namespace_ingress_nginx_is_listed_with_the_others():
    s = enabled()
    out = s.run("kubectl get ns").output
    names = [line.split()[0] for line in out.splitlines()[1:]]
    assert names == ["default", "ingress-nginx", "kube-node-lease", "kube-public", "kube-system"]
    assert re.search(rf"^ingress-nginx +Active +{AGE}$", out, re.M)


def test_get_all_shows_the_tutorials_objects():
    s = enabled()
    out = s.run("kubectl get all -n ingress-nginx").output
    blocks = out.split("\n\n")
    assert len(blocks) == 5, out
    pods = blocks[0].splitlines()
    assert pods[0].split() == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert re.fullmatch(rf"pod/ingress-nginx-admission-create-[a-z0-9]{{5}} +0/1 +Completed +0 +{AGE}", pods[1])
    assert re.fullmatch(rf"pod/ingress-nginx-admission-patch-[a-z0-9]{{5}} +0/1 +Completed +1 \({AGE} ago\) +{AGE}",
                        pods[2])
    assert re.fullmatch(rf"pod/ingress-nginx-controller-[a-z0-9]{{8,10}}-[a-z0-9]{{5}} +1/1 +Running +0 +{AGE}",
                        pods[3])
    svcs = blocks[1].splitlines()
    m = re.fullmatch(rf"service/ingress-nginx-controller +NodePort +10\.[0-9.]+ +<none> +80:(\d+)/TCP,443:(\d+)/TCP +{AGE}",
                     svcs[1])
    assert m and all(30000 <= int(p) <= 32767 for p in m.groups())
    assert re.fullmatch(rf"service/ingress-nginx-controller-admission +ClusterIP +10\.[0-9.]+ +<none> +443/TCP +{AGE}",
                        svcs[2])
    assert re.fullmatch(rf"deployment.apps/ingress-nginx-controller +1/1 +1 +1 +{AGE}", blocks[2].splitlines()[1])
    assert re.fullmatch(rf"replicaset.apps/ingress-nginx-controller-[a-z0-9]{{8,10}} +1 +1 +1 +{AGE}",
                        blocks[3].splitlines()[1])
    jobs = blocks[4].splitlines()
    assert jobs[0].split() == ["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"]     # v1.35 adds STATUS
    assert re.fullmatch(rf"job.batch/ingress-nginx-admission-create +Complete +1/1 +12s +{AGE}", jobs[1])
    assert re.fullmatch(rf"job.batch/ingress-nginx-admission-patch +Complete +1/1 +13s +{AGE}", jobs[2])


def test_the_controller_pod_binds_host_ports_80_and_443():
    s = enabled()
    pod = next(p for p in s.engine.cluster.list("pods", "ingress-nginx") if "controller" in p["metadata"]["name"])
    c = pod["spec"]["containers"][0]
    assert c["image"].startswith("registry.k8s.io/ingress-nginx/controller:v1.14.1@sha256:")
    assert [(p["containerPort"], p.get("hostPort")) for p in c["ports"]] == [(80, 80), (443, 443), (8443, None)]


def test_ingressclass_nginx_is_the_default():
    s = enabled()
    out = s.run("kubectl get ingressclass").output
    assert re.fullmatch(rf"NAME +CONTROLLER +PARAMETERS +AGE\nnginx +k8s\.io/ingress-nginx +<none> +{AGE}\n", out)
    ic = s.engine.cluster.get("ingressclasses", None, "nginx")
    assert ic["metadata"]["annotations"] == {"ingressclass.kubernetes.io/is-default-class": "true"}


def test_enabling_twice_changes_nothing():
    s = enabled()
    before = {o["metadata"].get("uid") for o in s.engine.cluster.all_objects()}
    r = s.run("minikube addons enable ingress")
    assert r.exit_code == 0 and r.output.endswith("🌟  The 'ingress' addon is enabled\n")
    assert "Using image" not in r.output
    after = {o["metadata"].get("uid") for o in s.engine.cluster.all_objects() if o.get("kind") != "Event"}
    assert after <= before


def test_disable_removes_the_namespace_and_the_class_but_not_ingresses():
    s = enabled()
    s.run('kubectl create ingress web --rule="/=web:80"')
    r = s.run("minikube addons disable ingress")
    assert r.exit_code == 0
    assert s.run("kubectl get ns ingress-nginx").exit_code == 1
    assert s.run("kubectl get ingressclass").output == "No resources found\n"
    assert s.engine.cluster.get("ingresses", "default", "web") is not None
    assert s.run("curl -s 192.168.49.2").exit_code == 7       # nothing listens on port 80 any more
    assert re.search(r"^web +nginx +\* +80 ", s.run("kubectl get ingress").output, re.M)   # address cleared


def test_a_new_ingress_gets_the_default_class_and_then_an_address():
    s = enabled()
    s.run('kubectl create ingress nginx-app-ingress --rule="/=nginx-app:80" --rule="/hello=newdeploy:8080"', after=3)
    assert s.engine.cluster.get("ingresses", "default", "nginx-app-ingress")["spec"]["ingressClassName"] == "nginx"
    out = s.run("kubectl get ingress", after=3).output
    assert re.fullmatch(rf"NAME +CLASS +HOSTS +ADDRESS +PORTS +AGE\n"
                        rf"nginx-app-ingress +nginx +\* +192\.168\.49\.2 +80 +{AGE}\n", out), out


def test_an_ingress_created_before_the_addon_keeps_no_class_but_is_served():
    s = Session()
    s.run('kubectl create ingress early --rule="/=web:80"')
    s.run("minikube addons enable ingress")
    out = s.run("kubectl get ingress", after=5).output
    assert re.search(rf"^early +<none> +\* +192\.168\.49\.2 +80 +{AGE}$", out, re.M), out
    assert "503 Service Temporarily Unavailable" in s.run("curl -s 192.168.49.2").output


def test_describe_shows_the_controllers_sync_events():
    s = enabled()
    s.run('kubectl create ingress nginx-app-ingress --rule="/=nginx-app:80"', after=3)
    out = s.run("kubectl describe ingress nginx-app-ingress", after=3).output
    assert "Address:          192.168.49.2\nIngress Class:    nginx\nDefault backend:  <default>\n" in out
    assert re.search(r"  Normal  Sync    [0-9]+s \(x2 over [0-9]+s\)  nginx-ingress-controller  Scheduled for sync\n$",
                     out), out


def test_editing_an_ingress_is_synced_again():
    s = enabled()
    s.run('kubectl create ingress web --rule="/=web:80"')
    s.run("kubectl patch ingress web --type=json "
          "-p '[{\"op\":\"replace\",\"path\":\"/spec/rules/0/http/paths/0/pathType\",\"value\":\"Prefix\"}]'")
    out = s.run("kubectl describe ingress web").output
    assert re.search(r"Sync    [0-9]+s \(x3 over [0-9]+s\)", out), out


# ---- ingress-nginx's validating webhook, while the controller runs ---------------------------------------
WEBHOOK = 'admission webhook "validate.nginx.ingress.kubernetes.io" denied the request: '


def test_strict_path_validation_refuses_regex_characters_in_exact_and_prefix_paths():
    # ingress-nginx v1.14 (inspector/rules.go validPathType): letters, digits, ".", "_", "-" and "/" only;
    # dots were allowed from v1.14.0 on (#13798).
    s = enabled()
    r = s.run('kubectl create ingress a --rule="/p+js=s:80"')
    assert (r.output, r.exit_code) == (
        "error: failed to create ingress: " + WEBHOOK +
        "ingress contains invalid paths: path /p+js cannot be used with pathType Exact\n", 1)
    r = s.run('kubectl create ingress a --rule="/v1~0*=s:80"')
    assert r.output.endswith("path /v1~0 cannot be used with pathType Prefix\n") and r.exit_code == 1
    assert s.engine.cluster.get("ingresses", "default", "a") is None
    assert s.run('kubectl create ingress b --rule="/index.html=s:80" --rule="/v1.0*=s:80"').exit_code == 0


def test_a_host_and_path_defined_twice_is_refused():
    s = enabled()
    assert s.run('kubectl create ingress first --rule="/=web:80"').exit_code == 0
    r = s.run('kubectl create ingress second --rule="/=other:80"')
    assert (r.output, r.exit_code) == (
        "error: failed to create ingress: " + WEBHOOK + 'host "_" and path "/" is already defined in ingress default/first\n', 1)
    assert s.run('kubectl create ingress third --rule="x.example.com/=other:80"').exit_code == 0


def test_without_the_controller_there_is_no_webhook():
    s = Session()
    assert s.run('kubectl create ingress a --rule="/p.js=s:80"').exit_code == 0
    assert s.run('kubectl create ingress b --rule="/p.js=s:80"').exit_code == 0


def test_describe_ingressclass_as_kubectl_prints_it():
    s = enabled()
    assert s.run("kubectl describe ingressclass nginx").output == (
        "Name:         nginx\n"
        "Labels:       app.kubernetes.io/component=controller\n"
        "              app.kubernetes.io/instance=ingress-nginx\n"
        "              app.kubernetes.io/name=ingress-nginx\n"
        "Annotations:  ingressclass.kubernetes.io/is-default-class: true\n"
        "Controller:   k8s.io/ingress-nginx\n"
        "Events:       <none>\n")
