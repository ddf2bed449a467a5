from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from salesflow.activities.visits.manifest import manifest
from salesflow.api import api
from salesflow.core import error_views
from salesflow.core import views as core_views
from salesflow.org import account_views
from salesflow.org.forms import ThrottledLoginForm

urlpatterns = [
    path("", include("salesflow.insights.urls")),
    path("insights/", include("salesflow.insights.section_urls")),
    path(
        "login/",
        auth_views.LoginView.as_view(authentication_form=ThrottledLoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", account_views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", account_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("password-reset/<uidb64>/<token>/", account_views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("password-reset/done/", account_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", core_views.healthz, name="healthz"),
    path("manifest.webmanifest", manifest, name="manifest"),
    path("audit/", core_views.audit_log, name="core-audit"),
    path("notifications/", core_views.notifications, name="notifications"),
    path("notifications/read/", core_views.notifications_read, name="notifications-read"),
    path("org/", include("salesflow.org.urls")),
    path("customers/", include("salesflow.customers.urls")),
    path("leads/", include("salesflow.leads.urls")),
    path("opportunities/", include("salesflow.pipeline.urls")),
    path("analytics/", include("salesflow.pipeline.analytics_urls")),
    path("catalog/", include("salesflow.catalog.urls")),
    path("contracts/", include("salesflow.contracts.urls")),
    path("approvals/", include("salesflow.approvals.urls")),
    path("activities/", include("salesflow.activities.urls")),
    path("performance/", include("salesflow.performance.urls")),
    path("import/", include("salesflow.core.import_urls")),
    path("api/v1/", api.urls),
    path("django-admin/", admin.site.urls),
]

handler400 = error_views.bad_request
handler403 = error_views.permission_denied
handler404 = error_views.page_not_found
handler500 = error_views.server_error
