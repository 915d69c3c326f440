"""TCP, UDP and SCTP clients inside pods through the one network walk: `agnhost connect`
(kubernetes/kubernetes test/images/agnhost/connect/connect.go), busybox nc (networking/nc_bloaty.c),
netcat-openbsd's nc in netshoot, and agnhost's raw servers (serve-hostname/serve_hostname.go --tcp/--udp,
porter/porter.go SERVE_*_PORT_N). A refusal (nothing listens: RST, ICMP port unreachable, SCTP ABORT) and a
drop (a NetworkPolicy: no answer) print differently in each client.
"""
from __future__ import annotations

import re

import pytest

from tests.sim.podhelpers import Sandbox

AGNHOST = "registry.k8s.io/e2e-test-images/agnhost:2.53"
EXIT1 = "command terminated with exit code 1\n"
DENY_INGRESS = """kubectl apply -f - <<'EOF'
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny}
spec:
  podSelector: {matchLabels: {role: server}}
  ingress: []
EOF"""


@pytest.fixture(scope="module")
def sb():
    return Sandbox(13).setup(
        "minikube delete", "minikube start --cni=calico",
        f"kubectl run srv --image={AGNHOST} --labels=app=srv,role=server --command -- "
        "/agnhost serve-hostname --tcp --http=false --port 80",
        f"kubectl run usrv --image={AGNHOST} --labels=app=usrv,role=server --command -- "
        "/agnhost serve-hostname --udp --http=false --port 80",
        f"kubectl run porter --image={AGNHOST} --env=SERVE_SCTP_PORT_90=foo --env=SERVE_UDP_PORT_91=bar "
        "--env=SERVE_PORT_92=baz -- porter",
        f"kubectl run web --image={AGNHOST} -- netexec --http-port=8080",
        "kubectl expose pod srv --port=80", "kubectl expose pod usrv --port=80 --protocol=UDP",
        "kubectl run bb --image=busybox -- sleep 3600",
        "kubectl run shoot --image=nicolaka/netshoot -- sleep 3600")


def run(sb, line):
    r = sb.run(line)
    return r.output, r.exit_code


# ---- agnhost connect ------------------------------------------------------------------------------------
def test_agnhost_connect_udp_succeeds_when_the_server_answers(sb):
    assert run(sb, "kubectl exec web -- /agnhost connect usrv:80 --protocol=udp --timeout=1s") == ("", 0)


def test_agnhost_connect_udp_to_a_closed_port_is_refused_by_icmp(sb):
    """connectUDP: the read after the write fails with ECONNREFUSED; parseUDPErrorAndExit prints it."""
    ip, me = sb.pod_ip("srv"), sb.pod_ip("web")
    out, code = run(sb, f"kubectl exec web -- /agnhost connect {ip}:81 --protocol=udp --timeout=1s")
    assert code == 1
    assert re.fullmatch(rf"REFUSED: read udp {me}:\d+->{ip}:81: read: connection refused\n{EXIT1}", out), out


def test_agnhost_connect_udp_without_a_listener_on_the_service_times_out(sb):
    """srv's Service has no UDP port: kube-proxy has no rule, nothing answers, the deadline passes."""
    out, code = run(sb, "kubectl exec web -- /agnhost connect srv:80 --protocol=udp --timeout=1s")
    assert code == 1 and re.fullmatch(rf"TIMEOUT: read udp [\d.]+:\d+->{sb.svc_ip('srv')}:80: i/o timeout\n{EXIT1}",
                                      out), out


def test_agnhost_connect_sctp_answers_from_porter_and_refuses_elsewhere(sb):
    ip = sb.pod_ip("porter")
    assert run(sb, f"kubectl exec web -- /agnhost connect {ip}:90 --protocol=sctp --timeout=1s") == ("", 0)
    assert run(sb, f"kubectl exec web -- /agnhost connect {ip}:93 --protocol=sctp --timeout=1s") == \
        ("OTHER: connection refused\n" + EXIT1, 1)
    # time.After(0): with no --timeout the select's timer fires first
    assert run(sb, f"kubectl exec web -- /agnhost connect {ip}:90 --protocol=sctp") == ("TIMEOUT\n" + EXIT1, 1)


def test_porter_serves_each_variable_on_its_protocol(sb):
    ip = sb.pod_ip("porter")
    assert run(sb, f"kubectl exec web -- /agnhost connect {ip}:91 --protocol=udp --timeout=1s") == ("", 0)
    assert run(sb, f"kubectl exec web -- /agnhost connect {ip}:92 --timeout=1s") == ("", 0)
    assert run(sb, f"kubectl exec bb -- wget -qO- http://{ip}:92/") == ("baz", 0)
    assert run(sb, f"kubectl exec web -- /agnhost connect {ip}:90 --timeout=1s") == ("REFUSED\n" + EXIT1, 1)


def test_agnhost_connect_argument_errors(sb):
    ip = sb.pod_ip("srv")
    assert run(sb, f"kubectl exec web -- /agnhost connect {ip}") == \
        (f"UNKNOWN: address {ip}: missing port in address\n" + EXIT1, 1)
    assert run(sb, f"kubectl exec web -- /agnhost connect {ip}:80 --protocol=quic") == \
        ("Unsupported protocol\nquic" + EXIT1, 1)
    out, code = run(sb, f"kubectl exec web -- /agnhost connect {ip}:80 --timeout=soon")
    assert out.startswith('Error: invalid argument "soon" for "--timeout" flag: time: invalid duration "soon"\n'
                          "Usage:\n  agnhost connect [host:port] [flags]\n") and code == 1
    assert run(sb, "kubectl exec web -- /agnhost connect nothere:80 --timeout=1s") == \
        ("DNS: lookup nothere on 10.96.0.10:53: no such host\n" + EXIT1, 1)


def test_agnhost_connect_to_an_address_nobody_has(sb):
    """ARP gives up after about 3 s: a shorter --timeout says TIMEOUT, a longer one the dial error."""
    assert run(sb, "kubectl exec web -- /agnhost connect 10.244.9.9:80 --timeout=1s") == ("TIMEOUT\n" + EXIT1, 1)
    assert run(sb, "kubectl exec web -- /agnhost connect 10.244.9.9:80 --timeout=5s") == \
        ("OTHER: dial tcp 10.244.9.9:80: connect: no route to host\n" + EXIT1, 1)


# ---- busybox nc --------------------------------------------------------------------------------------
def test_busybox_nc_reports_open_and_hides_refusals_at_one_v(sb):
    svc, ip = sb.svc_ip("srv"), sb.pod_ip("srv")
    assert run(sb, "kubectl exec bb -- nc -zv srv 80") == (f"srv ({svc}:80) open\n", 0)
    assert run(sb, f"kubectl exec bb -- nc -zv {ip} 82") == (EXIT1, 1)
    assert run(sb, f"kubectl exec bb -- nc -zvv {ip} 82") == (f"nc: {ip} ({ip}:82): Connection refused\n" + EXIT1, 1)
    assert run(sb, "kubectl exec bb -- nc -zv nothere 80") == ("nc: bad address 'nothere'\n" + EXIT1, 1)


def test_busybox_nc_prints_what_a_raw_server_sends(sb):
    assert run(sb, "kubectl exec bb -- nc srv 80") == ("srv", 0)
    assert run(sb, "echo hostname | kubectl exec -i bb -- nc -u -w1 usrv 80") == ("usrv", 0)


def test_busybox_nc_sends_an_http_request_from_stdin(sb):
    out, code = run(sb, f"printf 'GET /hostname HTTP/1.0\\r\\n\\r\\n' | kubectl exec -i bb -- nc {sb.pod_ip('web')} 8080")
    assert code == 0 and out.startswith("HTTP/1.1 200 OK\r\n") and out.endswith("\r\n\r\nweb"), out


def test_busybox_nc_udp_scan_only_sees_icmp_refusals(sb):
    """udptest(): a closed UDP port answers ICMP port unreachable (exit 1); anything else looks open."""
    ip = sb.pod_ip("srv")
    assert run(sb, f"kubectl exec bb -- nc -zu {ip} 80") == (EXIT1, 1)          # srv serves TCP only
    assert run(sb, "kubectl exec bb -- nc -zvu usrv 80") == (f"usrv ({sb.svc_ip('usrv')}:80) open\n", 0)


# ---- netcat-openbsd (netshoot) --------------------------------------------------------------------------
def test_openbsd_nc_messages(sb):
    svc, ip = sb.svc_ip("srv"), sb.pod_ip("srv")
    assert run(sb, "kubectl exec shoot -- nc -zv srv 80") == \
        (f"Connection to srv ({svc}) 80 port [tcp/http] succeeded!\n", 0)
    assert run(sb, f"kubectl exec shoot -- nc -zv {ip} 82") == \
        (f"nc: connect to {ip} port 82 (tcp) failed: Connection refused\n" + EXIT1, 1)
    assert run(sb, "kubectl exec shoot -- nc -zv nothere 80") == \
        ('nc: getaddrinfo for host "nothere" port 80: Name does not resolve\n' + EXIT1, 1)


# ---- the same clients when a NetworkPolicy drops the packets ---------------------------------------------
def test_dropped_packets_time_out_in_every_client(sb):
    assert sb.run(DENY_INGRESS).exit_code == 0
    try:
        assert run(sb, "kubectl exec bb -- nc -zv -w 1 srv 80") == \
            (f"nc: srv ({sb.svc_ip('srv')}:80): Connection timed out\n" + EXIT1, 1)
        assert run(sb, "kubectl exec shoot -- nc -zv -w 1 srv 80") == \
            ("nc: connect to srv port 80 (tcp) timed out: Operation now in progress\n" + EXIT1, 1)
        assert run(sb, "kubectl exec bb -- nc -zuv usrv 80") == (f"usrv ({sb.svc_ip('usrv')}:80) open\n", 0)
        out, code = run(sb, "kubectl exec web -- /agnhost connect usrv:80 --protocol=udp --timeout=1s")
        assert code == 1 and out.startswith("TIMEOUT: read udp ") and out.endswith(": i/o timeout\n" + EXIT1)
        assert run(sb, f"kubectl exec web -- /agnhost connect {sb.pod_ip('srv')}:82 --timeout=1s") == \
            ("TIMEOUT\n" + EXIT1, 1)
    finally:
        sb.run("kubectl delete networkpolicy deny")


def test_dns_egress_denied_times_out_nslookup_and_names(sb):
    """Egress without UDP 53 drops the pod's DNS queries (policy.dns_blocked through the walk's rules):
    busybox nslookup times out, nc and wget cannot resolve, agnhost shows Go's read timeout."""
    assert sb.run("""kubectl apply -f - <<'EOF'
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: no-egress}
spec:
  podSelector: {}
  policyTypes: [Egress]
EOF""").exit_code == 0
    try:
        out, code = run(sb, "kubectl exec bb -- nslookup srv")
        assert (out, code) == (";; connection timed out; no servers could be reached\n\n" + EXIT1, 1)
        assert run(sb, "kubectl exec bb -- nc -zv srv 80") == ("nc: bad address 'srv'\n" + EXIT1, 1)
        out, code = run(sb, "kubectl exec web -- /agnhost connect srv:80 --timeout=1s")
        assert re.fullmatch(rf"DNS: lookup srv on 10\.96\.0\.10:53: read udp {sb.pod_ip('web')}:\d+->10\.96\.0\.10:53: "
                            rf"i/o timeout\n{EXIT1}", out), out
    finally:
        sb.run("kubectl delete networkpolicy no-egress")
    assert run(sb, "kubectl exec web -- /agnhost connect srv:80 --timeout=1s") == ("", 0)


# ---- where agnhost's servers listen (agnhost_servers.py) -------------------------------------------------
def _listens(command, env=None):
    from playground.sim import processes
    c = {"image": AGNHOST, "command": command, "env": [{"name": k, "value": v} for k, v in (env or {}).items()]}
    return sorted((li.port, li.protocol, li.kind) for li in processes.listeners(c))


def test_serve_hostname_flags_follow_serve_hostname_go():
    assert _listens(["/agnhost", "serve-hostname"]) == [(9376, "TCP", "http")]
    assert _listens(["/agnhost", "serve-hostname", "--udp", "--http=false", "--port", "81"]) == [(81, "UDP", "udp")]
    assert _listens(["/agnhost", "serve-hostname", "--tcp", "--udp", "--http=false", "--port=82"]) == \
        [(82, "TCP", "tcp"), (82, "UDP", "udp")]
    # --http defaults to true: with --tcp it is log.Fatalf("Can't server TCP/UDP mode and HTTP mode ...")
    assert _listens(["/agnhost", "serve-hostname", "--tcp"]) == []
    assert _listens(["/agnhost", "serve-hostname", "--sctp", "--http=false"]) == []     # unknown flag: exits


def test_porter_and_netexec_listeners():
    assert _listens(["/agnhost", "porter"], {"SERVE_PORT_9001": "a", "SERVE_TLS_PORT_9003": "c",
                                             "SERVE_UDP_PORT_9002": "b", "SERVE_SCTP_PORT_9004": "d",
                                             "SERVE_PORT_X": "ignored"}) == \
        [(9001, "TCP", "http"), (9002, "UDP", "udp"), (9003, "TCP", "https"), (9004, "SCTP", "sctp")]
    assert _listens(["/agnhost", "netexec", "--http-port=8080", "--udp-port=-1", "--sctp-port=8082"]) == \
        [(8080, "TCP", "http"), (8082, "SCTP", "sctp")]


def test_nc_listening_on_udp_takes_datagrams_but_answers_nothing():
    """`nc -lu -p 9000` (nc_bloaty.c -u with -l) binds UDP only: a UDP client's datagram arrives but nc
    writes nothing back, so agnhost's read times out; TCP to the same port is refused."""
    sb = Sandbox(14).setup("kubectl run u --image=busybox -- nc -lu -p 9000",
                           f"kubectl run web --image={AGNHOST} -- netexec")
    ip = sb.pod_ip("u")
    out, code = run(sb, f"kubectl exec web -- /agnhost connect {ip}:9000 --protocol=udp --timeout=1s")
    assert code == 1 and out.startswith("TIMEOUT: read udp "), out
    assert run(sb, f"kubectl exec web -- /agnhost connect {ip}:9000 --timeout=1s") == ("REFUSED\n" + EXIT1, 1)


def test_nc_on_the_learners_machine_is_netcat_openbsd_walking_from_the_host():
    """Ubuntu's netcat-openbsd with glibc's lookup errors: node ports answer, ClusterIPs have no route."""
    sb = Sandbox(2).setup("kubectl create deploy web --image=nginx", "kubectl expose deploy web --type=NodePort --port=80")
    port = sb.cluster.get("services", "default", "web")["spec"]["ports"][0]["nodePort"]
    assert run(sb, f"nc -zv 192.168.49.2 {port}") == (f"Connection to 192.168.49.2 {port} port [tcp/*] succeeded!\n", 0)
    assert run(sb, "nc -zv 192.168.49.2 31999") == \
        ("nc: connect to 192.168.49.2 port 31999 (tcp) failed: Connection refused\n", 1)
    assert run(sb, f"nc -zv -w 2 {sb.svc_ip('web')} 80") == \
        (f"nc: connect to {sb.svc_ip('web')} port 80 (tcp) timed out: Operation now in progress\n", 1)
    assert run(sb, "nc -zv web 80") == ('nc: getaddrinfo for host "web" port 80: Name or service not known\n', 1)
    out, code = run(sb, f"printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc 192.168.49.2 {port}")
    assert code == 0 and out.startswith("HTTP/1.1 200 OK\r\nServer: nginx/"), out
