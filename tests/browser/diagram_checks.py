"""Reading the rendered diagram the way a learner sees it: label sizes and boxes from cytoscape (rendered
bounding boxes, style font-size x zoom), the path of the last request, the text twin; and replaying a
lesson's reference commands through the page's terminal (faster than typing, same socket and diagram).
Used by the diagram tests, the browser benchmark and `make screenshot`."""
from __future__ import annotations

import re
import time

from lessons import format as lesson_format

MIN_LABEL_PX = 11

# lesson slug -> (title on the home page, or None for an exercise started by URL)
LESSONS = {
    "services-clusterip-nodeport": "ClusterIP and NodePort",
    "services-microservices": "Microservices",
    "services-dns": "Services and DNS",
    "ingress": "Ingress",
    "network-policies": "Network Policies",
    "capstone-wordpress": None,
}


def reference_lines(slug: str, upto_step: str | None = None) -> list[str]:
    """The lesson's reference commands in order (an exercise: its tasks' solutions), up to but not
    including the step `upto_step`."""
    lesson = lesson_format.get_lesson(slug)
    if lesson.get("kind") == "exercise":
        return [line for task in lesson["tasks"] for line in task["solution"]]
    lines = []
    for step in lesson["steps"]:
        if step["id"] == upto_step:
            break
        lines.extend(step.get("solution") or step["commands"][:1])
    return lines


def start_lesson(page, base: str, slug: str) -> None:
    """Open (creating) the learner's sandbox for a lesson or exercise, as the home page's button does."""
    page.goto(base + "/")
    page.evaluate("""(slug) => {
        const form = document.createElement('form');
        form.method = 'post'; form.action = '/lessons/' + slug + '/start/';
        const token = document.querySelector('[name=csrfmiddlewaretoken]');
        const input = document.createElement('input');
        input.name = 'csrfmiddlewaretoken';
        input.value = token ? token.value : (document.cookie.match(/csrftoken=([^;]+)/) || [])[1];
        form.appendChild(input); document.body.appendChild(form); form.submit(); }""", slug)
    page.wait_for_url(re.compile(r".*/sandboxes/\d+/$"))
    page.wait_for_function("window.podscape && window.podscape.helloCount >= 1 && window.podscape.currentLine().ready",
                           timeout=15000)


def run_line(page, line: str, timeout: float = 15000) -> dict:
    """One command through the terminal (window.podscape.run), waiting for its result."""
    before = page.evaluate("window.podscape.results.length")
    page.evaluate("(line) => window.podscape.run(line)", line)
    page.wait_for_function(f"window.podscape.results.length > {before} && window.podscape.currentLine().ready",
                           timeout=timeout)
    return page.evaluate(f"window.podscape.results[{before}]")


STARTUP_S = 3.0      # the simulated pods start within about two seconds of being created, as on minikube


def replay(page, lines: list[str]) -> None:
    """Each line in turn; a request (curl, wget, exec) waits until the pods created before it have had
    time to start, as a learner reading the lesson would (the engine moves its clock on each command)."""
    changed = 0.0
    for line in lines:
        if re.search(r"\b(curl|wget|exec)\b", line):
            time.sleep(max(0.0, changed + STARTUP_S - time.monotonic()))
            run_line(page, line)
        else:
            run_line(page, line)
            changed = time.monotonic()


def settle(page, timeout: float = 10000) -> None:
    """Wait until the diagram drew the last change and the request's dot stopped moving."""
    page.wait_for_function("""() => { const p = window.podscape; if (!p.layouts) return false;
        const seen = p._settleSeen; p._settleSeen = p.layouts; return seen === p.layouts; }""", polling=300,
                           timeout=timeout)
    page.wait_for_timeout(1200)


READ = """() => {
  const cy = window.cy;
  const z = cy.zoom();
  const labelled = cy.nodes().filter((n) => n.visible() && !n.hasClass('packet') && String(n.data('label') || '').trim());
  const box = (b) => ({x1: b.x1, y1: b.y1, x2: b.x2, y2: b.y2});
  const labels = labelled.map((n) => ({ id: n.id(), text: n.data('label'),
    px: parseFloat(n.style('font-size')) * z,
    box: box(n.renderedBoundingBox({includeNodes: false, includeEdges: false, includeLabels: true, includeOverlays: false})) }));
  const lanes = cy.nodes('.namespace, .summary').map((n) => ({ id: n.id(),
    box: box(n.renderedBoundingBox({includeLabels: false, includeOverlays: false})) }));
  const lit = cy.elements('.trace-hop');
  return { zoom: z, labels, lanes, width: cy.width(), height: cy.height(),
    drawn: cy.nodes().not('.packet, .note').map((n) => n.id()).sort(),
    path: lit.nodes().map((n) => n.id()), pathEdges: lit.edges().map((e) => [e.data('source'), e.data('target')]),
    stop: cy.nodes('.trace-stop').map((n) => n.id()), bad: cy.elements('.trace-bad').length,
    note: (cy.nodes('.note').first().data('label') || ''),
    twin: [...document.querySelectorAll('[data-twin] [data-id]')].map((b) => b.dataset.id).sort(),
    traces: window.podscape.traces };
}"""


def overlap(a: dict, b: dict, slack: float = 0.5) -> bool:
    return a["x1"] + slack < b["x2"] and b["x1"] + slack < a["x2"] and a["y1"] + slack < b["y2"] and b["y1"] + slack < a["y2"]


def read(page) -> dict:
    return page.evaluate(READ)


def problems(view: dict) -> list[str]:
    """What a learner could not read: small labels, overlapping labels or namespace boxes."""
    out = []
    for label in view["labels"]:
        if label["px"] < MIN_LABEL_PX - 0.01:
            out.append(f"label {label['text']!r} of {label['id']} drawn at {label['px']:.1f}px")
    labels = view["labels"]
    for i, a in enumerate(labels):
        for b in labels[i + 1:]:
            if overlap(a["box"], b["box"]):
                out.append(f"labels overlap: {a['text']!r} ({a['id']}) and {b['text']!r} ({b['id']})")
    lanes = view["lanes"]
    for i, a in enumerate(lanes):
        for b in lanes[i + 1:]:
            if overlap(a["box"], b["box"], slack=0):
                out.append(f"namespace boxes overlap: {a['id']} and {b['id']}")
    return out
