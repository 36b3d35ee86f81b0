from __future__ import annotations

from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("campuseval.accounts.urls")),
    path("campaigns/", include("campuseval.campaigns.urls")),
    path("api/", include("campuseval.api.urls")),
    path("audit/", include("campuseval.audit.urls")),
    path("", include("campuseval.rubrics.urls")),
]
