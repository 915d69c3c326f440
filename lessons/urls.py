from django.urls import path

from . import views

app_name = "lessons"

urlpatterns = [
    path("", views.lesson_list, name="list"),
    path("<slug:slug>/pane/<int:sandbox_id>/", views.pane, name="pane"),
]
