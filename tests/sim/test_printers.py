"""The printers on their own: ages, tabwriter, YAML/JSON (differential against real kubectl), jsonpath,
custom-columns and the table columns of printers.go, on objects built through the Cluster API."""
from __future__ import annotations

import copy
import json

import pytest

from playground.sim import apiserver, controllers
from playground.sim.cluster import rfc3339
from playground.sim.engine import Engine
from playground.sim.printers import tables
from playground.sim.printers.age import human_duration
from playground.sim.printers.jsonpath import JSONPath, JSONPathError
from playground.sim.printers.output import OutputError, custom_columns, render, to_json, to_yaml
from playground.sim.printers.tabwriter import format_text

NOW = 1_700_000_000


@pytest.mark.parametrize("seconds,text", [
    (-5, "<invalid>"), (-1, "0s"), (0, "0s"), (8, "8s"), (119, "119s"), (120, "2m"), (248, "4m8s"), (599, "9m59s"),
    (600, "10m"), (73 * 60, "73m"), (179 * 60 + 59, "179m"), (3 * 3600, "3h"), (3 * 3600 + 39 * 60, "3h39m"),
    (8 * 3600, "8h"), (47 * 3600, "47h"), (48 * 3600, "2d"), (53 * 3600, "2d5h"), (8 * 86400, "8d"),
    (729 * 86400, "729d"), (730 * 86400, "2y"), (733 * 86400, "2y3d"), (9 * 365 * 86400, "9y"),
])
def test_ages_read_like_duration_human_duration(seconds, text):
    assert human_duration(seconds) == text


def test_tabwriter_pads_columns_but_not_the_last_cell():
    out = format_text("NAME\tREADY\tSTATUS\nnginx-abc\t1/1\tRunning\n", 6, 3)
    assert out == "NAME        READY   STATUS\nnginx-abc   1/1     Running\n"


def test_tabwriter_restarts_alignment_after_a_line_without_tabs():
    out = format_text("Name:\tx\nNamespace:\tdefault\nIPs:\n  IP:\t1.2.3.4\nControlled By:\tRS/x\n", 0, 2)
    assert out == ("Name:       x\nNamespace:  default\nIPs:\n  IP:           1.2.3.4\n"
                   "Controlled By:  RS/x\n")


# ---- YAML / JSON ----------------------------------------------------------------------------------------
TRICKY = {
    "yes": "yes", "on": "on", "f1": "1.0", "hex": "0x10", "empty": "", "null": "null", "tilde": "~", "colon": ":",
    "dash": "- x", "hash": "#x", "uni": "héllo → ✓", "emoji": "🙂", "True": "True", "int": "6160", "octal": "0777",
    "bad8": "08", "date": "2022-03-20", "ts": "2022-03-20T10:00:00Z", "b60": "1:20", "dots": "...", "star": "*a",
    "amp": "&a", "pct": "%a", "brace": "{a}", "q": "?x", "qq": "? x", "colsp": "a: b", "hash2": "a #b",
    "quote": "it's", "dq": 'say "x"', "bs": "back\\slash", "html": "<b>&</b>", "lead": "  lead", "trail": "trail ",
    "tab": "tab\tx", "multi": "a\nb", "multinl": "a\nb\n", "multi2": "a\n\nb\n\n", "multitrail": "a \nb",
    "leadnl": "\nabc", "crlf": "a\r\nb", "sp": " ", "under": "1_000", "plus": "+1", "inf": ".inf", "e": "e",
    "long": " ".join(["word"] * 40), "longq": "yes: " + " ".join(["lorem"] * 30),
    "longdq": "tab\t" + " ".join(["ipsum"] * 30), "unbroken": "x" * 200,
    "Zb": "1", "z-1": "x", "z.1": "y", "z1a": "w", "z01": "k", "z001": "q", "x.2": "a", "x.10": "b", "_b": "1",
    "-c": "2", "a10": "x", "a9": "y",
}


def _oracle_configmap(run_oracle, fmt: str) -> str:
    args = ["create", "configmap", "tricky", "--dry-run=client", "-o", fmt]
    args += [f"--from-literal={k}={v}" for k, v in TRICKY.items()]
    out, code = run_oracle(args)
    assert code == 0, out
    return out


def test_yaml_matches_real_kubectl_byte_for_byte(run_oracle):
    want = _oracle_configmap(run_oracle, "yaml")
    obj = json.loads(_oracle_configmap(run_oracle, "json"))
    assert to_yaml(obj) == want


def test_json_matches_real_kubectl_byte_for_byte(run_oracle):
    want = _oracle_configmap(run_oracle, "json")
    assert to_json(json.loads(want), sort_keys=False) == want


def test_yaml_quotes_only_what_would_read_back_as_another_type():
    text = to_yaml({"metadata": {"resourceVersion": "6160", "creationTimestamp": "2022-03-20T10:00:00Z",
                                 "name": "nginx", "labels": {"on": "true"}}, "spec": {"ports": [{"port": 80}]},
                    "status": {}, "items": [], "n": None})
    assert text == ("items: []\nmetadata:\n  creationTimestamp: \"2022-03-20T10:00:00Z\"\n  labels:\n"
                    "    \"on\": \"true\"\n  name: nginx\n  resourceVersion: \"6160\"\n\"n\": null\nspec:\n  ports:\n"
                    "  - port: 80\nstatus: {}\n")


def test_several_objects_print_as_a_v1_list():
    text = render([{"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "a"}}], "yaml", as_list=True)
    assert text == ("apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: a\nkind: List\n"
                    "metadata:\n  resourceVersion: \"\"\n")
    assert json.loads(render([], "json", as_list=True)) == {"apiVersion": "v1", "items": [], "kind": "List",
                                                             "metadata": {"resourceVersion": ""}}


# ---- jsonpath ----------------------------------------------------------------------------------------------
NODE = {"status": {"addresses": [{"type": "InternalIP", "address": "192.168.49.2"},
                                 {"type": "Hostname", "address": "minikube"}]},
        "items": [{"metadata": {"name": "a", "labels": {"app": "x"}}, "status": {"podIP": "10.244.0.3"}},
                  {"metadata": {"name": "b"}, "status": {"podIP": "10.244.0.4"}}]}


@pytest.mark.parametrize("template,text", [
    ("{.items[*].metadata.name}", "a b"),
    ('{range .items[*]}{.metadata.name}{"\\n"}{end}', "a\nb\n"),
    ('{.status.addresses[?(@.type=="InternalIP")].address}', "192.168.49.2"),
    ("{..podIP}", "10.244.0.3 10.244.0.4"),
    ("{.items[0].metadata.labels.app}", "x"),
    ("{.items[-1].metadata.name}", "b"),
    ("{.items[0].metadata.labels}", '{"app":"x"}'),
    ("{.items[*].metadata.missing}", ""),
    ("name: {.items[1].metadata.name}!", "name: b!"),
    ("{.items[0:1].metadata.name}", "a"),
    ("{.items[?(@.metadata.labels)].metadata.name}", "a"),
])
def test_jsonpath_reads_like_client_go(template, text):
    assert JSONPath(template).execute(NODE) == text


def test_jsonpath_errors_read_as_kubectl_prints_them():
    with pytest.raises(JSONPathError, match="unterminated array"):
        JSONPath("{.items[")
    with pytest.raises(JSONPathError, match="array index out of bounds: index 5, length 2"):
        JSONPath("{.items[5]}").execute(NODE)
    with pytest.raises(JSONPathError, match="missing is not found"):
        JSONPath("{.missing}", allow_missing_keys=False).execute(NODE)


@pytest.mark.parametrize("template", [
    "as-json={.metadata.name} {.spec.template.spec.containers[*].name}{.metadata.labels}",
    "{.metadata.name} {.spec.replicas}", "{.spec.template.spec.containers}", "{.metadata.labels}",
    "{range .spec.template.spec.containers[*]}{.name}:{.image}{end}", "{.spec.template.spec.containers[3]}",
    "{.items[}", "{.status}", "{..image}", "{.metadata.labels.*}",
])
def test_jsonpath_output_and_errors_match_real_kubectl(run_oracle, template):
    fmt = "jsonpath-" + template if template.startswith("as-json=") else f"jsonpath={template}"
    want, code = run_oracle(["create", "deploy", "x", "--image=nginx", "--dry-run=client", "-o", fmt])
    obj, _ = run_oracle(["create", "deploy", "x", "--image=nginx", "--dry-run=client", "-o", "json"])
    try:
        got, got_code = render([json.loads(obj)], fmt), 0
    except OutputError as exc:
        got, got_code = "error: " + str(exc), 1
    assert (got, got_code) == (want, code)


def test_custom_columns_show_none_for_missing_fields():
    out = custom_columns("NAME:.metadata.name,IP:.status.podIP,APP:.metadata.labels.app", NODE["items"])
    assert out == "NAME   IP           APP\na      10.244.0.3   x\nb      10.244.0.4   <none>\n"
    with pytest.raises(OutputError, match="expected <header>:<json-path-expr>"):
        custom_columns("NAME", NODE["items"])


# ---- table columns ---------------------------------------------------------------------------------------
@pytest.fixture
def cluster():
    return Engine.new(seed=5, now=NOW).cluster


def _pod(cluster, name, image="nginx", **spec):
    obj = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": {"run": name}},
           "spec": {"containers": [{"name": name, "image": image}], **spec}}
    apiserver.create(cluster, obj)
    return cluster.get("pods", "default", name)


def test_pod_status_moves_from_container_creating_to_running(cluster):
    _pod(cluster, "web")
    controllers.reconcile(cluster)
    cells = tables.row("pods", cluster.get("pods", "default", "web"), cluster.now)
    assert cells == ["web", "0/1", "ContainerCreating", "0", "0s"]
    cluster.now += 30
    controllers.reconcile(cluster)
    assert tables.row("pods", cluster.get("pods", "default", "web"), cluster.now) == ["web", "1/1", "Running", "0",
                                                                                      "30s"]


def test_pod_status_shows_image_pull_errors(cluster):
    _pod(cluster, "bad", image="nginxx:nope")
    cluster.now += 2
    controllers.reconcile(cluster)
    assert tables.row("pods", cluster.get("pods", "default", "bad"), cluster.now)[2] == "ErrImagePull"
    cluster.now += 30
    controllers.reconcile(cluster)
    assert tables.row("pods", cluster.get("pods", "default", "bad"), cluster.now)[2] == "ImagePullBackOff"


def test_restarts_say_how_long_ago_the_container_last_died(cluster):
    pod = copy.deepcopy(_pod(cluster, "crash"))
    pod["status"] = {"phase": "Running", "containerStatuses": [{
        "name": "crash", "ready": False, "restartCount": 4,
        "lastState": {"terminated": {"exitCode": 1, "finishedAt": rfc3339(cluster.now - 42)}},
        "state": {"waiting": {"reason": "CrashLoopBackOff"}}}]}
    assert tables.row("pods", pod, cluster.now)[1:4] == ["0/1", "CrashLoopBackOff", "4 (42s ago)"]
    pod["status"]["containerStatuses"][0]["state"] = {"terminated": {"reason": "Completed", "exitCode": 0}}
    pod["status"]["phase"] = "Succeeded"
    assert tables.row("pods", pod, cluster.now)[2] == "Completed"
    pod["metadata"]["deletionTimestamp"] = rfc3339(cluster.now)
    pod["status"]["phase"] = "Running"
    assert tables.row("pods", pod, cluster.now)[2] == "Terminating"


def test_service_columns_follow_printers_go(cluster):
    svc = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "lb"},
           "spec": {"type": "LoadBalancer", "selector": {"app": "x"}, "clusterIP": "10.96.5.5",
                    "clusterIPs": ["10.96.5.5"], "ports": [{"port": 80, "nodePort": 32000, "protocol": "TCP"},
                                                           {"port": 53, "protocol": "UDP"}]},
           "metadata_ts": None}
    svc["metadata"]["creationTimestamp"] = rfc3339(cluster.now - 3 * 3600 - 39 * 60)
    assert tables.row("services", svc, cluster.now, wide=True) == [
        "lb", "LoadBalancer", "10.96.5.5", "<pending>", "80:32000/TCP,53/UDP", "3h39m", "app=x"]
    svc["spec"] = {"type": "ExternalName", "externalName": "example.com"}
    assert tables.row("services", svc, cluster.now)[1:5] == ["ExternalName", "<none>", "example.com", "<none>"]


def test_endpoints_show_three_addresses_then_a_count():
    ep = {"metadata": {"name": "web"}, "subsets": [{"addresses": [{"ip": f"10.244.0.{i}"} for i in range(3, 8)],
                                                    "ports": [{"port": 80}]}]}
    assert tables.format_endpoints(ep) == "10.244.0.3:80,10.244.0.4:80,10.244.0.5:80 + 2 more..."
    assert tables.format_endpoints({"metadata": {"name": "x"}}) == "<none>"


FILES = {"f1.txt": "line one\n  indented\n\ttabbed\nlast line   \n", "f2.txt": "\n\nstarts with blank lines\n\n\n",
         "f3.txt": "no newline at end", "f4.txt": "trailing spaces   \nnext\n", "f5.txt": "x " * 100 + "\n",
         "f6.txt": "# comment\nkey: value\n- item\n", "f7.txt": "a\r\nb\r\n", "f8.txt": "emoji 🙂 line\nsecond\n"}
ORACLE_COMMANDS = [
    ["create", "configmap", "files"],      # + --from-file for FILES
    ["create", "deployment", "x", "--image=busybox", "--port=80", "--", "sh", "-c", "echo hello; sleep 3600",
     "x y", "long " * 30, "- dash", "", "#x", "a\nb"],
    ["create", "deployment", "d", "--image=nginx", "--image=busybox", "--replicas=3", "--port=8080"],
    ["create", "service", "nodeport", "s", "--tcp=80:8080,443:8443", "--node-port=32000"],
    ["create", "service", "externalname", "e", "--external-name=example.com"],
    ["create", "secret", "generic", "s", "--from-literal=password=yes", "--from-literal=x="],
    ["create", "ingress", "i", "--rule=foo.com/bar=svc:80", "--rule=*.example.com/*=svc2:http"],
    ["create", "quota", "q", "--hard=cpu=1,memory=1G,pods=2"],
    ["create", "poddisruptionbudget", "p", "--selector=app=x", "--min-available=50%"],
]


@pytest.mark.parametrize("args", ORACLE_COMMANDS, ids=lambda a: " ".join(a[:3]))
def test_yaml_and_json_of_real_kubectl_objects_match(run_oracle, tmp_path, args):
    args = list(args)
    if args[:2] == ["create", "configmap"]:
        for name, text in FILES.items():
            (tmp_path / name).write_text(text)
            args.append(f"--from-file={name}={tmp_path / name}")
    cut = args.index("--") if "--" in args else len(args)
    as_json, code = run_oracle(args[:cut] + ["--dry-run=client", "-o", "json"] + args[cut:])
    assert code == 0, as_json
    as_yaml, code = run_oracle(args[:cut] + ["--dry-run=client", "-o", "yaml"] + args[cut:])
    obj = json.loads(as_json)
    assert to_yaml(obj) == as_yaml
    assert to_json(obj, sort_keys=False) == as_json


def test_every_table_has_as_many_cells_as_columns():
    for plural in tables.COLUMNS:
        for wide in (False, True):
            obj = {"metadata": {"name": "x", "creationTimestamp": rfc3339(NOW)}, "spec": {}, "status": {}}
            cols = [c for c in tables.columns(plural) if wide or c[1] == 0]
            assert len(tables.row(plural, obj, NOW, wide)) == len(cols), plural
