"""The browser terminal's line editor, the diagram's safety with hostile names, and reconnecting, in
headless Chromium against the real server. Commands are checked by what the terminal sent and shows."""
from __future__ import annotations

import itertools

import pytest

from .learner import (current_line, open_free_sandbox, run, screen, sent_commands, sign_up, type_line, wait_ready,
                      wait_screen)

PROMPT = "student@ubuntu:~$ "
LEARNERS = itertools.count(1)


@pytest.fixture
def terminal(server, page):
    sign_up(page, server["base"], f"term{next(LEARNERS)}")
    open_free_sandbox(page, server["base"], "playground")
    return page


def press(page, *keys: str) -> None:
    for k in keys:
        page.keyboard.press(k)


def test_it_edits_the_line_like_readline(terminal):
    page = terminal
    type_line(page, "get pods")
    press(page, "Home")
    page.keyboard.type("kubectl ")
    press(page, "End")
    page.keyboard.type(" -A")
    assert current_line(page)["text"] == "kubectl get pods -A"
    press(page, "ArrowLeft", "ArrowLeft", "Backspace")      # the space before -A
    assert current_line(page) == {"text": "kubectl get pods-A", "cursor": 16, "ready": True}
    press(page, "Delete")
    assert current_line(page)["text"] == "kubectl get podsA"
    press(page, "Control+a", "Delete")
    assert current_line(page)["text"] == "ubectl get podsA"
    press(page, "Control+e", "Control+w")
    assert current_line(page)["text"] == "ubectl get "
    press(page, "Control+a", "Control+k")
    assert current_line(page)["text"] == ""
    page.keyboard.type("kubectl version")
    press(page, "Control+u")
    assert current_line(page)["text"] == ""
    assert screen(page).endswith(PROMPT)


def test_ctrl_c_abandons_the_line_and_ctrl_l_clears_the_screen(terminal):
    page = terminal
    type_line(page, "kubectl delete deploy --all")
    press(page, "Control+c")
    assert screen(page).endswith(PROMPT + "kubectl delete deploy --all^C\n" + PROMPT)
    assert sent_commands(page) == []
    assert current_line(page)["text"] == ""
    page.keyboard.type("kubectl get nodes")
    press(page, "Control+l")
    assert screen(page) == PROMPT + "kubectl get nodes"
    assert current_line(page)["text"] == "kubectl get nodes"
    press(page, "Control+u")
    run(page, "clear")
    wait_ready(page)
    assert screen(page) == PROMPT


def test_history_comes_back_on_the_arrow_keys_and_survives_a_reload(terminal):
    page = terminal
    run(page, "kubectl get nodes")
    run(page, "kubectl get ns")
    press(page, "ArrowUp")
    assert current_line(page)["text"] == "kubectl get ns"
    press(page, "ArrowUp")
    assert current_line(page)["text"] == "kubectl get nodes"
    press(page, "ArrowDown")
    assert current_line(page)["text"] == "kubectl get ns"
    press(page, "ArrowDown")
    assert current_line(page)["text"] == ""
    page.reload()
    wait_ready(page, 15000)
    type_line(page, "")
    press(page, "ArrowUp")
    assert current_line(page)["text"] == "kubectl get ns"      # seeded from the server's history


def test_a_heredoc_is_collected_and_sent_as_one_command(terminal):
    page = terminal
    type_line(page, "kubectl apply -f - <<EOF")
    press(page, "Enter")
    assert screen(page).endswith(PROMPT + "kubectl apply -f - <<EOF\n> ")
    for line in ["apiVersion: v1", "kind: Namespace", "metadata:", "  name: demo"]:
        page.keyboard.type(line)
        press(page, "Enter")
        assert sent_commands(page) == []
    page.keyboard.type("EOF")
    before = page.evaluate("window.podscape.results.length")
    press(page, "Enter")
    page.wait_for_function(f"window.podscape.results.length > {before}")
    assert sent_commands(page) == ["kubectl apply -f - <<EOF\napiVersion: v1\nkind: Namespace\nmetadata:\n"
                                   "  name: demo\nEOF"]
    wait_ready(page)
    assert screen(page).endswith("\n> EOF\nnamespace/demo created\n" + PROMPT)
    # a quoted delimiter: the body is passed through as typed
    for line in ["cat <<'END'", "<b>$HOME</b>"]:
        page.keyboard.type(line)
        press(page, "Enter")
    r = run(page, "END")
    assert sent_commands(page)[-1] == "cat <<'END'\n<b>$HOME</b>\nEND"
    assert r["output"] == "<b>$HOME</b>\n"


def test_a_multi_line_paste_runs_line_by_line(terminal):
    page = terminal
    type_line(page, "")
    page.evaluate("window.podscape.terminal.term.paste('kubectl get ns\\nkubectl get nodes\\n')")
    page.wait_for_function("window.podscape.results.length >= 2")
    wait_ready(page)
    assert sent_commands(page) == ["kubectl get ns", "kubectl get nodes"]
    text = screen(page)
    assert text.index(PROMPT + "kubectl get ns\n") < text.index(PROMPT + "kubectl get nodes\n")


def test_the_terminal_reconnects_when_the_socket_drops(terminal):
    page = terminal
    page.evaluate("window.podscape.socket.ws.close()")
    page.wait_for_function("window.podscape.helloCount >= 2 && window.podscape.connected", timeout=15000)
    wait_ready(page)
    assert page.locator("[data-connection]").text_content() == "connected"
    r = run(page, "kubectl get ns")
    assert r["id"] is not None


def test_object_names_are_drawn_as_text_never_as_html(terminal):
    page = terminal
    hostile = "<img src=x onerror=\"window.pwned=1\">"
    layouts = page.evaluate("window.podscape.layouts || 0")
    page.evaluate("""(name) => window.podscape.socket.emit('topology', {add: [{group: 'nodes', classes: 'pod ready',
        data: {id: 'pod/default/evil', kind: 'pod', name: name, label: name, namespace: 'default',
               status: 'Running', ready: '1/1', isReady: true, parent: 'node/minikube', labelText: name}}],
        update: [], remove: []})""", hostile)
    page.wait_for_function(f"window.podscape.layouts > {layouts}")     # the new pod found its place
    node = page.evaluate("window.cy.getElementById('pod/default/evil').renderedPosition()")
    box = page.locator("[data-cy]").bounding_box()
    page.mouse.move(box["x"] + node["x"], box["y"] + node["y"])
    tooltip = page.locator("[data-tooltip]")
    tooltip.wait_for(state="visible")
    assert hostile in tooltip.text_content()
    assert tooltip.locator("img").count() == 0
    assert page.evaluate("window.pwned") is None


def test_a_refused_request_is_drawn_with_its_reason(terminal):
    page = terminal
    page.evaluate("""() => window.podscape.socket.emit('traces', {traces: [{source: 'host',
        dest: '10.96.0.10:53', hops: [{id: 'host'}, {id: 'service/kube-system/kube-dns'}],
        verdict: 'timeout', reason: 'a ClusterIP only exists inside the cluster'}]})""")
    row = page.locator("[data-trace-log] .trace-bad")
    row.wait_for()
    assert row.text_content() == "✗ your machine → 10.96.0.10:53 — a ClusterIP only exists inside the cluster"
    page.wait_for_function("window.cy.nodes('.packet.stopped').length === 1")


STUB_COMPLETION = """(answers) => {
    // the server's completer answers from a table here, so this checks only what the terminal does with it
    const sock = window.podscape.socket;
    const send = sock.send.bind(sock);
    window.completionRequests = [];
    sock.send = (m) => {
        if (m.type !== 'complete') return send(m);
        const id = sock.nextId++;
        window.completionRequests.push({line: m.line, cursor: m.cursor});
        const [start, matches] = answers[m.line] || [m.cursor, []];
        setTimeout(() => sock.emit('completion', {type: 'completion', id, start, matches}), 5);
        return id;
    };
}"""


def test_tab_inserts_a_unique_match_or_the_common_prefix_then_lists_like_bash(terminal):
    page = terminal
    page.evaluate(STUB_COMPLETION, {"kubectl get no": [12, ["nodes"]],
                                    "kubectl get dep": [12, ["deploy", "deployments"]],
                                    "kubectl get deploy": [12, ["deploy", "deployments"]]})
    type_line(page, "kubectl get no")
    press(page, "Tab")
    page.wait_for_function("window.podscape.currentLine().text === 'kubectl get nodes '")
    assert page.evaluate("window.completionRequests") == [{"line": "kubectl get no", "cursor": 14}]
    press(page, "Control+u")
    page.keyboard.type("kubectl get dep")
    press(page, "Tab")
    page.wait_for_function("window.podscape.currentLine().text === 'kubectl get deploy'")
    press(page, "Tab")
    page.wait_for_function("window.completionRequests.length === 3")
    page.wait_for_timeout(100)
    assert screen(page).endswith(PROMPT + "kubectl get deploy\ndeploy       deployments\n" + PROMPT + "kubectl get deploy")
    assert current_line(page)["text"] == "kubectl get deploy"


def test_tab_completes_commands_and_names_from_the_sandbox(terminal):
    page = terminal
    type_line(page, "kub")
    press(page, "Tab")
    page.wait_for_function("window.podscape.currentLine().text === 'kubectl '")
    page.keyboard.type("get svc ku")
    press(page, "Tab")
    page.wait_for_function("window.podscape.currentLine().text === 'kubectl get svc kubernetes '")
    press(page, "Control+u")
    page.keyboard.type("kubectl get pods -n kube-")
    press(page, "Tab")
    page.wait_for_timeout(300)
    assert current_line(page)["text"] == "kubectl get pods -n kube-"     # ambiguous: nothing to add yet
    press(page, "Tab")
    listing = wait_screen(page, "kube-system").split("\n")[-2]
    assert listing.split() == ["kube-node-lease", "kube-public", "kube-system"]
    assert current_line(page)["text"] == "kubectl get pods -n kube-"


def test_a_command_button_in_the_side_pane_runs_in_the_terminal(terminal):
    page = terminal
    page.get_by_role("button", name="kubectl get nodes -o wide").click()
    page.wait_for_function("window.podscape.results.length === 1")
    wait_ready(page)
    assert sent_commands(page) == ["kubectl get nodes -o wide"]
    text = screen(page)
    assert text.startswith(PROMPT + "kubectl get nodes -o wide\nNAME ")
    assert "\nminikube " in text and "192.168.49.2" in text
    assert text.endswith("\n" + PROMPT)


def test_a_line_longer_than_the_terminal_wraps_and_still_edits_in_place(terminal):
    page = terminal
    cols = page.evaluate("window.podscape.terminal.term.cols")
    word = "".join(chr(ord("a") + i % 26) for i in range(2 * cols))      # every position tells
    type_line(page, "echo " + word)
    press(page, "Home")
    page.keyboard.type("A")
    press(page, "End")
    page.keyboard.type("B")
    for _ in range(cols + 3):
        press(page, "ArrowLeft")
    press(page, "Backspace")
    line = "Aecho " + word + "B"
    cursor = len(line) - (cols + 3)
    expected = line[:cursor - 1] + line[cursor:]
    assert current_line(page)["text"] == expected
    assert screen(page) == PROMPT + expected
    r = run(page, "")
    assert r["output"].startswith("bash: Aecho: command not found")
    assert screen(page).startswith(PROMPT + expected + "\nbash: Aecho: command not found\n")
