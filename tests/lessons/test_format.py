"""The lesson file format: the shipped lessons parse, and malformed files fail naming file, step and reason."""
from __future__ import annotations

import textwrap

import pytest

from lessons import format

GOOD = textwrap.dedent("""\
    ---
    title: A tiny lesson
    slug: tiny
    order: 5
    summary: Just one step.
    files:
      ckad/example.yaml: "kind: Pod\\n"
    setup:
      - kubectl create deploy web --image=nginx
    ---
    Intro text.

    ## First step
    ```step
    id: first
    commands: [kubectl get pods]
    check:
      command: '^kubectl get pods'
      state:
        - {deployment: web, replicas: 1}
    mistakes:
      - match: 'get po$'
        hint: Spell it out.
    note: Newer kubectl prints more.
    ```
    Some **prose**.

    ```
    ## not a heading inside a fence
    ```
    """)


def test_the_shipped_lessons_parse_in_order():
    lessons = format.load_all()
    assert [(l["order"], l["slug"]) for l in lessons][:2] == [(1, "services-clusterip-nodeport"),
                                                             (2, "services-microservices")]
    assert [l["order"] for l in lessons] == sorted(l["order"] for l in lessons)
    l1 = lessons[0]
    assert [s["id"] for s in l1["steps"]] == ["create-deployment", "expose-deployment", "get-service", "docker-ps",
                                              "make-nodeport", "get-service-nodeport", "curl-nodeport"]
    assert l1["steps"][-1]["commands"] == ["curl http://$(minikube ip):32000"]
    assert lessons[1]["setup"] == ["kubectl create deploy nginx-app --image=nginx:latest --replicas=3"]


def test_it_parses_every_part_of_a_step():
    lesson = format.parse_lesson(GOOD, "tiny.md")
    assert lesson["files"] == {"ckad/example.yaml": "kind: Pod\n"}
    assert lesson["intro"] == "Intro text."
    (step,) = lesson["steps"]
    assert step["title"] == "First step" and step["note"] == "Newer kubectl prints more."
    assert step["check"] == {"command": ["^kubectl get pods"], "state": [{"deployment": "web", "replicas": 1}],
                             "output_contains": [], "exit_code": 0, "goal": []}
    assert step["mistakes"] == [{"match": "get po$", "hint": "Spell it out.", "failed": None, "when": []}]
    assert "```step" not in step["prose"] and "## not a heading inside a fence" in step["prose"]


@pytest.mark.parametrize("change, step, reason", [
    (("slug: tiny", "slug: Not A Slug"), None, "slug must be made of"),
    (("order: 5", "order: five"), None, "order must be an integer"),
    (("id: first", "id: First Step"), None, "needs an id"),
    (("command: '^kubectl get pods'", "command: '^kubectl get (pods'"), "first", "not a valid regex"),
    (("{deployment: web, replicas: 1}", "{configmap: web}"), "first", "unknown predicate 'configmap'"),
    (("{deployment: web, replicas: 1}", "{deployment: web, replicas: three}"), "first", "replicas must be an integer"),
    (("hint: Spell it out.", "text: Spell it out."), "first", "needs a 'match' regex and a 'hint'"),
    (("commands: [kubectl get pods]", "commands: []"), "first", "at least the reference command"),
    (("```step", "```yaml"), None, "has no ```step block"),
    (("ckad/example.yaml", "/etc/passwd"), None, "relative to the learner's home"),
])
def test_a_malformed_lesson_names_file_step_and_reason(change, step, reason):
    text = GOOD.replace(*change, 1)
    with pytest.raises(format.LessonFormatError) as err:
        format.parse_lesson(text, "tiny.md")
    assert err.value.source == "tiny.md" and err.value.step == step
    assert reason in str(err.value) and str(err.value).startswith("tiny.md")


def test_duplicate_step_ids_are_rejected():
    text = GOOD + GOOD.split("Intro text.\n", 1)[1]
    with pytest.raises(format.LessonFormatError, match="tiny.md: step 'first': duplicate step id"):
        format.parse_lesson(text, "tiny.md")


def test_front_matter_is_required():
    with pytest.raises(format.LessonFormatError, match="must start with YAML front matter"):
        format.parse_lesson("# just markdown\n", "x.md")
