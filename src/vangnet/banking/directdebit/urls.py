from __future__ import annotations

from django.urls import path

from vangnet.banking.directdebit import views

app_name = "directdebit"
urlpatterns = [
    path("", views.mandates, name="mandates"),
    path("bestanden/", views.batches, name="batches"),
    path("bestanden/<int:pk>/download/", views.batch_download, name="batch_download"),
    path("storneringen/", views.returns, name="returns"),
]
