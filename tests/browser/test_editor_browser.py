"""The editor pane `kubectl edit` opens: Esc closes it without change, an invalid save comes back with
kubectl's error on top, and fixing it there and saving applies the change."""
from __future__ import annotations

import itertools

import pytest

from .learner import open_free_sandbox, sign_up, run, screen, wait_ready

PROMPT = "student@ubuntu:~$ "
LEARNERS = itertools.count(1)


@pytest.fixture
def service(server, page):
    sign_up(page, server["base"], f"editor{next(LEARNERS)}")
    open_free_sandbox(page, server["base"], "playground")
    run(page, "kubectl create deploy web --image=nginx --replicas=2")
    run(page, "kubectl expose deploy web --port=80")
    return page


def open_editor(page) -> None:
    r = run(page, "kubectl edit service web")
    assert r["editor"] and r["output"] == ""
    page.locator("#editor-pane").wait_for(state="visible")
    page.wait_for_function("document.activeElement && document.activeElement.closest('#editor-pane .cm-editor')")


def result_of(page, action) -> dict:
    before = page.evaluate("window.podscape.results.length")
    action()
    page.wait_for_function(f"window.podscape.results.length > {before}")
    return page.evaluate(f"window.podscape.results[{before}]")


def test_escape_closes_the_editor_without_change(service):
    page = service
    open_editor(page)
    assert page.locator("#editor-pane [data-editor-title]").text_content().startswith("/tmp/kubectl-edit-")
    r = result_of(page, lambda: page.keyboard.press("Escape"))
    assert (r["output"], r["editor"]) == ("Edit cancelled, no changes made.\n", None)
    page.locator("#editor-pane").wait_for(state="hidden")
    wait_ready(page)
    assert screen(page).endswith(PROMPT + "kubectl edit service web\nEdit cancelled, no changes made.\n" + PROMPT)
    # the terminal has the keyboard again
    page.keyboard.type("kubectl get svc web")
    assert page.evaluate("window.podscape.currentLine().text") == "kubectl get svc web"


def test_an_invalid_save_reopens_with_the_error_on_top_and_a_fixed_save_applies(service):
    page = service
    open_editor(page)
    text = page.evaluate("window.podscape.editor.content()")
    page.evaluate("(t) => window.podscape.editor.setContent(t)", text.replace("  type: ClusterIP\n", "  type: Bogus\n"))
    r = result_of(page, lambda: page.click("[data-editor-save]"))
    assert r["editor"], "an invalid save must reopen the editor"
    assert page.evaluate("window.podscape.editor.isOpen")
    reopened = page.evaluate("window.podscape.editor.content()")
    assert reopened == r["editor"]["content"]
    assert reopened.startswith("# Please edit the object below.")
    assert '# services "web" was not valid:\n# * spec.type: Unsupported value: "Bogus"' in reopened
    page.evaluate("(t) => window.podscape.editor.setContent(t)", reopened.replace("  type: Bogus\n", "  type: NodePort\n"))
    r = result_of(page, lambda: page.keyboard.press("Control+s"))
    assert (r["output"], r["editor"]) == ("service/web edited\n", None)
    page.locator("#editor-pane").wait_for(state="hidden")
    page.wait_for_function("""() => window.podscape.diagram.services.some((s) =>
        s.id === 'service/default/web' && s.type === 'NodePort')""")


def test_a_save_the_server_refuses_keeps_the_editor_open_to_retry_or_cancel(service):
    page = service
    open_editor(page)
    page.evaluate("window.podscape.editor.setContent('# ' + 'x'.repeat(1000001))")
    errors = page.evaluate("window.podscape.errors.length")
    page.click("[data-editor-save]")
    page.wait_for_function(f"window.podscape.errors.length > {errors}")
    assert "over 1000000 characters" in page.evaluate("window.podscape.errors.slice(-1)[0].message")
    assert page.evaluate("window.podscape.editor.isOpen")
    assert page.locator("[data-editor-save]").is_enabled()
    r = result_of(page, lambda: page.click("[data-editor-cancel]"))
    assert r["output"] == "Edit cancelled, no changes made.\n"
    page.locator("#editor-pane").wait_for(state="hidden")
    wait_ready(page)
