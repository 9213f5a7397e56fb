from __future__ import annotations

from django.urls import path

from vangnet.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.index, name="index"),
    path("gezond/", views.health, name="health"),
    path("code/", views.code_request, name="code-request"),
    path("code/invullen/", views.code_enter, name="code-enter"),
    path("uitloggen/", views.logout, name="logout"),
    path("overzicht/", views.overview, name="overview"),
    path("betalen/", views.pay, name="pay"),
    path("regeling/", views.plan, name="plan"),
    path("incasso/", views.mandate, name="mandate"),
    path("voorkeuren/", views.preferences, name="preferences"),
    path("terugbellen/", views.callback, name="callback"),
    path("hulp/", views.help_view, name="help"),
    path("melden/", views.situation, name="situation"),
    # Last: the magic link (tokens contain ':' and never match the fixed paths above).
    path("<str:token>/", views.enter, name="enter"),
]
