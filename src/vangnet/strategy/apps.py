from django.apps import AppConfig


class StrategyConfig(AppConfig):
    name = "vangnet.strategy"
    label = "strategy"
