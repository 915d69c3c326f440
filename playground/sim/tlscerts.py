"""Real keys and certificates for the learner's TLS work (`openssl`, `kubectl create secret tls`, Ingress TLS,
curl's verification), built with the `cryptography` package so every file is valid PEM that a real openssl
reads, and printed the way OpenSSL 3.0 prints them (crypto/x509/t_x509.c, crypto/asn1/a_time.c).

RSA keys come from the sandbox's seeded generator, not the OS: one cluster draw picks two primes of a fixed
pool (rsa_primes.py; 1024 to 4096 bits), so a replay of the same commands gives the same key, certificate and
fingerprint, and a key costs a few milliseconds rather than a prime search (about 0.4 s for 2048 bits in
Python, several seconds on a loaded server: past a line's wall limit). Other sizes are searched for.
"""
from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import importlib
import ipaddress
import math
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import rsa_primes


class _Lazy:
    """A module of `cryptography` imported on its first use: the package is ~70 ms of imports that only TLS
    commands need, and every program that may print a certificate imports this module."""

    def __init__(self, module: str):
        self._module = module

    def __getattr__(self, name: str):
        return getattr(importlib.import_module(self._module), name)


if TYPE_CHECKING:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa
    from cryptography.x509 import oid as _oid
else:
    x509 = _Lazy("cryptography.x509")
    hashes = _Lazy("cryptography.hazmat.primitives.hashes")
    serialization = _Lazy("cryptography.hazmat.primitives.serialization")
    padding = _Lazy("cryptography.hazmat.primitives.asymmetric.padding")
    rsa = _Lazy("cryptography.hazmat.primitives.asymmetric.rsa")
    _oid = _Lazy("cryptography.x509.oid")


def _odd_primes_below(n: int) -> list[int]:
    """Eratosthenes' sieve (trial division of each number cost ~20 ms at import)."""
    sieve = bytearray([1]) * n
    sieve[0:2] = b"\x00\x00"
    for p in range(2, int(n ** 0.5) + 1):
        if sieve[p]:
            sieve[p * p::p] = bytes(len(range(p * p, n, p)))
    return [p for p in range(3, n) if sieve[p]]


_SMALL_PRIMES = _odd_primes_below(20000)
_PRIMORIAL = math.prod(_SMALL_PRIMES)
_KEYS: dict[tuple[int, int], rsa.RSAPrivateKey] = {}
_KEY_CACHE = 64


def _probable_prime(n: int, rounds: int, rng: random.Random) -> bool:
    d, s = n - 1, 0
    while d % 2 == 0:
        d //= 2
        s += 1
    for i in range(rounds):
        a = 2 if i == 0 else rng.randrange(2, n - 2)
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


def _prime(rng: random.Random, bits: int) -> int:
    while True:
        n = rng.getrandbits(bits) | (3 << (bits - 2)) | 1      # top two bits set: p*q has all its bits
        for _ in range(4000):
            if (math.gcd(n, _PRIMORIAL) == 1 and (n - 1) % 65537 and _probable_prime(n, 1, rng)
                    and _probable_prime(n, 8, rng)):
                return n
            n += 2


def rsa_key(seed: int, bits: int = 2048) -> rsa.RSAPrivateKey:
    """The RSA key (e = 65537) for one seed: the same seed, the same key."""
    cached = _KEYS.get((seed, bits))
    if cached is not None:
        return cached
    rng = random.Random(seed)
    e = 65537
    pool = rsa_primes.PRIMES.get(bits // 2) if bits % 2 == 0 else None
    if pool:
        i, j = rng.sample(range(len(pool)), 2)
        p, q = pool[i], pool[j]
    else:
        while True:
            p = _prime(rng, bits - bits // 2)
            q = _prime(rng, bits // 2)
            if p != q and (p * q).bit_length() == bits:
                break
    if p < q:
        p, q = q, p
    lam = (p - 1) * (q - 1) // math.gcd(p - 1, q - 1)
    d = pow(e, -1, lam)
    key = rsa.RSAPrivateNumbers(p, q, d, d % (p - 1), d % (q - 1), pow(q, -1, p),
                                rsa.RSAPublicNumbers(e, p * q)).private_key()
    if len(_KEYS) >= _KEY_CACHE:
        _KEYS.pop(next(iter(_KEYS)))
    _KEYS[(seed, bits)] = key
    return key


def key_pem(key: rsa.RSAPrivateKey) -> str:
    """PKCS#8, unencrypted: what `openssl genrsa` and `req -newkey -nodes` write in 3.0."""
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def cert_pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def cert_der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


def csr_pem(csr: x509.CertificateSigningRequest) -> str:
    return csr.public_bytes(serialization.Encoding.PEM).decode()


# ---- reading PEM -------------------------------------------------------------------------------------
def load_key(text: str) -> rsa.RSAPrivateKey | None:
    try:
        key = serialization.load_pem_private_key(text.encode(), password=None)
    except (ValueError, TypeError):
        return None
    return key if isinstance(key, rsa.RSAPrivateKey) else None


def load_cert(text: str) -> x509.Certificate | None:
    try:
        return x509.load_pem_x509_certificate(text.encode())
    except ValueError:
        return None


def load_certs(text: str) -> list[x509.Certificate]:
    try:
        return x509.load_pem_x509_certificates(text.encode())
    except ValueError:
        return []


def load_csr(text: str) -> x509.CertificateSigningRequest | None:
    try:
        return x509.load_pem_x509_csr(text.encode())
    except ValueError:
        return None


def same_public_key(cert: x509.Certificate, key: rsa.RSAPrivateKey) -> bool:
    pub = cert.public_key()
    return isinstance(pub, rsa.RSAPublicKey) and pub.public_numbers() == key.public_key().public_numbers()


# ---- names -------------------------------------------------------------------------------------------
# OpenSSL's short names for the attributes a -subj may carry (crypto/objects/objects.txt).
@functools.cache
def short_names() -> dict:
    """OpenSSL's short names of the subject attributes -> their OIDs (built on first use: see _Lazy)."""
    n = _oid.NameOID
    return {"CN": n.COMMON_NAME, "O": n.ORGANIZATION_NAME, "OU": n.ORGANIZATIONAL_UNIT_NAME,
            "C": n.COUNTRY_NAME, "ST": n.STATE_OR_PROVINCE_NAME, "L": n.LOCALITY_NAME,
            "emailAddress": n.EMAIL_ADDRESS, "serialNumber": n.SERIAL_NUMBER,
            "street": n.STREET_ADDRESS, "DC": n.DOMAIN_COMPONENT, "UID": n.USER_ID,
            "title": n.TITLE, "GN": n.GIVEN_NAME, "SN": n.SURNAME}


@functools.cache
def _oid_short() -> dict:
    return {oid: name for name, oid in short_names().items()}


class SubjectError(ValueError):
    pass


def parse_subject(text: str) -> tuple[x509.Name, list[str]]:
    """apps/lib/apps.c parse_name(): `/type0=value0/type1=value1`, `\\` escapes. Unknown types are skipped
    with a warning (returned); a name not in that shape is an error."""
    if not text.startswith("/"):
        raise SubjectError("format")
    attrs: list[x509.NameAttribute] = []
    warnings: list[str] = []
    i, n = 1, len(text)
    while i < n:
        typ = ""
        while i < n and text[i] != "=":
            if text[i] == "\\" and i + 1 < n:
                i += 1
            elif text[i] == "/":
                raise SubjectError(f"missing-equal:{typ}")
            typ += text[i]
            i += 1
        if i >= n:
            raise SubjectError(f"missing-equal:{typ}")
        i += 1
        value = ""
        while i < n and text[i] != "/":
            if text[i] == "\\" and i + 1 < n:
                i += 1
            value += text[i]
            i += 1
        i += 1
        oid = short_names().get(typ)
        if oid is None:
            warnings.append(typ)
            continue
        if not value:
            warnings.append("")
            continue
        attrs.append(x509.NameAttribute(oid, value))
    return x509.Name(attrs), warnings


def oneline(name: x509.Name, sep: str = ", ", eq: str = " = ") -> str:
    """X509_NAME_print_ex with XN_FLAG_ONELINE (`CN = foo, O = bar`), in the name's own order."""
    return sep.join(f"{_oid_short().get(a.oid, a.oid.dotted_string)}{eq}{a.value!s}" for a in name)


def common_name(name: x509.Name) -> str | None:
    cns = name.get_attributes_for_oid(_oid.NameOID.COMMON_NAME)
    return str(cns[-1].value) if cns else None


# ---- making certificates -----------------------------------------------------------------------------
def serial_from(seed: int) -> int:
    """A 159-bit positive serial as openssl's rand_serial() draws it (20 bytes, top bit clear)."""
    return random.Random(seed ^ 0x5E41A1).getrandbits(159) | 1


def _when(ts: float) -> _dt.datetime:
    return _dt.datetime.fromtimestamp(int(ts), tz=_dt.timezone.utc)


def parse_san(value: str) -> list[x509.GeneralName]:
    """`subjectAltName=DNS:a,DNS:b,IP:10.0.0.1` (the value after `subjectAltName=`)."""
    out: list[x509.GeneralName] = []
    for part in value.split(","):
        kind, _, v = part.strip().partition(":")
        if kind == "DNS":
            out.append(x509.DNSName(v))
        elif kind == "IP":
            out.append(x509.IPAddress(ipaddress.ip_address(v)))
        elif kind == "email":
            out.append(x509.RFC822Name(v))
        elif kind == "URI":
            out.append(x509.UniformResourceIdentifier(v))
        else:
            raise ValueError(part)
    return out


def self_signed(key: rsa.RSAPrivateKey, subject: x509.Name, days: int, now: float, serial: int,
                san: list[x509.GeneralName] | None = None) -> x509.Certificate:
    """`openssl req -x509`: version 3 with the v3_ca extensions of the default openssl.cnf (subject and
    authority key identifiers, basicConstraints critical CA:TRUE), then any -addext."""
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    b = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
         .serial_number(serial).not_valid_before(_when(now)).not_valid_after(_when(now + days * 86400))
         .add_extension(ski, critical=False)
         .add_extension(x509.AuthorityKeyIdentifier(ski.digest, None, None), critical=False)
         .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True))
    if san:
        b = b.add_extension(x509.SubjectAlternativeName(san), critical=False)
    return b.sign(key, hashes.SHA256())


def make_csr(key: rsa.RSAPrivateKey, subject: x509.Name,
             san: list[x509.GeneralName] | None = None) -> x509.CertificateSigningRequest:
    b = x509.CertificateSigningRequestBuilder().subject_name(subject)
    if san:
        b = b.add_extension(x509.SubjectAlternativeName(san), critical=False)
    return b.sign(key, hashes.SHA256())


def sign_request(csr: x509.CertificateSigningRequest, ca: x509.Certificate, ca_key: rsa.RSAPrivateKey,
                 days: int, now: float, serial: int) -> x509.Certificate:
    """`openssl x509 -req -CA ... -CAkey ...` without -extfile: the request's subject and key, no extensions
    (OpenSSL 3.0 writes such a certificate as version 1)."""
    b = (x509.CertificateBuilder().subject_name(csr.subject).issuer_name(ca.subject).public_key(csr.public_key())
         .serial_number(serial).not_valid_before(_when(now)).not_valid_after(_when(now + days * 86400)))
    cert = b.sign(ca_key, hashes.SHA256())
    return _as_v1(cert, ca_key)


def _as_v1(cert: x509.Certificate, key: rsa.RSAPrivateKey) -> x509.Certificate:
    """Re-encode a certificate without extensions as X.509 v1 (the `[0] EXPLICIT Version` dropped), signed
    again over the new TBSCertificate."""
    tbs = cert.tbs_certificate_bytes
    # TBSCertificate ::= SEQUENCE { [0] EXPLICIT version (a0 03 02 01 02), serial, ... }
    hdr_len, body = _der_split(tbs)
    assert body.startswith(b"\xa0\x03\x02\x01\x02")
    new_tbs = _der_seq(body[5:])
    sig = key.sign(new_tbs, padding.PKCS1v15(), hashes.SHA256())
    alg = _der_split_first(cert.public_bytes(serialization.Encoding.DER))[1]
    der = _der_seq(new_tbs + alg + _der_tlv(0x03, b"\x00" + sig))
    return x509.load_der_x509_certificate(der)


def _der_len(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def _der_tlv(tag: int, body: bytes) -> bytes:
    return bytes([tag]) + _der_len(len(body)) + body


def _der_seq(body: bytes) -> bytes:
    return _der_tlv(0x30, body)


def _der_split(der: bytes) -> tuple[int, bytes]:
    """(header length, body) of one DER element."""
    first = der[1]
    if first < 0x80:
        return 2, der[2:2 + first]
    n = first & 0x7F
    length = int.from_bytes(der[2:2 + n], "big")
    return 2 + n, der[2 + n:2 + n + length]


def _der_split_first(cert_der: bytes) -> tuple[bytes, bytes]:
    """The Certificate's TBSCertificate and signatureAlgorithm elements."""
    _, body = _der_split(cert_der)
    hl, tbs_body = _der_split(body)
    tbs = body[:hl + len(tbs_body)]
    rest = body[len(tbs):]
    hl2, alg_body = _der_split(rest)
    return tbs, rest[:hl2 + len(alg_body)]


# ---- printing as OpenSSL 3.0 -------------------------------------------------------------------------
def asn1_time(when: _dt.datetime) -> str:
    """ASN1_TIME_print: `Dec  6 20:38:52 2026 GMT`."""
    return f"{when:%b} {when.day:2d} {when:%H:%M:%S} {when.year} GMT"


def _hex_lines(data: bytes, per_line: int, indent: int) -> str:
    parts = [f"{b:02x}" for b in data]
    rows = [":".join(parts[i:i + per_line]) for i in range(0, len(parts), per_line)]
    return ":\n".join(" " * indent + r for r in rows) + "\n"


def _colon_hex(data: bytes, upper: bool = True) -> str:
    return ":".join(f"{b:02X}" if upper else f"{b:02x}" for b in data)


def _int_bytes(n: int) -> bytes:
    raw = n.to_bytes((n.bit_length() + 7) // 8 or 1, "big")
    return b"\x00" + raw if raw[0] & 0x80 else raw


def serial_text(n: int) -> str:
    """X509_print_ex's serial: on one line when it fits a long, else as colon hex on its own line."""
    if n.bit_length() <= 63:
        return f"        Serial Number: {n} ({n:#x})\n"
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return f"        Serial Number:\n            {_colon_hex(raw, upper=False)}\n"


def _general_name(g: x509.GeneralName) -> str:
    if isinstance(g, x509.DNSName):
        return f"DNS:{g.value}"
    if isinstance(g, x509.IPAddress):
        return f"IP Address:{g.value}"
    if isinstance(g, x509.RFC822Name):
        return f"email:{g.value}"
    if isinstance(g, x509.UniformResourceIdentifier):
        return f"URI:{g.value}"
    return "othername:<unsupported>"


def _extension_text(ext: x509.Extension) -> tuple[str, str]:
    v = ext.value
    if isinstance(v, x509.SubjectKeyIdentifier):
        return "X509v3 Subject Key Identifier", _colon_hex(v.digest)
    if isinstance(v, x509.AuthorityKeyIdentifier):
        return "X509v3 Authority Key Identifier", _colon_hex(v.key_identifier or b"")
    if isinstance(v, x509.BasicConstraints):
        text = f"CA:{'TRUE' if v.ca else 'FALSE'}"
        if v.path_length is not None:
            text += f", pathlen:{v.path_length}"
        return "X509v3 Basic Constraints", text
    if isinstance(v, x509.SubjectAlternativeName):
        return "X509v3 Subject Alternative Name", ", ".join(_general_name(g) for g in v)
    if isinstance(v, x509.KeyUsage):
        names = [("digital_signature", "Digital Signature"), ("content_commitment", "Non Repudiation"),
                 ("key_encipherment", "Key Encipherment"), ("data_encipherment", "Data Encipherment"),
                 ("key_agreement", "Key Agreement"), ("key_cert_sign", "Certificate Sign"),
                 ("crl_sign", "CRL Sign")]
        return "X509v3 Key Usage", ", ".join(label for attr, label in names if getattr(v, attr))
    if isinstance(v, x509.ExtendedKeyUsage):
        labels = {"1.3.6.1.5.5.7.3.1": "TLS Web Server Authentication",
                  "1.3.6.1.5.5.7.3.2": "TLS Web Client Authentication"}
        return "X509v3 Extended Key Usage", ", ".join(labels.get(o.dotted_string, o.dotted_string) for o in v)
    return ext.oid.dotted_string, "<not shown by the playground>"


def x509_text(cert: x509.Certificate) -> str:
    """`openssl x509 -text` (X509_print_ex with the default flags)."""
    pub = cert.public_key()
    assert isinstance(pub, rsa.RSAPublicKey)
    nums = pub.public_numbers()
    version = cert.version.value
    out = ["Certificate:\n", "    Data:\n", f"        Version: {version + 1} ({version:#x})\n",
           serial_text(cert.serial_number),
           "        Signature Algorithm: sha256WithRSAEncryption\n",
           f"        Issuer: {oneline(cert.issuer)}\n", "        Validity\n",
           f"            Not Before: {asn1_time(cert.not_valid_before_utc)}\n",
           f"            Not After : {asn1_time(cert.not_valid_after_utc)}\n",
           f"        Subject: {oneline(cert.subject)}\n", "        Subject Public Key Info:\n",
           "            Public Key Algorithm: rsaEncryption\n",
           f"                Public-Key: ({pub.key_size} bit)\n", "                Modulus:\n",
           _hex_lines(_int_bytes(nums.n), 15, 20),
           f"                Exponent: {nums.e} ({nums.e:#x})\n"]
    exts = list(cert.extensions) if version == 2 else []
    if exts:
        out.append("        X509v3 extensions:\n")
        for ext in exts:
            name, value = _extension_text(ext)
            out.append(f"            {name}: {'critical' if ext.critical else ''}\n")
            out.append(f"                {value}\n")
    out.append("    Signature Algorithm: sha256WithRSAEncryption\n")
    out.append("    Signature Value:\n")
    out.append(_hex_lines(cert.signature, 18, 8))
    return "".join(out)


def fingerprint(cert: x509.Certificate, digest: str = "sha1") -> str:
    """`-fingerprint`: `SHA1 Fingerprint=6A:4C:...` (OpenSSL 3.0 names the default digest SHA1 and others
    by their lower-case name)."""
    der = cert.public_bytes(serialization.Encoding.DER)
    value = hashlib.new(digest, der).digest()
    label = "SHA1" if digest == "sha1" else digest
    return f"{label} Fingerprint={_colon_hex(value)}"


# ---- checking what a TLS client would ----------------------------------------------------------------
def signed_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    if cert.issuer != issuer.subject:
        return False
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, Exception):      # InvalidSignature and friends
        return False
    return True


def self_issued(cert: x509.Certificate) -> bool:
    return cert.issuer == cert.subject and signed_by(cert, cert)


@dataclass
class Verdict:
    """The result of OpenSSL's chain check as curl reports it (X509_verify_cert_error_string), or ok."""
    ok: bool
    reason: str = ""
    code: int = 0


def verify_chain(leaf: x509.Certificate, trusted: list[x509.Certificate], now: float) -> Verdict:
    """X509_verify_cert for a one-certificate chain against a trust store."""
    anchor = next((t for t in trusted if t.public_bytes(serialization.Encoding.DER) ==
                   leaf.public_bytes(serialization.Encoding.DER)), None)
    if anchor is None:
        anchor = next((t for t in trusted if signed_by(leaf, t)), None)
        if anchor is None:
            if self_issued(leaf):
                return Verdict(False, "self-signed certificate", 18)
            return Verdict(False, "unable to get local issuer certificate", 20)
    moment = _when(now)
    if moment < leaf.not_valid_before_utc:
        return Verdict(False, "certificate is not yet valid", 9)
    if moment > leaf.not_valid_after_utc:
        return Verdict(False, "certificate has expired", 10)
    return Verdict(True)


def san_names(cert: x509.Certificate) -> tuple[list[str], list[str]]:
    """(DNS names, IP addresses) of the subjectAltName extension."""
    try:
        ext = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return [], []
    return ext.get_values_for_type(x509.DNSName), [str(ip) for ip in ext.get_values_for_type(x509.IPAddress)]


def host_matches(pattern: str, host: str) -> bool:
    """A certificate name against a host name: exact (case-insensitive), or a `*.` wildcard for one label."""
    pattern, host = pattern.lower().rstrip("."), host.lower().rstrip(".")
    if pattern.startswith("*."):
        head, _, rest = host.partition(".")
        return bool(head) and rest == pattern[2:]
    return pattern == host


def go_verify_hostname(cert: x509.Certificate, host: str) -> bool:
    """crypto/x509 Certificate.VerifyHostname: SANs only (Go ignores the Common Name since 1.15)."""
    dns, ips = san_names(cert)
    try:
        return str(ipaddress.ip_address(host.strip("[]"))) in ips
    except ValueError:
        return any(host_matches(d, host) for d in dns)


def go_fake_certificate(key: rsa.RSAPrivateKey, now: float, serial: int, host: str) -> x509.Certificate:
    """ingress-nginx's default "Fake Certificate" (internal/net/ssl/ssl.go getFakeHostSSLCert) as Go's
    x509.CreateCertificate encodes it: O=Acme Co before CN (pkix.Name's order), a year's validity, key usage
    and server-auth, basicConstraints CA:FALSE, the SAN `host`."""
    name = x509.Name([x509.NameAttribute(_oid.NameOID.ORGANIZATION_NAME, "Acme Co"),
                      x509.NameAttribute(_oid.NameOID.COMMON_NAME, "Kubernetes Ingress Controller Fake Certificate")])
    usage = x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=True,
                          data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                          encipher_only=False, decipher_only=False)
    return (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(serial).not_valid_before(_when(now)).not_valid_after(_when(now + 365 * 86400))
            .add_extension(usage, critical=True)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
            .sign(key, hashes.SHA256()))


def go_hostname_error(cert: x509.Certificate, host: str) -> str:
    """crypto/x509 HostnameError.Error()."""
    dns, ips = san_names(cert)
    try:
        cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
        has_san = True
    except x509.ExtensionNotFound:
        has_san = False
    cn = common_name(cert.subject) or ""
    if not has_san and host_matches(cn, host):
        return "x509: certificate relies on legacy Common Name field, use SANs instead"
    try:
        ipaddress.ip_address(host)
        if not ips:
            return f"x509: cannot validate certificate for {host} because it doesn't contain any IP SANs"
        valid = ", ".join(ips)
    except ValueError:
        valid = ", ".join(dns)
    if not valid:
        return f"x509: certificate is not valid for any names, but wanted to match {host}"
    return f"x509: certificate is valid for {valid}, not {host}"
