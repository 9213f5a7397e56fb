"""The short-link redirector (public) and the experiments page (staff). Thin: they call
``links.click_register`` and ``selectors.experiment_results``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from vangnet.messaging.engagement.links import click_register
from vangnet.messaging.engagement.models import Experiment
from vangnet.messaging.engagement.selectors import experiment_results

VIEW_PERMISSION = "messaging_engagement.view_experiment"
PAGE_SIZE = 10


@require_safe
@never_cache
def short_link(request: HttpRequest, code: str) -> HttpResponse:
    """302 to the link's target; a friendly Dutch 404 for unknown or expired codes.

    ``never_cache``: every tap must reach us to be counted, and a cached redirect would
    outlive the link's expiry.
    """
    result = click_register(
        code=code,
        user_agent=request.headers.get("user-agent"),
        at=timezone.now(),
        head=request.method == "HEAD",
    )
    if result is None:
        return render(request, "messaging_engagement/link_not_found.html", status=404)
    response = HttpResponseRedirect(result.target_url)
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@permission_required(VIEW_PERMISSION, raise_exception=True)
def experiment_list(request: HttpRequest) -> HttpResponse:
    experiments = Experiment.objects.select_related("organisation").order_by(
        "-active", "-started_at", "pk"
    )
    page = Paginator(experiments, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(e, experiment_results(e, draws=10_000)) for e in page.object_list]
    return render(
        request,
        "messaging_engagement/experiments.html",
        {
            "page": page,
            "rows": rows,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        },
    )
