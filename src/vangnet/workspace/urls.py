from django.urls import path

from vangnet.workspace import views
from vangnet.workspace.task_views import task_outcome, tasks

app_name = "workspace"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("arrears/", views.arrears, name="arrears"),
    path("accounts/<int:pk>/", views.account, name="account"),
    path("work/tasks/", tasks, name="tasks"),
    path("work/tasks/<int:pk>/outcome/", task_outcome, name="task-outcome"),
]
