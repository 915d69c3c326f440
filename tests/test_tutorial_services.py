"""Acceptance: replay the tutorial's Services commands (top of ../shared/tutorial.md to "Services and DNS")
through `manage.py sim --json` and compare every output with the tutorial's.

The tutorial's copy lost its IP addresses (and some lines); so IPs and ages are matched by shape and then
put back into the exact layout kubectl/docker print (columns padded to the widest cell plus 3 spaces),
and everything else is compared exactly. Where kubectl v1.35 prints something the tutorial's older
kubectl did not, the test asserts v1.35's form and says so.
"""
from __future__ import annotations

import io
import ipaddress
import json
import re

import pytest
from django.core.management import call_command

# ---- the tutorial's outputs, verbatim (with its stripped addresses) ------------------------------------
TUTORIAL_GET_SERVICE = "nginx-app   ClusterIP   <none>        80/TCP    8s\n"
TUTORIAL_DOCKER_PS = (
    "CONTAINER ID   IMAGE                                 COMMAND                  CREATED       STATUS       PORTS"
    "                                                                                                              "
    "                    NAMES\n"
    '4680f20c93ff   gcr.io/k8s-minikube/kicbase:v0.0.30   "/usr/local/bin/entr…"   2 hours ago   Up 2 hours>22/tcp,'
    ">2376/tcp,>5000/tcp,>8443/tcp,>32443/tcp   minikube\n")
TUTORIAL_EDIT_HEADER = (
    "# Please edit the object below. Lines beginning with a '#' will be ignored,\n"
    "# and an empty file will abort the edit. If an error occurs while saving this file will be\n"
    "# reopened with the relevant failures.\n")
# "Full objects, reconstructed" at the end of tutorial.md: the Service as the editor shows it after the change.
TUTORIAL_SERVICE_YAML = """\
apiVersion: v1
kind: Service
metadata:
  creationTimestamp: "2022-03-20T10:00:00Z"
  labels:
    app: nginx-app
  name: nginx-app
  namespace: default
  resourceVersion: "6160"
  uid: 8d2e2744-328d-4e1f-b8f8-96404515faae
spec:
  clusterIP: 10.104.18.101
  clusterIPs:
  - 10.104.18.101
  externalTrafficPolicy: Cluster
  internalTrafficPolicy: Cluster
  ipFamilies:
  - IPv4
  ipFamilyPolicy: SingleStack
  ports:
  - nodePort: 32000
    port: 80
    protocol: TCP
    targetPort: 80
  selector:
    app: nginx-app
  sessionAffinity: None
  type: NodePort
status:
  loadBalancer: {}
"""
TUTORIAL_GET_NODEPORT = ("NAME        TYPE       CLUSTER-IP     EXTERNAL-IP   PORT(S)        AGE\n"
                         "nginx-app   NodePort   <none>        80:32000/TCP   4m8s\n")
TUTORIAL_CURL = "<!DOCTYPE html>\n<title>Welcome to nginx!</title>\n"
TUTORIAL_CREATE_SERVICE = "service/nginx-app created\n"
TUTORIAL_DESCRIBE = ("Name:                     nginx-app\n"
                     "Namespace:                default\n"
                     "Labels:                   app=nginx-app\n"
                     "Annotations:              <none>\n"
                     "Selector:                 app=nginx-app\n")

# ---- shapes ------------------------------------------------------------------------------------------
CLUSTER_IP = r"10\.(?:9[6-9]|1[01][0-9])\.[0-9]{1,3}\.[0-9]{1,3}"          # 10.96.0.0/12
POD_IP = r"10\.244\.[0-9]{1,3}\.[0-9]{1,3}"
AGE = r"[0-9]+[smhdy](?:[0-9]+[smh])?"                                    # 8s, 4m8s, 3h39m
DOCKER_AGO = r"(?:Less than a second|[0-9]+ seconds|About a minute|[0-9]+ minutes|About an hour|[0-9]+ hours|[0-9]+ days)"
TIMESTAMP = r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z"
UID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def table(rows: list[list[str]]) -> str:
    """kubectl/docker table layout: every column but the last padded to its widest cell plus 3 spaces."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "".join("".join(c.ljust(w + 3) for c, w in zip(r[:-1], widths)) + r[-1] + "\n" for r in rows)


def tabbed(pairs: list[tuple[str, str]]) -> str:
    """kubectl describe's layout: labels padded to the longest label plus 2 spaces."""
    width = max(len(k) for k, _ in pairs) + 2
    return "".join(f"{k.ljust(width)}{v}\n" for k, v in pairs)


def object_pattern(yaml_text: str) -> str:
    """The reconstructed object as a regex: its timestamp, resourceVersion, uid and ClusterIP (captured
    twice: clusterIP and clusterIPs) vary per sandbox; every other character must match."""
    pattern = re.escape(yaml_text)
    for value, shape in (('"2022-03-20T10:00:00Z"', f'"{TIMESTAMP}"'), ('"6160"', '"[0-9]+"'),
                         ("8d2e2744-328d-4e1f-b8f8-96404515faae", UID), ("10.104.18.101", f"({CLUSTER_IP})")):
        pattern = pattern.replace(re.escape(value), shape)
    return pattern


def in_service_cidr(ip: str) -> bool:
    return ipaddress.ip_address(ip) in ipaddress.ip_network("10.96.0.0/12")


# ---- running the script --------------------------------------------------------------------------------
PART_1 = """\
kubectl create deploy nginx-app --image=nginx:latest --replicas=3
kubectl expose deploy nginx-app --port=80
kubectl get service nginx-app
docker ps
kubectl edit service nginx-app
"""
PART_2 = """\
kubectl get service nginx-app
curl http://$(minikube ip):32000
kubectl create service nodeport nginx-app --tcp=80:80
kubectl describe service nginx-app
kubectl delete service nginx-app
kubectl create service nodeport nginx-app --tcp=80:80
kubectl describe service nginx-app
"""


def sim(script: str, *args: str) -> list[dict]:
    out = io.StringIO()
    call_command("sim", "--json", *args, stdin=io.StringIO(script), stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def edited(live: str) -> str:
    """What the learner saves: the live object with type NodePort and nodePort 32000 (as the tutorial says)."""
    assert "  type: ClusterIP\n" in live and "  - port: 80\n" in live
    return live.replace("  type: ClusterIP\n", "  type: NodePort\n").replace(
        "  - port: 80\n", "  - nodePort: 32000\n    port: 80\n")


@pytest.fixture(scope="module")
def replay() -> dict[str, dict]:
    first = sim(PART_1)
    editor = first[-1].get("editor")
    # (without an editor, close it anyway so that one missing piece fails its own test, not all of them)
    save = f"#podscape:editor-save <<'EOF'\n{edited(editor['content'])}EOF\n" if editor else "#podscape:editor-cancel\n"
    records = sim(PART_1 + save + PART_2)
    assert [r["command"].split("\n")[0] for r in records] == (
        PART_1.splitlines() + [save.split("\n")[0]] + PART_2.splitlines())
    keys = ["create", "expose", "get", "docker", "edit", "save", "get2", "curl", "create-svc", "describe",
            "delete", "create-svc2", "describe2"]
    return dict(zip(keys, records)) | {"first-pass-editor": editor}


def test_create_deployment(replay):
    assert (replay["create"]["output"], replay["create"]["exit_code"]) == ("deployment.apps/nginx-app created\n", 0)


def test_expose(replay):
    assert (replay["expose"]["output"], replay["expose"]["exit_code"]) == ("service/nginx-app exposed\n", 0)


def test_get_service_is_a_cluster_ip_service(replay):
    out = replay["get"]["output"]
    # The tutorial's copy dropped the header and the CLUSTER-IP cell; the row is otherwise the tutorial's.
    m = re.fullmatch(rf"NAME +TYPE +CLUSTER-IP +EXTERNAL-IP +PORT\(S\) +AGE\n"
                     rf"nginx-app +ClusterIP +(?P<ip>{CLUSTER_IP}) +<none> +80/TCP +(?P<age>{AGE})\n", out)
    assert m, out
    assert in_service_cidr(m["ip"])
    assert out == table([["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"],
                         ["nginx-app", "ClusterIP", m["ip"], "<none>", "80/TCP", m["age"]]])
    # Without its CLUSTER-IP cell (and with the tutorial's age), the row is the tutorial's, spaces and all.
    row = re.sub(rf"{re.escape(m['ip'])} +", "", out.splitlines()[1])
    assert row[: -len(m["age"])] + "8s\n" == TUTORIAL_GET_SERVICE
    assert replay["get"]["exit_code"] == 0


def test_docker_ps_shows_the_minikube_container(replay):
    out = replay["docker"]["output"]
    header, row = TUTORIAL_DOCKER_PS.splitlines()
    # Rebuild the tutorial's row with what it lost: the 127.0.0.1 host ports of each binding.
    ports = re.escape(row.split("Up 2 hours", 1)[1].rsplit("   minikube", 1)[0])
    ports = ports.replace(",>", r", 127\.0\.0\.1:[0-9]{5}->").replace(">", r"127\.0\.0\.1:[0-9]{5}->", 1)
    # v1.35-era minikube runs a newer kicbase image than the tutorial's v0.0.30; ages are matched by shape.
    m = re.fullmatch(rf"(?P<id>[0-9a-f]{{12}}) +(?P<image>gcr\.io/k8s-minikube/kicbase:v0\.0\.[0-9]+) +"
                     rf'"/usr/local/bin/entr…" +(?P<created>{DOCKER_AGO} ago) +(?P<status>Up {DOCKER_AGO}) +'
                     rf"(?P<ports>{ports}) +minikube", out.splitlines()[1])
    assert m, out
    assert header.split() == ["CONTAINER", "ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"]
    assert out == table([["CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"],
                         [m["id"], m["image"], '"/usr/local/bin/entr…"', m["created"], m["status"], m["ports"],
                          "minikube"]])
    assert replay["docker"]["exit_code"] == 0


def test_edit_opens_the_live_service_in_the_editor(replay):
    edit = replay["edit"]
    assert (edit["output"], edit["exit_code"]) == ("", 0)
    assert edit.get("editor"), "kubectl edit did not open the editor"
    content = edit["editor"]["content"]
    assert edit["editor"] == replay["first-pass-editor"]      # the fake clock and the seed make runs repeat
    # kubectl's edit header (the tutorial shows its first three lines; kubectl adds a lone "#" line).
    assert content.startswith(TUTORIAL_EDIT_HEADER + "#\n")
    body = content[len(TUTORIAL_EDIT_HEADER) + 2:]
    # Before the learner's change: the reconstructed object without the NodePort parts.
    before = (TUTORIAL_SERVICE_YAML.replace("  externalTrafficPolicy: Cluster\n", "")
              .replace("  - nodePort: 32000\n    port: 80\n", "  - port: 80\n")
              .replace("  type: NodePort\n", "  type: ClusterIP\n"))
    m = re.fullmatch(object_pattern(before), body)
    assert m, body
    assert m.group(1) == m.group(2) and in_service_cidr(m.group(1))      # clusterIP and clusterIPs agree


def test_saving_the_editor_applies_the_change(replay):
    assert (replay["save"]["output"], replay["save"]["exit_code"]) == ("service/nginx-app edited\n", 0)


def test_get_service_shows_the_node_port(replay):
    out = replay["get2"]["output"]
    ip = re.search(CLUSTER_IP, replay["get"]["output"]).group(0)          # the ClusterIP does not change
    m = re.fullmatch(rf"NAME +TYPE +CLUSTER-IP +EXTERNAL-IP +PORT\(S\) +AGE\n"
                     rf"nginx-app +NodePort +{re.escape(ip)} +<none> +80:32000/TCP +(?P<age>{AGE})\n", out)
    assert m, out
    assert out == table([TUTORIAL_GET_NODEPORT.split("\n")[0].split(),
                         ["nginx-app", "NodePort", ip, "<none>", "80:32000/TCP", m["age"]]])


def test_curl_reaches_nginx_on_the_node_port(replay):
    out = replay["curl"]["output"]
    assert replay["curl"]["exit_code"] == 0
    lines = out.splitlines()
    # The tutorial's copy kept two lines of the page; they appear in this order in nginx's real welcome page.
    wanted = TUTORIAL_CURL.splitlines()
    assert lines[0] == wanted[0] and wanted[1] in lines[1:]
    assert "<h1>Welcome to nginx!</h1>" in lines and "<p><em>Thank you for using nginx.</em></p>" in lines
    assert out.endswith("</html>\n")


def test_create_service_nodeport_while_the_service_exists_fails_as_kubectl_does(replay):
    # The tutorial shows "service/nginx-app created" here because its author had deleted the Service first;
    # run as written, real kubectl refuses.
    r = replay["create-svc"]
    assert (r["output"], r["exit_code"]) == (
        'error: failed to create NodePort service: services "nginx-app" already exists\n', 1)


def describe_pairs(port_name: str, node_port: str, ip: str, endpoints: str) -> list[tuple[str, str]]:
    """kubectl v1.35's describe for a NodePort Service; the tutorial's copy kept only the first five lines."""
    head = [tuple(line.split(None, 1)) for line in TUTORIAL_DESCRIBE.splitlines()]
    return head + [("Type:", "NodePort"), ("IP Family Policy:", "SingleStack"), ("IP Families:", "IPv4"),
                   ("IP:", ip), ("IPs:", ip), ("Port:", f"{port_name}  80/TCP"), ("TargetPort:", "80/TCP"),
                   ("NodePort:", f"{port_name}  {node_port}/TCP"), ("Endpoints:", endpoints),
                   ("Session Affinity:", "None"), ("External Traffic Policy:", "Cluster"),
                   ("Internal Traffic Policy:", "Cluster"), ("Events:", "<none>")]


def _describe_values(out: str) -> tuple[str, str]:
    ip = re.search(rf"^IP: +({CLUSTER_IP})$", out, re.M)
    eps = re.search(rf"^Endpoints: +({POD_IP}:80,{POD_IP}:80,{POD_IP}:80)$", out, re.M)
    assert ip and eps, out
    return ip.group(1), eps.group(1)


def test_describe_the_edited_service(replay):
    out = replay["describe"]["output"]
    assert out.startswith(TUTORIAL_DESCRIBE)
    ip, eps = _describe_values(out)
    assert out == tabbed(describe_pairs("<unset>", "32000", ip, eps))


def test_delete_then_create_service_nodeport_as_the_tutorial_did(replay):
    # kubectl v1.35 names the namespace in delete's message (older kubectl printed `service "nginx-app" deleted`).
    assert (replay["delete"]["output"], replay["delete"]["exit_code"]) == (
        'service "nginx-app" deleted from default namespace\n', 0)
    assert (replay["create-svc2"]["output"], replay["create-svc2"]["exit_code"]) == (TUTORIAL_CREATE_SERVICE, 0)


def test_describe_the_service_created_by_name(replay):
    out = replay["describe2"]["output"]
    assert out.startswith(TUTORIAL_DESCRIBE)
    ip, eps = _describe_values(out)
    node_port = re.search(r"^NodePort: +80-80  ([0-9]+)/TCP$", out, re.M)
    assert node_port and 30000 <= int(node_port.group(1)) <= 32767, out
    # kubectl create service names the port after --tcp ("80-80"); the selector app=nginx-app finds the 3 pods.
    assert out == tabbed(describe_pairs("80-80", node_port.group(1), ip, eps))


def test_the_changed_service_is_the_tutorials_reconstructed_object(replay):
    """The end of tutorial.md reconstructs the Service after the edit; reopening the editor shows just that
    (with this sandbox's uid, resourceVersion, timestamp and ClusterIP), including the externalTrafficPolicy
    the API server defaults when the type becomes NodePort."""
    live = replay["first-pass-editor"]["content"]
    records = sim(PART_1 + f"#podscape:editor-save <<'EOF'\n{edited(live)}EOF\n"
                  "kubectl edit service nginx-app\n#podscape:editor-cancel\n")
    reopened, cancelled = records[-2], records[-1]
    assert reopened["editor"]["content"].startswith(TUTORIAL_EDIT_HEADER + "#\n")
    body = reopened["editor"]["content"][len(TUTORIAL_EDIT_HEADER) + 2:]
    m = re.fullmatch(object_pattern(TUTORIAL_SERVICE_YAML), body)
    assert m, body
    assert m.group(1) == m.group(2)
    assert (cancelled["output"], cancelled["exit_code"]) == ("Edit cancelled, no changes made.\n", 0)
