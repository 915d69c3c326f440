"""`kubectl create ingress` against real kubectl v1.35: the object for every --rule form kubectl accepts
(--dry-run=client -o yaml/json), and kubectl's own errors and exit codes for malformed input."""
from __future__ import annotations

import pytest

from tests.sim.test_oracle_diff import assert_same, oracle, simulate

DRY = ["--dry-run=client", "-o", "yaml"]

FORMS = [
    ["--rule=/=svc:80"],
    ["--rule=/=nginx-app:80", "--rule=/hello=newdeploy:8080"],                 # the tutorial's
    ["--rule=foo.example.com/=foo:80", "--rule=bar.example.com/=bar:80"],      # the tutorial's multihost
    ["--rule=foo.com/bar=svc1:8080,tls=my-cert"],
    ["--rule=/path=svc:port", "--class=otheringress"],
    ["--rule=foo.com/bar=svc:port", "--annotation", "ingress.annotation1=foo",
     "--annotation", "ingress.annotation2=bla", "--class=default"],
    ["--rule=foo.com/=svc:port", "--rule=foo.com/admin/=svcadmin:portadmin"],
    ["--rule=foo.com/path*=svc:8080", "--rule=bar.com/admin*=svc2:http"],
    ["--rule=foo.com/=svc:https,tls", "--rule=foo.com/path/subpath*=othersvc:8080"],
    ["--rule=foo.com/*=svc:8080,tls=secret1"],
    ["--default-backend=defaultsvc:http", "--rule=foo.com/*=svc:8080,tls=secret1"],
    ["--default-backend=defaultsvc:8080"],
    ["--rule=/*=svc:80"],
    ["--rule=*.example.com/=wild:80"],
    ["--rule=a.com/=s:80,tls=x", "--rule=b.com/=s:80,tls=x", "--rule=c.com/=s:80,tls=y"],
    ["--rule=a.com/=s:80,tls", "--rule=a.com/x=s:80,tls=other"],              # a host gets TLS once
    ["--rule=/=s:80,tls"],                                                   # no host, no secret: no TLS entry
    ["--rule=/=s:80,tls=sec"],
    ["--rule=/=s:80,tls,extra"],                                             # two commas: not TLS
    ["--rule=/a/b/c=s:80"],
    ["--rule=/a=s:0"],                                                       # port 0 is omitted
    ["--rule=/a=s:0080"],
    ["--rule=/a=s:-1"],
    ["--rule=/a=s:8080trailing junk"],                                       # the regex is not anchored at the end
    ["--rule=/a=s:80:90"],
    ["--rule=/with space=s:80"],
    ["--rule=UPPER.example.com/=s:80"],
    ["--rule=host_with_underscore/=s:80"],
    ["--rule=/=s:http", "--annotation=empty="],
    ["--rule=/=s:80", "--annotation=k=v=w"],
    ["--rule=/=s:80", "--save-config"],
    ["--rule=/x*=s:80", "--rule=/x=s:80"],
]


@pytest.mark.parametrize("extra", FORMS, ids=lambda a: " ".join(a))
def test_dry_run_objects_match_kubectl(kubectl_oracle, extra):
    assert_same(kubectl_oracle, ["create", "ingress", "ing1", *extra, *DRY])


def test_json_output_and_the_ing_alias_match_kubectl(kubectl_oracle):
    assert_same(kubectl_oracle, ["create", "ing", "x", "--rule=a.b/c*=d:e,tls=f", "--dry-run=client", "-o", "json"])
    assert_same(kubectl_oracle, ["create", "ingress", "x", "--rule=/=d:80", "-n", "web", *DRY])
    assert_same(kubectl_oracle, ["create", "ingress", "x", "--rule=/=d:80", "--dry-run=client", "-o", "name"])


MALFORMED = [
    ["create", "ingress", "x", *DRY],                                        # no rule, no default backend
    ["create", "ingress", "x", "--rule=foo=svc:80", *DRY],                   # no path
    ["create", "ingress", "x", "--rule=foo.com/=svc", *DRY],                 # no port
    ["create", "ingress", "x", "--rule=foo.com/=:80", *DRY],
    ["create", "ingress", "x", "--rule=foo.com/=svc:", *DRY],
    ["create", "ingress", "x", "--rule=foo!.com/=svc:80", *DRY],             # host charset
    ["create", "ingress", "x", "--rule=", *DRY],
    ["create", "ingress", "x", "--rule=/=svc:80", "--annotation=novalue", *DRY],
    ["create", "ingress", "x", "--default-backend=svc", *DRY],
    ["create", "ingress", "x", "--default-backend=a:b:c", *DRY],
    ["create", "ingress", "--rule=/=svc:80", *DRY],                          # no name
    ["create", "ingress", "x", "y", "--rule=/=svc:80", *DRY],
    ["create", "ingress", "x", "--rule=/=svc:80", "--dry-run=maybe"],
    ["create", "ingress", "x", "--rul=/=svc:80"],
]


@pytest.mark.parametrize("args", MALFORMED, ids=lambda a: " ".join(a[3:]))
def test_malformed_input_gives_kubectls_error_and_exit_code(kubectl_oracle, args):
    assert_same(kubectl_oracle, args)


def test_an_equals_sign_in_the_path_panics_as_kubectl_does(kubectl_oracle):
    args = ["create", "ingress", "x", "--rule=/a=b=svc:80", *DRY]
    want_out, want_err, want_code = oracle(kubectl_oracle, args)
    got_out, got_err, got_code = simulate(args)
    assert (got_out, got_code) == (want_out, want_code) == ("", 2)
    assert got_err.splitlines()[:3] == want_err.splitlines()[:3]


def test_without_the_addon_the_ingress_is_stored_without_a_class():
    from playground.sim.engine import Engine
    e = Engine.new(seed=1, now=1_800_000_000)
    r = e.run('kubectl create ingress web --rule="/=web:80"', now=1_800_000_001)
    assert (r.output, r.exit_code) == ("ingress.networking.k8s.io/web created\n", 0)
    assert "spec" in e.cluster.get("ingresses", "default", "web")
    assert e.cluster.get("ingresses", "default", "web")["spec"].get("ingressClassName") is None


def test_server_validation_refuses_a_relative_path_as_the_api_server_words_it():
    from playground.sim.engine import Engine
    e = Engine.new(seed=1, now=1_800_000_000)
    e.host.files["/home/student/bad.yaml"] = (
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\n"
        "metadata:\n  name: bad\nspec:\n  rules:\n  - http:\n      paths:\n      - path: foo\n"
        "        pathType: Prefix\n        backend:\n          service:\n            name: s\n"
        "            port:\n              number: 80\n")
    r = e.run("kubectl apply -f bad.yaml", now=1_800_000_001)
    assert r.exit_code == 1
    assert ('The Ingress "bad" is invalid: spec.rules[0].http.paths[0].path: Invalid value: "foo": '
            'must be an absolute path') in r.output
