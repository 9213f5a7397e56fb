from django.urls import path

from vangnet.workspace import case_views, journey_views, queue_views, views
from vangnet.workspace.task_views import task_outcome, tasks

app_name = "workspace"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("arrears/", views.arrears, name="arrears"),
    path("accounts/<int:pk>/", views.account, name="account"),
    path("work/tasks/", tasks, name="tasks"),
    path("work/tasks/<int:pk>/outcome/", task_outcome, name="task-outcome"),
    path("cases/<int:pk>/", case_views.case_detail, name="case"),
    path("cases/<int:pk>/<slug:action>/", case_views.case_action, name="case-action"),
    path("work/", queue_views.work, name="work"),
    path("work/calls/", queue_views.calls, name="calls"),
    path("work/calls/<int:pk>/outcome/", queue_views.call_outcome, name="call-outcome"),
    path("work/visits/", queue_views.visits, name="visits"),
    path("work/visits/plan/", queue_views.visits_plan, name="visits-plan"),
    path("work/visits/mine/", queue_views.visits_mine, name="visits-mine"),
    path("work/visits/<int:pk>/", queue_views.visit, name="visit"),
    path("journeys/", journey_views.journey_list, name="journeys"),
    path("journeys/<int:pk>/", journey_views.journey_detail, name="journey"),
    path("journeys/<int:pk>/draft/", journey_views.journey_draft, name="journey-draft"),
    path("journeys/<int:pk>/update/", journey_views.journey_update, name="journey-update"),
    path("journeys/<int:pk>/steps/add/", journey_views.journey_step, name="journey-step-add"),
    path("journeys/<int:pk>/steps/<int:step>/", journey_views.journey_step, name="journey-step"),
    path(
        "journeys/<int:pk>/steps/<int:step>/move/",
        journey_views.journey_step_move,
        name="journey-step-move",
    ),
    path(
        "journeys/<int:pk>/steps/<int:step>/delete/",
        journey_views.journey_step_delete,
        name="journey-step-delete",
    ),
    path("journeys/<int:pk>/try/", journey_views.journey_try, name="journey-try"),
    path("journeys/<int:pk>/publish/", journey_views.journey_publish, name="journey-publish"),
    path("journeys/<int:pk>/discard/", journey_views.journey_discard, name="journey-discard"),
]
