"""The diagram's behaviour in headless Chromium: a pod coming and going moves nothing else; a dropped
request ends in red where it stopped, with the reason beside it; the text twin and the details panel are
reachable by keyboard and Tab leaves the terminal; folded system namespaces and replica stacks unfold on
request; a stopped or deleted cluster says so; a lost diff brings a fresh hello."""
from __future__ import annotations

import itertools

from .conftest import ROOT
from .diagram_checks import problems, read, reference_lines, replay, run_line, settle, start_lesson
from .learner import open_free_sandbox, sign_up

ARTIFACTS = ROOT / "tests" / "artifacts"
LEARNERS = itertools.count(1)
MAX_MOVE_PX = 8

POSITIONS = """() => Object.fromEntries(window.cy.nodes().not('.packet, .note')
    .map((n) => [n.id(), n.renderedPosition()]))"""


def fresh(page, server, name="dg"):
    sign_up(page, server["base"], f"{name}{next(LEARNERS)}")
    open_free_sandbox(page, server["base"], "diagram")


def moved(before: dict, after: dict, skip) -> dict:
    out = {}
    for node_id, p in before.items():
        q = after.get(node_id)
        if q is None or skip(node_id):
            continue
        d = ((p["x"] - q["x"]) ** 2 + (p["y"] - q["y"]) ** 2) ** 0.5
        if d > MAX_MOVE_PX:
            out[node_id] = round(d, 1)
    return out


def test_a_pod_coming_or_going_moves_no_other_node(server, page):
    fresh(page, server, "stable")
    replay(page, ["kubectl create deploy web --image=nginx --replicas=3", "kubectl expose deploy web --port=80 --type=NodePort",
                  "kubectl create deploy api --image=redis", "kubectl expose deploy api --port=6379",
                  "kubectl run solo --image=busybox -- sleep 3600"])
    page.wait_for_timeout(2500)
    run_line(page, "kubectl get pods")
    settle(page)
    before = page.evaluate(POSITIONS)
    web = lambda node_id: node_id.startswith("pod/default/web-")       # noqa: E731 - the pods that change

    run_line(page, "kubectl scale deploy web --replicas=4")              # one pod more
    settle(page)
    after_add = page.evaluate(POSITIONS)
    assert sum(web(i) for i in after_add) == 4
    assert not moved(before, after_add, web), moved(before, after_add, web)

    run_line(page, "kubectl scale deploy web --replicas=3")              # and one less
    settle(page)
    after_remove = page.evaluate(POSITIONS)
    assert sum(web(i) for i in after_remove) == 3
    assert not moved(before, after_remove, web), moved(before, after_remove, web)

    victim = next(i for i in after_remove if web(i))                     # deleted, and replaced
    run_line(page, "kubectl delete pod " + victim.split("/")[-1])
    settle(page)
    after_replace = page.evaluate(POSITIONS)
    assert victim not in after_replace
    assert not moved(before, after_replace, web), moved(before, after_replace, web)


def test_a_dropped_request_ends_in_red_where_it_stopped_with_the_reason(server, page):
    sign_up(page, server["base"], f"drop{next(LEARNERS)}")
    start_lesson(page, server["base"], "network-policies")
    replay(page, reference_lines("network-policies", upto_step="label-busybox"))
    page.set_viewport_size({"width": 1280, "height": 720})
    settle(page)
    view = read(page)
    page.screenshot(path=str(ARTIFACTS / "diagram-dropped-request-1280x720.png"))
    trace = view["traces"][-1]
    assert trace["verdict"] == "dropped" and trace["hops"][-1] == "pod/default/nginx"
    # red from busybox through DNS and the Service to the nginx pod, which the policy isolates
    assert view["stop"] == ["pod/default/nginx"]
    assert {"pod/default/busybox", "service/default/nginx", "pod/default/nginx"} <= set(view["path"])
    assert view["bad"] >= 3
    assert view["note"].startswith("✗ dropped") and "access-nginx" in view["note"].replace("\n", " ")
    row = page.locator("[data-trace-log] .trace-bad").first.text_content()
    assert "access-nginx" in row
    # the policy sits in default, on the pod it selects, and is lit red as what dropped the request
    edge = "edge/networkpolicy/default/access-nginx->pod/default/nginx"
    assert page.evaluate(f"window.cy.getElementById('{edge}').hasClass('trace-bad')")
    assert page.evaluate("window.cy.getElementById('networkpolicy/default/access-nginx').hasClass('trace-bad')")
    assert not problems(view), problems(view)
    assert not page.errors


def test_keyboard_leaves_the_terminal_and_reads_the_outline(server, page):
    fresh(page, server, "kbd")
    replay(page, ["kubectl create deploy nginx-app --image=nginx --replicas=2", "kubectl expose deploy nginx-app --port=80"])
    page.wait_for_timeout(2500)
    run_line(page, "kubectl get pods")                  # the pods have started: endpoints
    settle(page)
    page.locator("#terminal .xterm").click()
    assert page.evaluate("!!document.activeElement.closest('#terminal')")
    page.keyboard.press("Tab")                          # Tab completes: focus stays in the terminal
    assert page.evaluate("!!document.activeElement.closest('#terminal')")
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")                          # Escape then Tab: focus moves on
    assert not page.evaluate("!!document.activeElement.closest('#terminal')")
    assert "Esc then Tab" in page.locator(".pane.console .pane-head").text_content()

    # the outline: open it, walk to the Service by keyboard, Enter opens its details
    page.locator(".diagram-twin summary").focus()
    page.keyboard.press("Enter")
    item = page.locator("[data-twin] [data-id='service/default/nginx-app']")
    assert "endpoints: " in item.text_content() and item.text_content().count("nginx-app-") == 2
    item.focus()
    page.keyboard.press("Enter")
    details = page.locator("[data-details]")
    details.wait_for(state="visible")
    assert "kubectl describe svc nginx-app -n default" in details.text_content()
    assert "selector" in details.text_content() and "app=nginx-app" in details.text_content()
    # a change is announced in words, politely
    run_line(page, "kubectl scale deploy nginx-app --replicas=3")
    page.wait_for_function("document.querySelector('[data-live]').textContent.includes('added')")
    assert not page.errors


def test_folded_system_namespaces_and_replica_stacks_unfold(server, page):
    fresh(page, server, "fold")
    page.wait_for_function("window.podscape.layouts >= 1")
    assert page.evaluate("window.cy.nodes('.pod').filter((n) => n.data('namespace') === 'kube-system').length") == 0
    summary = page.evaluate("window.cy.getElementById('summary/system').data('label')")
    assert "system namespaces" in summary and "pods" in summary
    page.evaluate("window.podscape.diagramView.activate('summary/system')")        # a click on it
    page.wait_for_function("window.cy.getElementById('namespace/kube-system').nonempty()")
    assert page.evaluate("window.cy.nodes('.pod').filter((n) => n.data('namespace') === 'kube-system').length") >= 5

    replay(page, ["kubectl create deploy many --image=nginx --replicas=9"])
    settle(page)
    stack = "stack/workload/default/Deployment/many"
    assert "×9" in page.evaluate(f"window.cy.getElementById('{stack}').data('label')")
    assert page.evaluate("window.cy.nodes('.pod').filter((n) => n.data('name').startsWith('many-')).length") == 0
    page.evaluate(f"window.podscape.diagramView.activate('{stack}')")
    page.wait_for_function("window.cy.nodes('.pod').filter((n) => n.data('name').startsWith('many-')).length === 9")
    settle(page)
    assert not problems(read(page)), problems(read(page))


def test_a_stopped_or_deleted_cluster_says_so(server, page):
    fresh(page, server, "state")
    state = page.locator("[data-diagram-state]")
    run_line(page, "minikube stop")
    page.wait_for_function("window.podscape.diagram.state === 'stopped'")
    assert "stopped" in state.text_content() and "minikube start" in state.text_content()
    run_line(page, "minikube delete")
    page.wait_for_function("window.podscape.diagram.state === 'nocluster'")
    empty = page.locator("[data-diagram-empty]")
    assert empty.is_visible() and empty.text_content().strip() == "No cluster. Run minikube start"
    assert page.evaluate("window.cy.nodes('.pod, .namespace, .node').length") == 0
    page.screenshot(path=str(ARTIFACTS / "diagram-no-cluster.png"))
    run_line(page, "minikube start")
    page.wait_for_function("['ok', 'starting'].includes(window.podscape.diagram.state)")
    assert not empty.is_visible()


def test_a_lost_diff_brings_the_whole_graph_again(server, page):
    fresh(page, server, "gap")
    hellos = page.evaluate("window.podscape.helloCount")
    # an update to something this page never had: a diff went missing
    page.evaluate("""() => window.podscape.socket.emit('topology', {type: 'topology', add: [], remove: [],
        update: [{group: 'nodes', data: {id: 'pod/default/ghost', kind: 'pod', name: 'ghost', namespace: 'default'}}],
        version: 1000000})""")
    page.wait_for_function(f"window.podscape.helloCount > {hellos} && window.podscape.connected", timeout=15000)
    assert page.evaluate("window.podscape.resyncs") == 1
    assert page.evaluate("window.cy.getElementById('pod/default/ghost').empty()")


DROP_NEXT_TOPOLOGY = """() => {
    const socket = window.podscape.socket, emit = socket.emit.bind(socket);
    window.podscape.dropped = null;
    socket.emit = (type, msg) => {
        if (type === 'topology' && window.podscape.dropped === null) { window.podscape.dropped = msg.version; return; }
        return emit(type, msg);
    };
}"""


def test_a_diff_lost_on_the_way_is_noticed_by_the_next_one(server, page):
    """A real push dropped on purpose (as a lost channel-layer message would be): the next command's diff
    says its diagram is unchanged only since the lost one's version, newer than the page's, so the page
    asks for the whole diagram. Both diffs only add a pod to a namespace the page has, so no unknown
    element gives the loss away: only the versions do."""
    fresh(page, server, "lost")
    run_line(page, "kubectl run first --image=nginx")
    page.wait_for_function("!window.cy.getElementById('pod/default/first').empty()")
    hellos, shown = page.evaluate("window.podscape.helloCount"), page.evaluate("window.podscape.diagramView.version")
    page.evaluate(DROP_NEXT_TOPOLOGY)
    run_line(page, "kubectl run second --image=nginx")
    page.wait_for_function("window.podscape.dropped !== null")
    assert page.evaluate("window.podscape.dropped") > shown
    assert page.evaluate("window.cy.getElementById('pod/default/second').empty()")      # the page missed it
    run_line(page, "kubectl run third --image=nginx")
    page.wait_for_function(f"window.podscape.helloCount > {hellos} && window.podscape.connected", timeout=15000)
    page.wait_for_function("!window.cy.getElementById('pod/default/third').empty()")
    assert page.evaluate("window.podscape.resyncs") == 1
    assert not page.evaluate("window.cy.getElementById('pod/default/second').empty()")  # back from the hello
