from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

admin.site.site_header = "vangnet"
admin.site.site_title = "vangnet"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("imports/", include("vangnet.imports.urls")),
    path("messaging/", include("vangnet.messaging.urls")),
    path("messaging/templates/", include("vangnet.messaging.content.urls")),
    path("messaging/channels/", include("vangnet.messaging.channels.urls")),
    path("r/", include("vangnet.messaging.engagement.urls")),
    path("pay/", include("vangnet.payments.urls")),
    path("banking/", include("vangnet.banking.urls")),
    path("directdebit/", include("vangnet.banking.directdebit.urls")),
    path("arrangements/", include("vangnet.arrangements.urls")),
    path("signals/out/", include("vangnet.signals.outgoing.urls")),
    path("signals/in/", include("vangnet.signals.incoming.urls")),
    path("staff/", include("vangnet.accounts.urls")),
    path("privacy/", include("vangnet.privacy.urls")),
    path("portaal/", include("vangnet.portal.urls")),
    path("", include("vangnet.workspace.urls")),
]
