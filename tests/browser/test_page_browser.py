"""The sandbox page around the terminal: hiding the system pods, resizing the panes, and the live
diagram following changes made from another tab."""
from __future__ import annotations

import itertools

import pytest

from .learner import open_free_sandbox, run, sign_up, wait_ready

LEARNERS = itertools.count(1)


@pytest.fixture
def sandbox_page(server, page):
    sign_up(page, server["base"], f"page{next(LEARNERS)}")
    open_free_sandbox(page, server["base"], "playground")
    return page


def visible_pods(page) -> list[str]:
    return page.evaluate("window.cy.nodes('.pod').filter((n) => n.visible()).map((n) => n.data('name'))")


def test_the_system_pods_can_be_shown_and_stay_shown_after_a_reload(sandbox_page):
    page = sandbox_page
    run(page, "kubectl create deploy web --image=nginx --replicas=2")
    page.wait_for_function("window.podscape.diagram.pods.filter((p) => p.name.startsWith('web-')).length === 2")
    # folded by default (one summary node), so the learner's pods stay legible
    page.wait_for_function("window.cy.nodes('.pod').filter((n) => n.visible()).length === 2")     # laid out
    names = visible_pods(page)
    assert len(names) == 2 and all(n.startswith("web-") for n in names)
    page.get_by_label("system pods").check()
    page.wait_for_function("window.cy.nodes('.pod').filter((n) => n.data('name').startsWith('coredns-')).length === 1")
    page.reload()
    wait_ready(page, 15000)
    page.wait_for_function("window.podscape.diagram && window.podscape.diagram.pods.length > 2")
    assert page.get_by_label("system pods").is_checked()
    page.wait_for_function("window.cy.nodes('.pod').some((n) => n.visible() && n.data('name').startsWith('kube-apiserver-'))")
    page.get_by_label("system pods").uncheck()
    assert len(visible_pods(page)) == 2
    page.get_by_label("system pods").check()
    page.wait_for_function("window.cy.nodes('.pod').some((n) => n.visible() && n.data('name').startsWith('kube-apiserver-'))")


def test_dragging_a_divider_resizes_the_panes(sandbox_page):
    page = sandbox_page
    lesson, terminal = page.locator(".pane.lesson"), page.locator(".pane.console")
    before = lesson.bounding_box()["width"], terminal.bounding_box()["width"]
    cols = page.evaluate("window.podscape.terminal.term.cols")
    gutter = page.locator(".gutter").first.bounding_box()
    x, y = gutter["x"] + gutter["width"] / 2, gutter["y"] + 200
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 120, y, steps=6)
    page.mouse.up()
    after = lesson.bounding_box()["width"], terminal.bounding_box()["width"]
    assert after[0] == pytest.approx(before[0] + 120, abs=8)
    assert after[1] == pytest.approx(before[1] - 120, abs=8)
    # the terminal refits to its new width: 120 px is over ten columns
    page.wait_for_function(f"window.podscape.terminal.term.cols <= {cols - 10}")


def test_a_change_made_in_another_tab_shows_up_in_this_diagram(sandbox_page, browser):
    page = sandbox_page
    other = page.context.new_page()
    other.goto(page.url)
    wait_ready(other, 15000)
    run(other, "kubectl create deploy api --image=nginx --replicas=2")
    page.wait_for_function("window.podscape.diagram.pods.filter((p) => p.name.startsWith('api-')).length === 2")
    assert page.evaluate("window.podscape.results.length") == 0      # nothing was typed here
    other.close()
