"""ingress-nginx routing as the learner meets it through curl: host match (exact, one-label wildcard),
Exact vs Prefix vs ImplementationSpecific paths, longest match, merged rules, default backends, and the
controller's own 404 / 503 / 502 pages."""
from __future__ import annotations

import pytest

from playground.sim import apiserver, ingress
from playground.sim.addons import ingress as addon
from playground.sim.programs import load_all
from tests.sim.test_network import add_deployment, add_service, new_engine, settle

load_all()      # registers the controller's server and the addon hook, as the first command would

NGINX_404 = ("<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n"
             "<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")
NGINX_503 = ("<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n"
             "<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n<hr><center>nginx</center>\r\n"
             "</body>\r\n</html>\r\n")


def path(p: str, svc: str, ptype: str = "Prefix", port: int = 80) -> dict:
    return {"path": p, "pathType": ptype, "backend": {"service": {"name": svc, "port": {"number": port}}}}


def make_ingress(engine, name: str, rules: list[tuple[str, list[dict]]], *, klass: str | None = None,
                 annotations: dict | None = None, default: str | None = None) -> dict:
    spec: dict = {"rules": [({"host": h} if h else {}) | {"http": {"paths": ps}} for h, ps in rules]}
    if not rules:
        spec = {}
    if klass:
        spec["ingressClassName"] = klass
    if default:
        spec["defaultBackend"] = {"service": {"name": default, "port": {"number": 80}}}
    obj = {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
           "metadata": {"name": name, "namespace": "default", **({"annotations": annotations} if annotations else {})},
           "spec": spec}
    engine.cluster.now += 1          # creation order decides which Ingress wins a duplicate
    return apiserver.create(engine.cluster, obj)


@pytest.fixture
def engine():
    e = new_engine(11)
    addon.enable(e.cluster)
    settle(e, 5)
    return e


def routed(engine, host: str, p: str) -> str:
    """The Service a request goes to ('' when the controller answers 404 itself)."""
    r = ingress.match(engine.cluster, host, p)
    return ((r.backend or {}).get("service") or {}).get("name", "")


@pytest.fixture
def paths(engine):
    make_ingress(engine, "paths", [("", [
        path("/foo", "exact-svc", "Exact"), path("/foo", "prefix-svc"), path("/foo/bar", "deep-svc"),
        path("/app/", "slash-svc"), path("/impl", "impl-svc", "ImplementationSpecific"),
        path("/x/", "exact-slash-svc", "Exact")])])
    return engine


@pytest.mark.parametrize("request_path,want", [
    ("/foo", "exact-svc"),           # Exact beats the Prefix of the same path
    ("/foo/", "prefix-svc"),         # Exact /foo does not match /foo/
    ("/foobar", ""),                 # Prefix is element-wise: /foo is not a prefix of /foobar
    ("/foo/bar", "deep-svc"),        # the longest match wins
    ("/foo/bar/", "deep-svc"),
    ("/foo/bar/baz", "deep-svc"),
    ("/foo/barbaz", "prefix-svc"),   # /foo/bar is not an element prefix of /foo/barbaz
    ("/", ""),                       # no rule for / : the controller's 404
    ("/app", "slash-svc"),           # a trailing slash in a Prefix rule is ignored
    ("/app/", "slash-svc"),
    ("/app/x", "slash-svc"),
    ("/application", ""),
    ("/impl", "impl-svc"),           # ImplementationSpecific is nginx's plain prefix match...
    ("/implementation", "impl-svc"), # ...so it does match past the element boundary
    ("/x/", "exact-slash-svc"),      # Exact with a trailing slash matches only with it
    ("/x", ""),
    ("/foo?q=1", "exact-svc"),       # the query string is not part of the path
])
def test_path_matching_matrix(paths, request_path, want):
    assert routed(paths, "anything.test", request_path) == want


def test_prefix_root_matches_every_path(engine):
    make_ingress(engine, "root", [("", [path("/", "root-svc")])])
    for p in ("/", "/a", "/a/b/c", "/lololol"):
        assert routed(engine, "x", p) == "root-svc"


def test_exact_root_matches_only_the_root(engine):
    make_ingress(engine, "root", [("", [path("/", "root-svc", "Exact")])])
    assert routed(engine, "x", "/") == "root-svc"
    assert routed(engine, "x", "/lololol") == ""


def test_hosts_exact_and_wildcard_one_label_deep(engine):
    make_ingress(engine, "hosts", [("foo.example.com", [path("/", "foo")]), ("*.example.com", [path("/", "wild")]),
                                   ("", [path("/", "catchall")])])
    assert routed(engine, "foo.example.com", "/") == "foo"
    assert routed(engine, "FOO.example.com", "/") == "foo"          # host names are case-insensitive
    assert routed(engine, "foo.example.com:80", "/") == "foo"       # the port in Host is not part of the name
    assert routed(engine, "bar.example.com", "/") == "wild"
    assert routed(engine, "a.b.example.com", "/") == "catchall"     # the wildcard covers one label only
    assert routed(engine, "example.com", "/") == "catchall"
    assert routed(engine, "192.168.49.2", "/") == "catchall"


def test_a_named_host_does_not_fall_back_to_hostless_rules(engine):
    make_ingress(engine, "a", [("foo.example.com", [path("/only", "foo")]), ("", [path("/other", "any")])])
    assert routed(engine, "foo.example.com", "/only") == "foo"
    assert routed(engine, "foo.example.com", "/other") == ""        # the foo server has no /other
    assert routed(engine, "else.example.com", "/other") == "any"


def test_rules_merge_across_ingresses_and_the_oldest_wins_a_duplicate():
    # (the webhook refuses a duplicate host/path while the controller runs: these predate the addon)
    engine = new_engine(12)
    make_ingress(engine, "first", [("shop.test", [path("/cart", "cart-v1")])])
    make_ingress(engine, "second", [("shop.test", [path("/cart", "cart-v2"), path("/pay", "pay")])])
    addon.enable(engine.cluster)
    assert routed(engine, "shop.test", "/cart") == "cart-v1"
    assert routed(engine, "shop.test", "/pay") == "pay"


def test_ingresses_of_another_class_are_ignored(engine):
    make_ingress(engine, "theirs", [("other.test", [path("/", "other")])], klass="traefik")
    make_ingress(engine, "ours", [("mine.test", [path("/", "mine")])], klass="nginx")
    assert routed(engine, "other.test", "/") == ""
    assert routed(engine, "mine.test", "/") == "mine"


def test_use_regex_makes_the_hosts_paths_case_insensitive_regexes(engine):
    make_ingress(engine, "re", [("re.test", [path("/v[0-9]+/.*", "api", "ImplementationSpecific")])],
                 annotations={ingress.USE_REGEX: "true"})
    assert routed(engine, "re.test", "/v2/users") == "api"
    assert routed(engine, "re.test", "/V10/x") == "api"
    assert routed(engine, "re.test", "/vx/users") == ""


def test_default_backend_catches_what_no_rule_matches(engine):
    make_ingress(engine, "rules", [("", [path("/app", "app")])])
    make_ingress(engine, "fallback", [], default="fallback-svc")      # no rules: the catch-all's backend
    assert routed(engine, "x", "/app/1") == "app"
    assert routed(engine, "x", "/nothing") == "fallback-svc"
    assert routed(engine, "named.test", "/") == "fallback-svc"        # no server for the name: the catch-all


def test_a_hosts_default_backend_comes_from_the_ingress_that_declares_it(engine):
    make_ingress(engine, "shop", [("shop.test", [path("/cart", "cart")])], default="shop-home")
    make_ingress(engine, "blog", [("blog.test", [path("/posts", "posts")])])
    make_ingress(engine, "fallback", [], default="fallback-svc")
    assert routed(engine, "shop.test", "/cart") == "cart"
    assert routed(engine, "shop.test", "/other") == "shop-home"
    assert routed(engine, "blog.test", "/other") == ""                # its server's root: the controller's 404


# ---- what curl prints --------------------------------------------------------------------------------
def curl(engine, line: str):
    return engine.run(line, now=engine.cluster.now + 1)


def test_no_match_is_the_controllers_404_page_without_a_server_header(engine):
    make_ingress(engine, "r", [("", [path("/app", "app")])])
    r = curl(engine, "curl -s http://192.168.49.2/nothing")
    assert (r.output, r.exit_code) == (NGINX_404, 0)
    head = curl(engine, "curl -sI http://192.168.49.2/nothing").output
    assert head.startswith("HTTP/1.1 404 Not Found\r\nDate: ")
    assert "Content-Type: text/html\r\nContent-Length: 146\r\nConnection: keep-alive\r\n" in head
    assert "Server:" not in head


def test_missing_service_and_no_endpoints_are_503(engine):
    make_ingress(engine, "r", [("", [path("/gone", "gone"), path("/empty", "empty")])])
    add_service(engine, "empty", selector={"app": "nobody"})
    assert curl(engine, "curl -s 192.168.49.2/gone").output == NGINX_503
    assert curl(engine, "curl -s 192.168.49.2/empty").output == NGINX_503
    assert "Content-Length: 190" in curl(engine, "curl -sI 192.168.49.2/gone").output


def test_an_endpoint_that_refuses_is_502(engine):
    add_deployment(engine, "web", "nginx", 1)
    add_service(engine, "web", port=80, target=8080)     # nginx listens on 80, not 8080
    make_ingress(engine, "r", [("", [path("/", "web")])])
    assert "<title>502 Bad Gateway</title>" in curl(engine, "curl -s 192.168.49.2/").output


def test_backends_answer_with_their_own_pages_and_404s(engine):
    add_deployment(engine, "foo", "nginx", 1)
    add_deployment(engine, "bar", "httpd", 1)
    add_service(engine, "foo")
    add_service(engine, "bar")
    make_ingress(engine, "multihost", [("foo.example.com", [path("/", "foo")]), ("bar.example.com", [path("/", "bar")])])
    assert "<title>Welcome to nginx!</title>" in curl(engine, 'curl -s -H "Host: foo.example.com" 192.168.49.2').output
    assert curl(engine, 'curl -s -H "Host: bar.example.com" 192.168.49.2').output == \
        "<html><body><h1>It works!</h1></body></html>\n"
    foo404 = curl(engine, 'curl -s -H "Host: foo.example.com" 192.168.49.2/lololol').output
    assert "<head><title>404 Not Found</title></head>" in foo404 and "<hr><center>nginx/" in foo404
    assert "<title>404 Not Found</title>\n</head><body>\n<h1>Not Found</h1>" in \
        curl(engine, 'curl -s -H "Host: bar.example.com" 192.168.49.2/lololol').output


def test_names_from_etc_hosts_reach_the_controller(engine):
    add_deployment(engine, "foo", "nginx", 1)
    add_service(engine, "foo")
    make_ingress(engine, "r", [("foo.example.com", [path("/", "foo")])])
    assert curl(engine, "curl -s foo.example.com").exit_code == 6            # no /etc/hosts entry yet
    curl(engine, 'echo "192.168.49.2 foo.example.com" | sudo tee -a /etc/hosts')
    r = curl(engine, "curl -s foo.example.com")
    assert r.exit_code == 0 and "Welcome to nginx!" in r.output
    # The diagram sees one path: host -> controller pod -> Ingress -> Service -> pod.
    assert len(r.traces) == 1
    ids = [h["id"] for h in r.traces[0]["hops"]]
    assert [h["kind"] for h in r.traces[0]["hops"]] == ["host", "pod", "ingress", "service", "pod"]
    assert ids[0] == "host" and ids[1].startswith("pod/ingress-nginx/ingress-nginx-controller-")
    assert ids[2:4] == ["ingress/default/r", "service/default/foo"] and ids[4].startswith("pod/default/foo-")


def test_without_the_controller_nothing_answers_on_port_80():
    e = new_engine(3)
    add_deployment(e, "foo", "nginx", 1)
    add_service(e, "foo")
    make_ingress(e, "r", [("", [path("/", "foo")])])
    r = e.run("curl -s 192.168.49.2", now=e.cluster.now + 1)
    assert r.exit_code == 7 and r.output == ""


def test_plain_http_to_a_tls_host_is_redirected_with_308(engine):
    add_deployment(engine, "foo", "nginx", 1)
    add_service(engine, "foo")
    ing = make_ingress(engine, "tls", [("secure.test", [path("/", "foo")])])
    ing["spec"]["tls"] = [{"hosts": ["secure.test"]}]
    head = curl(engine, 'curl -sI -H "Host: secure.test" 192.168.49.2/a?b=1').output
    assert head.startswith("HTTP/1.1 308 Permanent Redirect\r\n")
    assert "Content-Length: 164\r\nLocation: https://secure.test/a?b=1\r\nConnection: keep-alive\r\n" in head
    ing["metadata"]["annotations"] = {ingress.SSL_REDIRECT: "false"}
    assert "Welcome to nginx!" in curl(engine, 'curl -s -H "Host: secure.test" 192.168.49.2/').output
