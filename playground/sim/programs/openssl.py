"""`openssl` 3.0 on the learner's machine (Ubuntu 24.04's 3.0.13): the commands the Kubernetes docs use to
make a certificate for an Ingress or a Service (`req -x509 -newkey`, `genrsa`, `req -new`, `x509 -req -CA`)
and to look at one (`x509 -noout -text|-subject|-issuer|-dates|-fingerprint`, `rsa -check|-modulus`).

Keys and certificates are real (playground/sim/tlscerts.py, the `cryptography` package), drawn from the
sandbox's seeded generator. Messages follow OpenSSL 3.0's apps (apps/req.c, apps/x509.c, apps/genrsa.c,
apps/rsa.c, apps/lib/apps.c) as the real binary prints them: tests/sim/test_openssl.py runs a real openssl
on the same commands and compares.
"""
from __future__ import annotations

from .. import images, ingress, network, tlscerts
from ..proc import Proc
from . import program, vfs

VERSION_TEXT = "OpenSSL 3.0.13 30 Jan 2024 (Library: OpenSSL 3.0.13 30 Jan 2024)\n"
COMMANDS = ("req", "x509", "genrsa", "rsa", "version", "s_client")
STORE_SCHEME = ("error:16000069:STORE routines:ossl_store_get0_loader_int:unregistered scheme:"
                "../crypto/store/store_register.c:237:scheme=file")
NO_FILE = ("error:80000002:system library:file_open:No such file or directory:"
           "../providers/implementations/storemgmt/file_store.c:266:calling stat({path})")
UNSUPPORTED = "error:1608010C:STORE routines:ossl_store_handle_load_result:unsupported:../crypto/store/store_result.c:149:"
KEY_MISMATCH = ("error:05800074:x509 certificate routines:X509_check_private_key:key values mismatch:"
                "../crypto/x509/x509_cmp.c:403:")
SUBJ_FORMAT = ("{prog}: subject name is expected to be in the format /type0=value0/type1=value1/type2=... where "
               "characters may be escaped by \\. This name is not in that format: '{subj}'\n")


class Fail(Exception):
    """The command stops with exit code 1 after printing what it printed."""


class OpenSSL:
    def __init__(self, proc: Proc):
        self.proc = proc
        self.cluster = proc.cluster
        self.host = proc.host
        self._tid = ""

    # -- helpers --
    def tid(self) -> str:
        """The thread id OpenSSL's error queue prints first on each line (one per run)."""
        if not self._tid:
            self._tid = f"40{self.cluster.randint(0, 0xFFFFFFFF):08X}7F0000"
        return self._tid

    def error_line(self, text: str) -> str:
        return f"{self.tid()}:{text}\n"

    def read(self, path: str, what: str, after: str = "") -> str:
        full = self.host.abspath(path)
        content = self.host.files.get(full, vfs.SYSTEM_FILES.get(full))
        if content is None:
            self.proc.err(f"Could not open file or uri for loading {what} from {path}\n"
                          + self.error_line(STORE_SCHEME) + self.error_line(NO_FILE.format(path=path)) + after)
            raise Fail
        return content

    def write(self, path: str | None, content: str) -> None:
        if path is None or path == "-":
            self.proc.out(content)
            return
        err = vfs.write(self.host, self.host.abspath(path), content, append=False, root=False)
        if err:
            self.proc.err(f"Can't open \"{path}\" for writing, {err}\n")
            raise Fail

    def load_cert(self, path: str, after: str = "Unable to load certificate\n"):
        text = self.read(path, "certificate", after)
        cert = tlscerts.load_cert(text)
        if cert is None:
            self.proc.err(f"Could not read certificate from {path}\n" + self.error_line(UNSUPPORTED) + after)
            raise Fail
        return cert

    def load_key(self, path: str):
        text = self.read(path, "private key")
        key = tlscerts.load_key(text)
        if key is None:
            self.proc.err(f"Could not read private key from {path}\n" + self.error_line(UNSUPPORTED))
            raise Fail
        return key

    def new_key(self, bits: int, progress: bool):
        key = tlscerts.rsa_key(self.cluster.randint(0, 2 ** 62), bits)
        if progress:
            self.proc.err(self.progress())
        return key

    def progress(self) -> str:
        """What req's progress callback prints while RSA's FIPS 186-4 prime generation runs: per prime
        (two lines), two auxiliary primes and the prime itself, each a run of candidates (`.` per candidate
        that passed trial division, `+` per Miller-Rabin round), `*` after an auxiliary prime."""
        rnd = self.cluster.randint
        lines = []
        for _ in range(2):
            segs = []
            for _ in range(3):
                seg = "".join("." * rnd(1, 8) + "+" for _ in range(rnd(0, 25)))
                segs.append(seg + "." * rnd(1, 8) + "+" * 65)
            lines.append("*".join(segs) + "\n")
        return "".join(lines)

    def serial(self) -> int:
        return tlscerts.serial_from(self.cluster.randint(0, 2 ** 62))

    # -- commands --
    def req(self, args: list[str]) -> int:
        o = _options(self.proc, args, flags={"x509", "nodes", "noenc", "new", "noout", "text", "batch", "verbose", "quiet",
                                  "sha256", "sha1", "sha512", "utf8"},
                     values={"days", "newkey", "key", "keyout", "out", "subj", "addext", "in", "config",
                             "extensions", "reqexts", "set_serial"}, prog="req")
        if o is None:
            return 1
        for unsupported in ("in", "config", "extensions", "reqexts", "text"):
            if unsupported in o:
                self.proc.err(f"podscape: the playground does not simulate openssl req -{unsupported}\n")
                return 1
        if "subj" not in o:
            self.proc.err("podscape: openssl req asks for the certificate's subject on the terminal; the playground "
                          "needs it on the command line: -subj \"/CN=foo.bar.com\"\n")
            return 1
        if "newkey" in o and not ("nodes" in o or "noenc" in o):
            self.proc.err("podscape: openssl would ask for a PEM pass phrase to encrypt the new key; the playground "
                          "needs -nodes (or -noenc)\n")
            return 1
        sans: list = []
        for ext in o.get("addext", []):
            name, eq, value = ext.partition("=")
            if name.strip() != "subjectAltName" or not eq:
                self.proc.err(f"podscape: the playground simulates -addext subjectAltName=... only, not {ext}\n")
                return 1
            if sans:
                self.proc.err(f"Duplicate extension: {ext}\nreq: Use -help for summary.\n")
                return 1
            try:
                sans = tlscerts.parse_san(value)
            except ValueError:
                self.proc.err(f"podscape: the playground does not simulate the subjectAltName {value}\n")
                return 1
        if "newkey" in o:
            kind, _, bits_text = o["newkey"][-1].partition(":")
            if kind != "rsa" or (bits_text and not bits_text.isdigit()):
                self.proc.err(f"podscape: the playground simulates -newkey rsa:BITS only, not {o['newkey'][-1]}\n")
                return 1
            key = self.new_key(int(bits_text or 2048), progress="quiet" not in o)
            self.write(o.get("keyout", ["privkey.pem"])[-1], tlscerts.key_pem(key))
            if "quiet" not in o:
                self.proc.err("-----\n")
        elif "key" in o:
            key = self.load_key(o["key"][-1])
        else:
            self.proc.err("podscape: the playground needs -newkey rsa:2048 or -key FILE for openssl req\n")
            return 1
        subj = o["subj"][-1]
        try:
            name, skipped = tlscerts.parse_subject(subj)
        except tlscerts.SubjectError:
            self.proc.err(SUBJ_FORMAT.format(prog="req", subj=subj))
            return 1
        for typ in skipped:
            if typ:
                self.proc.err(f"req warning: Skipping unknown subject name attribute \"{typ}\"\n")
        if "x509" in o:
            days = _days(o)
            cert = tlscerts.self_signed(key, name, days, self.cluster.now, self.serial(), sans)
            pem = tlscerts.cert_pem(cert)
        else:
            pem = tlscerts.csr_pem(tlscerts.make_csr(key, name, sans))
        if "noout" not in o:
            self.write(o.get("out", [None])[-1], pem)
        return 0

    def genrsa(self, args: list[str]) -> int:
        o = _options(self.proc, args, flags={"verbose", "quiet", "traditional"}, values={"out", "aes256", "passout"},
                     prog="genrsa", positional=True)
        if o is None:
            return 1
        pos = o.get("", [])
        bits = 2048
        if pos:
            if not pos[0].isdigit():
                self.proc.err(f"genrsa: Unknown option or number of bits: {pos[0]}\ngenrsa: Use -help for summary.\n")
                return 1
            bits = int(pos[0])
        if bits < 512:
            self.proc.err("podscape: keys shorter than 512 bits are refused by OpenSSL 3.0's providers\n")
            return 1
        key = self.new_key(bits, progress=False)
        if "verbose" in o:
            self.proc.err(self.progress())
        self.write(o.get("out", [None])[-1], tlscerts.key_pem(key))
        return 0

    def rsa(self, args: list[str]) -> int:
        o = _options(self.proc, args, flags={"check", "noout", "modulus", "text", "pubout"}, values={"in", "out"}, prog="rsa")
        if o is None:
            return 1
        if "in" not in o:
            self.proc.err("podscape: the playground reads the key from -in FILE (not from the terminal)\n")
            return 1
        for unsupported in ("text", "pubout"):
            if unsupported in o:
                self.proc.err(f"podscape: the playground does not simulate openssl rsa -{unsupported}\n")
                return 1
        key = self.load_key(o["in"][-1])
        if "modulus" in o:
            self.proc.out(f"Modulus={key.public_key().public_numbers().n:X}\n")
        if "check" in o:
            self.proc.out("RSA key ok\n")
        if "noout" not in o:
            self.proc.err("writing RSA key\n")
            self.write(o.get("out", [None])[-1], tlscerts.key_pem(key))
        return 0

    def x509(self, args: list[str]) -> int:
        prints = ("text", "subject", "issuer", "dates", "fingerprint", "serial", "startdate", "enddate", "modulus")
        o = _options(self.proc, args, flags={"noout", "req", "CAcreateserial", "sha1", "sha256", "nameopt", *prints},
                     values={"in", "out", "CA", "CAkey", "CAserial", "days", "signkey", "extfile", "extensions"},
                     prog="x509", ordered=True)
        if o is None:
            return 1
        for unsupported in ("signkey", "extfile", "extensions"):
            if unsupported in o:
                self.proc.err(f"podscape: the playground does not simulate openssl x509 -{unsupported}\n")
                return 1
        if "in" not in o:
            self.proc.err("podscape: the playground reads the certificate from -in FILE (not from the terminal)\n")
            return 1
        if "req" in o:
            cert = self.sign(o)
        else:
            cert = self.load_cert(o["in"][-1])
        digest = "sha256" if "sha256" in o else "sha1"
        for flag in o.get("#order", []):
            if flag == "text":
                self.proc.out(tlscerts.x509_text(cert))
            elif flag == "subject":
                self.proc.out(f"subject={tlscerts.oneline(cert.subject)}\n")
            elif flag == "issuer":
                self.proc.out(f"issuer={tlscerts.oneline(cert.issuer)}\n")
            elif flag in ("dates", "startdate", "enddate"):
                if flag != "enddate":
                    self.proc.out(f"notBefore={tlscerts.asn1_time(cert.not_valid_before_utc)}\n")
                if flag != "startdate":
                    self.proc.out(f"notAfter={tlscerts.asn1_time(cert.not_valid_after_utc)}\n")
            elif flag == "fingerprint":
                self.proc.out(tlscerts.fingerprint(cert, digest) + "\n")
            elif flag == "serial":
                self.proc.out(f"serial={_hex_bytes(cert.serial_number)}\n")
            elif flag == "modulus":
                self.proc.out(f"Modulus={cert.public_key().public_numbers().n:X}\n")    # type: ignore[union-attr]
        if "noout" not in o:
            self.write(o.get("out", [None])[-1], tlscerts.cert_pem(cert))
        return 0

    def sign(self, o: dict):
        """x509 -req: check the request's self-signature, then sign it with -CA/-CAkey."""
        text = self.read(o["in"][-1], "certificate request")
        csr = tlscerts.load_csr(text)
        if csr is None:
            self.proc.err(f"Could not read certificate request from {o['in'][-1]}\n" + self.error_line(UNSUPPORTED)
                          + "Unable to load certificate request\n")
            raise Fail
        if not csr.is_signature_valid:
            self.proc.err("Certificate request self-signature verify failure\n")
            raise Fail
        self.proc.err("Certificate request self-signature ok\n")
        self.proc.err(f"subject={tlscerts.oneline(csr.subject)}\n")
        if "CA" not in o:
            self.proc.err("podscape: the playground simulates openssl x509 -req with -CA and -CAkey only\n")
            raise Fail
        ca = self.load_cert(o["CA"][-1], after="Unable to load CA certificate\n")
        ca_key = self.load_key(o.get("CAkey", o["CA"])[-1])
        if not tlscerts.same_public_key(ca, ca_key):
            self.proc.err("CA certificate and CA private key do not match\n" + self.error_line(KEY_MISMATCH))
            raise Fail
        serial = self.ca_serial(o)
        return tlscerts.sign_request(csr, ca, ca_key, _days(o), self.cluster.now, serial)

    def ca_serial(self, o: dict) -> int:
        """x509_load_serial(): the serial file (-CAserial, else the CA file's name with .srl) is read and
        incremented, or created with a random serial under -CAcreateserial; with neither the file nor the
        option, a random serial that is not saved."""
        ca = o["CA"][-1]
        base = ca.rsplit(".", 1)[0] if "." in ca.rsplit("/", 1)[-1] else ca
        path = o.get("CAserial", [base + ".srl"])[-1]
        text = self.host.files.get(self.host.abspath(path))
        if text is None and "CAcreateserial" not in o:
            if "CAserial" in o:
                self.read(path, "serial number")        # -CAserial names a missing file: an error
            return self.serial()
        if text is not None:
            try:
                serial = int(text.strip(), 16) + 1
            except ValueError:
                self.proc.err(f"unable to load number from {path}\n")
                raise Fail
        else:
            serial = self.serial() + 1
        self.write(path, _hex_bytes(serial) + "\n")
        return serial


REFUSED = ("error:8000006F:system library:BIO_connect:Connection refused:../crypto/bio/bio_sock2.c:117:"
           "calling connect()")
CONNECT_ERROR = "error:10000067:BIO routines:BIO_connect:connect error:../crypto/bio/bio_sock2.c:119:"
CAFILE_OPEN = ("error:80000002:system library:BIO_new_file:No such file or directory:../crypto/bio/bss_file.c:67:"
               "calling fopen({path}, r)")
CAFILE_NOFILE = "error:10000080:BIO routines:BIO_new_file:no such file:../crypto/bio/bss_file.c:75:"
CAFILE_LOAD = ("error:05880002:x509 certificate routines:X509_load_cert_crl_file_ex:system lib:"
               "../crypto/x509/by_file.c:229:")
LOOKUP = "error:10080002:BIO routines:BIO_lookup_ex:system lib:../crypto/bio/bio_addr.c:746:Name or service not known"


def s_client(tool: "OpenSSL", args: list[str]) -> int:
    """apps/s_client.c against the playground's TLS servers (ingress-nginx's 443), its stdin at its end (as
    with `</dev/null` or `echo |`): the verify callback's lines (apps/lib/s_cb.c verify_callback) on stderr,
    the session summary (print_stuff) on stdout, DONE. Byte counts are those of a TLS 1.3 handshake with an
    X25519 key share and an RSA certificate, measured against `openssl s_server`: the client writes 377
    bytes plus 9 and the name for SNI; it reads 556 bytes plus the certificate's DER (2048-bit key)."""
    proc, cluster = tool.proc, tool.cluster
    o = _options(proc, args, flags={"noservername", "showcerts", "quiet", "brief", "tls1_3", "tls1_2"},
                 values={"connect", "servername", "CAfile", "verify"}, prog="s_client")
    if o is None:
        return 1
    if "showcerts" in o or "brief" in o or "tls1_2" in o:
        proc.err("podscape: the playground does not simulate -showcerts, -brief or -tls1_2 for openssl s_client\n")
        return 1
    trusted: list = []
    for path in o.get("CAfile", []):       # read before connecting (X509_STORE_load_file)
        text = proc.host.files.get(proc.host.abspath(path))
        if text is None:
            proc.err(tool.error_line(CAFILE_OPEN.format(path=path)) + tool.error_line(CAFILE_NOFILE)
                     + tool.error_line(CAFILE_LOAD))
            return 1
        trusted += tlscerts.load_certs(text)
    target = o.get("connect", ["localhost:4433"])[-1]
    host, _, port_text = target.rpartition(":")
    if not host or not port_text.isdigit():
        host, port_text = target, "4433"
    host = host.strip("[]")
    w = network.walk(cluster, proc.host.files, network.HOST, host, int(port_text))
    proc.engine.trace(w.as_trace())
    if w.verdict == "unresolved":
        proc.err(tool.error_line(LOOKUP) + "connect:errno=22\n")
        return 1
    if w.verdict != "ok" or w.backend is None:
        if w.verdict == "timeout":
            proc.err("podscape: nothing answers and openssl s_client would wait for the kernel's connect timeout "
                     "(about two minutes); the playground stops here\n")
            return 1
        proc.err(tool.error_line(REFUSED) + tool.error_line(CONNECT_ERROR) + "connect:errno=111\n")
        return 1
    b = w.backend
    if not (b.namespace and images.repository(b.image) == ingress.CONTROLLER_IMAGE_REPO and b.port == 443):
        proc.err(f"podscape: the playground simulates openssl s_client against ingress-nginx's port 443 only, "
                 f"not {target}\n")
        return 1
    sni = "" if "noservername" in o else o.get("servername", [""])[-1] or ("" if network.is_ip(host) else host)
    pod = cluster.get("pods", b.namespace, b.pod)
    cert = ingress.serving_certificate(cluster, pod, sni)
    if not sni:
        proc.err("Can't use SSL_get_servername\n")
    subject = tlscerts.oneline(cert.subject)
    anchor = next((t for t in trusted if t.subject == cert.issuer and tlscerts.signed_by(cert, t)
                   and not tlscerts.self_issued(cert)), None)
    verdict = tlscerts.verify_chain(cert, trusted if (anchor or tlscerts.self_issued(cert)) else [], cluster.now)
    if anchor is not None:
        proc.err(f"depth=1 {tlscerts.oneline(anchor.subject)}\nverify return:1\n")
    # verify_callback prints the notBefore/notAfter of a date error with the error and again on the last call
    dated = {9: f"notBefore={tlscerts.asn1_time(cert.not_valid_before_utc)}\n",
             10: f"notAfter={tlscerts.asn1_time(cert.not_valid_after_utc)}\n"}.get(verdict.code, "")
    if not verdict.ok:
        proc.err(f"depth=0 {subject}\nverify error:num={verdict.code}:{verdict.reason}\n{dated}verify return:1\n")
        if verdict.code == 20:
            verdict = tlscerts.Verdict(False, "unable to verify the first certificate", 21)
            proc.err(f"depth=0 {subject}\nverify error:num=21:unable to verify the first certificate\n"
                     "verify return:1\n")
    proc.err(f"depth=0 {subject}\n{dated}verify return:1\n")
    pub = cert.public_key()
    bits = pub.key_size      # type: ignore[union-attr]
    der = len(tlscerts.cert_der(cert))
    read = der + 556 + (bits // 8 - 256)
    written = 377 + (9 + len(sni) if sni else 0)
    nb, na = tlscerts.asn1_time(cert.not_valid_before_utc), tlscerts.asn1_time(cert.not_valid_after_utc)
    proc.out("CONNECTED(00000003)\n---\nCertificate chain\n"
             f" 0 s:{subject}\n   i:{tlscerts.oneline(cert.issuer)}\n"
             f"   a:PKEY: rsaEncryption, {bits} (bit); sigalg: RSA-SHA256\n"
             f"   v:NotBefore: {nb}; NotAfter: {na}\n---\nServer certificate\n{tlscerts.cert_pem(cert)}"
             f"subject={subject}\nissuer={tlscerts.oneline(cert.issuer)}\n---\n"
             "No client certificate CA names sent\nPeer signing digest: SHA256\nPeer signature type: RSA-PSS\n"
             "Server Temp Key: X25519, 253 bits\n---\n"
             f"SSL handshake has read {read} bytes and written {written} bytes\n"
             + ("Verification: OK\n" if verdict.ok else f"Verification error: {verdict.reason}\n")
             + "---\nNew, TLSv1.3, Cipher is TLS_AES_256_GCM_SHA384\n"
             f"Server public key is {bits} bit\nSecure Renegotiation IS NOT supported\nCompression: NONE\n"
             "Expansion: NONE\nNo ALPN negotiated\nEarly data was not sent\n"
             f"Verify return code: {verdict.code} ({'ok' if verdict.ok else verdict.reason})\n---\n")
    proc.err("DONE\n")
    return 0


def _hex_bytes(n: int) -> str:
    """i2a_ASN1_INTEGER: a serial as whole bytes in upper-case hex (`0CFF...`, never an odd digit count)."""
    return n.to_bytes((n.bit_length() + 7) // 8 or 1, "big").hex().upper()


def _days(o: dict) -> int:
    try:
        return int(o.get("days", ["30"])[-1])
    except ValueError:
        return 30


def _options(proc: Proc, args: list[str], flags: set[str], values: set[str], prog: str, positional: bool = False,
             ordered: bool = False) -> dict | None:
    """OpenSSL's opt_next(): single-dash options (double dash accepted), values as the next word."""
    out: dict = {}
    i = 0
    while i < len(args):
        a = args[i]
        i += 1
        if not a.startswith("-") or a == "-":
            if positional:
                out.setdefault("", []).append(a)
                continue
            proc.err(f"{prog}: Extra option: \"{a}\"\n{prog}: Use -help for summary.\n")
            return None
        name = a.lstrip("-")
        if name in flags:
            out[name] = True
            if ordered:
                out.setdefault("#order", []).append(name)
        elif name in values:
            if i >= len(args):
                proc.err(f"{prog}: Option -{name} needs a value\n{prog}: Use -help for summary.\n")
                return None
            out.setdefault(name, []).append(args[i])
            i += 1
        else:
            proc.err(f"{prog}: Unknown option: {a}\n{prog}: Use -help for summary.\n")
            return None
    return out


@program("openssl")
def openssl(proc: Proc) -> int:
    args = proc.argv[1:]
    if not args:
        proc.err("podscape: the playground does not simulate openssl's interactive prompt; give a command such "
                 "as openssl req, x509, genrsa or rsa\n")
        return 1
    cmd = args[0]
    if cmd == "version":
        proc.out(VERSION_TEXT)
        return 0
    if cmd not in COMMANDS:
        if cmd in ("verify", "genpkey", "pkey", "ecparam", "dgst", "enc", "rand", "ca", "s_server"):
            proc.err(f"podscape: the playground does not simulate openssl {cmd}\n")
            return 1
        proc.err(f"Invalid command '{cmd}'; type \"help\" for a list.\n")
        return 1
    tool = OpenSSL(proc)
    try:
        if cmd == "s_client":
            return s_client(tool, args[1:])
        return int(getattr(tool, cmd)(args[1:]))
    except Fail:
        return 1
