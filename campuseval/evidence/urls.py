"""Evidence: the blocks and forms of each indicator (school), carry, and the download view."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "evidence"
urlpatterns = [
    path("<int:pk>/download/", views.evidence_download, name="download"),
    path("links/<int:pk>/remove/", views.evidence_unlink, name="unlink"),
    path("applications/<int:application_pk>/carry/", views.evidence_carry, name="carry"),
    path("applications/<int:application_pk>/<str:code>/upload/", views.evidence_upload, name="upload"),
    path("applications/<int:application_pk>/<str:code>/link/", views.evidence_link_add, name="link"),
    path("applications/<int:application_pk>/<str:code>/text/", views.evidence_text_add, name="text"),
    path("applications/<int:application_pk>/<str:code>/attach/", views.evidence_attach, name="attach"),
    path("applications/<int:application_pk>/<str:code>/forms/<str:form>/", views.evidence_form, name="form"),
]
