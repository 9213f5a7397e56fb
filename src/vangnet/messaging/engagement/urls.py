from __future__ import annotations

from django.urls import path

from vangnet.messaging.engagement import views

app_name = "messaging_engagement"
urlpatterns = [
    path("experiments/", views.experiment_list, name="experiments"),
    path("<str:code>", views.short_link, name="short_link"),
]
