from __future__ import annotations

from django.urls import path

from vangnet.banking import views

app_name = "banking"
urlpatterns = [
    path("unmatched/", views.unmatched, name="unmatched"),
    path("entries/<int:pk>/", views.entry, name="entry"),
]
