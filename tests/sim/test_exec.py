"""kubectl exec: one-shot commands, the interactive in-pod shell, and the errors as kubectl v1.35 (with
minikube's docker runtime) prints them."""
from __future__ import annotations

import pytest

from .podhelpers import Sandbox, with_testpod


@pytest.fixture()
def sb():
    return with_testpod(21)


def test_cat_resolv_conf(sb):
    r = sb.run("kubectl exec testpod -- cat /etc/resolv.conf")
    assert (r.output, r.exit_code) == ("search default.svc.cluster.local svc.cluster.local cluster.local\n"
                                       "nameserver 10.96.0.10\noptions ndots:5\n", 0)


def test_hosts_and_hostname_as_the_kubelet_writes_them(sb):
    ip = sb.pod_ip("testpod")
    assert sb.out("kubectl exec testpod -- cat /etc/hosts").endswith(
        "fe00::2\tip6-allrouters\n" + f"{ip}\ttestpod\n")
    assert sb.out("kubectl exec testpod -- hostname") == "testpod\n"
    assert sb.out("kubectl exec testpod -- cat /etc/hostname") == "testpod\n"


def test_env_has_service_links_for_services_that_existed_at_start(sb):
    ip = sb.svc_ip("nginx-app")
    env = sb.out("kubectl exec testpod -- env").splitlines()
    assert f"NGINX_APP_SERVICE_HOST={ip}" in env and "NGINX_APP_SERVICE_PORT=80" in env
    assert f"NGINX_APP_PORT_80_TCP=tcp://{ip}:80" in env
    assert "KUBERNETES_SERVICE_HOST=10.96.0.1" in env and "HOSTNAME=testpod" in env
    sb.run("kubectl create service clusterip later --tcp=80:80")
    assert not any(v.startswith("LATER_") for v in sb.out("kubectl exec testpod -- env").splitlines())


def test_interactive_shell_has_the_pods_prompt_until_exit(sb):
    r = sb.run("kubectl exec -it testpod -- sh")
    assert (r.output, r.exit_code, r.prompt) == ("", 0, "/ # ")
    r = sb.run("hostname")
    assert (r.output, r.prompt) == ("testpod\n", "/ # ")
    r = sb.run("cd /etc")
    assert r.prompt == "/etc # "
    r = sb.run("nosuch")
    assert (r.output, r.exit_code) == ("sh: nosuch: not found\n", 127)
    r = sb.run("exit")
    assert (r.output, r.exit_code) == ("command terminated with exit code 127\n", 127)
    assert r.prompt == "student@ubuntu:~$ "


def test_exit_zero_prints_nothing(sb):
    sb.run("kubectl exec -it testpod -- sh")
    r = sb.run("exit")
    assert (r.output, r.exit_code) == ("", 0)


def test_shell_ends_when_the_pod_is_deleted(sb):
    sb.run("kubectl exec -it testpod -- sh")
    sb.engine.host.shell_stack and sb.cluster.remove("pods", "default", "testpod")
    r = sb.run("ls")
    assert r.output == "command terminated with exit code 137\n" and r.prompt == "student@ubuntu:~$ "


def test_sh_c_runs_a_pipeline(sb):
    assert sb.out("kubectl exec testpod -- sh -c 'echo $HOSTNAME; echo a && false || echo b'") == "testpod\na\nb\n"


def test_nonzero_exit_code(sb):
    r = sb.run("kubectl exec testpod -- cat /nope")
    assert r.output == ("cat: can't open '/nope': No such file or directory\n"
                        "command terminated with exit code 1\n")
    assert r.exit_code == 1


def test_missing_executable_as_the_docker_runtime_reports_it(sb):
    r = sb.run("kubectl exec -it testpod -- bash")
    assert r.output == ('OCI runtime exec failed: exec failed: unable to start container process: exec: "bash": '
                        "executable file not found in $PATH: unknown\ncommand terminated with exit code 126\n")
    assert r.exit_code == 126


def test_hello_app_has_no_shell():
    sb = Sandbox(22).setup("kubectl create deploy hello --image=gcr.io/google-samples/hello-app:2.0")
    pod = sb.cluster.list("pods", "default")[0]["metadata"]["name"]
    r = sb.run(f"kubectl exec -it {pod} -- sh")
    assert 'exec: "sh": executable file not found in $PATH: unknown' in r.output and r.exit_code == 126


def test_nginx_has_dash_and_curl():
    sb = Sandbox(23).setup("kubectl run web --image=nginx")
    assert sb.run("kubectl exec -it web -- sh").prompt == "# "
    r = sb.run("curl -s localhost | head -4")
    assert "<title>Welcome to nginx!</title>" in r.output
    assert sb.run("ping x").output == "sh: 2: ping: not found\n"
    sb.run("exit")
    assert sb.run("kubectl exec -it web -- bash").prompt == "root@web:/# "


@pytest.mark.parametrize("line,expected", [
    ("kubectl exec testpod ls",
     "error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\n"
     "See 'kubectl exec -h' for help and examples\n"),
    ("kubectl exec testpod", "error: you must specify at least one command for the container\n"),
    ("kubectl exec", "error: pod, type/name or --filename must be specified\n"),
    ("kubectl exec nope -- ls", 'Error from server (NotFound): pods "nope" not found\n'),
    ("kubectl exec testpod -c nope -- ls", 'error: unable to upgrade connection: container not found ("nope")\n'),
])
def test_errors(sb, line, expected):
    r = sb.run(line)
    assert (r.output, r.exit_code) == (expected, 1)


def test_completed_pod():
    sb = Sandbox(24).setup("kubectl run once --image=busybox --restart=Never -- echo hi")
    r = sb.run("kubectl exec once -- ls")
    assert (r.output, r.exit_code) == (
        "error: cannot exec into a container in a completed pod; current phase is Succeeded\n", 1)


def test_namespace_flag_and_context_namespace():
    sb = Sandbox(25).setup("kubectl create ns team", "kubectl run p --image=busybox -n team -- sleep 3600")
    assert sb.out("kubectl exec -n team p -- cat /etc/resolv.conf").startswith("search team.svc.cluster.local ")
    assert "not found" in sb.out("kubectl exec p -- ls")
    sb.run("kubectl config set-context --current --namespace=team")
    assert sb.out("kubectl exec p -- hostname") == "p\n"


def test_logs_show_nginx_startup_and_access_lines(sb):
    pod = next(p["metadata"]["name"] for p in sb.cluster.list("pods", "default")
               if p["metadata"]["name"].startswith("nginx-app-"))
    ip = sb.pod_ip("testpod")
    sb.run(f"kubectl exec testpod -- wget -q -O - {sb.pod_ip(pod)}/missing")
    out = sb.out(f"kubectl logs {pod}")
    assert out.startswith("/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform "
                          "configuration\n")
    assert '[notice] 1#1: start worker processes\n' in out
    last = out.splitlines()[-1]
    assert last.startswith(f"{ip} - - [") and last.endswith('"GET /missing HTTP/1.1" 404 153 "-" "Wget" "-"')
    assert sb.out(f"kubectl logs {pod} --tail=1") == last + "\n"


def test_logs_errors(sb):
    r = sb.run("kubectl logs")
    assert r.output == ("error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\n"
                        "POD or TYPE/NAME is a required argument for the logs command\n"
                        "See 'kubectl logs -h' for help and examples\n")
    assert sb.run("kubectl logs nope").output == 'Error from server (NotFound): pods "nope" not found\n'
    assert sb.run("kubectl logs testpod -p").output == (
        'Error from server (BadRequest): previous terminated container "testpod" in pod "testpod" not found\n')


def test_hello_app_logs_its_start_line():
    sb = Sandbox(26).setup("kubectl run hello --image=gcr.io/google-samples/hello-app:2.0")
    import re
    assert re.fullmatch(r"\d{4}/\d\d/\d\d \d\d:\d\d:\d\d Server listening on port 8080\n",
                        sb.out("kubectl logs hello"))


def test_logs_of_a_shell_command_show_what_it_printed():
    sb = Sandbox(27).setup('kubectl run b --image=busybox --command -- sh -c "echo hello from \\$HOSTNAME; sleep 3600"',
                           "kubectl run c --image=busybox --restart=Never -- echo hi there")
    assert sb.out("kubectl logs b") == "hello from b\n"
    assert sb.out("kubectl logs c") == "hi there\n"


def test_stdin_reaches_the_container_with_dash_i(sb):
    assert sb.out("echo hello | kubectl exec -i testpod -- cat") == "hello\n"
    assert sb.out("echo 'hostname; echo $((6*7))' | kubectl exec -i testpod -- sh") == "testpod\n42\n"
    # without -i the container's stdin is empty
    assert sb.out("echo hello | kubectl exec testpod -- cat") == ""


def test_tab_completion_in_the_pod_shell_uses_the_container(sb):
    from playground.sim import completion
    sb.run("kubectl exec -it testpod -- sh")
    assert completion.complete(sb.engine, "nsl") == (0, ["nslookup"])
    assert completion.complete(sb.engine, "cat /etc/res") == (4, ["/etc/resolv.conf"])
    sb.run("exit")
    assert "exec" in completion.complete(sb.engine, "kubectl ex")[1]
