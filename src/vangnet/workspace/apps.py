from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "vangnet.workspace"
    label = "workspace"
