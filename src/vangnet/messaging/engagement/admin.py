"""Admin: experiments with their results table; links and clicks read-only."""

from __future__ import annotations

from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from vangnet.messaging.engagement.experiments import experiment_stop
from vangnet.messaging.engagement.models import ArmStat, Click, Experiment, ShortLink
from vangnet.messaging.engagement.selectors import experiment_results


class ArmStatInline(admin.TabularInline):
    model = ArmStat
    extra = 0
    can_delete = False
    fields = ["arm", "trials", "successes", "updated_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Experiment)
class ExperimentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "organisation", "kind", "segment", "template_code", "active"]
    list_filter = ["active", "kind", "organisation"]
    search_fields = ["name", "template_code", "segment"]
    readonly_fields = ["results", "stopped_at"]
    inlines = [ArmStatInline]
    actions = ["stop"]

    @admin.display(description=_("resultaten"))
    def results(self, obj: Experiment) -> str:
        if obj.pk is None:
            return "—"
        rows = experiment_results(obj, draws=10_000)
        body = format_html_join(
            "",
            "<tr><th>{}</th><td>{}</td><td>{}</td><td>{}</td><td>{} – {}</td>"
            "<td>{}</td><td>{}</td></tr>",
            (
                (
                    r.arm,
                    r.trials,
                    r.successes,
                    f"{r.mean:.3f}",
                    f"{r.low:.3f}",
                    f"{r.high:.3f}",
                    f"{r.p_best:.1%}",
                    r.pending,
                )
                for r in rows
            ),
        )
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th>"
            "<th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
            _("Arm"),
            _("Verstuurd"),
            _("Reacties"),
            _("Gemiddelde"),
            _("95%-interval"),
            _("Kans de beste te zijn"),
            _("Nog open"),
            body,
        )

    def save_model(self, request, obj, form, change) -> None:
        if not change and obj.started_at is None:
            obj.started_at = timezone.now()
        super().save_model(request, obj, form, change)
        existing = set(obj.stats.values_list("arm", flat=True))
        ArmStat.objects.bulk_create(
            [ArmStat(experiment=obj, arm=str(a)) for a in obj.arms if str(a) not in existing]
        )

    def get_changeform_initial_data(self, request):
        return {"started_at": timezone.now()}

    @admin.action(description=_("Geselecteerde experimenten stoppen"))
    def stop(self, request, queryset) -> None:
        for pk in queryset.values_list("pk", flat=True):
            experiment_stop(experiment_id=pk, now=timezone.now(), actor=request.user)


@admin.register(ShortLink)
class ShortLinkAdmin(admin.ModelAdmin):
    list_display = ["code", "organisation", "case_id", "outbox_message_id", "created_at"]
    search_fields = ["code"]
    readonly_fields = [f.name for f in ShortLink._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Click)
class ClickAdmin(admin.ModelAdmin):
    list_display = ["link", "at", "user_agent_family", "bot"]
    list_filter = ["bot", "user_agent_family"]
    readonly_fields = ["link", "at", "user_agent_family", "bot"]

    def has_add_permission(self, request) -> bool:
        return False
