from __future__ import annotations

from django.urls import path

from vangnet.signals.outgoing import views

app_name = "signals_out"
urlpatterns = [
    path("", views.signal_list, name="list"),
    path("feedback/", views.feedback, name="feedback"),
]
