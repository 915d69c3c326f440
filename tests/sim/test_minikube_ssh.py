"""`minikube ssh`: a shell on the node, and `minikube ssh -- CMD`.

Sources: minikube v1.38.0's cmd/minikube/cmd/ssh.go (-n/--node; "ssh: Process exited with status N", exit
1; GUEST_NODE_RETRIEVE "Node X does not exist."), deploy/kicbase/Dockerfile at v1.38.0 (kicbase v0.0.49:
debian:bookworm-slim; the docker user with passwordless sudo in the docker group; crictl v1.35.0;
iptables in /usr/sbin, off a non-root PATH), Debian 12's /etc/os-release (base-files), cri-tools v1.35.0
cmd/crictl (container.go, sandbox.go, display.go: tabwriter 20/1/3, 13-character ids, "(default)" runtime),
kubernetes pkg/proxy/iptables/proxier.go (chain hashes: KUBE-SVC-NPX46M4PTMTKRN6Y is default/kubernetes:https
on every cluster; the statistic probabilities; KUBE-SEP DNAT), iptables 1.8.9's print_firewall columns.
"""
# ruff: noqa: F401, F811  (the engine fixture is test_streams's, imported by name)
from __future__ import annotations

import re

from tests.sim.test_streams import engine, run


def cells(line: str) -> list[str]:
    """A table row's cells (the tabwriters pad with at least 3 spaces; cells hold single spaces)."""
    return re.split(r" {2,}", line.strip())


def with_nginx(e, replicas: int = 1, kind: str = "ClusterIP") -> None:
    run(e, f"kubectl create deployment nginx-app --image=nginx --replicas={replicas}")
    run(e, f"kubectl expose deployment nginx-app --port=80 --type={kind}")
    run(e, "true", later=5)


def test_ssh_opens_the_docker_users_shell_on_the_node_and_exit_leaves_it(engine):
    r = run(engine, "minikube ssh")
    assert (r.output, r.exit_code, r.prompt) == ("", 0, "docker@minikube:~$ ")
    assert run(engine, "whoami; hostname; pwd").output == "docker\nminikube\n/home/docker\n"
    assert run(engine, "cd /etc").prompt == "docker@minikube:/etc$ "
    r = run(engine, "exit")
    assert (r.output, r.prompt) == ("logout\n", "student@ubuntu:~$ ")
    assert run(engine, "hostname").output == "ubuntu\n"


def test_the_node_is_debian_12_as_kicbase_v0_0_49_is(engine):
    run(engine, "minikube ssh")
    r = run(engine, "cat /etc/os-release")
    assert r.output.startswith('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\n'
                               'VERSION_ID="12"\n')
    assert "ID=debian\n" in r.output
    # Debian has no /etc/lsb-release (the learner's Ubuntu machine does)
    assert run(engine, "cat /etc/lsb-release").output == "cat: /etc/lsb-release: No such file or directory\n"


def test_the_node_has_its_own_address_and_hosts_file(engine):
    run(engine, "minikube ssh")
    assert run(engine, "hostname -I").output.startswith("192.168.49.2 ")
    r = run(engine, "ip -4 addr show eth0")
    assert "    inet 192.168.49.2/24 brd 192.168.49.255 scope global eth0\n" in r.output
    assert "192.168.49.1\thost.minikube.internal\n" in run(engine, "cat /etc/hosts").output
    assert run(engine, "ip addr show wlan0").output == 'Device "wlan0" does not exist.\n'


def test_the_nodes_files_are_its_own_and_last(engine):
    run(engine, "minikube ssh")
    assert run(engine, "echo hello > notes.txt; cat notes.txt").output == "hello\n"
    r = run(engine, "echo x > /etc/motd")
    assert r.output == "bash: /etc/motd: Permission denied\n"
    run(engine, "exit")
    assert run(engine, "cat notes.txt").output == "cat: notes.txt: No such file or directory\n"
    run(engine, "minikube ssh")
    assert run(engine, "cat ~/notes.txt").output == "hello\n"


def test_kubectl_is_not_on_the_nodes_path(engine):
    run(engine, "minikube ssh")
    r = run(engine, "kubectl get pods")
    assert (r.output, r.exit_code) == ("bash: kubectl: command not found\n", 127)


def test_crictl_ps_lists_the_running_containers_newest_first(engine):
    with_nginx(engine)
    run(engine, "minikube ssh")
    lines = run(engine, "crictl ps").output.splitlines()
    assert lines[0].split() == ["CONTAINER", "IMAGE", "CREATED", "STATE", "NAME", "ATTEMPT", "POD", "ID", "POD",
                                "NAMESPACE"]
    assert lines[0].startswith("CONTAINER           IMAGE               CREATED   ")     # minwidth 20, padding 3
    pod = run(engine, "exit") and run(engine, "kubectl get pods -o name").output.strip().split("/")[1]
    run(engine, "minikube ssh")
    newest = cells(run(engine, "crictl ps").output.splitlines()[1])
    assert (newest[2], newest[3], newest[4], newest[5], newest[7], newest[8]) == (
        "10 seconds ago", "Running", "nginx", "0", pod, "default")
    cid = run(engine, "exit") and run(engine, f"kubectl get pod {pod} -o jsonpath='{{.status.containerStatuses[0]"
                                              ".containerID}}'").output
    assert newest[0] == cid.split("://")[1][:13]
    names = {cells(line)[4] for line in run(engine, "minikube ssh -- crictl ps").output.splitlines()[1:]}
    assert {"etcd", "kube-apiserver", "coredns", "kube-proxy", "storage-provisioner", "nginx"} <= names


def test_crictl_pods_lists_sandboxes_ready(engine):
    with_nginx(engine)
    lines = run(engine, "minikube ssh -- sudo crictl pods").output.splitlines()
    assert lines[0].split() == ["POD", "ID", "CREATED", "STATE", "NAME", "NAMESPACE", "ATTEMPT", "RUNTIME"]
    rows = [cells(line) for line in lines[1:]]
    assert all(row[-1] == "(default)" for row in rows)
    assert any(row[-3] == "default" and row[-4].startswith("nginx-app-") for row in rows)
    assert len(rows) == len(run(engine, "kubectl get pods -A --no-headers").output.splitlines())


def test_docker_ps_on_the_node_shows_kubelets_containers(engine):
    with_nginx(engine)
    run(engine, "minikube ssh")
    out = run(engine, "docker ps").output
    lines = out.splitlines()
    assert lines[0].split() == ["CONTAINER", "ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"]
    pod = [line for line in lines if "k8s_nginx_nginx-app-" in line][0]
    assert '"/docker-entrypoint.…"' in pod and "Up 6 seconds" in pod
    sandbox = [line for line in lines if "k8s_POD_nginx-app-" in line][0]
    assert 'registry.k8s.io/pause:3.10.1   "/pause"' in sandbox
    assert run(engine, "docker ps -q | wc -l").output.strip() == str(len(lines) - 1)


def test_iptables_needs_sudo_as_on_debian(engine):
    run(engine, "minikube ssh")
    r = run(engine, "iptables -t nat -L")
    assert (r.output, r.exit_code) == ("bash: iptables: command not found\n", 127)
    r = run(engine, "/usr/sbin/iptables -t nat -L")
    assert r.output == ("iptables v1.8.9 (nf_tables): Could not fetch rule set generation id: Permission denied "
                        "(you must be root)\n") and r.exit_code == 4


def test_kube_services_lists_a_rule_per_service_port(engine):
    with_nginx(engine)
    run(engine, "minikube ssh")
    out = run(engine, "sudo iptables -t nat -L KUBE-SERVICES -n").output
    lines = out.splitlines()
    assert lines[:2] == ["Chain KUBE-SERVICES (2 references)",
                         "target     prot opt source               destination         "]
    assert lines[2] == ("KUBE-SVC-NPX46M4PTMTKRN6Y  tcp  --  0.0.0.0/0            10.96.0.1            "
                        "/* default/kubernetes:https cluster IP */ tcp dpt:443")
    ip = run(engine, "exit") and run(engine, "kubectl get svc nginx-app -o jsonpath='{.spec.clusterIP}'").output
    assert any(f"{ip}" in line and "/* default/nginx-app cluster IP */ tcp dpt:80" in line for line in lines)
    assert lines[-1].startswith("KUBE-NODEPORTS  all  --  0.0.0.0/0            0.0.0.0/0            /* kubernetes "
                                "service nodeports; NOTE: this must be the last rule in this chain */")


def test_iptables_save_balances_over_the_ready_endpoints(engine):
    with_nginx(engine, replicas=3, kind="NodePort")
    out = run(engine, "minikube ssh -- sudo iptables-save -t nat").output
    assert out.startswith("# Generated by iptables-save v1.8.9 (nf_tables) on ")
    ips = sorted(run(engine, "kubectl get pods -l app=nginx-app -o jsonpath='{.items[*].status.podIP}'")
                 .output.split())
    svc = [line for line in out.splitlines() if line.startswith("-A KUBE-SVC-") and "default/nginx-app ->" in line]
    assert [line.split('"')[1] for line in svc] == [f"default/nginx-app -> {ip}:80" for ip in ips]
    assert "--probability 0.3333333333 " in svc[0] and "--probability 0.5000000000 " in svc[1]
    assert "statistic" not in svc[2]
    dnat = [line for line in out.splitlines() if "-j DNAT" in line and "default/nginx-app" in line]
    assert sorted(line.rsplit(" ", 1)[1] for line in dnat) == [f"{ip}:80" for ip in ips]
    port = run(engine, "kubectl get svc nginx-app -o jsonpath='{.spec.ports[0].nodePort}'").output
    assert any(line.startswith("-A KUBE-NODEPORTS -p tcp -m comment --comment \"default/nginx-app\" -m tcp "
                               f"--dport {port} -j KUBE-EXT-") for line in out.splitlines())


def test_a_service_without_endpoints_has_no_nat_rules(engine):
    run(engine, "kubectl create service clusterip empty --tcp=80:80")
    out = run(engine, "minikube ssh -- sudo iptables-save -t nat").output
    assert "default/empty" not in out
    run(engine, "kubectl create deployment empty --image=nginx")
    run(engine, "true", later=5)
    # `create service clusterip --tcp=80:80` names its port "80-80"
    assert "default/empty:80-80 cluster IP" in run(engine, "minikube ssh -- sudo iptables-save -t nat").output


def test_curl_from_the_node_reaches_a_cluster_ip(engine):
    with_nginx(engine)
    ip = run(engine, "kubectl get svc nginx-app -o jsonpath='{.spec.clusterIP}'").output
    run(engine, "minikube ssh")
    assert run(engine, f"curl -s {ip} | grep title").output == "<title>Welcome to nginx!</title>\n"
    run(engine, "exit")
    # the learner's machine has no route to ClusterIPs
    r = run(engine, f"curl -s -m 1 {ip}")
    assert r.exit_code == 28


def test_ssh_with_a_command_runs_it_and_reports_a_failure(engine):
    assert run(engine, "minikube ssh -- hostname").output == "minikube\n"
    assert run(engine, "minikube ssh 'cat /etc/hostname'").output == "minikube\n"
    r = run(engine, "minikube ssh -- exit 3")
    assert (r.output, r.exit_code) == ("ssh: Process exited with status 3\n", 1)


def test_ssh_to_a_worker_node_with_n(engine):
    run(engine, "minikube node add")
    r = run(engine, "minikube ssh -n m02 -- hostname -i")
    assert r.output == "192.168.49.3\n"
    run(engine, "minikube ssh --node=minikube-m02")
    assert run(engine, "hostname").prompt == "docker@minikube-m02:~$ "
    pods = {cells(line)[3] for line in run(engine, "crictl pods").output.splitlines()[1:]}
    assert "etcd-minikube" not in pods and any(p.startswith("kube-proxy-") for p in pods)
    run(engine, "exit")
    r = run(engine, "minikube ssh -n m07")
    assert (r.output, r.exit_code) == ("❌  Exiting due to GUEST_NODE_RETRIEVE: Node m07 does not exist.\n", 85)


def test_ssh_needs_a_running_cluster(engine):
    run(engine, "minikube stop")
    r = run(engine, "minikube ssh")
    assert r.exit_code != 0 and "host is not running" in r.output
