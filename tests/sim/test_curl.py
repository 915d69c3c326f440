"""curl 8.5.0 on the learner's host: pages served by the backend pod's image, byte for byte, and curl's
own errors, exit codes, verbose trace and progress meter."""
from __future__ import annotations

import hashlib
import re

from playground.sim import images, network, webcontent
from tests.sim.test_network import add_deployment, add_service, new_engine, nginx_nodeport, pod_names

NGINX_1314_INDEX_MD5 = "6bb03ae5bc151ad04e3875dc8992e270"   # docs/html/index.html at nginx release-1.31.4


def run(engine, line):
    return engine.run(line, now=engine.cluster.now + 1)


def test_curl_to_the_nodeport_prints_the_nginx_welcome_page():
    e, _ = nginx_nodeport()
    r = run(e, "curl http://192.168.49.2:32000")
    assert r.exit_code == 0
    assert hashlib.md5(r.output.encode()).hexdigest() == NGINX_1314_INDEX_MD5
    assert r.output.startswith("<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n")
    assert len(r.output.encode()) == 896


def test_each_curl_is_traced_for_the_diagram():
    e, _ = nginx_nodeport()
    r = run(e, "curl -s http://192.168.49.2:32000")
    assert len(r.traces) == 1
    trace = r.traces[0]
    assert trace["source"] == "host" and trace["verdict"] == "ok"
    assert trace["hops"][-1]["id"].startswith("pod/default/nginx-app-")


def test_the_answering_pod_logs_the_request():
    e, _ = nginx_nodeport()
    run(e, "curl -s http://192.168.49.2:32000/nope")
    logs = [line for p in pod_names(e, "nginx-app") for line in network.access_log(e.cluster, "default", p)]
    assert len(logs) == 1
    assert re.fullmatch(r'10\.244\.0\.1 - - \[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d \+0000\] "GET /nope HTTP/1\.1" '
                        r'404 153 "-" "curl/8\.5\.0" "-"', logs[0])


def test_unknown_paths_get_nginx_404_page_with_crlf():
    e = new_engine()
    add_deployment(e, "web", "nginx:1.27", 1)
    add_service(e, "web", type_="NodePort", node_port=30001)
    r = run(e, "curl -i http://192.168.49.2:30001/lololol")
    head, body = r.output.split("\r\n\r\n", 1)
    assert body == ("<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n"
                    "<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/1.27.5</center>\r\n"
                    "</body>\r\n</html>\r\n")
    assert head.split("\r\n")[0] == "HTTP/1.1 404 Not Found"
    assert "Content-Length: 153" in head.split("\r\n")


def test_head_request_shows_nginx_headers_in_nginx_order():
    e = new_engine()
    add_deployment(e, "web", "nginx:1.27", 1)
    add_service(e, "web", type_="NodePort", node_port=30001)
    r = run(e, "curl -I http://192.168.49.2:30001")
    lines = r.output.split("\r\n")
    assert lines[0] == "HTTP/1.1 200 OK"
    assert [line.split(":")[0] for line in lines[1:9]] == [
        "Server", "Date", "Content-Type", "Content-Length", "Last-Modified", "Connection", "ETag", "Accept-Ranges"]
    # nginx:1.27 is 1.27.5, whose index.html (615 bytes) is dated with the release.
    assert "Server: nginx/1.27.5" in lines
    assert "Content-Length: 615" in lines
    assert "Last-Modified: Wed, 16 Apr 2025 12:01:11 GMT" in lines
    assert 'ETag: "67ff9c07-267"' in lines
    assert r.output.endswith("\r\n\r\n")


def test_httpd_says_it_works_and_has_its_own_404():
    e = new_engine()
    add_deployment(e, "bar", "httpd", 1)
    add_service(e, "bar", type_="NodePort", node_port=30002)
    assert run(e, "curl http://192.168.49.2:30002").output == "<html><body><h1>It works!</h1></body></html>\n"
    missing = run(e, "curl http://192.168.49.2:30002/lololol").output
    assert "<title>404 Not Found</title>" in missing and len(missing) == 196


def test_hello_app_names_the_pod_that_answered():
    e = new_engine()
    add_deployment(e, "hello", "gcr.io/google-samples/hello-app:2.0", 2)
    add_service(e, "hello", type_="NodePort", node_port=30003, target=8080)
    r = run(e, "curl -s http://192.168.49.2:30003/any/path")
    m = re.fullmatch(r"Hello, world!\nVersion: 2\.0\.0\nHostname: (\S+)\n", r.output)
    assert m and m.group(1) in pod_names(e, "hello")


def test_cluster_ip_from_the_host_times_out_like_curl_8():
    e, svc = nginx_nodeport()
    ip = svc["spec"]["clusterIP"]
    r = run(e, f"curl http://{ip}")
    assert r.exit_code == 28
    assert re.fullmatch(rf"curl: \(28\) Failed to connect to {re.escape(ip)} port 80 after 1[23]\d{{4}} ms: "
                        r"Couldn't connect to server\n", r.output)


def test_connect_timeout_and_max_time_cut_the_wait_short():
    e, svc = nginx_nodeport()
    ip = svc["spec"]["clusterIP"]
    r = run(e, f"curl --connect-timeout 5 http://{ip}")
    assert r.exit_code == 28
    assert re.fullmatch(rf"curl: \(28\) Failed to connect to {re.escape(ip)} port 80 after 500\d ms: "
                        r"Timeout was reached\n", r.output)
    r = run(e, f"curl -m 2 http://{ip}")
    assert re.fullmatch(r"curl: \(28\) Connection timed out after 200\d milliseconds\n", r.output)


def test_nothing_on_the_node_port_is_connection_refused():
    e, _ = nginx_nodeport()
    r = run(e, "curl http://192.168.49.2:32001")
    assert r.exit_code == 7
    assert r.output == ("curl: (7) Failed to connect to 192.168.49.2 port 32001 after 0 ms: "
                        "Couldn't connect to server\n")


def test_names_the_host_cannot_resolve():
    e, _ = nginx_nodeport()
    r = run(e, "curl foo.example.com")
    assert (r.exit_code, r.output) == (6, "curl: (6) Could not resolve host: foo.example.com\n")


def test_option_errors_match_curl():
    e = new_engine()
    r = run(e, "curl --foo http://x")
    assert (r.exit_code, r.output) == (2, "curl: option --foo: is unknown\n"
                                          "curl: try 'curl --help' or 'curl --manual' for more information\n")
    r = run(e, "curl -o")
    assert (r.exit_code, r.output) == (2, "curl: option -o: requires parameter\n"
                                          "curl: try 'curl --help' or 'curl --manual' for more information\n")
    r = run(e, "curl")
    assert (r.exit_code, r.output) == (2, "curl: try 'curl --help' or 'curl --manual' for more information\n")


def test_malformed_urls_exit_3():
    e = new_engine()
    assert run(e, "curl http://").output == "curl: (3) URL rejected: No host part in the URL\n"
    r = run(e, "curl http://192.168.49.2:99999")
    assert (r.exit_code, r.output) == (3, "curl: (3) URL rejected: Port number was not a decimal number "
                                          "between 0 and 65535\n")


def test_silent_hides_errors_unless_show_error():
    e, _ = nginx_nodeport()
    assert run(e, "curl -s http://192.168.49.2:32001").output == ""
    assert run(e, "curl -sS http://192.168.49.2:32001").output.startswith("curl: (7) ")


def test_output_file_gets_the_page_and_stderr_the_progress_meter():
    e, _ = nginx_nodeport()
    r = run(e, "curl -o page.html http://192.168.49.2:32000")
    assert r.exit_code == 0
    assert hashlib.md5(e.host.files["/home/student/page.html"].encode()).hexdigest() == NGINX_1314_INDEX_MD5
    head = ("  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n"
            "                                 Dload  Upload   Total   Spent    Left  Speed\n")
    assert r.output.startswith(head)
    meter = r.output[len(head):]
    assert meter.startswith("\r  0     0    0     0    0     0      0      0 --:--:-- --:--:-- --:--:--     0\r")
    final = meter.rstrip("\n").split("\r")[-1]
    assert re.fullmatch(r"100   896  100   896    0     0  [ \d]{3}\dk      0 --:--:-- --:--:-- --:--:-- [ \d]{3}\dk",
                        final)
    assert run(e, "curl -s -o quiet.html http://192.168.49.2:32000").output == ""


def test_fail_and_write_out():
    e, _ = nginx_nodeport()
    r = run(e, "curl -f http://192.168.49.2:32000/missing")
    assert (r.exit_code, r.output) == (22, "curl: (22) The requested URL returned error: 404\n")
    r = run(e, "curl -s -o /dev/null -w %{http_code} http://192.168.49.2:32000")
    assert (r.exit_code, r.output) == (0, "200")


def test_verbose_shows_the_request_and_response_headers():
    e, _ = nginx_nodeport()
    r = run(e, "curl -v http://192.168.49.2:32000/")
    lines = r.output.split("\n")
    assert lines[:2] == ["*   Trying 192.168.49.2:32000...", "* Connected to 192.168.49.2 (192.168.49.2) port 32000"]
    assert lines[2:7] == ["> GET / HTTP/1.1\r", "> Host: 192.168.49.2:32000\r", "> User-Agent: curl/8.5.0\r",
                          "> Accept: */*\r", "> \r"]
    assert lines[7] == "< HTTP/1.1 200 OK\r"
    assert lines[-2] == "* Connection #0 to host 192.168.49.2 left intact"


def test_verbose_failure_names_the_socket_error():
    e, _ = nginx_nodeport()
    r = run(e, "curl -v http://192.168.49.2:32001")
    lines = r.output.splitlines()
    assert re.fullmatch(r"\* connect to 192\.168\.49\.2 port 32001 from 192\.168\.49\.1 port \d+ failed: "
                        r"Connection refused", lines[1])
    assert lines[-2:] == ["* Closing connection",
                          "curl: (7) Failed to connect to 192.168.49.2 port 32001 after 0 ms: Couldn't connect to server"]


def test_https_to_a_plain_http_port_fails_the_tls_handshake():
    e, _ = nginx_nodeport()
    r = run(e, "curl https://192.168.49.2:32000")
    assert (r.exit_code, r.output) == (35, "curl: (35) OpenSSL/3.0.13: error:0A00010B:SSL routines::"
                                           "wrong version number\n")


def test_host_header_and_resolve_reach_the_named_host():
    e, _ = nginx_nodeport()
    r = run(e, "curl -s --resolve foo.example.com:32000:192.168.49.2 http://foo.example.com:32000/")
    assert r.exit_code == 0 and "Welcome to nginx!" in r.output


def test_etc_hosts_entry_makes_a_name_work():
    e, _ = nginx_nodeport()
    e.host.files["/etc/hosts"] += "192.168.49.2\tfoo.example.com\n"
    r = run(e, "curl -s foo.example.com:32000")
    assert "<title>Welcome to nginx!</title>" in r.output


def test_old_nginx_images_serve_their_own_page():
    assert webcontent.nginx_version("nginx:1.17") == "1.17.10"
    assert "the nginx web server is successfully installed" in webcontent.nginx_index("1.17.10")
    assert webcontent.nginx_version("nginx") == webcontent.NGINX_LATEST


def test_the_api_server_port_needs_tls_and_a_trusted_ca():
    e = new_engine()
    plain = run(e, "curl http://192.168.49.2:8443/")
    assert (plain.exit_code, plain.output) == (0, "Client sent an HTTP request to an HTTPS server.\n")
    r = run(e, "curl https://192.168.49.2:8443/")
    assert r.exit_code == 60
    assert r.output == ("curl: (60) SSL certificate problem: unable to get local issuer certificate\n"
                        "More details here: https://curl.se/docs/sslcerts.html\n\n"
                        "curl failed to verify the legitimacy of the server and therefore could not\n"
                        "establish a secure connection to it. To learn more about this situation and\n"
                        "how to fix it, please visit the web page mentioned above.\n")
    assert run(e, "curl -k https://192.168.49.2:8443/livez").output == "ok"
    forbidden = run(e, "curl -sk https://192.168.49.2:8443/api")
    assert '"code": 403' in forbidden.output and 'system:anonymous' in forbidden.output


def test_a_proxy_image_can_walk_onward_from_its_pod(monkeypatch):
    """The hook the ingress controller uses: a context server proxies to a Service from its own pod."""
    e, _ = nginx_nodeport()
    add_deployment(e, "proxy", "hashicorp/http-echo", 1)
    add_service(e, "proxy", type_="NodePort", node_port=30900, target=5678)

    def proxy(ctx, image, port, req, now):
        onward = network.walk(ctx.cluster, ctx.host_files, network.pod_source(ctx.pod), "nginx-app", 80)
        ctx.trace(onward.as_trace())
        b = onward.backend
        return webcontent.serve(b.image, b.port, req, now, b.pod, b.ip)

    monkeypatch.setitem(images.LISTENS, "hashicorp/http-echo", {5678: "http"})
    monkeypatch.setitem(webcontent.CONTEXT_SERVERS, "hashicorp/http-echo", proxy)
    r = run(e, "curl -s http://192.168.49.2:30900/")
    assert hashlib.md5(r.output.encode()).hexdigest() == NGINX_1314_INDEX_MD5
    assert [t["source"] for t in r.traces] == ["host", f"pod/default/{next(iter(pod_names(e, 'proxy')))}"]


def test_paths_are_normalised_as_curl_and_nginx_do():
    e, _ = nginx_nodeport()
    r = run(e, "curl -v http://192.168.49.2:32000/a/../index.html")
    assert "> GET /index.html HTTP/1.1\r\n" in r.output and "< HTTP/1.1 200 OK\r\n" in r.output
    assert "Welcome to nginx!" in run(e, "curl -s http://192.168.49.2:32000//").output
