"""The diagram at the end of each of lessons 1-5 and the capstone, at 1600x900 and 1280x720, read from
what cytoscape rendered: every label at least 11 px, no two labels overlapping, no two namespace boxes
overlapping, the last request lit along its hops with its verdict written beside it, and the text twin
listing the same nodes as the picture. Screenshots: tests/artifacts/diagram-<lesson>-<viewport>.png."""
from __future__ import annotations

import itertools

import pytest

from .conftest import ROOT
from .diagram_checks import LESSONS, problems, read, reference_lines, replay, settle, start_lesson
from .learner import sign_up

ARTIFACTS = ROOT / "tests" / "artifacts"
LEARNERS = itertools.count(1)
VIEWPORTS = [(1600, 900), (1280, 720)]

EXPECTED_PATH = """(t) => { const dv = window.podscape.diagramView;
  const upto = t.stop >= 0 ? t.hops.slice(0, t.stop + 1) : t.hops;
  const out = [];
  upto.forEach((h, i) => {
    let id = h;
    const next = upto[i + 1];
    if (id.startsWith('node/') && next && next.startsWith('service/')) {
      const e = [...dv.elements.values()].find((x) => x.data.kind === 'entry' && x.data.service === next && x.data.parent === id);
      if (e) id = e.data.id;
    }
    const r = dv.resolveHop(id, t.source);
    if (r && out[out.length - 1] !== r && window.cy.getElementById(r).nonempty()) out.push(r);
  });
  return out; }"""


def check_last_request(page, view: dict) -> None:
    trace = view["traces"][-1]
    expected = page.evaluate(EXPECTED_PATH, trace)
    assert expected, f"no hop of the last request is drawn: {trace}"
    assert set(expected) <= set(view["path"]), (expected, view["path"])
    for a, b in zip(expected, expected[1:]):
        assert [a, b] in view["pathEdges"], f"no lit edge {a} -> {b}: {view['pathEdges']}"
    if trace["verdict"] == "ok":
        assert not view["stop"] and not view["bad"] and not view["note"]
    else:       # red up to where it stopped, and why, in words beside it
        assert view["stop"] == [expected[-1]] and view["bad"] >= len(expected)
        assert view["note"].startswith("✗ " + trace["verdict"]), view["note"]
    row = page.locator("[data-trace-log] .trace").first.text_content()
    assert row.startswith("✓" if trace["verdict"] == "ok" else "✗") and trace["reason"] in row


@pytest.mark.parametrize("slug", list(LESSONS))
def test_the_diagram_at_the_end_of_a_lesson_is_legible(server, page, slug):
    base = server["base"]
    sign_up(page, base, f"dgm{next(LEARNERS)}")
    start_lesson(page, base, slug)
    replay(page, reference_lines(slug))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for width, height in VIEWPORTS:
        page.set_viewport_size({"width": width, "height": height})
        settle(page)
        view = read(page)
        page.screenshot(path=str(ARTIFACTS / f"diagram-{slug}-{width}x{height}.png"))
        assert not problems(view), (width, height, problems(view))
        assert view["twin"] == view["drawn"], "the text outline and the picture list different nodes"
        if view["traces"]:
            check_last_request(page, view)
    assert not page.errors
