from __future__ import annotations

from django.urls import path

from vangnet.privacy import views

app_name = "privacy"
urlpatterns = [
    path("access-log/", views.access_log, name="access-log"),
    path("export/", views.person_export, name="export"),
]
