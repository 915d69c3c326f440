"""URL routes: pages, accounts, the JSON API. WebSocket routes are in routing.py."""
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import accounts, api, login_throttle, matrix_views, views

api_patterns = [
    path("sandboxes", api.sandboxes, name="api_sandboxes"),
    path("sandboxes/<int:sandbox_id>", api.sandbox_detail, name="api_sandbox"),
    path("sandboxes/<int:sandbox_id>/reset", api.sandbox_reset, name="api_sandbox_reset"),
    path("sandboxes/<int:sandbox_id>/commands", api.commands, name="api_commands"),
    path("sandboxes/<int:sandbox_id>/editor", api.editor, name="api_editor"),
    path("sandboxes/<int:sandbox_id>/topology", api.sandbox_topology, name="api_topology"),
    path("sandboxes/<int:sandbox_id>/objects", api.objects, name="api_objects"),
    path("token", api.token, name="api_token"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/login/", login_throttle.ThrottledLoginView.as_view(), name="login"),   # 10 failures / 5 min
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("accounts/password/reset/<uidb64>/<token>/", accounts.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("accounts/password/reset/done/", auth_views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
    path("sandboxes/", views.sandbox_list, name="sandbox_list"),
    path("sandboxes/<int:sandbox_id>/", views.sandbox_page, name="sandbox_page"),
    path("sandboxes/<int:sandbox_id>/reset/", views.sandbox_reset, name="sandbox_reset"),
    path("sandboxes/<int:sandbox_id>/delete/", views.sandbox_delete, name="sandbox_delete"),
    path("sandboxes/<int:sandbox_id>/matrix/", matrix_views.sandbox_matrix, name="sandbox_matrix"),
    path("lessons/<slug:slug>/start/", views.start_lesson, name="start_lesson"),
    path("lessons/", include("lessons.urls")),
    path("api/", include(api_patterns)),
    path("admin/", admin.site.urls),
    path("lti/", include("lti.urls")),           # LTI 1.3: Podscape as a tool in an LMS (docs/lti.md)
]
