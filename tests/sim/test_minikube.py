"""minikube and docker ps on the learner's host: the cluster's life (stop, start, delete, start again),
the commands' real wording and exit codes, and docker's view of the minikube container."""
from __future__ import annotations

from pathlib import Path

from playground.sim import network
from playground.sim.programs import docker as docker_prog
from playground.sim.programs import load_all
from tests.sim.test_network import add_service, new_engine, nginx_nodeport

load_all()      # importing one program module must not leave the shell with a partial table
TUTORIAL = Path(__file__).resolve().parents[3] / "shared" / "tutorial.md"


def run(engine, line, dt: float = 1):
    return engine.run(line, now=engine.cluster.now + dt)


RUNNING = ("minikube\ntype: Control Plane\nhost: Running\nkubelet: Running\napiserver: Running\n"
           "kubeconfig: Configured\n\n")
STOPPED = ("minikube\ntype: Control Plane\nhost: Stopped\nkubelet: Stopped\napiserver: Stopped\n"
           "kubeconfig: Stopped\n\n")
NO_PROFILE = ('🤷  Profile "minikube" not found. Run "minikube profile list" to view all profiles.\n'
              '👉  To start a cluster, run: "minikube start"\n')


def test_ip_and_status_of_a_running_cluster():
    e = new_engine()
    assert (run(e, "minikube ip").output, run(e, "minikube ip").exit_code) == ("192.168.49.2\n", 0)
    r = run(e, "minikube status")
    assert (r.output, r.exit_code) == (RUNNING, 0)


def test_stop_then_status_ip_and_curl():
    e, _ = nginx_nodeport()
    r = run(e, "minikube stop")
    assert r.output == ('✋  Stopping node "minikube"  ...\n🛑  Powering off "minikube" via SSH ...\n'
                        "🛑  1 node stopped.\n")
    assert e.cluster.running is False
    r = run(e, "minikube status")
    assert (r.output, r.exit_code) == (STOPPED, 7)
    r = run(e, "minikube ip")
    assert r.exit_code == 83
    assert r.output == ("🤷  The control-plane node minikube host is not running: state=Stopped\n"
                        '👉  To start a cluster, run: "minikube start"\n')
    r = run(e, "curl http://192.168.49.2:32000")
    assert r.exit_code == 7 and "Couldn't connect to server" in r.output
    again = run(e, "minikube stop")
    assert again.output == '✋  Stopping node "minikube"  ...\n🛑  1 node stopped.\n'


def test_kubectl_fails_like_real_kubectl_while_stopped():
    e = new_engine()
    run(e, "minikube stop")
    r = run(e, "kubectl get pods")
    assert r.exit_code == 1
    assert r.output.endswith("The connection to the server localhost:8080 was refused - did you specify the "
                             "right host or port?\n")


def test_start_after_stop_restarts_the_pods_and_keeps_the_objects():
    e, _ = nginx_nodeport()
    before = {p["metadata"]["name"] for p in e.cluster.list("pods", "default")}
    run(e, "minikube stop")
    r = run(e, "minikube start", dt=30)
    assert r.exit_code == 0
    lines = r.output.splitlines()
    assert lines[0].startswith("😄  minikube v1.38.0 on ")
    assert "✨  Using the docker driver based on existing profile" in lines
    assert '🔄  Restarting existing docker container for "minikube" ...' in lines
    assert "🐳  Preparing Kubernetes v1.35.0 on Docker 28.4.0 ..." in lines
    assert lines[-1] == ('🏄  Done! kubectl is now configured to use "minikube" cluster and "default" namespace '
                         "by default")
    assert e.cluster.running
    pods = e.cluster.list("pods", "default")
    assert {p["metadata"]["name"] for p in pods} == before
    assert all(p["status"]["containerStatuses"][0]["restartCount"] == 1 for p in pods)
    w = network.walk(e.cluster, e.host.files, network.HOST, "192.168.49.2", 32000)
    assert w.verdict == "ok" and w.backend.ip == e.cluster.get("pods", "default", w.backend.pod)["status"]["podIP"]


def test_delete_removes_everything_and_start_builds_a_fresh_cluster():
    e, _ = nginx_nodeport()
    old_seed = e.cluster.seed
    r = run(e, "minikube delete")
    assert r.output == ('🔥  Deleting "minikube" in docker ...\n🔥  Deleting container "minikube" ...\n'
                        "🔥  Removing /home/student/.minikube/machines/minikube ...\n"
                        '💀  Removed all traces of the "minikube" cluster.\n')
    r = run(e, "minikube status")
    assert (r.output, r.exit_code) == (NO_PROFILE, 85)
    assert run(e, "docker ps -a").output == "CONTAINER ID   IMAGE     COMMAND   CREATED   STATUS    PORTS     NAMES\n"
    assert network.walk(e.cluster, e.host.files, network.HOST, "192.168.49.2", 32000).verdict == "timeout"

    r = run(e, "minikube start --cni=calico")
    assert r.exit_code == 0
    assert r.output.splitlines()[1:7] == [
        "✨  Automatically selected the docker driver. Other choices: ssh, none",
        "📌  Using Docker driver with root privileges",
        '👍  Starting "minikube" primary control-plane node in "minikube" cluster',
        "🚜  Pulling base image v0.0.49 ...",
        "🔥  Creating docker container (CPUs=2, Memory=5900MB) ...",
        "🐳  Preparing Kubernetes v1.35.0 on Docker 28.4.0 ...",
    ]
    assert "🔗  Configuring Calico (Container Networking Interface) ..." in r.output
    assert e.cluster.cni == "calico" and e.cluster.seed != old_seed
    assert e.cluster.get("services", "default", "nginx-app") is None
    assert e.cluster.get("services", "kube-system", "kube-dns")["spec"]["clusterIP"] == "10.96.0.10"
    assert run(e, "minikube status").output == RUNNING


def test_default_start_configures_the_bridge_cni():
    e = new_engine()
    run(e, "minikube delete")
    r = run(e, "minikube start --driver=docker")
    assert "✨  Using the docker driver based on user configuration" in r.output
    assert "🔗  Configuring bridge CNI (Container Networking Interface) ..." in r.output
    assert e.cluster.cni == ""


def test_service_url_of_a_nodeport_service():
    e, _ = nginx_nodeport()
    r = run(e, "minikube service nginx-app --url")
    assert (r.output, r.exit_code) == ("http://192.168.49.2:32000\n", 0)


def test_service_table_without_url():
    e, _ = nginx_nodeport()
    r = run(e, "minikube service nginx-app")
    assert r.output.startswith(
        "┌───────────┬───────────┬─────────────┬───────────────────────────┐\n"
        "│ NAMESPACE │    NAME   │ TARGET PORT │            URL            │\n"
        "├───────────┼───────────┼─────────────┼───────────────────────────┤\n"
        "│ default   │ nginx-app │ 80          │ http://192.168.49.2:32000 │\n"
        "└───────────┴───────────┴─────────────┴───────────────────────────┘\n"
        "🎉  Opening service default/nginx-app in default browser...\n")


def test_service_url_of_a_cluster_ip_service_warns():
    e, _ = nginx_nodeport()
    add_service(e, "inner", selector={"app": "nginx-app"})
    r = run(e, "minikube service inner --url")
    assert r.exit_code == 0
    assert r.output == ("😿  service default/inner has no node port\n"
                        '❗  Services [default/inner] have type "ClusterIP" not meant to be exposed, however for '
                        "local development minikube allows you to access this !\n")


def test_service_that_does_not_exist():
    e = new_engine()
    r = run(e, "minikube service nope -n web")
    assert r.exit_code == 115
    assert r.output == ("\n❌  Exiting due to SVC_NOT_FOUND: Service 'nope' was not found in 'web' namespace.\n"
                        "You may select another namespace by using 'minikube service nope -n <namespace>'. Or "
                        "list out all the services using 'minikube service list'\n\n")


def test_nodeport_service_without_running_pods_is_unreachable():
    e = new_engine()
    add_service(e, "empty", type_="NodePort", node_port=30500)
    r = run(e, "minikube service empty --url")
    assert r.exit_code == 115
    assert ("❌  Exiting due to SVC_UNREACHABLE: service not available: no running pod for service empty found"
            in r.output)


def test_addons_list_enable_and_disable():
    e = new_engine()
    table = run(e, "minikube addons list").output.splitlines()
    assert table[1] == ("│          ADDON NAME         │  PROFILE │   STATUS   │               MAINTAINER"
                        "               │")
    assert "│ storage-provisioner         │ minikube │ enabled ✅ │ minikube                               │" in table
    assert "│ ingress                     │ minikube │ disabled   │ Kubernetes                             │" in table
    r = run(e, "minikube addons enable ingress")
    assert r.output.splitlines()[-2:] == ["🔎  Verifying ingress addon...", "🌟  The 'ingress' addon is enabled"]
    assert e.cluster.addons["ingress"] is True
    assert "│ ingress                     │ minikube │ enabled ✅ │ Kubernetes" in run(e, "minikube addons list").output
    assert run(e, "minikube addons disable ingress").output == "🌑  \"The 'ingress' addon is disabled\n"
    assert e.cluster.addons["ingress"] is False


def test_enabled_addons_come_back_on_restart():
    e = new_engine()
    run(e, "minikube addons enable metrics-server")
    run(e, "minikube stop")
    r = run(e, "minikube start")
    assert "🌟  Enabled addons: storage-provisioner, default-storageclass, metrics-server" in r.output


def test_minikube_kubectl_runs_kubectl():
    e = new_engine()
    now = e.cluster.now + 5
    direct = e.run("kubectl get ns", now=now)
    via = e.run("minikube kubectl -- get ns", now=now)
    assert via.exit_code == direct.exit_code
    assert via.output == direct.output


def test_version_and_unsimulated_commands():
    e = new_engine()
    assert run(e, "minikube version").output == ("minikube version: v1.38.0\n"
                                                 "commit: de81223c61ab1bd97dcfcfa6d9d5c59e5da4a0cf\n")
    r = run(e, "minikube dashboard")
    assert r.exit_code == 1 and "not simulated" in r.output


# ---- docker ps ----------------------------------------------------------------------------------------
def test_docker_ps_lines_up_like_the_tutorial():
    e = new_engine()
    kic = network.kic(e.cluster)
    e.cluster.now = kic["created"] + 2 * 3600 + 60          # the tutorial's "2 hours ago", "Up 2 hours"
    r = e.run("docker ps", now=e.cluster.now)
    header, row = r.output.splitlines()
    tutorial = TUTORIAL.read_text().splitlines()
    expected_header = next(line for line in tutorial if line.startswith("CONTAINER ID"))
    assert header == expected_header
    expected_row = next(line for line in tutorial if line.startswith("4680f20c93ff"))
    prefix = expected_row[: expected_row.index(">22/tcp")].replace("v0.0.30", "v0.0.49")
    assert row[12:].startswith(prefix[12:])
    assert row.endswith("127.0.0.1:32772->22/tcp, 127.0.0.1:32771->2376/tcp, 127.0.0.1:32770->5000/tcp, "
                        "127.0.0.1:32769->8443/tcp, 127.0.0.1:32768->32443/tcp   minikube")


def test_docker_ps_after_stop_and_all():
    e = new_engine()
    run(e, "minikube stop")
    assert run(e, "docker ps").output == "CONTAINER ID   IMAGE     COMMAND   CREATED   STATUS    PORTS     NAMES\n"
    r = run(e, "docker ps -a", dt=300)
    header, row = r.output.splitlines()
    assert "Exited (130) 5 minutes ago" in row
    assert header.index("PORTS") < header.index("NAMES")
    assert row.endswith("   minikube")


def test_docker_times_read_like_go_units():
    assert [docker_prog.human_duration(s) for s in (0.5, 1, 59, 60, 119, 3599, 3600, 5400, 7200, 172800)] == [
        "Less than a second", "1 second", "59 seconds", "About a minute", "About a minute", "59 minutes",
        "About an hour", "2 hours", "2 hours", "2 days"]


def test_other_docker_commands_say_they_are_not_simulated():
    e = new_engine()
    r = run(e, "docker images")
    assert r.exit_code == 1 and "only `docker ps` is" in r.output
    r = run(e, "docker ps --bogus")
    assert (r.exit_code, r.output) == (125, "unknown flag: --bogus\nSee 'docker ps --help'.\n")
