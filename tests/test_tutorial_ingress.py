"""Acceptance: replay the tutorial's Ingress sections ("Configuring the Minikube Ingress Controller" to the
end of "Configuring Ingress Rules") through `manage.py sim --json --lesson ingress` and compare each output
with the tutorial's, and check that every command completes its lesson step.

The tutorial's copy lost its IP addresses and some lines: addresses, ports the cluster picks, pod-name
suffixes and ages are matched by shape; where minikube v1.38 / kubectl v1.35 print something the
tutorial's older versions did not, the test asserts the new form and says so.
"""
from __future__ import annotations

import io
import json
import re

import pytest
from django.core.management import call_command

AGE = r"[0-9]+[smh](?:[0-9]+[smh])?"
POD_IP = r"10\.244\.[0-9]{1,3}\.[0-9]{1,3}"
CLUSTER_IP = r"10\.(?:9[6-9]|1[01][0-9])\.[0-9]{1,3}\.[0-9]{1,3}"

# ---- the tutorial's outputs (tutorial.md, verbatim) ---------------------------------------------------
TUTORIAL_ADDONS = {      # the rows of `minikube addons list` whose state the tutorial shows
    "default-storageclass": "enabled ✅", "storage-provisioner": "enabled ✅", "ingress": "disabled",
    "ingress-dns": "disabled", "dashboard": "disabled", "metrics-server": "disabled", "registry": "disabled",
}
TUTORIAL_CREATE = "ingress.networking.k8s.io/nginx-app-ingress created\n"
TUTORIAL_CURL_NGINX = ["<!DOCTYPE html>", "<title>Welcome to nginx!</title>"]
TUTORIAL_CURL_503 = ["<head><title>503 Service Temporarily Unavailable</title></head>"]
TUTORIAL_HELLO = re.compile(r"Hello, world!\nVersion: 2\.0\.0\nHostname: newdeploy-[a-z0-9]{8,10}-[a-z0-9]{5}\n")
TUTORIAL_FOO_404 = ["<head><title>404 Not Found</title></head>"]
TUTORIAL_BAR = "<html><body><h1>It works!</h1></body></html>\n"
TUTORIAL_BAR_404 = ["<title>404 Not Found</title>"]

PART_1 = """\
minikube addons list
minikube addons enable ingress
kubectl get ns
kubectl get all -n ingress-nginx
kubectl create ingress nginx-app-ingress --rule="/=nginx-app:80" --rule="/hello=newdeploy:8080"
kubectl describe ingress nginx-app-ingress
echo "$(minikube ip) nginx-app.demo" | sudo tee -a /etc/hosts
kubectl get ingress
curl nginx-app.demo
curl nginx-app.demo/hello
kubectl create deployment newdeploy --image=gcr.io/google-samples/hello-app:2.0
kubectl expose deployment newdeploy --port=8080
curl nginx-app.demo/hello
kubectl create deploy foo --image=nginx
kubectl create deploy bar --image=httpd
kubectl expose deploy foo --port=80
kubectl expose deploy bar --port=80
kubectl create ingress multihost --rule="foo.example.com/=foo:80" --rule="bar.example.com/=bar:80"
echo "$(minikube ip) foo.example.com bar.example.com" | sudo tee -a /etc/hosts
kubectl edit ingress multihost
"""
PART_2 = """\
kubectl get ingress multihost
curl foo.example.com
curl foo.example.com/lololol
curl bar.example.com
curl bar.example.com/lololol
"""
KEYS = ["addons-list", "enable", "get-ns", "get-all", "create", "describe", "hosts", "get-ingress", "curl",
        "curl-503", "create-newdeploy", "expose-newdeploy", "curl-hello", "create-foo", "create-bar", "expose-foo",
        "expose-bar", "create-multihost", "hosts-2", "edit", "save", "get-multihost", "curl-foo", "curl-foo-404",
        "curl-bar", "curl-bar-404"]


def sim(script: str) -> list[dict]:
    out = io.StringIO()
    call_command("sim", "--json", "--lesson", "ingress", stdin=io.StringIO(script), stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def to_prefix(live: str) -> str:
    assert live.count("pathType: Exact") == 2, live
    return live.replace("pathType: Exact", "pathType: Prefix")


@pytest.fixture(scope="module")
def replay(django_db_blocker) -> dict[str, dict]:
    with django_db_blocker.unblock():
        first = sim(PART_1)
        editor = first[-1].get("editor")
        save = (f"#podscape:editor-save <<'EOF'\n{to_prefix(editor['content'])}EOF\n" if editor
                else "#podscape:editor-cancel\n")
        records = sim(PART_1 + save + PART_2)
    assert len(records) == len(KEYS)
    return dict(zip(KEYS, records))


def lines_in_order(wanted: list[str], output: str) -> bool:
    """The tutorial kept only some lines of a page: they appear in the output, in order."""
    lines = output.splitlines()
    i = 0
    for line in lines:
        if i < len(wanted) and line == wanted[i]:
            i += 1
    return i == len(wanted)


def test_every_command_succeeds_and_completes_its_step(replay):
    for key, rec in replay.items():
        assert rec["exit_code"] == 0, (key, rec["output"])
    done = [r["assessment"]["step"] for r in replay.values() if (r.get("assessment") or {}).get("verdict") == "complete"]
    assert len(done) == 25
    assert replay["curl-bar-404"]["assessment"]["lesson_complete"] is True


def test_addons_list(replay):
    out = replay["addons-list"]["output"]
    for name, status in TUTORIAL_ADDONS.items():
        assert re.search(rf"^│ {re.escape(name)} +│ minikube │ {re.escape(status)} +│", out, re.M), name


def test_enable_ingress(replay):
    out = replay["enable"]["output"]
    # v1.38 prints the maintainer note, the images and the verification line before the tutorial's line.
    assert out.endswith("🔎  Verifying ingress addon...\n🌟  The 'ingress' addon is enabled\n")
    assert "    ▪ Using image registry.k8s.io/ingress-nginx/controller:v1.14.1\n" in out


def test_get_ns(replay):
    out = replay["get-ns"]["output"]
    assert re.fullmatch(rf"NAME +STATUS +AGE\ndefault +Active +{AGE}\ningress-nginx +Active +{AGE}\n"
                        rf"kube-node-lease +Active +{AGE}\nkube-public +Active +{AGE}\nkube-system +Active +{AGE}\n", out)
    assert out.splitlines()[2].startswith("ingress-nginx     Active   ")      # the tutorial's row, spaces and all


def test_get_all_in_ingress_nginx(replay):
    out = replay["get-all"]["output"]
    assert re.search(rf"^pod/ingress-nginx-admission-create-[a-z0-9]{{5}} +0/1 +Completed +0 +{AGE}$", out, re.M)
    assert re.search(rf"^pod/ingress-nginx-admission-patch-[a-z0-9]{{5}} +0/1 +Completed +1 \({AGE} ago\) +{AGE}$",
                     out, re.M)
    assert re.search(rf"^pod/ingress-nginx-controller-[a-z0-9]+-[a-z0-9]{{5}} +1/1 +Running +0 +{AGE}$", out, re.M)
    assert re.search(rf"^service/ingress-nginx-controller +NodePort +{CLUSTER_IP} +<none> +"
                     rf"80:3[0-9]{{4}}/TCP,443:3[0-9]{{4}}/TCP +{AGE}$", out, re.M)
    assert re.search(rf"^service/ingress-nginx-controller-admission +ClusterIP +{CLUSTER_IP} +<none> +443/TCP +{AGE}$",
                     out, re.M)
    assert re.search(rf"^deployment.apps/ingress-nginx-controller +1/1 +1 +1 +{AGE}$", out, re.M)
    assert re.search(rf"^replicaset.apps/ingress-nginx-controller-[a-z0-9]+ +1 +1 +1 +{AGE}$", out, re.M)
    # kubectl v1.35 adds the STATUS column to Jobs.
    assert re.search(rf"^job.batch/ingress-nginx-admission-create +Complete +1/1 +12s +{AGE}$", out, re.M)
    assert re.search(rf"^job.batch/ingress-nginx-admission-patch +Complete +1/1 +13s +{AGE}$", out, re.M)


def test_create_ingress(replay):
    assert replay["create"]["output"] == TUTORIAL_CREATE


def test_describe_ingress(replay):
    out = replay["describe"]["output"]
    # v1.35: Address and Ingress Class lines, "<default>" for no default backend, and the missing Service
    # reported as a Service (the tutorial's older kubectl looked up endpoints).
    m = re.fullmatch(
        r"Name:             nginx-app-ingress\n"
        r"Labels:           <none>\n"
        r"Namespace:        default\n"
        r"Address:          (?:192\.168\.49\.2)?\n"
        r"Ingress Class:    nginx\n"
        r"Default backend:  <default>\n"
        r"Rules:\n"
        r"  Host        Path  Backends\n"
        r"  ----        ----  --------\n"
        r"  \*           \n"
        rf"              /        nginx-app:80 \(({POD_IP}:80),({POD_IP}:80),({POD_IP}:80)\)\n"
        r"              /hello   newdeploy:8080 \(<error: services \"newdeploy\" not found>\)\n"
        r"Annotations:  <none>\n"
        r"Events:\n"
        r"  Type    Reason  Age +From                      Message\n"
        r"  ----    ------  ---- +----                      -------\n"
        r"  Normal  Sync    [0-9]+s(?: \(x2 over [0-9]+s\))? +nginx-ingress-controller  Scheduled for sync\n", out)
    assert m, out


def test_hosts_entry(replay):
    assert replay["hosts"]["output"] == "192.168.49.2 nginx-app.demo\n"
    assert replay["hosts-2"]["output"] == "192.168.49.2 foo.example.com bar.example.com\n"


def test_get_ingress(replay):
    out = replay["get-ingress"]["output"]
    # The tutorial's row lost its ADDRESS cell: it is the node's IP once the controller synced.
    assert re.fullmatch(rf"NAME +CLASS +HOSTS +ADDRESS +PORTS +AGE\nnginx-app-ingress +nginx +\* +192\.168\.49\.2 +80 +{AGE}\n",
                        out), out


def test_curl_nginx_app_demo(replay):
    assert lines_in_order(TUTORIAL_CURL_NGINX, replay["curl"]["output"])


def test_curl_hello_before_the_service_exists_is_503(replay):
    out = replay["curl-503"]["output"]
    assert lines_in_order(TUTORIAL_CURL_503, out)
    assert out.endswith("<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")


def test_newdeploy_and_hello(replay):
    assert replay["create-newdeploy"]["output"] == "deployment.apps/newdeploy created\n"
    assert replay["expose-newdeploy"]["output"] == "service/newdeploy exposed\n"
    assert TUTORIAL_HELLO.fullmatch(replay["curl-hello"]["output"]), replay["curl-hello"]["output"]


def test_foo_and_bar(replay):
    assert replay["create-foo"]["output"] == "deployment.apps/foo created\n"
    assert replay["create-bar"]["output"] == "deployment.apps/bar created\n"
    assert replay["expose-foo"]["output"] == "service/foo exposed\n"
    assert replay["expose-bar"]["output"] == "service/bar exposed\n"
    assert replay["create-multihost"]["output"] == "ingress.networking.k8s.io/multihost created\n"


def test_edit_multihost(replay):
    assert replay["edit"]["editor"] is not None
    assert replay["save"]["output"] == "ingress.networking.k8s.io/multihost edited\n"


def test_get_multihost(replay):
    out = replay["get-multihost"]["output"]
    assert re.fullmatch(rf"NAME +CLASS +HOSTS +ADDRESS +PORTS +AGE\n"
                        rf"multihost +nginx +foo\.example\.com,bar\.example\.com +192\.168\.49\.2 +80 +{AGE}\n", out), out


def test_curl_foo_and_bar(replay):
    assert lines_in_order(TUTORIAL_CURL_NGINX, replay["curl-foo"]["output"])
    foo404 = replay["curl-foo-404"]["output"]
    assert lines_in_order(TUTORIAL_FOO_404, foo404)
    assert re.search(r"<hr><center>nginx/[0-9.]+</center>", foo404)      # foo's nginx answered, not the controller
    assert replay["curl-bar"]["output"] == TUTORIAL_BAR
    bar404 = replay["curl-bar-404"]["output"]
    assert lines_in_order(TUTORIAL_BAR_404, bar404)
    assert "<p>The requested URL was not found on this server.</p>" in bar404   # Apache's page
