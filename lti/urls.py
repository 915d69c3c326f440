from django.urls import path
from lti_tool.views import OIDCLoginInitView, jwks

from . import views

app_name = "lti"

urlpatterns = [
    path("init/<uuid:registration_uuid>/", OIDCLoginInitView.as_view(), name="init"),
    path("launch/", views.LaunchView.as_view(), name="launch"),
    path("jwks/", jwks, name="jwks"),
    path("deep-link/", views.deep_link_response, name="deep_link"),
]
