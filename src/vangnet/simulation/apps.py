from django.apps import AppConfig


class SimulationConfig(AppConfig):
    name = "vangnet.simulation"
    label = "simulation"
