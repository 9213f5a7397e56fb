from __future__ import annotations

from django.urls import path

from vangnet.signals.incoming import api, views

app_name = "signals_in"
urlpatterns = [
    path("", views.melding_list, name="meldingen"),
    path("meldingen/<int:pk>/", views.melding_detail, name="melding"),
    path("meldingen/<int:pk>/<slug:action>/", views.melding_action, name="melding-action"),
    path("brp/", views.brp_queue, name="brp"),
    path("upload/", views.upload, name="upload"),
    path("monitor/", views.monitor_page, name="monitor"),
    path("api/signals/", api.signals_api, name="api-signals"),
    path("r/<str:token>/", views.resident, name="resident"),
]
