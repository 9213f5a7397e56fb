from __future__ import annotations

from django.urls import path

from vangnet.payments import views

app_name = "payments"
urlpatterns = [
    path("a/<str:token>/", views.account_pay, name="account"),
    path("l/<str:token>/", views.link_pay, name="link"),
    path("klaar/<str:key>/", views.payment_return, name="return"),
    path("webhook/<slug:provider>/", views.webhook, name="webhook"),
    path("test/<str:payment_id>/", views.test_checkout, name="test_checkout"),
    path("links/", views.staff_links, name="links"),
]
