from __future__ import annotations

from django.urls import include, path
from django.views.i18n import set_language

from campuseval.health import healthz, ping

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("healthz", healthz, name="healthz"),
    path("ping", ping, name="ping"),
    path("accounts/", include("campuseval.accounts.urls")),
    path("campaigns/", include("campuseval.campaigns.urls")),
    path("api/", include("campuseval.api.urls")),
    path("audit/", include("campuseval.audit.urls")),
    path("evidence/", include("campuseval.evidence.urls")),
    path("imports/", include("campuseval.imports.urls")),
    path("inbox/", include("campuseval.notifications.urls")),
    path("results/verify/", include("campuseval.certificates.public_urls")),
    path("results/", include("campuseval.campaigns.public_urls")),
    path("todo/", include("campuseval.todo.urls")),
    path("plans/", include("campuseval.plans.urls")),
    path("dashboards/", include("campuseval.analytics.urls")),
    path("forms/", include("campuseval.filings.urls")),
    path("reports/", include("campuseval.reports.urls")),
    path("certificates/", include("campuseval.certificates.urls")),
    path("exports/", include("campuseval.exportjobs.urls")),
    # regions/ and schools/ (the app's own prefixes), then the rubric browser and /.
    path("", include("campuseval.regions.urls")),
    path("", include("campuseval.rubrics.urls")),
]

# A role that may never use a page: the gate's message on the 403 page.
handler403 = "campuseval.accounts.gates.permission_denied"
# JSON on API paths, the neutral Chinese pages elsewhere.
handler404 = "campuseval.errors.not_found"
handler500 = "campuseval.errors.server_error"
