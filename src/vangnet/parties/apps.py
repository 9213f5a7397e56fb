from django.apps import AppConfig


class PartiesConfig(AppConfig):
    name = "vangnet.parties"
    label = "parties"
