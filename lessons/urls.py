from django.urls import path

from . import course_views, exercise_views, preview_views, views

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
]
