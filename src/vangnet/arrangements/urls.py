from __future__ import annotations

from django.urls import path

from vangnet.arrangements import views

app_name = "arrangements"
urlpatterns = [
    path("approvals/", views.approvals, name="approvals"),
    path("plans/<int:pk>/", views.plan, name="plan"),
    path("plans/<int:pk>/decide/", views.plan_decide, name="plan_decide"),
    path("costs/<int:pk>/waive/", views.charge_waive, name="charge_waive"),
]
