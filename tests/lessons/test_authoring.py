"""Authoring tools: the instructor's live preview of a lesson file and the admin's validated editing."""
from __future__ import annotations

import os
import shutil

import pytest

from lessons import format
from lessons.models import Lesson

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("author", password="pw", is_staff=True, is_superuser=True)


@pytest.fixture
def content(tmp_path, monkeypatch):
    """A copy of the content folder the preview reads, so the test can edit a file."""
    folder = tmp_path / "content"
    shutil.copytree(format.CONTENT_DIR, folder)
    monkeypatch.setattr(format, "lesson_files", lambda directory=folder: sorted(directory.glob("*.md")))
    return folder


def test_the_preview_shows_the_file_and_its_mtime_moves_when_saved(client, staff, content):
    client.force_login(staff)
    page = client.get("/lessons/preview/20-capstone-wordpress/").content.decode()
    assert "Capstone: WordPress and MariaDB" in page and "9 points" in page
    assert "route: blog.example.com/" in page            # the task's check, as YAML
    assert "js/lesson-preview.js" in page
    first = client.get("/lessons/preview/20-capstone-wordpress/mtime").json()["mtime"]
    path = content / "20-capstone-wordpress.md"
    path.write_text(path.read_text().replace("Capstone: WordPress and MariaDB", "Capstone: a blog"))
    os.utime(path, ns=(first + 10**9, first + 10**9))
    assert client.get("/lessons/preview/20-capstone-wordpress/mtime").json()["mtime"] != first
    assert "Capstone: a blog" in client.get("/lessons/preview/20-capstone-wordpress/").content.decode()


def test_the_preview_shows_why_a_broken_file_does_not_load(client, staff, content):
    client.force_login(staff)
    path = content / "11-exercise-services.md"
    path.write_text(path.read_text().replace("points: 3", "points: three"))
    page = client.get("/lessons/preview/11-exercise-services/").content.decode()
    assert "11-exercise-services.md: task &#x27;nodeport&#x27;: points must be a whole number of at least 1" in page


def test_only_instructors_preview_and_only_files_in_the_content_folder(client, alice, staff):
    client.force_login(alice)
    assert client.get("/lessons/preview/").status_code == 403
    assert client.get("/lessons/preview/20-capstone-wordpress/").status_code == 403
    assert client.get("/lessons/preview/20-capstone-wordpress/mtime").status_code == 403
    client.force_login(staff)
    assert client.get("/lessons/preview/..%2Fmodels/").status_code == 404
    assert client.get("/lessons/preview/no-such-file/").status_code == 404


def test_the_admin_validates_a_lesson_like_loadlessons(client, staff):
    client.force_login(staff)
    source = (format.CONTENT_DIR / "11-exercise-services.md").read_text()
    bad = source.replace("{service: web, type: NodePort, port: 80, nodePort: 30080, healthy: true}", "{service: web, ports: 80}")
    resp = client.post("/admin/lessons/lesson/add/", {"source": bad})
    assert resp.status_code == 200
    assert ("the lesson source: task &#x27;nodeport&#x27;: check.state: unknown key(s) for service: ports"
            in resp.content.decode())
    assert not Lesson.objects.exists()
    resp = client.post("/admin/lessons/lesson/add/", {"source": source})
    assert resp.status_code == 302
    lesson = Lesson.objects.get(slug="exercise-publish-web")
    assert lesson.title == "Exercise: publish a web server" and lesson.spec["max_score"] == 5
