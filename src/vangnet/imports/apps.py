from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "vangnet.imports"
    label = "imports"
