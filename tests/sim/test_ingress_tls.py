"""Ingress TLS as the Kubernetes docs teach it (concepts/services-networking/ingress "TLS"): a certificate made
with openssl, a `kubernetes.io/tls` Secret, an Ingress whose `tls` names it, and curl against ingress-nginx.

Sources: ingress-nginx controller-v1.14.1 internal/ingress/controller/controller.go createServers and
extractTLSSecretName (which certificate a host gets, the warnings), internal/net/ssl/ssl.go
getFakeHostSSLCert (the default "Fake Certificate"), rootfs/etc/nginx/lua/lua_ingress.lua (308 redirect,
Strict-Transport-Security only for a host with a certificate); curl 8.5.0 lib/vtls/openssl.c
(ossl_verifyhost, "SSL certificate problem: %s", the "Server certificate:" lines), src/tool_msgs.c and
lib/strerror.c (exit 60 and the sslcerts.html paragraph), lib/http2.c (`HTTP/2 200 ` status line, lower-case
header names); Go crypto/x509 HostnameError for the controller's message.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import time

import pytest

from playground.sim import apiserver, network
from playground.sim.engine import Engine
from playground.sim.addons import ingress as addon
from playground.sim.programs import load_all
from tests.sim.test_ingress_routing import NGINX_404
from tests.sim.test_network import add_deployment, add_service, new_engine, settle

load_all()

RESOLVE = "--resolve foo.bar.com:443:192.168.49.2"
DOCS_REQ = ('openssl req -x509 -nodes -days 365 -newkey rsa:2048 -keyout tls.key -out tls.crt '
            '-subj "/CN=foo.bar.com/O=foo"')
CURL_60 = ("curl: (60) SSL certificate problem: {reason}\n"
           "More details here: https://curl.se/docs/sslcerts.html\n\n"
           "curl failed to verify the legitimacy of the server and therefore could not\n"
           "establish a secure connection to it. To learn more about this situation and\n"
           "how to fix it, please visit the web page mentioned above.\n")
NGINX_308 = ("<html>\r\n<head><title>308 Permanent Redirect</title></head>\r\n<body>\r\n"
             "<center><h1>308 Permanent Redirect</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")
FAKE_SUBJECT = "O=Acme Co; CN=Kubernetes Ingress Controller Fake Certificate"


def tls_ingress(engine, secret: str | None, hosts=("foo.bar.com",), rule_host: str = "foo.bar.com") -> dict:
    tls: dict = {"hosts": list(hosts)}
    if secret:
        tls["secretName"] = secret
    obj = {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
           "metadata": {"name": "tls-example-ingress", "namespace": "default"},
           "spec": {"tls": [tls], "rules": [{"host": rule_host, "http": {"paths": [
               {"path": "/", "pathType": "Prefix",
                "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}]}}
    ing = apiserver.create(engine.cluster, obj)
    settle(engine, 2)
    return ing


def make_engine(now: float | None = None):
    e = new_engine(21) if now is None else Engine.new(seed=21, now=now)
    addon.enable(e.cluster)
    settle(e, 5)
    add_deployment(e, "web", "nginx", 1)
    add_service(e, "web")
    return e


def secure(engine):
    """The docs' steps: a self-signed certificate for foo.bar.com, its Secret, the Ingress."""
    assert run(engine, DOCS_REQ).exit_code == 0
    assert run(engine, "kubectl create secret tls foo-tls --cert=tls.crt --key=tls.key").exit_code == 0
    tls_ingress(engine, "foo-tls")
    return engine


@pytest.fixture
def engine():
    return make_engine()


@pytest.fixture
def secured(engine):
    return secure(engine)


def run(engine, line: str):
    return engine.run(line, now=engine.cluster.now + 1)


def controller_log(engine) -> list[str]:
    pod = next(p for p in engine.cluster.list("pods", "ingress-nginx") if "controller" in p["metadata"]["name"])
    return network.access_log(engine.cluster, "ingress-nginx", pod["metadata"]["name"])


def test_curl_refuses_the_self_signed_certificate_with_exit_60(secured):
    r = run(secured, f"curl https://foo.bar.com {RESOLVE}")
    assert (r.output, r.exit_code) == (CURL_60.format(reason="self-signed certificate"), 60)


def test_silent_curl_says_nothing_but_still_fails(secured):
    r = run(secured, f"curl -s https://foo.bar.com {RESOLVE}")
    assert (r.output, r.exit_code) == ("", 60)


def test_insecure_curl_gets_nginx_over_http2_with_hsts(secured):
    r = run(secured, f"curl -ksi https://foo.bar.com {RESOLVE}")
    assert r.exit_code == 0
    head, _, body = r.output.partition("\r\n\r\n")
    lines = head.split("\r\n")
    assert lines[0] == "HTTP/2 200 "
    assert all(k == k.lower() for k, _, _ in (ln.partition(":") for ln in lines[1:]))
    assert "strict-transport-security: max-age=31536000; includeSubDomains" in lines
    assert not any(ln.startswith("connection:") for ln in lines)
    assert "<title>Welcome to nginx!</title>" in body


def test_cacert_trusts_the_certificate_and_verbose_shows_it(secured):
    r = run(secured, f"curl -sv --cacert tls.crt -o /dev/null https://foo.bar.com {RESOLVE}")
    assert r.exit_code == 0
    start = run(secured, "openssl x509 -in tls.crt -noout -startdate").output.split("=", 1)[1].rstrip("\n")
    end = run(secured, "openssl x509 -in tls.crt -noout -enddate").output.split("=", 1)[1].rstrip("\n")
    want = ("* SSL connection using TLSv1.3 / TLS_AES_256_GCM_SHA384 / X25519 / RSASSA-PSS\n"
            "* ALPN: server accepted h2\n"
            "* Server certificate:\n"
            "*  subject: CN=foo.bar.com; O=foo\n"
            f"*  start date: {start}\n"
            f"*  expire date: {end}\n"
            "*  common name: foo.bar.com (matched)\n"
            "*  issuer: CN=foo.bar.com; O=foo\n"
            "*  SSL certificate verify ok.\n"
            "*   Certificate level 0: Public key type RSA (2048/112 Bits/secBits), signed using "
            "sha256WithRSAEncryption\n"
            "* using HTTP/2\n")
    assert want in r.output
    assert "*  CAfile: tls.crt\n" in r.output
    assert "> GET / HTTP/2\r\n> Host: foo.bar.com\r\n" in r.output
    assert "< HTTP/2 200 \r\n" in r.output


def test_a_failed_check_stops_at_the_certificate_with_an_alert(secured):
    r = run(secured, f"curl -v https://foo.bar.com {RESOLVE}")
    assert ("* TLSv1.3 (IN), TLS handshake, Certificate (11):\n"
            "* TLSv1.3 (OUT), TLS alert, unknown CA (560):\n"
            "* SSL certificate problem: self-signed certificate\n"
            "* Closing connection\n") in r.output
    assert "CERT verify" not in r.output and r.exit_code == 60


def test_plain_http_to_the_tls_host_is_redirected_permanently(secured):
    r = run(secured, "curl -si http://foo.bar.com/x --resolve foo.bar.com:80:192.168.49.2")
    head, _, body = r.output.partition("\r\n\r\n")
    assert head.startswith("HTTP/1.1 308 Permanent Redirect\r\n")
    assert "\r\nLocation: https://foo.bar.com/x\r\n" in head
    assert body == NGINX_308


def test_following_the_redirect_needs_the_certificate_too(secured):
    r = run(secured, "curl -sL --cacert tls.crt http://foo.bar.com --resolve foo.bar.com:80:192.168.49.2 "
                     f"{RESOLVE}")
    assert r.exit_code == 0 and "<title>Welcome to nginx!</title>" in r.output


def test_plain_http_without_tls_is_unchanged(engine):
    obj = {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
           "metadata": {"name": "plain", "namespace": "default"},
           "spec": {"rules": [{"host": "plain.test", "http": {"paths": [
               {"path": "/", "pathType": "Prefix",
                "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}]}}
    apiserver.create(engine.cluster, obj)
    settle(engine, 2)
    r = run(engine, 'curl -si -H "Host: plain.test" http://192.168.49.2/')
    assert r.output.startswith("HTTP/1.1 200 OK\r\n") and "Strict-Transport-Security" not in r.output


def test_a_missing_secret_serves_the_fake_certificate_and_the_controller_says_so(engine):
    tls_ingress(engine, "nope")
    r = run(engine, f"curl -skv -o /dev/null https://foo.bar.com {RESOLVE}")
    assert f"*  subject: {FAKE_SUBJECT}\n" in r.output
    assert f"*  issuer: {FAKE_SUBJECT}\n" in r.output
    assert "*  SSL certificate verify result: self-signed certificate (18), continuing anyway.\n" in r.output
    assert any(re.fullmatch(r'W\d{4} [\d:.]+ +7 controller\.go:1455\] Error getting SSL certificate '
                            r'"default/nope": local SSL certificate default/nope was not found\. '
                            r'Using default certificate', line) for line in controller_log(engine))


def test_the_fake_certificate_is_what_ingress_nginx_generates(engine):
    tls_ingress(engine, "nope")
    r = run(engine, f"curl -skv -o /dev/null https://foo.bar.com {RESOLVE}")
    start = re.search(r"\*  start date: (.*)\n", r.output)
    end = re.search(r"\*  expire date: (.*)\n", r.output)
    assert start and end
    # valid for 365 days from the controller's start (getFakeHostSSLCert), SAN ingress.local only
    assert start.group(1)[:-8] == end.group(1)[:-8] and int(end.group(1)[-8:-4]) == int(start.group(1)[-8:-4]) + 1
    assert "*  subjectAltName does not match foo.bar.com\n" in r.output


def test_the_address_alone_gets_the_fake_certificate_and_no_hsts(secured):
    r = run(secured, "curl -ksi https://192.168.49.2/")
    head, _, body = r.output.partition("\r\n\r\n")
    assert head.startswith("HTTP/2 404 \r\n") and "strict-transport-security" not in head
    assert body == NGINX_404
    r = run(secured, "curl -ksv -o /dev/null https://192.168.49.2/")
    assert f"*  subject: {FAKE_SUBJECT}\n" in r.output


def test_a_common_name_only_certificate_works_with_the_controllers_warnings(secured):
    """The docs' -subj "/CN=foo.bar.com/O=foo" has no subjectAltName: Go's VerifyHostname refuses it and
    createServers falls back to the Common Name, logging both steps."""
    log = "\n".join(controller_log(secured))
    assert ('controller.go:1469] Unexpected error validating SSL certificate "default/foo-tls" for server '
            '"foo.bar.com": x509: certificate relies on legacy Common Name field, use SANs instead') in log
    assert "controller.go:1470] Validating certificate against DNS names. This will be deprecated in a future " \
           "version" in log
    assert "Using default certificate" not in log


def test_a_certificate_for_another_name_is_replaced_by_the_default(engine):
    run(engine, 'openssl req -x509 -nodes -days 365 -newkey rsa:2048 -keyout o.key -out o.crt '
                '-subj "/CN=other.com" -addext "subjectAltName=DNS:other.com"')
    run(engine, "kubectl create secret tls other --cert=o.crt --key=o.key")
    tls_ingress(engine, "other")
    log = "\n".join(controller_log(engine))
    assert ('SSL certificate "default/other" does not contain a Common Name or Subject Alternative Name for '
            'server "foo.bar.com": x509: certificate is valid for other.com, not foo.bar.com') in log
    assert "controller.go:1476] Using default certificate" in log
    r = run(engine, f"curl -s --cacert o.crt https://foo.bar.com {RESOLVE}")
    assert r.exit_code == 60
    assert f"subject: {FAKE_SUBJECT}" in run(engine, f"curl -skv -o /dev/null https://foo.bar.com {RESOLVE}").output


def test_a_certificate_signed_by_our_own_ca(engine):
    """The Connecting Applications with Services HTTPS flow, with a CA: curl trusts the CA, not the leaf."""
    for line in ('openssl req -x509 -nodes -days 365 -newkey rsa:2048 -keyout ca.key -out ca.crt -subj "/CN=my-ca"',
                 "openssl genrsa -out tls.key 2048",
                 'openssl req -new -key tls.key -out tls.csr -subj "/CN=foo.bar.com"',
                 "openssl x509 -req -in tls.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out tls.crt -days 30",
                 "kubectl create secret tls foo-tls --cert=tls.crt --key=tls.key"):
        assert run(engine, line).exit_code == 0, line
    tls_ingress(engine, "foo-tls")
    r = run(engine, f"curl -s --cacert ca.crt https://foo.bar.com {RESOLVE}")
    assert r.exit_code == 0 and "<title>Welcome to nginx!</title>" in r.output
    r = run(engine, f"curl https://foo.bar.com {RESOLVE}")
    assert (r.output, r.exit_code) == (CURL_60.format(reason="unable to get local issuer certificate"), 60)
    # curl sets X509_V_FLAG_PARTIAL_CHAIN (lib/vtls/openssl.c, unless CURLSSLOPT_NO_PARTIALCHAIN): a trusted
    # leaf is an anchor by itself; an unrelated certificate is not
    assert run(engine, f"curl -s --cacert tls.crt https://foo.bar.com {RESOLVE}").exit_code == 0
    run(engine, 'openssl req -x509 -nodes -days 365 -newkey rsa:2048 -keyout o.key -out o.crt -subj "/CN=o"')
    r = run(engine, f"curl --cacert o.crt https://foo.bar.com {RESOLVE}")
    assert (r.output, r.exit_code) == (CURL_60.format(reason="unable to get local issuer certificate"), 60)


def test_a_name_outside_the_certificate_fails_the_host_check(engine):
    """ossl_verifyhost: with subjectAltName DNS entries, only they count."""
    for line in ('openssl req -x509 -nodes -days 365 -newkey rsa:2048 -keyout ca.key -out ca.crt -subj "/CN=my-ca"',
                 'openssl req -x509 -nodes -days 30 -newkey rsa:2048 -keyout w.key -out w.crt -subj "/CN=x" '
                 '-addext "subjectAltName=DNS:*.bar.com"',
                 "kubectl create secret tls wild --cert=w.crt --key=w.key"):
        assert run(engine, line).exit_code == 0, line
    tls_ingress(engine, "wild", hosts=("foo.bar.com",))
    r = run(engine, f"curl -sv --cacert w.crt -o /dev/null https://foo.bar.com {RESOLVE}")
    assert r.exit_code == 0
    assert '*  subjectAltName: host "foo.bar.com" matched cert\'s "*.bar.com"\n' in r.output


def test_an_expired_certificate(engine):
    run(engine, 'openssl req -x509 -nodes -days 1 -newkey rsa:2048 -keyout tls.key -out tls.crt '
                '-subj "/CN=foo.bar.com" -addext "subjectAltName=DNS:foo.bar.com"')
    run(engine, "kubectl create secret tls foo-tls --cert=tls.crt --key=tls.key")
    tls_ingress(engine, "foo-tls")
    engine.cluster.now += 2 * 86400
    r = run(engine, f"curl --cacert tls.crt https://foo.bar.com {RESOLVE}")
    assert (r.output, r.exit_code) == (CURL_60.format(reason="certificate has expired"), 60)
    assert "TLS alert, certificate expired (557)" in run(engine, f"curl -sv --cacert tls.crt https://foo.bar.com "
                                                                 f"{RESOLVE}").output


def test_the_backend_hears_it_came_over_https(secured):
    from playground.sim import ingress
    from playground.sim.webcontent import Request
    hdrs = dict(ingress._forwarded(Request(method="GET", path="/", host="foo.bar.com", headers=[],
                                           client_ip="192.168.49.1"), "10.244.0.5", 443))
    assert (hdrs["X-Forwarded-Proto"], hdrs["X-Forwarded-Port"], hdrs["X-Scheme"]) == ("https", "443", "https")


def test_a_common_name_does_not_count_when_the_certificate_has_dns_names(engine):
    """ingress-nginx's verifyHostname (internal/ingress/controller/certificate.go) ignores the Common Name of a
    certificate with DNS subjectAltNames, as curl does: CN=foo.bar.com with SAN other.com is not for foo."""
    run(engine, 'openssl req -x509 -nodes -days 365 -newkey rsa:2048 -keyout o.key -out o.crt '
                '-subj "/CN=foo.bar.com" -addext "subjectAltName=DNS:other.com"')
    run(engine, "kubectl create secret tls mixed --cert=o.crt --key=o.key")
    tls_ingress(engine, "mixed")
    log = "\n".join(controller_log(engine))
    assert 'x509: certificate is valid for other.com, not foo.bar.com' in log
    assert "controller.go:1476] Using default certificate" in log
    assert f"subject: {FAKE_SUBJECT}" in run(engine, f"curl -skv -o /dev/null https://foo.bar.com {RESOLVE}").output


# ---- openssl s_client --------------------------------------------------------------------------------
def _free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(shutil.which("openssl") is None and os.environ.get("CI") != "true",
                    reason="no openssl binary on this machine (required in CI)")
@pytest.mark.parametrize("trust", ["", " -CAfile tls.crt"])
def test_s_client_prints_what_the_real_one_prints_for_the_same_certificate(tmp_path, trust):
    """The real `openssl s_server` serves the very certificate and key the learner made; the real s_client's
    report of it (apps/s_client.c print_stuff, apps/lib/s_cb.c verify_callback) must equal the playground's
    report of ingress-nginx serving it. The sandbox's clock is set an hour behind this machine's, so that
    the certificate is valid for the real s_client too."""
    secured = secure(make_engine(now=time.time() - 3600))
    for name in ("tls.crt", "tls.key"):
        (tmp_path / name).write_text(secured.host.files[secured.host.abspath(name)])
    port = _free_port()
    server = subprocess.Popen(["openssl", "s_server", "-accept", f"127.0.0.1:{port}", "-cert", "tls.crt",
                               "-key", "tls.key", "-www", "-quiet"], cwd=tmp_path, stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        real = None
        for _ in range(50):
            real = subprocess.run(f"openssl s_client -connect 127.0.0.1:{port} -servername foo.bar.com{trust}",
                                  shell=True, cwd=tmp_path, stdin=subprocess.DEVNULL, capture_output=True,
                                  text=True, timeout=20)
            if "CONNECTED" in real.stdout:
                break
            time.sleep(0.1)
    finally:
        server.kill()
        server.wait()
    assert real is not None
    secured.run("echo '192.168.49.2 foo.bar.com' | sudo tee -a /etc/hosts >/dev/null")
    out = run(secured, f"openssl s_client -connect foo.bar.com:443{trust} </dev/null 2>/tmp/e")
    err = secured.host.files["/tmp/e"]
    # the server's session tickets arrive after the handshake, before or after s_client reads the end of its
    # stdin: whether the real one prints their "Post-Handshake New Session Ticket" blocks is a race
    real_out = real.stdout.split("---\nPost-Handshake New Session Ticket arrived:")[0]
    assert (out.output, err, out.exit_code) == (real_out, real.stderr, real.returncode)


def test_s_client_shows_the_fake_certificate_for_an_address(secured):
    r = run(secured, "openssl s_client -connect 192.168.49.2:443 </dev/null 2>&1 | grep -E '^(depth|verify|Can|Verif|DONE| 0 s)'")
    assert r.output == ("Can't use SSL_get_servername\n"
                        "depth=0 O = Acme Co, CN = Kubernetes Ingress Controller Fake Certificate\n"
                        "verify error:num=18:self-signed certificate\nverify return:1\n"
                        "depth=0 O = Acme Co, CN = Kubernetes Ingress Controller Fake Certificate\nverify return:1\n"
                        " 0 s:O = Acme Co, CN = Kubernetes Ingress Controller Fake Certificate\n"
                        "Verification error: self-signed certificate\n"
                        "Verify return code: 18 (self-signed certificate)\nDONE\n")


def test_s_client_where_nothing_listens(secured):
    r = run(secured, "openssl s_client -connect 192.168.49.2:444")
    assert r.exit_code == 1
    assert re.fullmatch(r"([0-9A-F]{16}):error:8000006F:system library:BIO_connect:Connection refused:"
                        r"\.\./crypto/bio/bio_sock2\.c:117:calling connect\(\)\n"
                        r"\1:error:10000067:BIO routines:BIO_connect:connect error:\.\./crypto/bio/bio_sock2\.c:119:\n"
                        r"connect:errno=111\n", r.output)
