"""The campaign's pages, one module per audience (school, county, city, expert)."""

from __future__ import annotations

from django.urls import include, path

app_name = "campaigns"
urlpatterns = [
    path("", include("campuseval.campaigns.urls_city")),
    path("applications/", include("campuseval.campaigns.urls_school")),
    path("county/", include("campuseval.campaigns.urls_county")),
    path("reviews/", include("campuseval.campaigns.urls_expert")),
]
