"""Commands that run on, in headless Chromium against the real server: two terminal tabs, a watch in one
that prints the pods a scale in the other creates, Ctrl-C; a port-forward as a background job reached by
curl; an interactive `kubectl run -it --rm` shell; `minikube ssh`. What is checked is what the terminal shows."""
from __future__ import annotations

import itertools
import re
import time

import pytest

from .learner import open_free_sandbox, sign_up

PROMPT = "student@ubuntu:~$ "
LEARNERS = itertools.count(1)


@pytest.fixture
def sandbox(server, page):
    sign_up(page, server["base"], f"streams{next(LEARNERS)}")
    open_free_sandbox(page, server["base"], "streams")
    return page


def tab_screen(page, sid: str) -> str:
    return page.evaluate(f"window.podscape.screenText({sid!r})")


def wait_tab(page, sid: str, pattern: str, timeout: float = 20.0) -> str:
    """Waits until tab `sid` shows text matching the regex `pattern`; returns its screen."""
    deadline = time.monotonic() + timeout
    while True:
        shown = tab_screen(page, sid)
        if re.search(pattern, shown):
            return shown
        assert time.monotonic() < deadline, f"terminal {sid} never showed /{pattern}/:\n{shown}"
        page.wait_for_timeout(100)


def wait_prompt(page, sid: str, timeout: float = 20000) -> None:
    page.wait_for_function(f"window.podscape.terminals[{sid!r}].ready && "
                           f"!window.podscape.terminals[{sid!r}].jobRunning", timeout=timeout)


def type_in(page, sid: str, text: str, enter: bool = True) -> None:
    page.evaluate(f"window.podscape.selectTab({sid!r})")
    page.locator(f".terminal-host[data-session='{sid}'] .xterm").click()
    page.keyboard.type(text, delay=2)
    if enter:
        page.keyboard.press("Enter")


def run_in(page, sid: str, line: str) -> str:
    """Types a command in tab `sid` and waits for its prompt to come back; returns the tab's screen."""
    wait_prompt(page, sid)
    type_in(page, sid, line)
    wait_prompt(page, sid)
    return tab_screen(page, sid)


def test_a_watch_in_one_tab_prints_the_pods_a_scale_in_another_creates(sandbox):
    page = sandbox
    run_in(page, "1", "kubectl create deployment nginx-app --image=nginx")
    wait_tab(page, "1", r"deployment.apps/nginx-app created")
    page.wait_for_timeout(2500)                        # the first pod starts (nginx takes about 2 s)
    type_in(page, "1", "kubectl get pods -w")
    shown = wait_tab(page, "1", r"NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\nnginx-app-\S+\s+1/1\s+Running")
    assert page.evaluate("window.podscape.terminals['1'].jobRunning")

    page.evaluate("window.podscape.openTab('2')")
    run_in(page, "2", "cd /tmp")
    after = run_in(page, "2", "kubectl scale deployment nginx-app --replicas=3")
    assert "deployment.apps/nginx-app scaled" in after
    assert tab_screen(page, "2").endswith("student@ubuntu:/tmp$ ")    # tab 2 is its own shell, in /tmp

    # kubectl's watch format: no second header, one row per event, the columns of the first listing
    shown = wait_tab(page, "1", r"(nginx-app-\S+\s+0/1\s+ContainerCreating\s+0\s+\d+s\n.*){2}", timeout=10)
    rows = [line for line in shown.splitlines() if line.startswith("nginx-app-")]
    assert shown.count("NAME") == 1 and len(rows) >= 3
    # the new pods start as the simulated clock moves, with nobody typing
    wait_tab(page, "1", r"(?s)ContainerCreating.*nginx-app-\S+\s+1/1\s+Running\s+0\s+\d+s\n"
                        r"nginx-app-\S+\s+1/1\s+Running\s+0\s+\d+s", timeout=15)

    # a reload while the watch runs shows it still running (its line and output), and Ctrl-C still ends it
    page.reload()
    page.wait_for_function("window.podscape && window.podscape.terminals && window.podscape.terminals['2'] && "
                           "window.podscape.terminals['1'].jobRunning")
    wait_tab(page, "1", r"kubectl get pods -w\n(.*\n)*nginx-app-\S+\s+1/1\s+Running\s+0\s+\d+s$")
    page.evaluate("window.podscape.selectTab('1')")
    page.locator(".terminal-host[data-session='1'] .xterm").click()
    page.keyboard.press("Control+c")
    wait_prompt(page, "1")
    assert tab_screen(page, "1").endswith("^C\n" + PROMPT)
    run_in(page, "1", "echo $?")
    assert tab_screen(page, "1").endswith("echo $?\n130\n" + PROMPT)

    # a port-forward as a background job of tab 2; curl in the foreground reaches the pod through it
    run_in(page, "1", "kubectl expose deployment nginx-app --port=80")
    shown = run_in(page, "2", "kubectl port-forward svc/nginx-app 8080:80 &")
    assert re.search(r"kubectl port-forward svc/nginx-app 8080:80 &\n\[1\] \d+\n"
                     r"Forwarding from 127\.0\.0\.1:8080 -> 80\nForwarding from \[::1\]:8080 -> 80\n", shown)
    shown = run_in(page, "2", "curl -s localhost:8080 | grep title")
    assert "curl -s localhost:8080 | grep title\nHandling connection for 8080\n" \
           "<title>Welcome to nginx!</title>\nstudent@ubuntu:/tmp$ " in shown
    shown = run_in(page, "2", "jobs")
    assert "jobs\n[1]+  Running                 kubectl port-forward svc/nginx-app 8080:80 &\n" in shown

    # a reload brings both tabs back, each with its own prompt
    page.reload()
    page.wait_for_function("window.podscape && window.podscape.terminals && window.podscape.terminals['2']")
    wait_prompt(page, "2")
    assert tab_screen(page, "2").endswith("student@ubuntu:/tmp$ ")

    # closing tab 2 hangs up its shell: its port-forward ends and the port is free again
    page.locator(".term-tab[data-session='2'] .term-tab-close").click()
    page.wait_for_function("!window.podscape.terminals['2'] && window.podscape.activeSession === '1'")
    shown = run_in(page, "1", "curl -sS localhost:8080")
    assert "curl: (7) Failed to connect to localhost port 8080 after 0 ms: Couldn't connect to server\n" in shown


def test_run_it_rm_gives_a_shell_in_the_pod_until_exit(sandbox):
    page = sandbox
    run_in(page, "1", "kubectl create deployment nginx-app --image=nginx")
    run_in(page, "1", "kubectl expose deployment nginx-app --port=80")
    type_in(page, "1", "kubectl run -it --rm tmp --image=busybox -- sh")
    wait_tab(page, "1", r"try pressing enter\.\n/ # $")
    wait_prompt(page, "1")
    shown = run_in(page, "1", "wget -qO- nginx-app")
    assert "/ # wget -qO- nginx-app\n<!DOCTYPE html>" in shown and shown.endswith("</html>\n/ # ")
    shown = run_in(page, "1", "exit")
    assert shown.endswith("/ # exit\n"
                          "Session ended, resume using 'kubectl attach tmp -c tmp -n default -i -t' command\n"
                          'pod "tmp" deleted from default namespace\n' + PROMPT)
    shown = run_in(page, "1", "kubectl get pod tmp")
    assert shown.endswith('Error from server (NotFound): pods "tmp" not found\n' + PROMPT)


def test_minikube_ssh_gives_the_nodes_shell_until_exit(sandbox):
    page = sandbox
    shown = run_in(page, "1", "minikube ssh")
    assert shown.endswith("minikube ssh\ndocker@minikube:~$ ")
    shown = run_in(page, "1", "hostname; whoami")
    assert shown.endswith("docker@minikube:~$ hostname; whoami\nminikube\ndocker\ndocker@minikube:~$ ")
    shown = run_in(page, "1", "exit")
    assert shown.endswith("docker@minikube:~$ exit\nlogout\n" + PROMPT)
