from django.urls import path

from vangnet.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("<int:pk>/", views.job, name="job"),
    path("<int:pk>/status.json", views.job_status, name="job_status"),
    path("<int:pk>/rejections.csv", views.rejections, name="rejections"),
]
