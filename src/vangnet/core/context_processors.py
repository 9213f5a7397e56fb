from django.conf import settings


def vangnet(request):
    from vangnet.parties.selectors import organisation_current

    return {
        "VANGNET_ORGANISATION_KIND": settings.VANGNET_ORGANISATION_KIND,
        "organisation": organisation_current(),
    }
