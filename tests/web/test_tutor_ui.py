"""Issue 12, items 5 and 6: standing hints and earlier hints, the terminal's scrollback in the hello, Reset that
asks and clears the lesson, the lessons list after login, lesson names as links, replacing a sandbox at the limit."""
from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from lessons import hints
from lessons.models import LessonProgress
from playground import services
from playground.models import CommandRecord, Sandbox

pytestmark = pytest.mark.django_db
L1 = "services-clusterip-nodeport"
L3 = "services-dns"


@pytest.fixture(autouse=True)
def lessons_loaded():
    call_command("loadlessons", stdout=io.StringIO())


@pytest.fixture
def l1(alice):
    return services.create_sandbox(alice, "lesson-one", L1)


def run(sandbox, line: str) -> dict:
    return services.run_command(sandbox.pk, sandbox.owner, line)


def pane(client, sandbox) -> str:
    return client.get(f"/lessons/{sandbox.lesson_slug}/pane/{sandbox.pk}/").content.decode()


def standing_hint(html: str) -> str | None:
    m = re.search(r'<span class="hint-text">(.*?)</span>', html, re.S)
    return m and m.group(1)


# ---- hints stay until acted on; earlier hints can be reopened ---------------------------------------------
NAME_HINT = "Call the Deployment nginx-app"
REPLICAS_HINT = "The lesson runs three copies of nginx"


def test_a_hint_stays_through_a_detour_and_earlier_hints_are_kept(alice_client, l1):
    assert run(l1, "kubectl create deployment nginx --image=nginx:latest --replicas=3")["assessment"]["verdict"] == "mistake"
    assert NAME_HINT in standing_hint(pane(alice_client, l1))

    detour = run(l1, "kubectl get pods")["assessment"]
    assert detour["verdict"] not in ("mistake", "complete")
    html = pane(alice_client, l1)
    assert NAME_HINT in standing_hint(html), "a detour must not wipe the standing hint"
    assert detour["message"] in html.replace("&quot;", '"').replace("&#x27;", "'"), "the detour's own message shows too"
    assert "Hint (still open):" in html and "Earlier hints" not in html

    run(l1, "kubectl scale deploy nginx --replicas=2")           # a new mistake: its hint replaces the old one
    html = pane(alice_client, l1)
    assert REPLICAS_HINT in standing_hint(html)
    assert "Earlier hints (1)" in html and NAME_HINT in html

    assert run(l1, "kubectl create deploy nginx-app --image=nginx:latest --replicas=3")["assessment"]["verdict"] == "complete"
    html = pane(alice_client, l1)
    assert standing_hint(html) is None, "progress retires the hint"
    assert "Earlier hints (2)" in html
    earlier = html[html.index('id="earlier-hints"'):]
    assert earlier.index(REPLICAS_HINT) < earlier.index(NAME_HINT), "newest first"
    # kept in the lesson's progress: another request (a reload) sees the same
    state = LessonProgress.objects.get(sandbox=l1).state
    assert state["hint"] is None
    assert [h["text"][:len(t)] for h, t in zip(state["hints"], (REPLICAS_HINT, NAME_HINT))] == [REPLICAS_HINT, NAME_HINT]
    assert [h["step"] for h in services.hello(Sandbox.objects.get(pk=l1.pk))["lesson"]["hints"]] == \
        ["create-deployment", "create-deployment"]


def test_the_same_mistake_again_keeps_one_hint():
    progress = {}
    mistake = {"verdict": "mistake", "step": "a", "hint": "Do X."}
    hints.remember(progress, mistake)
    hints.remember(progress, dict(mistake))
    assert progress["hint"]["text"] == "Do X." and not progress.get("hints")
    hints.remember(progress, {"verdict": "detour", "step": "a", "hint": None})
    hints.remember(progress, {"verdict": "explore", "step": "a", "hint": None})   # any other answer: it stands
    assert progress["hint"]["text"] == "Do X."
    hints.remember(progress, {"verdict": "mistake", "step": "a", "hint": "Do Y.", "fix": "kubectl y"})
    assert progress["hint"] == {"text": "Do Y.", "step": "a", "fix": "kubectl y"}
    hints.remember(progress, {"verdict": "mistake", "step": "a", "hint": "Do X."})
    assert [h["text"] for h in progress["hints"]] == ["Do Y."], "an earlier hint given again is not listed twice"
    for n in range(hints.MAX_EARLIER + 5):
        hints.remember(progress, {"verdict": "mistake", "step": "a", "hint": f"H{n}"})
    assert len(progress["hints"]) == hints.MAX_EARLIER


# ---- the terminal's scrollback in the hello ---------------------------------------------------------------
def test_the_hello_carries_recent_commands_with_their_output(alice_sandbox):
    run(alice_sandbox, "kubectl get pods")
    run(alice_sandbox, "kubectl get nodes")
    back = services.hello(Sandbox.objects.get(pk=alice_sandbox.pk))["scrollback"]
    assert [(e["prompt"], e["line"]) for e in back] == [("student@ubuntu:~$ ", "kubectl get pods"),
                                                        ("student@ubuntu:~$ ", "kubectl get nodes")]
    assert back[0]["output"] == "No resources found in default namespace.\n"
    assert back[1]["output"].startswith("NAME ") and "minikube" in back[1]["output"]


def test_the_scrollback_is_bounded_by_commands_and_by_output(alice_sandbox, monkeypatch):
    for n in range(services.SCROLLBACK_COMMANDS + 5):
        run(alice_sandbox, f"echo line-{n}")
    back = services.scrollback(alice_sandbox)
    assert len(back) == services.SCROLLBACK_COMMANDS
    assert back[-1]["line"] == f"echo line-{services.SCROLLBACK_COMMANDS + 4}" and back[0]["line"] == "echo line-5"
    monkeypatch.setattr(services, "SCROLLBACK_CHARS", 20)
    back = services.scrollback(alice_sandbox)
    assert sum(len(e["output"]) for e in back) <= 20
    assert back[-1]["output"] == f"line-{services.SCROLLBACK_COMMANDS + 4}\n"
    assert back[0].get("cut") and len(back) == 3      # "line-54\n" "line-53\n" and the tail of "line-52\n"


def test_the_scrollback_starts_after_a_clear_or_a_reset(alice, alice_sandbox):
    run(alice_sandbox, "kubectl get pods")
    run(alice_sandbox, "clear")
    run(alice_sandbox, "echo after")
    assert [e["line"] for e in services.scrollback(alice_sandbox)] == [None, "echo after"]
    services.reset_sandbox(alice_sandbox.pk, alice)
    assert services.scrollback(alice_sandbox) == []
    assert "echo after" in Sandbox.objects.get(pk=alice_sandbox.pk).history(), "the arrow keys still reach it"
    assert "# podscape" not in " ".join(Sandbox.objects.get(pk=alice_sandbox.pk).history())


def test_an_editor_save_prints_under_the_edit_that_opened_it(alice_sandbox):
    run(alice_sandbox, "kubectl create deployment web --image=nginx")
    opened = run(alice_sandbox, "kubectl edit deployment web")
    assert opened["editor"]
    services.save_editor(alice_sandbox.pk, alice_sandbox.owner, None)
    back = services.scrollback(alice_sandbox)
    assert back[-2]["line"] == "kubectl edit deployment web"
    assert back[-1]["line"] is None and back[-1]["output"] == "Edit cancelled, no changes made.\n"


def js_unescaped(html: str) -> str:
    """The text of the page's inline JS strings (escapejs writes \\uXXXX for quotes, dashes...)."""
    return re.sub(r"\\u([0-9A-Fa-f]{4})", lambda m: chr(int(m.group(1), 16)), html)


# ---- Reset asks first and clears the lesson's progress ------------------------------------------------------
def test_reset_says_it_clears_the_lessons_progress_everywhere(alice_client, l1, alice_sandbox):
    page = js_unescaped(alice_client.get(reverse("sandbox_page", args=[l1.pk])).content.decode())
    assert "confirm('Reset lesson-one to a fresh minikube cluster? Everything in it is lost, and your progress in " \
           "the lesson \u201cServices: ClusterIP and NodePort\u201d is cleared: it starts over at step 1.')" in page
    listing = js_unescaped(alice_client.get(reverse("sandbox_list")).content.decode())
    forms = re.findall(r'<form method="post" action="/sandboxes/(\d+)/reset/"[^>]*onsubmit="([^"]*)"', listing)
    assert {int(pk) for pk, _ in forms} == {l1.pk, alice_sandbox.pk}, "every Reset asks first"
    said = dict((int(pk), text) for pk, text in forms)
    assert "progress in the lesson" in said[l1.pk] and "progress" not in said[alice_sandbox.pk]


def test_reset_clears_the_lessons_progress_and_hints(alice_client, l1):
    run(l1, "kubectl create deployment nginx --image=nginx:latest --replicas=3")
    run(l1, "kubectl create deploy nginx-app --image=nginx:latest --replicas=3")
    assert "1 of 7 steps done" in pane(alice_client, l1)
    r = alice_client.post(reverse("sandbox_reset", args=[l1.pk]), follow=True)
    assert "the lesson starts over" in r.content.decode()
    html = pane(alice_client, l1)
    assert "0 of 7 steps done" in html and "Earlier hints" not in html and standing_hint(html) is None
    assert services.hello(Sandbox.objects.get(pk=l1.pk))["scrollback"] == []


# ---- after login: the lessons; names are links; the sandbox limit offers a replacement ------------------
def test_logging_in_lands_on_the_lessons_list(client, alice):
    r = client.post(reverse("login"), {"username": "alice", "password": "alice-password"}, follow=True)
    assert r.redirect_chain[-1][0] == reverse("lessons:list")
    assert "<h1>Lessons</h1>" in r.content.decode()


def test_lesson_names_are_links_that_start_or_reopen_the_lesson(alice_client, alice):
    html = alice_client.get(reverse("lessons:list")).content.decode()
    assert re.search(rf'<h2><a href="/lessons/{L1}/start/">1\. Services: ClusterIP and NodePort</a></h2>', html)
    first = alice_client.get(f"/lessons/{L1}/start/")        # a link never creates: it offers to start
    assert first.status_code == 200 and "Start the lesson" in first.content.decode()
    assert not Sandbox.objects.filter(owner=alice).exists()
    started = alice_client.post(f"/lessons/{L1}/start/")
    sandbox = Sandbox.objects.get(owner=alice, lesson_slug=L1)
    again = alice_client.get(f"/lessons/{L1}/start/")           # the link now reopens it
    assert started["Location"] == again["Location"] == reverse("sandbox_page", args=[sandbox.pk])
    assert alice_client.get("/lessons/no-such-lesson/start/").status_code == 404


def test_starting_a_lesson_at_the_limit_offers_to_replace_the_oldest(settings, alice_client, alice):
    settings.PODSCAPE_MAX_SANDBOXES = 2
    old = services.create_sandbox(alice, "old-one")
    recent = services.create_sandbox(alice, "recent-one", L1)
    run(recent, "kubectl get pods")                              # used later: `old-one` is the oldest
    offer = alice_client.post(f"/lessons/{L3}/start/")
    html = offer.content.decode()
    assert offer.status_code == 200 and "the most one learner may have" in html
    assert re.search(r'<p class="replace-target"><strong>old-one</strong>', html)
    assert f'name="replace" value="{old.pk}"' in html and "Replace old-one and start" in html
    assert set(Sandbox.objects.filter(owner=alice).values_list("name", flat=True)) == {"old-one", "recent-one"}

    done = alice_client.post(f"/lessons/{L3}/start/", {"replace": old.pk}, follow=True)
    new = Sandbox.objects.get(owner=alice, lesson_slug=L3)
    assert done.redirect_chain[-1][0] == reverse("sandbox_page", args=[new.pk])
    assert "Sandbox old-one was deleted" in done.content.decode()
    assert set(Sandbox.objects.filter(owner=alice).values_list("name", flat=True)) == {"recent-one", L3}


def test_the_replacement_is_only_ever_one_of_my_own_sandboxes(settings, alice_client, alice, bob_sandbox):
    settings.PODSCAPE_MAX_SANDBOXES = 1
    services.create_sandbox(alice, "mine")
    r = alice_client.post(f"/lessons/{L3}/start/", {"replace": bob_sandbox.pk})
    assert r.status_code == 200 and "Replace mine and start" in r.content.decode()
    assert Sandbox.objects.filter(pk=bob_sandbox.pk).exists() and Sandbox.objects.filter(owner=alice).count() == 1


def test_a_failed_replacement_keeps_the_old_sandbox(settings, alice_client, alice, monkeypatch):
    settings.PODSCAPE_MAX_SANDBOXES = 1
    old = services.create_sandbox(alice, "mine")

    def refuse(*args, **kwargs):
        raise services.RateLimited("You are creating sandboxes too quickly; wait a minute and try again.")

    monkeypatch.setattr(services, "create_sandbox", refuse)
    r = alice_client.post(f"/lessons/{L3}/start/", {"replace": old.pk}, follow=True)
    assert "too quickly" in r.content.decode()
    assert Sandbox.objects.filter(pk=old.pk).exists()
    assert CommandRecord.objects.filter(sandbox=old).count() == 0


def test_a_detours_own_hint_shows_unless_the_standing_hint_says_it():
    from lessons.views import _news

    standing = {"text": "The pod crash-loops. Fix: kubectl delete pod t && kubectl run t --image=busybox -- sleep 3600"}
    assert _news({"verdict": "detour", "hint": "Try: kubectl delete pod t && kubectl run t --image=busybox -- sleep 3600"},
                 standing) is None
    assert _news({"verdict": "detour", "hint": "Try: kubectl get pods"}, standing) == "Try: kubectl get pods"
    assert _news({"verdict": "mistake", "hint": standing["text"]}, standing) is None     # it is the standing one
    assert _news({"verdict": "detour", "hint": "Look at the events."}, None) == "Look at the events."
    assert _news(None, standing) is None


def test_records_kept_before_prompts_were_stored_show_the_current_prompt(alice_sandbox):
    run(alice_sandbox, "echo old")
    CommandRecord.objects.filter(sandbox=alice_sandbox).update(prompt="")      # as migrated rows are
    assert services.scrollback(alice_sandbox)[0]["prompt"] == "student@ubuntu:~$ "
