"""CustomResourceDefinitions end to end: the CronTab walk-through of the Kubernetes docs page "Extend the
Kubernetes API with CustomResourceDefinitions" (kubernetes/website content/en/docs/tasks/extend-kubernetes/
custom-resources/custom-resource-definitions.md), and the schema checks apiextensions-apiserver makes
(pkg/apiserver/validation/validation.go, kube-openapi's validator messages)."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml

from playground.sim.engine import Engine
from playground.sim.host import HOME
from playground.sim.printers.describe_unstructured import camelcase_split, smart_label, write_content

DATA = Path(__file__).parent / "data" / "crds"


def crontab_sandbox(with_object: bool = True) -> Engine:
    engine = Engine.new(seed=3)
    for f in DATA.iterdir():
        engine.host.files[f"{HOME}/{f.name}"] = f.read_text()
    assert engine.run("kubectl apply -f crontab-crd.yaml").output == \
        "customresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com created\n"
    if with_object:
        assert engine.run("kubectl apply -f my-crontab.yaml").output == \
            "crontab.stable.example.com/my-new-cron-object created\n"
    return engine


def write(engine: Engine, name: str, text: str) -> None:
    engine.host.files[f"{HOME}/{name}"] = text


def crontab(spec: str) -> str:
    return ('apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata:\n  name: bad\nspec:\n'
            + "".join(f"  {line}\n" for line in spec.splitlines()))


def test_the_docs_walk_through():
    engine = crontab_sandbox()
    r = engine.run("kubectl get crd")
    lines = r.output.splitlines()
    assert lines[0].split() == ["NAME", "CREATED", "AT"]
    assert lines[1].startswith("crontabs.stable.example.com   20")     # RFC 3339, as the default table prints
    # the printer columns the CRD declares (docs: "Additional printer columns")
    assert engine.run("kubectl get crontab").output == (
        "NAME                 SPEC          REPLICAS   AGE\n"
        "my-new-cron-object   * * * * */5              0s\n")
    assert engine.run("kubectl get ct my-new-cron-object -o jsonpath='{.spec.image}'").output == \
        "my-awesome-cron-image"
    r = engine.run("kubectl get crontabs.stable.example.com -o yaml")
    item = yaml.safe_load(r.output)["items"][0]
    assert item["apiVersion"] == "stable.example.com/v1" and item["kind"] == "CronTab"
    assert item["metadata"]["generation"] == 1
    # deleting the CRD deletes its objects and the kind with them
    assert engine.run("kubectl delete crd crontabs.stable.example.com").output == \
        'customresourcedefinition.apiextensions.k8s.io "crontabs.stable.example.com" deleted\n'
    r = engine.run("kubectl get crontabs")
    assert (r.output, r.exit_code) == ('error: the server doesn\'t have a resource type "crontabs"\n', 1)
    assert "crontabs" not in engine.cluster.objects or not engine.cluster.objects["crontabs"]


def test_api_resources_lists_the_kind():
    engine = crontab_sandbox(with_object=False)
    rows = [line.split() for line in engine.run("kubectl api-resources").output.splitlines()]
    assert ["crontabs", "ct", "stable.example.com/v1", "true", "CronTab"] in rows
    assert ["customresourcedefinitions", "crd,crds", "apiextensions.k8s.io/v1", "false",
            "CustomResourceDefinition"] in rows


def test_an_object_before_its_crd_is_a_mapping_error():
    engine = Engine.new(seed=3)
    write(engine, "ct.yaml", (DATA / "my-crontab.yaml").read_text())
    r = engine.run("kubectl apply -f ct.yaml")
    assert r.exit_code == 1
    assert r.output == ('error: resource mapping not found for name: "my-new-cron-object" namespace: "" from '
                        '"ct.yaml": no matches for kind "CronTab" in version "stable.example.com/v1"\n'
                        "ensure CRDs are installed first\n")


def test_crd_and_object_in_one_file_needs_a_second_apply():
    """kubectl maps every document before it sends any (resource.Builder), so the CronTab of a file that also
    holds its CRD fails the first time, the well-known "apply it twice" of CRD-shipping projects."""
    engine = Engine.new(seed=3)
    write(engine, "both.yaml", (DATA / "crontab-crd.yaml").read_text() + "---\n" + (DATA / "my-crontab.yaml").read_text())
    r = engine.run("kubectl apply -f both.yaml")
    assert r.exit_code == 1
    assert r.output.startswith("customresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com created\n"
                               'error: resource mapping not found for name: "my-new-cron-object"')
    assert engine.run("kubectl apply -f both.yaml").output == (
        "customresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com unchanged\n"
        "crontab.stable.example.com/my-new-cron-object created\n")


def test_crd_status_is_established():
    engine = crontab_sandbox(with_object=False)
    crd = engine.cluster.get("customresourcedefinitions", None, "crontabs.stable.example.com")
    conds = {c["type"]: (c["status"], c["reason"]) for c in crd["status"]["conditions"]}
    assert conds == {"NamesAccepted": ("True", "NoConflicts"), "Established": ("True", "InitialNamesAccepted")}
    assert crd["status"]["storedVersions"] == ["v1"]
    assert crd["spec"]["names"]["listKind"] == "CronTabList"


@pytest.mark.parametrize("spec, message", [
    # kube-openapi's messages through kubeOpenAPIResultToFieldErrors
    ('cronSpec: "* * * * */5"\nreplicas: "two"',
     'spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"'),
    ('cronSpec: "* * * * */5"\nreplicas: 11',
     "spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10"),
    ('cronSpec: "* * * * */5"\nreplicas: 0',
     "spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1"),
    ('cronSpec: "every minute"',
     "spec.cronSpec: Invalid value: \"every minute\": spec.cronSpec in body should match "
     "'^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$'"),
])
def test_schema_validation_errors(spec, message):
    engine = crontab_sandbox(with_object=False)
    write(engine, "bad.yaml", crontab(spec))
    r = engine.run("kubectl apply -f bad.yaml")
    assert (r.output, r.exit_code) == (f'The CronTab "bad" is invalid: {message}\n', 1)
    assert engine.cluster.get("crontabs", "default", "bad") is None


def test_unknown_fields_are_refused_by_strict_field_validation():
    engine = crontab_sandbox(with_object=False)
    write(engine, "bad.yaml", crontab('cronSpec: "* * * * */5"\nimage: x\nsomeRandomField: 42'))
    r = engine.run("kubectl apply -f bad.yaml")
    assert r.output == ('Error from server (BadRequest): error when creating "bad.yaml": CronTab in version "v1" '
                        'cannot be handled as a CronTab: strict decoding error: unknown field '
                        '"spec.someRandomField"\n')
    assert r.exit_code == 1


SCHEMA_CRD = """apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Cluster
  names: {plural: widgets, kind: Widget}
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}}
    schema:
      openAPIV3Schema:
        type: object
        required: [spec]
        properties:
          spec:
            type: object
            required: [size]
            properties:
              size: {type: string, enum: [small, large]}
              color: {type: string, default: blue, maxLength: 8}
              tags: {type: array, maxItems: 2, items: {type: string}}
              extra: {type: object, x-kubernetes-preserve-unknown-fields: true}
              port: {x-kubernetes-int-or-string: true}
          status:
            type: object
            properties:
              ready: {type: boolean}
"""


def widget_engine() -> Engine:
    engine = Engine.new(seed=5)
    write(engine, "crd.yaml", SCHEMA_CRD)
    assert engine.run("kubectl apply -f crd.yaml").exit_code == 0
    return engine


def widget(spec: str, extra: str = "") -> str:
    return f"apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec: {spec}\n{extra}"


def test_defaults_preserved_fields_and_status_subresource():
    engine = widget_engine()
    write(engine, "w.yaml", widget("{size: small, extra: {anything: [1, 2]}, port: http}", "status: {ready: true}\n"))
    r = engine.run("kubectl apply -f w.yaml")
    assert r.output == "widget.example.com/w created\n"
    w = engine.cluster.get("widgets", None, "w")
    assert w["spec"] == {"size": "small", "color": "blue", "extra": {"anything": [1, 2]}, "port": "http"}
    assert "status" not in w          # status is a subresource: the main resource ignores it
    assert "namespace" not in w["metadata"]
    assert engine.run("kubectl get widgets").output.splitlines()[0].split() == ["NAME", "AGE"]


@pytest.mark.parametrize("spec, message", [
    ("{color: red}", "spec.size: Required value"),
    ("{size: medium}", 'spec.size: Unsupported value: "medium": supported values: "small", "large"'),
    ("{size: small, color: aquamarine}", "spec.color: Too long: may not be more than 8 bytes"),
    ("{size: small, tags: [a, b, c]}", "spec.tags: Too many: 3: must have at most 2 items"),
    ("{size: small, port: 1.5}",
     'spec.port: Invalid value: "number": spec.port in body must be of type integer,string: "number"'),
])
def test_more_schema_errors(spec, message):
    engine = widget_engine()
    write(engine, "w.yaml", widget(spec))
    r = engine.run("kubectl apply -f w.yaml")
    assert (r.output, r.exit_code) == (f'The Widget "w" is invalid: {message}\n', 1)


def test_missing_spec_is_required():
    engine = widget_engine()
    write(engine, "w.yaml", "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n")
    assert engine.run("kubectl apply -f w.yaml").output == 'The Widget "w" is invalid: spec: Required value\n'


def test_crd_validation():
    engine = Engine.new(seed=5)
    bad = SCHEMA_CRD.replace("name: widgets.example.com", "name: widget.example.com")
    write(engine, "crd.yaml", bad)
    r = engine.run("kubectl apply -f crd.yaml")
    assert r.exit_code == 1
    assert r.output == ('The CustomResourceDefinition "widget.example.com" is invalid: metadata.name: Invalid value: '
                        '"widget.example.com": must be spec.names.plural+"."+spec.group\n')
    write(engine, "crd.yaml", SCHEMA_CRD.replace("storage: true", "storage: false"))
    r = engine.run("kubectl apply -f crd.yaml")
    assert "spec.versions: Invalid value:" in r.output and "must have exactly one version marked as storage version" \
        in r.output


def test_describe_prints_every_field():
    engine = crontab_sandbox()
    out = engine.run("kubectl describe crontab my-new-cron-object").output
    uid = engine.cluster.get("crontabs", "default", "my-new-cron-object")["metadata"]["uid"]
    created = engine.cluster.get("crontabs", "default", "my-new-cron-object")["metadata"]["creationTimestamp"]
    rv = engine.cluster.get("crontabs", "default", "my-new-cron-object")["metadata"]["resourceVersion"]
    assert out == (
        "Name:         my-new-cron-object\n"
        "Namespace:    default\n"
        "Labels:       <none>\n"
        "Annotations:  <none>\n"
        "API Version:  stable.example.com/v1\n"
        "Kind:         CronTab\n"
        "Metadata:\n"
        f"  Creation Timestamp:  {created}\n"
        "  Generation:          1\n"
        f"  Resource Version:    {rv}\n"
        f"  UID:                 {uid}\n"
        "Spec:\n"
        "  Cron Spec:  * * * * */5\n"
        "  Image:      my-awesome-cron-image\n"
        "Events:       <none>\n")


def test_state_round_trip_keeps_the_kind():
    engine = crontab_sandbox()
    again = Engine.from_state(engine.to_state())
    assert "my-new-cron-object" in again.run("kubectl get ct").output


class _Raw:
    def __init__(self):
        self.buf = io.StringIO()

    def write(self, level: int, text: str) -> None:
        self.buf.write("  " * level + text)


def test_unstructured_content_as_kubectls_own_test():
    """pkg/describe/describe_test.go TestDescribeUnstructuredContent (v0.35.0)."""
    obj = {"apiVersion": "v1", "kind": "Test", "dummyDummy": "present", "dummy/dummy": "present",
           "dummy-dummy@dummy": "present", "dummy-dummy": "present", "dummy1": "present", "dummy2": "present",
           "metadata": {"name": "MyName", "namespace": "MyNamespace", "creationTimestamp": "2017-04-01T00:00:00Z",
                        "resourceVersion": 123, "uid": "00000000-0000-0000-0000-000000000001", "dummy3": "present"},
           "items": [{"itemBool": True, "itemInt": 42}], "url": "http://localhost", "status": "ok"}
    w = _Raw()
    write_content(w, 0, obj, "", {".dummy1", ".metadata.dummy3"})
    out = w.buf.getvalue()
    assert ("API Version:\tv1\nDummy - Dummy:\tpresent\ndummy-dummy@dummy:\tpresent\ndummy/dummy:\tpresent\n"
            "dummy2:\tpresent\nDummy Dummy:\tpresent\nItems:\n  Item Bool:\ttrue\n  Item Int:\t42\nKind:\tTest\n"
            "Metadata:\n  Creation Timestamp:\t2017-04-01T00:00:00Z\n  Name:\tMyName\n  Namespace:\tMyNamespace\n"
            "  Resource Version:\t123\n  UID:\t00000000-0000-0000-0000-000000000001\nStatus:\tok\n"
            "URL:\thttp://localhost\n") in out
    for unexpected in ("Dummy 1", "Dummy 3", "dummy3", "dummy 3"):
        assert unexpected not in out


def test_camelcase_split_as_fatih_camelcase():
    assert camelcase_split("PDFLoader") == ["PDF", "Loader"]
    assert camelcase_split("creationTimestamp") == ["creation", "Timestamp"]
    assert camelcase_split("podIPs") == ["pod", "I", "Ps"]
    assert smart_label("additionalPrinterColumns") == "Additional Printer Columns"
    assert smart_label("apiVersion") == "API Version"
    assert smart_label("jsonPath") == "Json Path"


def test_explain_reads_the_crd_schema():
    """kubectl explain over a CRD's published schema: apiVersion, kind and metadata with the standard
    descriptions (apiextensions-apiserver's OpenAPI builder), the rest from openAPIV3Schema."""
    engine = crontab_sandbox(with_object=False)
    out = engine.run("kubectl explain crontab").output
    assert out.startswith("GROUP:      stable.example.com\nKIND:       CronTab\nVERSION:    v1\n\nDESCRIPTION:\n"
                          "    <empty>\nFIELDS:\n  apiVersion\t<string>\n")
    assert "  metadata\t<ObjectMeta>\n    Standard object's metadata." in out
    out = engine.run("kubectl explain ct.spec.replicas").output
    assert "FIELD: replicas <integer>" in out
    r = engine.run("kubectl explain ct.spec.nope")
    assert r.exit_code == 1 and r.output.endswith('error: field "nope" does not exist\n')


def test_explain_gateway_api_from_its_release_schema():
    engine = Engine.new(seed=3)
    url = "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.4.1/standard-install.yaml"
    assert engine.run(f"kubectl apply --server-side -f {url}").exit_code == 0
    out = engine.run("kubectl explain httproute.spec.rules.matches.path.type").output
    assert out.startswith("GROUP:      gateway.networking.k8s.io\nKIND:       HTTPRoute\nVERSION:    v1\n\n"
                          "FIELD: type <string>\n")
    assert "PathPrefix" in out


CEL_CASES = [
    # (manifest, the API server's refusal): the rules are the CRDs' own x-kubernetes-validations
    ("""apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r}
spec:
  parentRefs: [{name: eg}]
  rules:
  - matches: [{path: {type: PathPrefix, value: api}}]
    backendRefs: [{name: backend, port: 80}]
""", 'The HTTPRoute "r" is invalid: spec.rules[0].matches[0].path: Invalid value: "object": value must be an '
     "absolute path and start with '/' when type one of ['Exact', 'PathPrefix']"),
    ("""apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r}
spec:
  parentRefs: [{name: eg}]
  rules:
  - backendRefs: [{name: backend}]
""", 'The HTTPRoute "r" is invalid: spec.rules[0].backendRefs[0]: Invalid value: "object": Must have port for '
     "Service reference"),
    ("""apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r}
spec:
  parentRefs: [{name: eg}]
  rules:
  - filters:
    - type: RequestRedirect
      requestRedirect: {scheme: https}
    backendRefs: [{name: backend, port: 80}]
""", 'The HTTPRoute "r" is invalid: spec.rules[0]: Invalid value: "object": RequestRedirect filter must not be '
     "used together with backendRefs"),
    ("""apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: g}
spec:
  gatewayClassName: eg
  listeners:
  - {name: a, port: 80, protocol: HTTP}
  - {name: b, port: 80, protocol: HTTP}
""", 'The Gateway "g" is invalid: spec.listeners: Invalid value: "array": Combination of port, protocol and '
     "hostname must be unique for each listener"),
    ("""apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: g}
spec:
  gatewayClassName: eg
  listeners:
  - {name: a, port: 80, protocol: HTTP, tls: {mode: Terminate, certificateRefs: [{name: c}]}}
""", 'The Gateway "g" is invalid: spec.listeners: Invalid value: "array": tls must not be specified for '
     "protocols ['HTTP', 'TCP', 'UDP']"),
]


@pytest.mark.parametrize("manifest, refusal", CEL_CASES)
def test_gateway_api_cel_rules_refuse_as_the_api_server(manifest, refusal):
    """The Gateway API CRDs rely on CEL for these rules; the playground evaluates them (playground/sim/cel.py).
    Envoy Gateway's translator golden files gateway-with-two-listeners-with-same-port-and-hostname and
    httproute-with-invalid-backend-ref-no-port hold objects a real API server refuses in just this way."""
    engine = Engine.new(seed=3)
    url = "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.4.1/standard-install.yaml"
    assert engine.run(f"kubectl apply --server-side -f {url}").exit_code == 0
    write(engine, "m.yaml", manifest)
    r = engine.run("kubectl apply -f m.yaml")
    assert (r.output, r.exit_code) == (refusal + "\n", 1)


def test_cel_subset_parses_every_gateway_api_rule():
    from playground.sim.cel import compile_rule
    text = (Path(__file__).parents[2] / "playground/sim/gateway/releases/gateway-api-v1.4.1-standard-install.yaml")
    rules = set()

    def walk(node):
        if isinstance(node, dict):
            rules.update(r["rule"] for r in node.get("x-kubernetes-validations") or [])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
    for doc in yaml.safe_load_all(text.read_text()):
        walk(doc)
    assert len(rules) == 69
    for rule in rules:
        compile_rule(rule)
