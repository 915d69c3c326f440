"""The shell inside a container is the learner's shell (loops, pipes, subshells, here-docs, redirections)
given the container's identity: the image's programs, its files, hostname and environment.

Wording follows busybox ash (shell/ash.c: "sh: %s: not found", exit 127 in `evalcommand`/`shellexec`) and
dash ("sh: 1: %s: not found"); kube-proxy's random backend choice follows pkg/proxy/iptables (the
`--mode random --probability` rules), so a Service's replicas share connections at random, never in turn.
"""
from __future__ import annotations

import re

import pytest

from .podhelpers import Sandbox

LOOP = "kubectl exec bb -- sh -c 'for i in $(seq 10); do wget -qO- web; done | sort | uniq -c'"


def hello_web(seed: int) -> Sandbox:
    return Sandbox(seed).setup(
        "kubectl create deployment web --image=gcr.io/google-samples/hello-app:1.0 --replicas=3",
        "kubectl expose deployment web --port=80 --target-port=8080",
        "kubectl run bb --image=busybox -- sleep 3600")


def replicas(sb: Sandbox) -> list[str]:
    return sorted(p["metadata"]["name"] for p in sb.cluster.list("pods", "default")
                  if p["metadata"]["name"].startswith("web-"))


def counts(output: str) -> dict[str, int]:
    """`uniq -c` lines of the loop: {hostname: count}."""
    return {m.group(2): int(m.group(1)) for m in re.finditer(r"^ +(\d+) Hostname: (\S+)$", output, re.M)}


@pytest.mark.parametrize("seed", [5, 6, 7])
def test_load_spreads_over_every_replica_at_random(seed):
    sb = hello_web(seed)
    r = sb.run(LOOP)
    assert r.exit_code == 0, r.output
    seen = counts(r.output)
    assert sorted(seen) == replicas(sb) and sum(seen.values()) == 10
    assert "     10 Hello, world!\n" in r.output and "     10 Version: 1.0.0\n" in r.output


def test_backend_choice_is_random_but_fixed_by_the_sandbox_seed():
    runs = [counts(hello_web(5).run(LOOP).output) for _ in range(2)]
    assert runs[0] == runs[1]
    # round robin would give 4/3/3 every time; random draws across seeds do not all look like that
    shapes = {tuple(sorted(counts(hello_web(s).run(LOOP).output).values())) for s in range(5, 11)}
    assert shapes != {(3, 3, 4)}


def test_service_variables_are_in_the_shells_environment():
    sb = hello_web(5)
    ip = sb.svc_ip("web")
    assert sb.out("kubectl exec bb -- sh -c 'echo $WEB_SERVICE_HOST:$WEB_SERVICE_PORT; echo $HOSTNAME'") == \
        f"{ip}:80\nbb\n"


def test_what_busybox_lacks_is_not_found_with_127():
    sb = Sandbox(3).setup("kubectl run bb --image=busybox -- sleep 3600", "kubectl run ng --image=nginx")
    r = sb.run("kubectl exec bb -- sh -c 'curl -s web; echo status=$?'")
    assert r.output == "sh: curl: not found\nstatus=127\n"
    r = sb.run("kubectl exec bb -- sh -c 'bash'")
    assert (r.output, r.exit_code) == ("sh: bash: not found\ncommand terminated with exit code 127\n", 127)
    r = sb.run("kubectl exec ng -- sh -c 'ping -c1 x'")       # Debian's dash numbers the line
    assert (r.output, r.exit_code) == ("sh: 1: ping: not found\ncommand terminated with exit code 127\n", 127)


def test_loops_subshells_heredocs_and_files_stay_in_the_container():
    sb = Sandbox(3).setup("kubectl run bb --image=busybox -- sleep 3600")
    script = ("i=0; while [ $i -lt 3 ]; do i=$((i+1)); echo line$i; done > /tmp/out; (cd /tmp && pwd); pwd; "
              "cat <<EOF | tr a-z A-Z\nhost $(hostname)\nEOF\nwc -l < /tmp/out; seq 3 | tail -1")
    r = sb.run(f"kubectl exec bb -- sh -c '{script}'")
    assert (r.output, r.exit_code) == ("/tmp\n/\nHOST BB\n3\n3\n", 0)
    assert sb.out("kubectl exec bb -- cat /tmp/out") == "line1\nline2\nline3\n"
    assert sb.out("kubectl exec bb -- ls /tmp") == "out\n"
    assert sb.run("cat /tmp/out").exit_code == 1          # the learner's machine has no such file


def test_interactive_shell_keeps_cwd_variables_and_exit_status():
    sb = Sandbox(3).setup("kubectl run bb --image=busybox -- sleep 3600")
    assert sb.run("kubectl exec -it bb -- sh").prompt == "/ # "
    assert sb.run("cd /tmp").prompt == "/tmp # "
    assert sb.out("X=5; for n in a b; do echo $n$X; done | sort -r") == "b5\na5\n"
    assert sb.out("echo $X $PWD; nosuch") == "5 /tmp\nsh: nosuch: not found\n"
    assert sb.out("echo $?") == "127\n"
    r = sb.run("exit 3")
    assert (r.output, r.exit_code) == ("command terminated with exit code 3\n", 3)
    assert r.prompt.startswith("student@")


def test_timeout_runs_its_command():
    sb = hello_web(5)
    r = sb.run("kubectl exec bb -- timeout 2 wget -qO- web")
    assert r.exit_code == 0 and "Hello, world!" in r.output
    assert sb.out("kubectl exec bb -- sh -c 'timeout -s KILL 1 echo ok'") == "ok\n"


def test_functions_in_the_pods_shell():
    sb = hello_web(5)
    script = "get() { wget -qO- $1 | grep Hostname; }; for i in 1 2 3; do get web; done | wc -l"
    assert sb.out(f"kubectl exec bb -- sh -c '{script}'").strip() == "3"


def test_cd_and_redirection_errors_are_worded_by_the_images_shell():
    """busybox ash: cd's "can't cd to", openredirect's errmsg(ENOENT, "nonexistent directory" / "no such
    file"); dash numbers the line; bash keeps its own words."""
    sb = Sandbox(3).setup("kubectl run bb --image=busybox -- sleep 3600", "kubectl run ng --image=nginx")
    assert sb.out("kubectl exec bb -- sh -c 'cd /nope; echo $?; echo x > /nope/f; cat < /nope/g; cd; pwd'") == (
        "sh: cd: can't cd to /nope: No such file or directory\n1\nsh: can't create /nope/f: nonexistent "
        "directory\nsh: can't open /nope/g: no such file\n/root\n")
    assert sb.out("kubectl exec ng -- sh -c 'cd /nope; echo $?'") == "sh: 1: cd: can't cd to /nope\n2\n"


def test_file_tools_run_as_the_containers_root():
    sb = Sandbox(3).setup("kubectl run bb --image=busybox -- sleep 3600")
    r = sb.run("kubectl exec bb -- sh -c 'echo a > /tmp/a; touch /etc/x; rm /tmp/a; mkdir /data; echo hi > /data/f; "
               "cp /data/f /data/g'")
    assert (r.output, r.exit_code) == ("", 0)
    assert sb.out("kubectl exec bb -- ls /data /tmp") == "/data:\nf\ng\n\n/tmp:\n"
    assert sb.out("kubectl exec bb -- cat /data/g") == "hi\n"
