from __future__ import annotations

from django.urls import path

from vangnet.messaging import views

app_name = "messaging"
urlpatterns = [
    path("outbox/", views.outbox_list, name="outbox"),
    path("outbox/<int:pk>/", views.outbox_detail, name="outbox_detail"),
    path("outbox/<int:pk>/requeue/", views.outbox_requeue_view, name="outbox_requeue"),
    path("outbox/<int:pk>/cancel/", views.outbox_cancel_view, name="outbox_cancel"),
]
