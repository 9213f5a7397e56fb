from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "vangnet.scoring"
    label = "scoring"
