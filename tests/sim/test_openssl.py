"""`openssl` on the learner's machine against the real OpenSSL 3.0 binary.

The commands are those of the Kubernetes docs (Ingress TLS: `openssl req -x509 -nodes -days 365 -newkey
rsa:2048 -keyout tls.key -out tls.crt -subj "/CN=foo.bar.com/O=foo"`; a CA signing a request with
`openssl x509 -req -CA -CAkey -CAcreateserial`). Random parts (the key, the serial, the progress dots, the
thread id OpenSSL prints before an error) differ between two runs of the real binary too, so the tests
compare the shape of what is random and the exact text of everything else; the files the playground writes
are read back by the real openssl, which must print what the playground prints for them.
Sources: openssl 3.0 apps/req.c, apps/x509.c, apps/genrsa.c, apps/rsa.c, apps/lib/apps.c (progress_cb),
crypto/x509/t_x509.c (X509_print_ex).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from playground.sim.engine import Engine

NOW = 1796589532.0
OPENSSL = shutil.which("openssl")
# OpenSSL prints a thread id first on each error line; it differs per process
TID = re.compile(r"^[0-9A-F]{16}:error:", re.M)
PROGRESS = re.compile(r"^(?:[.+*]+\n){2}-----\n$")
DOCS_REQ = ('openssl req -x509 -nodes -days 365 -newkey rsa:2048 -keyout tls.key -out tls.crt '
            '-subj "/CN=foo.bar.com/O=foo"')

if OPENSSL is None and os.environ.get("CI") == "true":
    raise RuntimeError("the openssl binary is required in CI for tests/sim/test_openssl.py")
needs_openssl = pytest.mark.skipif(OPENSSL is None, reason="no openssl binary on this machine (required in CI)")


def engine() -> Engine:
    return Engine.new(seed=5, now=NOW)


def run_sim(e: Engine, line: str) -> tuple[str, str, int]:
    """(stdout, stderr, exit code) of one command in the playground."""
    out = e.run(f"{line} 2>/tmp/err.txt")
    err = e.host.files.get("/tmp/err.txt", "")
    return out.output, err, out.exit_code


def run_real(tmp_path, line: str) -> tuple[str, str, int]:
    p = subprocess.run(line, shell=True, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    return p.stdout, p.stderr, p.returncode


def export(e: Engine, tmp_path, *names: str) -> None:
    for name in names:
        (tmp_path / name).write_text(e.host.files[e.host.abspath(name)])


def tid(text: str) -> str:
    return TID.sub("<tid>:error:", text)


@needs_openssl
def test_the_docs_self_signed_certificate_prints_what_openssl_prints(tmp_path):
    e = engine()
    out, err, code = run_sim(e, DOCS_REQ)
    r_out, r_err, r_code = run_real(tmp_path, DOCS_REQ)
    assert (out, code) == (r_out, r_code) == ("", 0)
    assert PROGRESS.match(r_err), r_err
    assert PROGRESS.match(err), err
    # each of the two lines: auxiliary prime, `*`, auxiliary prime, `*`, the prime; a prime ends in 65 `+`
    for line in err.splitlines()[:2]:
        assert [len(m) for m in re.findall(r"\+{2,}", line)] == [65, 65, 65] and line.count("*") == 2
    assert e.host.files[e.host.abspath("tls.key")].startswith("-----BEGIN PRIVATE KEY-----\n")


@needs_openssl
def test_the_real_openssl_reads_the_certificate_as_the_playground_prints_it(tmp_path):
    e = engine()
    run_sim(e, DOCS_REQ + ' -addext "subjectAltName=DNS:foo.bar.com,DNS:*.foo.bar.com,IP:10.0.0.1"')
    export(e, tmp_path, "tls.crt", "tls.key")
    for flags in ("-noout -text", "-noout -subject -issuer -dates -fingerprint", "-noout -fingerprint -sha256",
                  "-noout -dates -subject", "-noout -serial -enddate"):
        line = f"openssl x509 -in tls.crt {flags}"
        assert run_sim(e, line) == run_real(tmp_path, line), flags
    text = run_sim(e, "openssl x509 -in tls.crt -noout -text")[0]
    assert "        Issuer: CN = foo.bar.com, O = foo\n" in text
    assert "            X509v3 Subject Alternative Name: \n" \
           "                DNS:foo.bar.com, DNS:*.foo.bar.com, IP Address:10.0.0.1\n" in text
    before = re.search(r"Not Before: (\w+ +\d+ [\d:]+) (\d+) GMT", text)
    after = re.search(r"Not After : (\w+ +\d+ [\d:]+) (\d+) GMT", text)
    assert before and after and before.group(1) == after.group(1)         # -days 365: a year on the same day
    assert int(after.group(2)) == int(before.group(2)) + 1


@needs_openssl
def test_the_key_matches_the_certificate_for_the_real_openssl(tmp_path):
    e = engine()
    run_sim(e, DOCS_REQ)
    export(e, tmp_path, "tls.crt", "tls.key")
    for line in ("openssl rsa -in tls.key -check -noout", "openssl rsa -in tls.key -noout -modulus"):
        assert run_sim(e, line) == run_real(tmp_path, line)
    assert run_sim(e, "openssl x509 -in tls.crt -noout -modulus")[0] == \
        run_real(tmp_path, "openssl rsa -in tls.key -noout -modulus")[0]


@needs_openssl
def test_genrsa_is_silent_and_writes_a_pkcs8_key(tmp_path):
    e = engine()
    assert run_sim(e, "openssl genrsa -out k.pem 2048") == run_real(tmp_path, "openssl genrsa -out k.pem 2048")
    export(e, tmp_path, "k.pem")
    assert run_real(tmp_path, "openssl rsa -in k.pem -check -noout") == ("RSA key ok\n", "", 0)
    assert run_sim(e, "openssl rsa -in k.pem -check -noout") == ("RSA key ok\n", "", 0)


@needs_openssl
def test_a_ca_signs_a_request_and_keeps_the_serial_file(tmp_path):
    lines = [DOCS_REQ.replace("tls.", "ca.") + " 2>/dev/null", "openssl genrsa -out k.pem 2048",
             'openssl req -new -key k.pem -out r.csr -subj "/CN=app.example.com"',
             "openssl x509 -req -in r.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out c.crt -days 30"]
    e = engine()
    got = [run_sim(e, line) for line in lines]
    want = [run_real(tmp_path, line) for line in lines]
    assert got[1:] == want[1:]
    assert got[3][1] == "Certificate request self-signature ok\nsubject=CN = app.example.com\n"
    srl = e.host.files[e.host.abspath("ca.srl")]
    assert re.fullmatch(r"([0-9A-F]{2})+\n", srl)
    real_dir = tmp_path / "sim"
    real_dir.mkdir()
    export(e, real_dir, "ca.crt", "c.crt", "ca.srl")
    assert run_real(real_dir, "openssl verify -CAfile ca.crt c.crt") == ("c.crt: OK\n", "", 0)
    assert run_real(real_dir, "openssl x509 -in c.crt -noout -serial")[0] == f"serial={srl}"
    line = "openssl x509 -in c.crt -noout -text"
    assert run_sim(e, line)[0] == run_real(real_dir, line)[0]
    assert "        Version: 1 (0x0)\n" in run_sim(e, line)[0]


@needs_openssl
@pytest.mark.parametrize("line", [
    "openssl x509 -in nope.crt -noout -text",
    "openssl rsa -in nope.key -check",
    'openssl req -new -key nope.pem -out r.csr -subj "/CN=x"',
    "openssl x509 -in k.pem -noout -subject",
    "openssl x509 -req -in r.csr -CA ca.crt -CAkey k.pem -out d.crt",
])
def test_errors_match_openssl(tmp_path, line):
    e = engine()
    setup = [DOCS_REQ.replace("tls.", "ca.") + " 2>/dev/null", "openssl genrsa -out k.pem 2048",
             'openssl req -new -key k.pem -out r.csr -subj "/CN=foo"']
    for s in setup:
        run_sim(e, s)
    export(e, tmp_path, "ca.crt", "ca.key", "k.pem", "r.csr")
    out, err, code = run_sim(e, line)
    r_out, r_err, r_code = run_real(tmp_path, line)
    assert (out, tid(err), code) == (r_out, tid(r_err), r_code)
    assert code == 1


@needs_openssl
def test_a_subject_without_slashes_is_refused_after_the_key_is_written(tmp_path):
    line = 'openssl req -x509 -nodes -newkey rsa:2048 -keyout a.key -out a.crt -subj "CN=foo"'
    e = engine()
    out, err, code = run_sim(e, line)
    r_out, r_err, r_code = run_real(tmp_path, line)
    assert (code, r_code) == (1, 1)
    assert err.split("-----\n", 1)[1] == r_err.split("-----\n", 1)[1]
    assert err.split("-----\n", 1)[1].startswith("req: subject name is expected to be in the format ")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.key"]
    assert e.host.abspath("a.key") in e.host.files and e.host.abspath("a.crt") not in e.host.files


def test_the_same_sandbox_seed_makes_the_same_certificate():
    a, b = engine(), engine()
    for e in (a, b):
        run_sim(e, DOCS_REQ)
    assert a.host.files[a.host.abspath("tls.crt")] == b.host.files[b.host.abspath("tls.crt")]
    fp = run_sim(a, "openssl x509 -in tls.crt -noout -fingerprint")[0]
    assert re.fullmatch(r"SHA1 Fingerprint=([0-9A-F]{2}:){19}[0-9A-F]{2}\n", fp)


def test_kubectl_refuses_a_key_that_is_not_the_certificates():
    """k8s.io/kubectl pkg/cmd/create/create_secret_tls.go calls tls.X509KeyPair (crypto/tls/tls.go), whose
    check of an RSA pair is `pub.N.Cmp(priv.N) != 0` -> "tls: private key does not match public key"."""
    e = engine()
    run_sim(e, DOCS_REQ)
    run_sim(e, "openssl genrsa -out other.key 2048")
    r = e.run("kubectl create secret tls t --cert=tls.crt --key=other.key")
    assert (r.output, r.exit_code) == ("error: tls: private key does not match public key\n", 1)
    r = e.run("kubectl create secret tls t --cert=tls.crt --key=tls.key")
    assert (r.output, r.exit_code) == ("secret/t created\n", 0)


@needs_openssl
@pytest.mark.parametrize("bits", [1024, 3072, 4096])
def test_other_key_sizes_are_valid_keys_of_that_size(tmp_path, bits):
    e = engine()
    assert run_sim(e, f"openssl genrsa -out k.pem {bits}") == ("", "", 0)
    export(e, tmp_path, "k.pem")
    assert run_real(tmp_path, "openssl rsa -in k.pem -check -noout") == ("RSA key ok\n", "", 0)
    modulus = run_sim(e, "openssl rsa -in k.pem -noout -modulus")[0]
    assert modulus == run_real(tmp_path, "openssl rsa -in k.pem -noout -modulus")[0]
    assert int(modulus.split("=", 1)[1], 16).bit_length() == bits
