from django.urls import path

from . import authoring_views, course_views, exercise_views, preview_views, views

app_name = "lessons"

urlpatterns = [
    path("", views.lesson_list, name="list"),
    path("<slug:slug>/pane/<int:sandbox_id>/", views.pane, name="pane"),
    # exercises (issue 6)
    path("<slug:slug>/hint/<int:sandbox_id>/<slug:task_id>/", exercise_views.hint, name="hint"),
    path("<slug:slug>/submit/<int:sandbox_id>/", exercise_views.submit, name="submit"),
    path("attempts/", course_views.my_attempts, name="my_attempts"),
    path("attempts/<int:attempt_id>/", course_views.my_attempt, name="my_attempt"),
    # courses and the gradebook
    path("courses/", course_views.course_list, name="courses"),
    path("courses/new/", course_views.course_new, name="course_new"),
    path("courses/join/", course_views.course_join, name="course_join"),
    path("courses/<int:course_id>/", course_views.course_detail, name="course"),
    path("courses/<int:course_id>/edit/", course_views.course_edit, name="course_edit"),
    path("courses/<int:course_id>/gradebook/", course_views.gradebook, name="gradebook"),
    path("courses/<int:course_id>/gradebook.csv", course_views.gradebook_csv, name="gradebook_csv"),
    path("courses/<int:course_id>/attempts/<int:attempt_id>/", course_views.course_attempt,
         name="course_attempt"),
    path("courses/<int:course_id>/progress/<int:progress_id>/", course_views.course_progress,
         name="course_progress"),
    # authoring: a live preview of a lesson file
    path("preview/", preview_views.preview_list, name="preview_list"),
    path("preview/<str:name>/", preview_views.preview, name="preview"),
    path("preview/item/<slug:slug>/", preview_views.preview_item, name="preview_item"),
    path("preview/<str:name>/mtime", preview_views.preview_mtime, name="preview_mtime"),
    # authoring in the browser: drafts, versions, Check, publish (issue 17)
    path("author/", authoring_views.draft_list, name="drafts"),
    path("author/new/", authoring_views.draft_new, name="draft_new"),
    path("author/import/", authoring_views.draft_import, name="draft_import"),
    path("author/<int:draft_id>/", authoring_views.draft_edit, name="draft_edit"),
    path("author/<int:draft_id>/preview/", authoring_views.draft_preview, name="draft_preview"),
    path("author/<int:draft_id>/check/", authoring_views.draft_check, name="draft_check"),
    path("author/<int:draft_id>/publish/", authoring_views.draft_publish, name="draft_publish"),
    path("author/<int:draft_id>/versions/", authoring_views.draft_history, name="draft_history"),
    path("author/<int:draft_id>/export.md", authoring_views.draft_export, name="draft_export"),
]
