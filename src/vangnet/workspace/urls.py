from django.urls import path

from vangnet.workspace import views

app_name = "workspace"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("arrears/", views.arrears, name="arrears"),
    path("accounts/<int:pk>/", views.account, name="account"),
]
