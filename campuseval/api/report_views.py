"""The reports through the API: the same reports as the pages, from the same functions
(``reports.views``: the door, the visibility rule, the dashboards' reads), as data."""

from __future__ import annotations

from django.utils.decorators import method_decorator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from campuseval.dbrouter import replica_reads
from campuseval.reports import views as reports

from . import serializers as s
from .permissions import PERMISSIONS

TAG = "评估报告"

# --- the school's report ------------------------------------------------------------------------


class ReportAreaOut(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    points = serializers.FloatField(help_text="满分")
    score = serializers.FloatField(help_text="本校在报告层级（level）的得分")
    county = serializers.FloatField(allow_null=True, help_text="县平均；null 为没有可比较的平均")
    city = serializers.FloatField(allow_null=True, help_text="市平均")
    vs_county = serializers.FloatField(allow_null=True, help_text="本校减县平均")
    vs_city = serializers.FloatField(allow_null=True, help_text="本校减市平均")


class ReportStepOut(serializers.Serializer):
    code = serializers.CharField()
    text = serializers.CharField(help_text="例如“从 1 分提高到 2 分”“条款达成”")


class ReportPathOut(serializers.Serializer):
    target = serializers.CharField(help_text="上一等级")
    reachable = serializers.BooleanField()
    sentence = serializers.CharField()
    steps = ReportStepOut(many=True)


class ReportCommentOut(serializers.Serializer):
    source = serializers.CharField(help_text="county（县级意见）或 expert（专家意见，仅市级可见）")
    author = serializers.CharField()
    code = serializers.CharField(help_text="指标编码；空为整份申报的意见")
    text = serializers.CharField()


def _codes(help_text: str, source: str | None = None) -> serializers.ListField:
    return serializers.ListField(child=serializers.CharField(), help_text=help_text, **({"source": source} if source else {}))


class SchoolReportOut(serializers.Serializer):
    """One application's report, as the viewer may see it (``campaigns.visibility``)."""

    application = serializers.IntegerField(source="application.pk")
    school = s.SchoolRefOut(source="application.school")
    campaign = serializers.IntegerField(source="application.campaign_id")
    campaign_name = serializers.CharField(source="application.campaign.name")
    year = serializers.IntegerField(source="application.campaign.year")
    status = serializers.CharField(source="application.status")
    applied_tier = serializers.CharField(source="application.applied_tier")
    level = serializers.CharField(help_text="报告所按的评分层级：self（学校自评）、county（县级评分）、expert（专家合成评分）")
    level_label = serializers.CharField()
    total = serializers.FloatField(help_text="该层级的总分（准则型评估标准：达到的条数）")
    max_total = serializers.FloatField()
    scored_tier = serializers.CharField(allow_null=True, help_text="该层级得分对应的等级（未达标为评估标准的“未达标”）；null 为不可见")
    decided_tier = serializers.CharField(allow_null=True, help_text="认定等级；null 为尚未认定或不可见")
    combined_total = serializers.FloatField(allow_null=True, help_text="专家合成总分（市级随时可见，其他角色在公布后可见）")
    averages = serializers.CharField(help_text="live（今日的平均）或 published（只计已公布的年度创建）")
    county = s.RegionOut()
    city = s.RegionOut(allow_null=True)
    areas = ReportAreaOut(many=True)
    strengths = _codes("优势领域：高于县平均最多的领域（最多 3 个）", "strength_codes")
    weaknesses = _codes("薄弱领域：低于县平均最多的领域（最多 3 个）", "weakness_codes")
    basic_met = serializers.IntegerField(allow_null=True, source="basic_met_shown", help_text="已达到的 ★ 指标数；null 为不可见")
    basic_missed = _codes("未达到的 ★ 指标（已评分的）")
    demo_met = serializers.IntegerField(allow_null=True, source="demo_met_shown", help_text="已达到的 ▲ 指标数；null 为不可见")
    demo_missed = _codes("未达到的 ▲ 指标（已评分的）")
    next_tier = ReportPathOut(allow_null=True, source="path", help_text="升级路径；null 为已是最高等级或不可见")
    comments = ReportCommentOut(many=True, help_text="查看者可见的评审意见")


@extend_schema(
    tags=[TAG], summary="一份申报的评估报告：总分与等级、各领域与县市平均、优势与不足、★/▲、升级路径、可见的评审意见",
    responses={200: SchoolReportOut, 403: s.ErrorOut, 404: s.ErrorOut},
)
class ApplicationReportApi(APIView):
    permission_classes = PERMISSIONS

    def get(self, request: Request, pk: int) -> Response:
        return Response(SchoolReportOut(reports.school_report_for(request.user, pk)).data)


# --- a region's summary report ---------------------------------------------------------------


class UnitTiersOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    schools = serializers.IntegerField(help_text="学校数（含教学点）")
    certified = serializers.IntegerField(help_text="已认定学校数（最近一次公布的等级）")
    by_tier = serializers.DictField(child=serializers.IntegerField(), help_text="各等级的学校数")


class TierCountOut(serializers.Serializer):
    tier = serializers.CharField()
    schools = serializers.IntegerField()
    share = serializers.CharField(help_text="占学校数的比例，如 12%")


class TotalsOut(serializers.Serializer):
    schools = serializers.IntegerField()
    certified = serializers.IntegerField()
    coverage = serializers.CharField(help_text="已认定占学校数的比例")
    by_tier = TierCountOut(many=True)


class MissedOut(serializers.Serializer):
    code = serializers.CharField()
    kind = serializers.CharField(help_text="basic（★）或 demo（▲）")
    schools = serializers.IntegerField(help_text="未达到的申报数")


class SpreadOut(serializers.Serializer):
    code = serializers.CharField()
    mean = serializers.FloatField(help_text="专家间最高分与最低分之差的平均")
    n = serializers.IntegerField(help_text="专家意见不一的申报数")


class ExpertAgreementOut(serializers.Serializer):
    name = serializers.CharField()
    reviews = serializers.IntegerField()
    signed = serializers.FloatField(help_text="每个指标得分减专家组均值的平均（正数为偏高）")
    absolute = serializers.FloatField(help_text="绝对值的平均")


class PlanRowOut(serializers.Serializer):
    unit = serializers.CharField(help_text="区域")
    plan = serializers.IntegerField()
    target = serializers.CharField()
    status = serializers.CharField(help_text="已完成、正常、滞后、预警、逾期；空为尚无状态")
    reason = serializers.CharField()
    gap = serializers.CharField()


class RegionReportOut(serializers.Serializer):
    """A county's or city's summary report: the same reads as its page and dashboard."""

    region = s.RegionOut()
    year = serializers.IntegerField(allow_null=True, help_text="年度创建的年度；null 为还没有年度创建")
    as_of = serializers.DateField(allow_null=True)
    tiers = _codes("等级名称，高的在前")
    totals = TotalsOut()
    units = UnitTiersOut(many=True, help_text="各下级区域（县级报告：本县）的认定等级分布")
    most_missed = MissedOut(many=True, help_text="未达到最多的指标（★ 在前，▲ 在后）")
    agreement = SpreadOut(many=True, source="spreads", help_text="专家评分最不一致的指标")
    experts = ExpertAgreementOut(many=True, allow_null=True, help_text="每位专家与专家组均值之差；仅市级和平台管理员可见，其他为 null")
    plans = PlanRowOut(many=True, help_text="规划目标与指标进度，风险在前")


YEAR = OpenApiParameter("year", OpenApiTypes.INT, description="年度创建的年度；省略为最近一年")
AS_OF = OpenApiParameter("as_of", OpenApiTypes.DATE, description="截至日期（YYYY-MM-DD）；省略为今天")


@extend_schema(
    tags=[TAG], summary="县或市的汇总报告：认定等级分布、未达到最多的指标、专家评分一致性、规划进度",
    parameters=[YEAR, AS_OF], responses={200: RegionReportOut, 400: s.ErrorOut, 403: s.ErrorOut, 404: s.ErrorOut},
)
@method_decorator(replica_reads, name="get")  # as the report's page: a reading of the whole region
class RegionReportApi(APIView):
    permission_classes = PERMISSIONS

    def get(self, request: Request, code: str) -> Response:
        region, form, chosen = reports.region_choices(request.user, code, request.query_params)
        if form.errors:
            raise ValidationError({name: list(errors) for name, errors in form.errors.items()})
        data = reports.presenters.region_data(request.user, region, chosen.get("year"), chosen.get("as_of"))
        return Response(RegionReportOut(data).data)
