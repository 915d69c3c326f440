"""Processes over time in the engine: jobs (bash's messages), terminal sessions, and the programs that run
on: kubectl get -w, port-forward, run -it/attach, sleep, wait. Exact output, with the source it follows."""
from __future__ import annotations

import pytest

from playground.sim.engine import Engine
from playground.sim.printers.tabwriter import format_text

T0 = 1_700_000_000.0
RECORDED = ("All commands and output from this session will be recorded in container logs, including credentials "
            "and sensitive information passed through the command prompt.\n")
PRESS_ENTER = "If you don't see a command prompt, try pressing enter.\n"


@pytest.fixture
def engine():
    e = Engine.new(seed=3, now=T0)
    e.at = T0
    return e


def run(e: Engine, line: str, session: str = "1", later: float = 1.0):
    e.at += later
    return e.run(line, now=e.at, session=session)


def wake(e: Engine, later: float):
    e.at += later
    return e.wake(now=e.at)


def with_nginx(e: Engine) -> None:
    run(e, "kubectl create deployment nginx-app --image=nginx")
    run(e, "kubectl expose deployment nginx-app --port=80")
    run(e, "true", later=5)          # the pod runs (nginx starts in 2 s)


# ---- bash's job control (jobs.c pretty_print_job, jobs.def, kill.def, wait.def) ---------------------------
def test_a_background_job_prints_its_number_and_pid_and_is_announced_when_done(engine):
    r = run(engine, "sleep 5 &")
    assert r.output == "[1] 4301\n" and not r.running
    assert run(engine, "jobs").output == "[1]+  Running                 sleep 5 &\n"
    assert run(engine, "jobs -l").output == "[1]+  4301 Running                 sleep 5 &\n"
    assert run(engine, "echo $!").output == "4301\n"
    assert run(engine, "true", later=5).output == "[1]+  Done                    sleep 5\n"
    assert run(engine, "jobs").output == ""


def test_kill_ends_a_job_and_bash_reports_it_terminated(engine):
    run(engine, "sleep 100 &")
    run(engine, "sleep 200 &")
    assert run(engine, "jobs").output == ("[1]-  Running                 sleep 100 &\n"
                                          "[2]+  Running                 sleep 200 &\n")
    assert run(engine, "kill %1").output == "[1]-  Terminated              sleep 100\n"
    r = run(engine, "kill %7")
    assert (r.output, r.exit_code) == ("bash: kill: %7: no such job\n", 1)
    assert run(engine, "kill 99999").output == "bash: kill: (99999) - No such process\n"
    assert run(engine, "kill -9 %2").output == "[2]+  Killed                  sleep 200\n"
    assert run(engine, "fg").output == "bash: fg: current: no such job\n"


def test_a_command_that_ends_at_once_in_the_background_is_done_at_the_next_prompt(engine):
    assert run(engine, "echo hi &").output == "[1] 4301\nhi\n"
    assert run(engine, "true").output == "[1]+  Done                    echo hi\n"


def test_wait_blocks_until_the_jobs_end_and_ctrl_c_ends_a_foreground_sleep(engine):
    run(engine, "sleep 3 &")
    r = run(engine, "wait")
    assert r.running and r.output == "" and r.wake == pytest.approx(engine.at + 2)
    out = wake(engine, 3)
    assert out.streams["1"] == {"output": "[1]+  Done                    sleep 3\n", "ended": True, "exit_code": 0,
                                "prompt": "student@ubuntu:~$ "}
    assert run(engine, "sleep 30").running
    r = engine.interrupt(now=engine.at + 1)
    assert (r.output, r.exit_code, r.running) == ("", 130, False)
    assert run(engine, "echo $?").output == "130\n"


def test_fg_brings_a_background_job_back_and_prints_its_command(engine):
    run(engine, "sleep 50 &")
    r = run(engine, "fg %1")
    assert r.output == "sleep 50\n" and r.running
    assert not engine.interrupt(now=engine.at + 1).running
    assert run(engine, "jobs").output == ""


# ---- sessions: every terminal tab is its own shell ----------------------------------------------------
def test_each_tab_has_its_own_directory_variables_history_and_jobs(engine):
    run(engine, "cd /tmp; X=one", session="2")
    run(engine, "sleep 100 &", session="2")
    assert run(engine, "echo $X; pwd; jobs", session="1").output == "\n/home/student\n"
    r = run(engine, "echo $X; pwd; jobs", session="2")
    assert r.output == "one\n/tmp\n[1]+  Running                 sleep 100 &\n"
    assert r.prompt == "student@ubuntu:/tmp$ "
    assert engine.host.history == ["cd /tmp; X=one", "sleep 100 &", "echo $X; pwd; jobs"]
    state = Engine.from_state(engine.to_state())        # the sessions persist with the sandbox
    assert state.run("pwd", now=engine.at + 1, session="2").output == "/tmp\n"


# ---- kubectl get -w (get.go GetOptions.watch; liggitt/tabwriter RememberWidths) --------------------------
def test_a_watch_prints_the_list_then_one_row_per_event_under_the_same_columns(engine):
    with_nginx(engine)
    r = run(engine, "kubectl get pods -w")
    assert r.running
    first = r.output.splitlines()
    assert first[0].split() == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"] and len(first) == 2
    name_width = first[0].index("READY")
    other = run(engine, "kubectl scale deployment nginx-app --replicas=2", session="2")
    assert other.output == "deployment.apps/nginx-app scaled\n"
    added = other.streams["1"]["output"].splitlines()
    assert len(added) == 1 and added[0].index("0/1") == name_width
    assert added[0].split()[1:] == ["0/1", "ContainerCreating", "0", "0s"]
    # no header again; STATUS widens for ContainerCreating and stays wide (the remembered widths)
    started = wake(engine, 3).streams["1"]["output"]
    assert started.split()[1:] == ["1/1", "Running", "0", "3s"]
    assert started.index("Running") == added[0].index("ContainerCreating")
    assert started.index("0 ") == added[0].index("0 ")
    r = engine.interrupt(session="1", now=engine.at + 1)
    assert (r.output, r.exit_code) == ("", 130)      # kubectl prints nothing more on SIGINT


def test_a_watch_sees_deletes_and_watch_only_skips_the_listing(engine):
    with_nginx(engine)
    r = run(engine, "kubectl get svc --watch-only")
    assert r.output == "" and r.running
    out = run(engine, "kubectl delete svc nginx-app", session="2").streams["1"]["output"]
    assert out.startswith("NAME        TYPE        CLUSTER-IP")
    assert out.splitlines()[1].startswith("nginx-app   ClusterIP")


def test_a_watch_of_one_type_only(engine):
    r = run(engine, "kubectl get pods,svc -w")
    assert r.output == ("error: watch is only supported on individual resources and resource collections - more "
                        "than 1 resource was found\n") and not r.running


def test_a_watch_in_a_pipeline_ends_at_once_and_says_so(engine):
    r = run(engine, "kubectl get ns -w | head -1")
    assert r.output.startswith("podscape: a watch runs on only as a command of its own")
    assert "NAME" in r.output and not r.running


def test_the_tab_writer_remembers_widths_across_flushes():
    widths: list[int] = []
    assert format_text("NAME\tSTATUS\tAGE\nweb\tRunning\t1s\n", 6, 3, widths) == \
        "NAME   STATUS    AGE\nweb    Running   1s\n"
    assert format_text("a\tContainerCreating\t0s\n", 6, 3, widths) == "a      ContainerCreating   0s\n"
    assert format_text("b\tRunning\t2s\n", 6, 3, widths) == "b      Running             2s\n"


# ---- port-forward (portforward.go; client-go portforward.go's messages) -------------------------------
def test_port_forward_binds_the_local_port_while_its_job_runs(engine):
    with_nginx(engine)
    r = run(engine, "kubectl port-forward svc/nginx-app 8080:80 &")
    assert r.output == "[1] 4301\nForwarding from 127.0.0.1:8080 -> 80\nForwarding from [::1]:8080 -> 80\n"
    r = run(engine, "curl -s localhost:8080 | grep title")
    assert r.output == "Handling connection for 8080\n<title>Welcome to nginx!</title>\n"
    # from another tab the connection message is the job's own terminal's
    other = run(engine, "curl -s -o /dev/null -w '%{http_code}\\n' 127.0.0.1:8080", session="2")
    assert other.output == "200\n"
    assert other.streams["1"]["output"] == "Handling connection for 8080\n"
    run(engine, "kill %1")
    r = run(engine, "curl localhost:8080")
    assert r.exit_code == 7 and "Failed to connect to localhost port 8080" in r.output


def test_port_forward_refuses_a_taken_port_and_a_missing_service_port(engine):
    with_nginx(engine)
    run(engine, "kubectl port-forward deploy/nginx-app 9090:80 &")
    r = run(engine, "kubectl port-forward svc/nginx-app 9090:80")
    assert r.output.endswith("error: unable to listen on any of the requested ports: [{9090 80}]\n")
    r = run(engine, "kubectl port-forward svc/nginx-app 8081:8080")
    assert r.output == "error: Service nginx-app does not have a service port 8080\n"


def test_port_forward_ends_when_its_pod_goes(engine):
    run(engine, "kubectl run web --image=nginx")
    run(engine, "true", later=5)
    assert run(engine, "kubectl port-forward pod/web 8080:80").running
    other = run(engine, "kubectl delete pod web", session="2")
    assert other.streams["1"]["output"] == "error: lost connection to pod\n"
    assert other.streams["1"]["ended"] and other.streams["1"]["exit_code"] == 1


# ---- kubectl run -it / attach (attach.go AttachOptions.Run, reattachMessage; run.go) --------------------
def test_run_it_rm_gives_a_busybox_shell_and_deletes_the_pod_when_it_exits(engine):
    with_nginx(engine)
    r = run(engine, "kubectl run -it --rm tmp --image=busybox -- sh")
    assert r.output == "" and r.running                # waiting for the pod to run
    started = wake(engine, 3).streams["1"]
    assert started == {"output": RECORDED + PRESS_ENTER, "ended": True, "exit_code": 0, "prompt": "/ # "}
    r = run(engine, "wget -qO- nginx-app | grep title")
    assert (r.output, r.prompt) == ("<title>Welcome to nginx!</title>\n", "/ # ")
    r = run(engine, "exit")
    assert r.output == ("Session ended, resume using 'kubectl attach tmp -c tmp -n default -i -t' command\n"
                        'pod "tmp" deleted from default namespace\n')
    assert r.prompt == "student@ubuntu:~$ "
    assert run(engine, "kubectl get pod tmp").output == 'Error from server (NotFound): pods "tmp" not found\n'


def test_run_rm_i_runs_a_command_and_prints_its_output(engine):
    with_nginx(engine)
    assert run(engine, "kubectl run --rm -i --restart=Never one --image=busybox -- wget -qO- nginx-app").running
    out = wake(engine, 3).streams["1"]["output"]
    assert out.startswith(RECORDED + PRESS_ENTER + "<!DOCTYPE html>")
    assert out.endswith('</html>\npod "one" deleted from default namespace\n')


def test_attach_to_a_pod_started_with_a_tty_shell(engine):
    run(engine, "kubectl run box --image=busybox -i -t -- sh")
    wake(engine, 3)
    r = run(engine, "exit")
    assert r.output == "Session ended, resume using 'kubectl attach box -c box -n default -i -t' command\n"
    r = run(engine, "kubectl attach box -c box -i -t")
    assert r.output == RECORDED + PRESS_ENTER and r.prompt == "/ # "
    assert run(engine, "hostname").output == "box\n"


# ---- kubectl logs -f (logs.go: the stream ends when the container's log does) -----------------------------
def test_logs_follow_prints_the_access_log_lines_of_requests_as_they_come(engine):
    with_nginx(engine)
    run(engine, "kubectl run c --image=busybox -- sleep 3600")
    run(engine, "true", later=3)
    r = run(engine, "kubectl logs -f deploy/nginx-app --tail=0")
    assert r.output == "" and r.running
    other = run(engine, "kubectl exec c -- wget -qO- nginx-app >/dev/null", session="2")
    line = other.streams["1"]["output"]
    assert line.startswith("10.244.0.") and line.endswith('"GET / HTTP/1.1" 200 896 "-" "Wget" "-"\n')
    gone = run(engine, "kubectl delete deploy nginx-app", session="2").streams["1"]
    assert gone == {"output": "", "ended": True, "exit_code": 0, "prompt": "student@ubuntu:~$ "}


# ---- minikube tunnel (minikube pkg/minikube/tunnel: reporter.go, loadbalancer_patcher.go) --------------------
def test_minikube_tunnel_gives_load_balancers_their_cluster_ip_while_it_runs(engine):
    run(engine, "kubectl create deployment web --image=nginx")
    run(engine, "kubectl expose deployment web --port=80 --type=LoadBalancer")
    run(engine, "true", later=5)
    assert "<pending>" in run(engine, "kubectl get svc web").output
    r = run(engine, "minikube tunnel")
    assert r.running and r.output == (
        "Status:\t\n\tmachine: minikube\n\tpid: 4301\n\troute: 10.96.0.0/12 -> 192.168.49.2\n\tminikube: Running\n"
        "\tservices: [web]\n    errors: \n\t\tminikube: no errors\n\t\trouter: no errors\n"
        "\t\tloadbalancer emulator: no errors\n")
    ip = run(engine, "kubectl get svc web -o jsonpath='{.spec.clusterIP}'", session="2").output
    shown = run(engine, "kubectl get svc web", session="2").output.splitlines()[1].split()
    assert shown[2:4] == [ip, ip]
    assert "<title>Welcome to nginx!</title>" in run(engine, f"curl -s {ip}", session="2").output
    engine.interrupt(session="1", now=engine.at + 1)
    assert "<pending>" in run(engine, "kubectl get svc web", session="2").output
    assert run(engine, f"curl -s -m 1 {ip}", session="2").exit_code == 28


# ---- watch (procps-ng watch.c: header, alternate screen, SIGINT exits 0) --------------------------------
def test_watch_redraws_the_command_every_interval_on_the_alternate_screen(engine):
    r = run(engine, "watch -n 5 kubectl get ns default")
    assert r.running and r.wake == pytest.approx(engine.at + 5)
    head = "Every 5.0s: kubectl get ns default".ljust(48) + "ubuntu: Tue Nov 14 22:13:21 2023"     # 80 columns
    assert r.output == "\x1b[?1049h\x1b[H\x1b[2J" + head + "\n\nNAME      STATUS   AGE\ndefault   Active   61s\n"
    assert "1" not in run(engine, "true", session="2").streams      # nothing to redraw before 5 s
    again = wake(engine, 5).streams["1"]["output"]
    assert again.startswith("\x1b[H\x1b[2JEvery 5.0s") and again.endswith("default   Active   67s\n")
    r = engine.interrupt(session="1", now=engine.at + 1)
    assert (r.output, r.exit_code) == ("\x1b[?1049l", 0)


def test_a_script_runs_a_foreground_job_to_its_end_or_interrupts_it(engine):
    """manage.py sim and lesson replays: nobody presses Ctrl-C (Engine.run_to_end)."""
    r, now = engine.run_to_end("sleep 5", now=T0 + 1)
    assert (r.output, r.exit_code, r.running, now) == ("", 0, False, T0 + 6)
    r, now = engine.run_to_end("kubectl get ns kube-public -w", now=now + 1)
    assert r.output.startswith("NAME          STATUS   AGE\nkube-public   Active") and r.exit_code == 130


# ---- ping on the host (iputils-ping: ping.c, ping_common.c finish()) -------------------------------------------
def test_ping_with_a_count_prints_its_replies_and_statistics(engine):
    r = run(engine, "ping -c 2 minikube")
    lines = r.output.splitlines()
    assert lines[0] == "PING minikube (192.168.49.2) 56(84) bytes of data."
    assert lines[1].startswith("64 bytes from minikube (192.168.49.2): icmp_seq=1 ttl=64 time=0.0")
    assert lines[3:6] == ["", "--- minikube ping statistics ---",
                          "2 packets transmitted, 2 received, 0% packet loss, time 1001ms"]
    assert lines[6].startswith("rtt min/avg/max/mdev = ") and r.exit_code == 0


def test_ping_runs_until_ctrl_c_and_a_cluster_ip_never_answers(engine):
    r = run(engine, "ping 10.96.0.1")
    assert r.output == "PING 10.96.0.1 (10.96.0.1) 56(84) bytes of data.\n" and r.running
    assert "1" not in wake(engine, 2).streams          # no replies: nothing printed
    r = engine.interrupt(now=engine.at + 0.5)
    assert r.output == ("--- 10.96.0.1 ping statistics ---\n"
                        "3 packets transmitted, 0 received, 100% packet loss, time 2001ms\n")
    assert r.exit_code == 1
    assert run(engine, "ping nope").output == "ping: nope: Temporary failure in name resolution\n"
