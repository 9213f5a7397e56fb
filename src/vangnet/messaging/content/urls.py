from __future__ import annotations

from django.urls import path

from vangnet.messaging.content import views

app_name = "messaging_content"
urlpatterns = [
    path("", views.template_list, name="list"),
    path("new/", views.template_new, name="new"),
    path("b1/", views.b1_check, name="b1"),
    path("<int:pk>/", views.template_edit, name="edit"),
    path("<int:pk>/preview/", views.template_preview, name="preview"),
    path("<int:pk>/test-send/", views.template_test_send_view, name="test-send"),
]
