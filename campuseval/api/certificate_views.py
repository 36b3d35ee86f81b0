"""Certificates through the API: the same PDFs and zip as the pages' downloads, from the same
functions (``certificates.views``: door, audit record), and the verification of a code."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from campuseval.certificates import access, selectors
from campuseval.certificates import views as certificates

from .permissions import PERMISSIONS


class _Api(APIView):
    permission_classes = PERMISSIONS


@extend_schema(
    tags=["证书"], summary="申报的认定证书（PDF）：结果公布后，通过认定的学校才有",
    responses={200: OpenApiResponse(OpenApiTypes.BINARY, description="PDF 文件")},
)
class ApplicationCertificateApi(_Api):
    def get(self, request: Request, pk: int) -> HttpResponse:
        return certificates.certificate_file(request.user, pk)


VERIFICATION = inline_serializer(
    "CertificateVerification",
    {
        "valid": serializers.BooleanField(help_text="证书与公布的认定结果一致"),
        "number": serializers.CharField(),
        "code": serializers.CharField(),
        "school": serializers.CharField(),
        "county": serializers.CharField(),
        "city": serializers.CharField(),
        "campaign": serializers.CharField(),
        "year": serializers.IntegerField(),
        "tier": serializers.CharField(help_text="证书所载等级"),
        "current_tier": serializers.CharField(help_text="现行公布的等级（空：已不在名单中）"),
        "issued_on": serializers.DateField(),
    },
)


@extend_schema(tags=["证书"], summary="按验证码核验证书", responses={200: VERIFICATION, 404: OpenApiResponse(description="没有这个验证码的证书")})
class CertificateVerifyApi(_Api):
    def get(self, request: Request, code: str) -> Response:
        v = selectors.verification(access.certificate_by_code(code))
        c = v.certificate
        return Response({
            "valid": v.valid, "number": c.number, "code": c.code_display, "school": c.application.school.name,
            "county": c.application.school.county.name, "city": c.campaign.city.name, "campaign": c.campaign.name,
            "year": c.campaign.year, "tier": c.tier, "current_tier": v.current_tier, "issued_on": c.issued_on,
        })
