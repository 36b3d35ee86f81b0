"""Input and output serializers, one pair per operation; they shape data, services decide.

Names end in ``In`` (what a request carries) or ``Out`` (what a response gives); the OpenAPI
schema names its components after them.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from campuseval.campaigns.models import Application, Campaign, ExpertAssignment, Status
from campuseval.plans.models import ConstructionTask, Target
from campuseval.regions.models import School
from campuseval.rubrics.presenters import check_condition, rubric_card

# --- errors -------------------------------------------------------------------------------


class ErrorOut(serializers.Serializer):
    detail = serializers.CharField(help_text="原因（中文），例如截止时间、状态或名额")
    code = serializers.CharField(
        required=False,
        help_text="workflow（流程不允许）、deadline_passed（已过截止时间）、invalid（数据不合规）、"
        "edit_conflict（另一个窗口或他人已先保存）、confirm_stage_end（须确认结束阶段）、otp_required、locked 等",
    )
    errors = serializers.DictField(
        required=False, help_text="数据不合规时：字段名 → 该字段的错误（中文）", child=serializers.JSONField()
    )


class SheetProblemsOut(ErrorOut):
    """A refused 自评表 upload: ``detail`` is the first problem, ``problems`` lists them all."""

    problems = serializers.ListField(
        child=serializers.CharField(), help_text="每一处问题（中文）：文件本身的问题，或按行、列列出的单元格问题"
    )


def _conflict(name: str, current: serializers.Serializer) -> type[serializers.Serializer]:
    fields: dict[str, Any] = {
        "detail": serializers.CharField(),
        "code": serializers.CharField(help_text="edit_conflict"),
        "current": current,
        "__doc__": "另一个窗口或他人已先保存：current 为现在保存的内容，请据此重新填写 version 后再保存。",
    }
    return type(name, (serializers.Serializer,), fields)


# --- regions and schools ------------------------------------------------------------------


class RegionOut(serializers.Serializer):
    code = serializers.CharField(help_text="行政区划代码（GB/T 2260）")
    name = serializers.CharField()


class SchoolRefOut(serializers.Serializer):
    code = serializers.CharField(help_text="学校标识码")
    name = serializers.CharField()
    county = RegionOut()


class SchoolOut(serializers.ModelSerializer):
    county = RegionOut()
    central_school = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True, help_text="教学点所属中心校的学校标识码；不是教学点为 null"
    )

    class Meta:
        model = School
        fields = [
            "code", "name", "stage", "location", "county", "central_school", "address",
            "head_name", "contact_name", "contact_phone",
        ]


# --- rubrics ------------------------------------------------------------------------------


class RubricOut(serializers.Serializer):
    """One rubric (its latest version) as the list shows it."""

    code = serializers.CharField()
    version = serializers.IntegerField()
    name = serializers.CharField()
    city = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    kind = serializers.CharField(help_text="points（计分型）或 criteria（达标型）")
    kind_label = serializers.CharField()
    indicator_count = serializers.IntegerField()
    total = serializers.CharField(help_text="总分，或达标型的标准条数")
    total_unit = serializers.CharField()
    basic_count = serializers.IntegerField(help_text="★ 基本要求数（含条款）")
    demo_count = serializers.IntegerField(help_text="▲ 示范要求数（含条款）")
    tiers = serializers.ListField(child=serializers.CharField(), help_text="等级，从高到低")

    def to_representation(self, instance: Any) -> Any:
        return super().to_representation(rubric_card(instance))


class CheckOut(serializers.Serializer):
    name = serializers.CharField()
    condition = serializers.SerializerMethodField(help_text="核查条件（中文），如 学生数 / 计算机数 ≤ 小学 10")
    text = serializers.CharField()
    assumed = serializers.BooleanField(help_text="核查是对原文的理解（见 note）")
    note = serializers.CharField()

    def get_condition(self, obj: Any) -> str:
        return check_condition(obj)


class ClauseOut(serializers.Serializer):
    requirement = serializers.CharField(help_text="basic（★）或 demo（▲）")
    text = serializers.CharField()


class IndicatorOut(serializers.Serializer):
    code = serializers.CharField()
    text = serializers.CharField()
    points = serializers.FloatField()
    requirement = serializers.CharField(allow_null=True, help_text="basic（★）、demo（▲）或 null")
    clause = ClauseOut(allow_null=True, help_text="写在指标原文中的 ★/▲ 条款")
    checks = CheckOut(many=True)


class SubAreaOut(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    points = serializers.FloatField(allow_null=True, help_text="原文所列小计")
    indicators = IndicatorOut(many=True)


class AreaOut(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    points = serializers.FloatField(allow_null=True)
    subareas = SubAreaOut(many=True)


class TierOut(serializers.Serializer):
    name = serializers.CharField()
    min_total = serializers.FloatField(allow_null=True)
    basic = serializers.CharField(help_text="所需 ★ 数：all、none 或一个数")
    demo = serializers.CharField(help_text="所需 ▲ 数：all、none 或一个数")
    assumed = serializers.BooleanField()
    note = serializers.CharField()


class AssumptionOut(serializers.Serializer):
    text = serializers.CharField()
    source = serializers.CharField()


class RubricDetailOut(serializers.Serializer):
    """One version with its full tree; built from {"rubric": Rubric, "file": RubricFile, "versions": [...]}."""

    code = serializers.CharField(source="rubric.code")
    version = serializers.IntegerField(source="rubric.version")
    versions = serializers.ListField(child=serializers.IntegerField(), help_text="全部版本，新的在前")
    name = serializers.CharField(source="file.name")
    city = serializers.CharField(source="file.city")
    year = serializers.IntegerField(source="file.year", allow_null=True)
    kind = serializers.CharField(source="file.kind")
    source = serializers.CharField(source="file.source", help_text="所依据的文件")
    labels = serializers.DictField(child=serializers.CharField(), source="file.labels")
    total = serializers.FloatField(source="file.total", allow_null=True)
    no_tier = serializers.CharField(source="file.no_tier")
    tiers = TierOut(many=True, source="file.tiers")
    assumptions = AssumptionOut(many=True, source="file.assumptions")
    notes = serializers.ListField(child=serializers.CharField(), source="file.notes")
    areas = AreaOut(many=True, source="file.areas")


# --- campaigns ----------------------------------------------------------------------------


class RubricRefOut(serializers.Serializer):
    code = serializers.CharField()
    version = serializers.IntegerField()
    name = serializers.CharField()


class CampaignOut(serializers.ModelSerializer):
    city = RegionOut()
    rubric = RubricRefOut()
    stage = serializers.SerializerMethodField(
        help_text="现在的阶段：not_open、application、county_review、city_review、decision、published"
    )
    stage_label = serializers.SerializerMethodField()
    gap_share = serializers.DecimalField(max_digits=3, decimal_places=2, coerce_to_string=False)

    class Meta:
        model = Campaign
        fields = [
            "id", "name", "year", "city", "rubric", "stage", "stage_label", "opens_at",
            "application_deadline", "county_review_deadline", "city_review_deadline",
            "publication_deadline", "published_at", "cap_at_applied_tier",
            "experts_per_application", "combine", "gap_share", "quota_total", "quota_per_tier",
            "notice_days", "notice_contact", "notice_opened_at", "notice_ends_on",
        ]

    def get_stage(self, obj: Campaign) -> str:
        return str(obj.stage_at(timezone.now()).value)

    def get_stage_label(self, obj: Campaign) -> str:
        return str(obj.stage_at(timezone.now()).label)


class TierQuotaOut(serializers.Serializer):
    tier = serializers.CharField()
    used = serializers.IntegerField()
    cap = serializers.IntegerField(allow_null=True)


class CountyQuotaOut(serializers.Serializer):
    county = RegionOut()
    used = serializers.IntegerField(help_text="已推荐（含已进入市级评审）的学校数")
    cap = serializers.IntegerField(allow_null=True, help_text="推荐总数上限；null 为不限")
    tiers = TierQuotaOut(many=True)


class CampaignDetailOut(CampaignOut):
    tier_names = serializers.ListField(child=serializers.CharField(), read_only=True)
    quota = serializers.SerializerMethodField(
        help_text="推荐名额：市级管理员看到每个县，县级管理员看到本县，其他角色为空"
    )

    class Meta(CampaignOut.Meta):
        fields = [*CampaignOut.Meta.fields, "tier_names", "quota"]

    @extend_schema_field(CountyQuotaOut(many=True))
    def get_quota(self, obj: Campaign) -> Any:
        return CountyQuotaOut(self.context.get("quota", []), many=True).data


# --- applications -------------------------------------------------------------------------


class ApplicationOut(serializers.ModelSerializer):
    campaign = serializers.IntegerField(source="campaign_id")
    campaign_name = serializers.CharField(source="campaign.name")
    school = SchoolRefOut()
    status = serializers.ChoiceField(choices=Status.choices)
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = Application
        fields = [
            "id", "campaign", "campaign_name", "school", "status", "status_label",
            "applied_tier", "version", "submitted_at", "updated_at",
        ]


class FactWarningOut(serializers.Serializer):
    code = serializers.CharField()
    check = serializers.CharField()
    message = serializers.CharField()


class StepOut(serializers.Serializer):
    code = serializers.CharField()
    from_score = serializers.FloatField()
    to_score = serializers.FloatField()
    set_clause = serializers.BooleanField(help_text="还须达成该指标的 ★/▲ 条款")


class TierPathOut(serializers.Serializer):
    """The way up (升级路径) to the next tier."""

    target = serializers.CharField()
    reachable = serializers.BooleanField()
    steps = StepOut(many=True)


class ResultOut(serializers.Serializer):
    """What scores give, by the scoring engine: totals, tier, missed ★/▲, checks, the way up."""

    total = serializers.FloatField()
    tier = serializers.CharField(allow_null=True, help_text="得出的等级（不超过申报类型）；null 为未达标")
    tier_name = serializers.CharField()
    uncapped_tier = serializers.CharField(allow_null=True, help_text="不考虑申报类型时得出的等级")
    area_totals = serializers.DictField(child=serializers.FloatField())
    subarea_totals = serializers.DictField(child=serializers.FloatField())
    basic_missed = serializers.ListField(child=serializers.CharField(), help_text="未达到的 ★ 指标")
    demo_missed = serializers.ListField(child=serializers.CharField(), help_text="未达到的 ▲ 指标")
    warnings = FactWarningOut(many=True, help_text="自评与学校基础数据矛盾之处")
    next_tier = TierPathOut(allow_null=True, help_text="达到上一等级最少要提高的指标")


class ProgressOut(serializers.Serializer):
    scored = serializers.IntegerField()
    total = serializers.IntegerField()


class DecisionOut(serializers.Serializer):
    tier = serializers.CharField(allow_null=True, help_text="认定等级；null 为未达标")
    tier_name = serializers.CharField()
    scored_tier = serializers.CharField(allow_null=True, help_text="专家评分得出的等级（仅市级可见）")
    combined_total = serializers.FloatField(allow_null=True, help_text="专家合成总分（市级随时可见，其他角色在公布后可见）")
    override_reason = serializers.CharField(help_text="改判理由（仅市级可见）")
    decided_at = serializers.DateTimeField(allow_null=True)


class AssignmentBriefOut(serializers.ModelSerializer):
    expert = serializers.CharField(source="expert.username")
    expert_name = serializers.CharField(source="expert.__str__")

    class Meta:
        model = ExpertAssignment
        fields = ["id", "expert", "expert_name", "automatic", "assigned_at", "submitted_at"]


class FlaggedOut(serializers.Serializer):
    code = serializers.CharField()
    value = serializers.FloatField(help_text="合成分")
    scores = serializers.ListField(child=serializers.FloatField())
    gap = serializers.FloatField()


class CombinedOut(serializers.Serializer):
    experts = serializers.IntegerField(help_text="已提交评分的专家数")
    result = ResultOut()
    flagged = FlaggedOut(many=True, help_text="专家分差达到阈值、需要讨论的指标")


class CityReviewOut(serializers.Serializer):
    assignments = AssignmentBriefOut(many=True)
    combined = CombinedOut(allow_null=True, help_text="专家评分合成结果；无人提交时为 null")


class ApplicationDetailOut(ApplicationOut):
    """Built with context: result, progress, decision and city_review (see views)."""

    self_result = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()
    decision = serializers.SerializerMethodField(
        help_text="认定结果：市级管理员随时可见，其他角色在公布后可见"
    )
    city_review = serializers.SerializerMethodField(help_text="专家分配与合成评分，仅市级管理员可见")

    class Meta(ApplicationOut.Meta):
        fields = [
            *ApplicationOut.Meta.fields, "head_name", "contact_name", "contact_phone", "classes",
            "students", "teachers", "highlights", "county_note", "county_decided_at",
            "self_result", "progress", "decision", "city_review",
        ]

    @extend_schema_field(ResultOut)
    def get_self_result(self, obj: Application) -> Any:
        return ResultOut(self.context["result"]).data

    @extend_schema_field(ProgressOut)
    def get_progress(self, obj: Application) -> Any:
        return ProgressOut(self.context["progress"]).data

    @extend_schema_field(DecisionOut(allow_null=True))
    def get_decision(self, obj: Application) -> Any:
        decision = self.context.get("decision")
        return None if decision is None else DecisionOut(decision).data

    @extend_schema_field(CityReviewOut(allow_null=True))
    def get_city_review(self, obj: Application) -> Any:
        review = self.context.get("city_review")
        return None if review is None else CityReviewOut(review).data


class EvidenceRefOut(serializers.Serializer):
    id = serializers.IntegerField(source="evidence.id")
    kind = serializers.CharField(source="evidence.kind")
    title = serializers.CharField(source="evidence.title")
    carried = serializers.BooleanField(help_text="沿用往年的佐证材料")


def _score_field(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=6, decimal_places=2, coerce_to_string=False, **kwargs)


class ScoreRowOut(serializers.Serializer):
    """One indicator of an application, in rubric order; version 0 before the first save."""

    code = serializers.CharField()
    points = serializers.FloatField()
    requirement = serializers.CharField(allow_null=True)
    clause_requirement = serializers.CharField(allow_null=True)
    self_score = _score_field(allow_null=True)
    clause_met = serializers.BooleanField(allow_null=True)
    comment = serializers.CharField()
    version = serializers.IntegerField(help_text="保存时回传，用于发现他人同时修改")
    changed_after_return = serializers.BooleanField(help_text="退回后学校已修改")
    carried = serializers.BooleanField(help_text="沿用上次认定的申报（沿用上次），学校尚未修改；修改后为 false")
    county_comment = serializers.CharField(help_text="县级意见（退回时学校可见）")
    county_score = _score_field(allow_null=True, help_text="县级评分，仅县级、市级管理员可见")
    evidence = EvidenceRefOut(many=True)


class CarrySourceOut(serializers.Serializer):
    id = serializers.IntegerField(help_text="上次认定的申报")
    campaign = serializers.IntegerField(source="campaign_id")
    campaign_name = serializers.CharField(source="campaign.name")
    tier = serializers.CharField(source="decided_tier", help_text="当时的认定等级")


class CarryReportOut(serializers.Serializer):
    """What starting from the last certified application copied (从上次认定的申报开始)."""

    source = CarrySourceOut()
    carried = serializers.ListField(child=serializers.CharField(), help_text="沿用了自评的指标编码")
    skipped = serializers.ListField(
        child=serializers.CharField(), help_text="未沿用的指标编码：本次评估标准中没有，或原得分不符合本次分值"
    )
    evidence = serializers.IntegerField(help_text="沿用的佐证材料关联数")
    evidence_skipped = serializers.IntegerField(help_text="所属指标不在本次评估标准中、未沿用的佐证材料关联数")


class ExpertScoreRowOut(serializers.Serializer):
    code = serializers.CharField()
    points = serializers.FloatField()
    requirement = serializers.CharField(allow_null=True)
    clause_requirement = serializers.CharField(allow_null=True)
    score = _score_field(allow_null=True)
    clause_met = serializers.BooleanField(allow_null=True)
    comment = serializers.CharField()
    version = serializers.IntegerField()


class AssignmentOut(serializers.ModelSerializer):
    application = serializers.IntegerField(source="application_id")
    campaign = serializers.IntegerField(source="application.campaign_id")
    campaign_name = serializers.CharField(source="application.campaign.name")
    school = SchoolRefOut(source="application.school")
    applied_tier = serializers.CharField(source="application.applied_tier")

    class Meta:
        model = ExpertAssignment
        fields = [
            "id", "application", "campaign", "campaign_name", "school", "applied_tier",
            "automatic", "assigned_at", "submitted_at",
        ]


class AssignmentDetailOut(AssignmentOut):
    scores = serializers.SerializerMethodField(help_text="本人的评分，每个指标一行")

    class Meta(AssignmentOut.Meta):
        fields = [*AssignmentOut.Meta.fields, "scores"]

    @extend_schema_field(ExpertScoreRowOut(many=True))
    def get_scores(self, obj: ExpertAssignment) -> Any:
        return ExpertScoreRowOut(self.context["rows"], many=True).data


class PublishedResultOut(serializers.Serializer):
    school = SchoolRefOut()
    tier = serializers.CharField(source="decided_tier", help_text="认定等级")


ApplicationConflictOut = _conflict("ApplicationConflictOut", ApplicationDetailOut())
ScoreConflictOut = _conflict("ScoreConflictOut", ScoreRowOut())
ExpertScoreConflictOut = _conflict("ExpertScoreConflictOut", ExpertScoreRowOut())


# --- inputs -------------------------------------------------------------------------------


class TokenIn(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})
    otp = serializers.CharField(
        required=False, allow_blank=True, help_text="已开启两步验证的账号：身份验证器上的 6 位动态验证码"
    )
    name = serializers.CharField(
        required=False, allow_blank=True, max_length=50, help_text="令牌的名称，例如“成绩导入脚本”；省略为“接口客户端”"
    )


# --- the to-do list (待办) -------------------------------------------------------------------


class TodoItemOut(serializers.Serializer):
    kind = serializers.CharField(
        help_text="returned（被退回修改）、draft（草稿待提交）、apply（可以申报）、published（结果已公布）、"
        "county_queue（待县级审核）、county_list（推荐名单）、stage（当前阶段）、assign（待分配专家）、"
        "decide（待认定）、publish（可以公布）、review（评审待提交）、plan_submit（规划待提交）、"
        "plan_review（规划待审核）、report_due（进度待填报）、report_accept（填报待采纳）"
    )
    title = serializers.CharField(help_text="要做的事（中文）")
    campaign = serializers.IntegerField(source="campaign_id", allow_null=True, help_text="年度创建；规划的事项为 null")
    campaign_name = serializers.CharField(source="campaign", help_text="年度创建的名称；规划的事项为空")
    plan = serializers.IntegerField(source="plan_id", allow_null=True, help_text="规划；年度创建的事项为 null")
    plan_name = serializers.CharField(source="plan", help_text="规划的名称")
    target = serializers.CharField(help_text="要填报进度的指标")
    place = serializers.CharField(help_text="学校或县（市、区）的名称；空为整个年度创建")
    count = serializers.IntegerField(allow_null=True, help_text="申报或评审的份数")
    limit = serializers.IntegerField(allow_null=True, help_text="推荐名额上限（推荐名单）")
    note = serializers.CharField(help_text="县级退回时的意见")
    tier = serializers.CharField(help_text="认定等级（结果已公布且本人可见时）")
    url = serializers.CharField(help_text="办理这件事的页面")
    stage = serializers.CharField(help_text="截止时间所属的阶段")
    deadline = serializers.DateTimeField(allow_null=True, help_text="截止时间（未开始的年度创建：开始时间）")
    deadline_text = serializers.CharField(help_text="例如“截止 2026-12-05 18:00”")
    remaining = serializers.CharField(help_text="例如“还剩 3 天 4 小时”“已逾期”")
    overdue = serializers.BooleanField()
    soon = serializers.BooleanField(help_text="离截止不到 3 天")


class TodoSectionOut(serializers.Serializer):
    role = serializers.CharField()
    label = serializers.CharField(help_text="角色名称")
    items = TodoItemOut(many=True, source="rows")


class TodoInboxItemOut(serializers.Serializer):
    id = serializers.IntegerField()
    message = serializers.CharField()
    url = serializers.CharField()
    created_at = serializers.DateTimeField()


class TodoOut(serializers.Serializer):
    """The signed-in user's to-do list: one section per role with something due, and the unread
    inbox; the same rows as the 待办 page."""

    sections = TodoSectionOut(many=True)
    unread = serializers.IntegerField(help_text="未读通知数")
    inbox = TodoInboxItemOut(many=True, help_text="最新的几条未读通知")


class TokenOut(serializers.Serializer):
    token = serializers.CharField(help_text="请求时放在请求头：Authorization: Token <token>；只在此时显示一次")
    id = serializers.IntegerField(help_text="令牌编号，作废时用（DELETE /api/tokens/{id}/）")
    name = serializers.CharField()
    expires_at = serializers.DateTimeField(help_text="最迟到期时间（长期未用会更早失效）")
    username = serializers.CharField()
    full_name = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())


class TokenRowOut(serializers.Serializer):
    """One of the account's API tokens (never its key)."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    prefix = serializers.CharField(help_text="令牌的前 8 位")
    created_at = serializers.DateTimeField()
    created_ip = serializers.IPAddressField(allow_null=True)
    last_used_at = serializers.DateTimeField(help_text="最近使用时间（精确到分钟）")
    expires_at = serializers.DateTimeField(help_text="最迟到期时间")
    ends_at = serializers.DateTimeField(help_text="如不再使用，将于此时失效")
    current = serializers.BooleanField(help_text="是否就是本次请求所用的令牌")


class ApplicationCreateIn(serializers.Serializer):
    school = serializers.CharField(
        required=False, help_text="学校标识码；账号只属于一所学校时可省略"
    )


class ApplicationUpdateIn(serializers.Serializer):
    version = serializers.IntegerField(min_value=0, help_text="读取时得到的 version")
    applied_tier = serializers.CharField(required=False, allow_blank=True, help_text="申报类型")
    head_name = serializers.CharField(required=False, allow_blank=True, max_length=50)
    contact_name = serializers.CharField(required=False, allow_blank=True, max_length=50)
    contact_phone = serializers.CharField(required=False, allow_blank=True, max_length=30)
    classes = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    students = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    teachers = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    highlights = serializers.CharField(required=False, allow_blank=True, help_text="亮点特色")


class SelfScoreIn(serializers.Serializer):
    version = serializers.IntegerField(min_value=0, help_text="该指标读取时的 version；第一次保存为 0")
    score = _score_field(allow_null=True, help_text="0 到该指标分值之间、0.5 的整数倍；null 为清除")
    clause_met = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="指标中的 ★/▲ 条款是否达成"
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class CountyScoreIn(serializers.Serializer):
    version = serializers.IntegerField(min_value=0)
    score = _score_field(allow_null=True)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ExpertScoreIn(SelfScoreIn):
    pass


class WithdrawIn(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ReturnIn(serializers.Serializer):
    comments = serializers.DictField(
        child=serializers.CharField(allow_blank=True), required=False, default=dict,
        help_text="按指标编码的意见，如 {\"1.1.1\": \"请补充网络拓扑图\"}",
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text="总体意见")


class RecommendIn(serializers.Serializer):
    recommend = serializers.BooleanField(help_text="true 推荐，false 不推荐")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ExpertAssignIn(serializers.Serializer):
    expert = serializers.CharField(help_text="评估专家的用户名")


class AssignReportOut(serializers.Serializer):
    created = serializers.IntegerField(help_text="新建的分配数")
    understaffed = serializers.ListField(
        child=serializers.CharField(), help_text="专家不足（回避后）的学校"
    )


class DecideIn(serializers.Serializer):
    tier = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, default=None,
        help_text="认定等级；省略或 null 为评分得出的等级，空字符串为未达标；与得出的等级不同须填写理由",
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class CampaignIn(serializers.Serializer):
    """A campaign to open (all required but the settings) or to change (any subset)."""

    city = serializers.RegexField(r"^\d{6}$", help_text="城市的行政区划代码，如 341100")
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    name = serializers.CharField(max_length=100)
    rubric = serializers.CharField(help_text="评估标准编号，如 taizhou-2022")
    rubric_version = serializers.IntegerField(required=False, min_value=1, help_text="省略为最新版本")
    opens_at = serializers.DateTimeField()
    application_deadline = serializers.DateTimeField()
    county_review_deadline = serializers.DateTimeField()
    city_review_deadline = serializers.DateTimeField()
    publication_deadline = serializers.DateTimeField()
    cap_at_applied_tier = serializers.BooleanField(required=False)
    experts_per_application = serializers.IntegerField(required=False, min_value=1, max_value=15)
    combine = serializers.ChoiceField(choices=Campaign.Combine.choices, required=False)
    gap_share = serializers.DecimalField(max_digits=3, decimal_places=2, required=False)
    quota_total = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    quota_per_tier = serializers.DictField(child=serializers.IntegerField(min_value=0), required=False)
    notice_days = serializers.IntegerField(required=False, min_value=0, max_value=30)
    notice_contact = serializers.CharField(required=False, allow_blank=True, max_length=200)


class CampaignUpdateIn(CampaignIn):
    confirm_stage_end = serializers.BooleanField(
        required=False, default=False,
        help_text="新的截止时间会立即结束正在进行的阶段时须为 true（否则答 400，code 为 confirm_stage_end）",
    )


class StageEndIn(serializers.Serializer):
    stage = serializers.ChoiceField(
        choices=["application", "county_review", "city_review"],
        help_text="要结束的阶段，须是正在进行的阶段（防止重复提交）",
    )


class CountyLocksOut(serializers.Serializer):
    county = serializers.CharField(source="county.code", help_text="县的行政区划代码")
    county_name = serializers.CharField(source="county.name")
    statuses = serializers.DictField(child=serializers.IntegerField(), help_text="将被锁定的申报数（按状态）")
    not_applied = serializers.IntegerField(help_text="尚未申报、将不能再申报的学校数")


class StageEndOut(serializers.Serializer):
    """What ending the running stage now would lock."""

    stage = serializers.CharField()
    stage_label = serializers.CharField(source="label")
    next_stage = serializers.CharField()
    next_stage_label = serializers.CharField(source="next_label")
    deadline = serializers.DateTimeField(help_text="原定截止时间")
    locked = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), help_text="状态 → 将不能再办理的操作"
    )
    counties = CountyLocksOut(many=True)
    applications = serializers.IntegerField()
    not_applied = serializers.IntegerField()
    open_reviews = serializers.IntegerField(help_text="尚未提交、将不能再提交的专家评审数")


# --- plans ----------------------------------------------------------------------------------
# Plans, their targets with the progress computed by ``plans.progress`` (the rows the status
# board shows: ``plans.presenters.TargetRow``), progress reports and construction tasks.


def _plan_decimal(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=False, **kwargs)


class PlanOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    region = RegionOut(help_text="制定单位（市或县）")
    start_year = serializers.IntegerField()
    end_year = serializers.IntegerField()
    source = serializers.CharField(help_text="依据文件")
    status = serializers.CharField(help_text="draft（草稿）、submitted（已提交）、returned（退回修改）、published（已发布）")
    status_label = serializers.CharField(source="get_status_display")
    answers = serializers.IntegerField(source="answers_id", allow_null=True, help_text="响应的上级规划")
    note = serializers.CharField(help_text="说明；退回时为退回理由")
    version = serializers.IntegerField()


class ProjectionOut(serializers.Serializer):
    """The value expected at the due date from the campaigns in progress (在途申报)."""

    low = serializers.IntegerField()
    mid = serializers.IntegerField()
    high = serializers.IntegerField()


class TargetPartOut(serializers.Serializer):
    """One target (or a county's part of it) with its progress as of the day asked."""

    id = serializers.IntegerField(source="target.pk")
    project = serializers.CharField(source="target.project", help_text="所属工程或类别")
    text = serializers.CharField(source="target.text")
    kind = serializers.CharField(source="target.kind", help_text="coverage（覆盖率）、count（数量）、kpi（指标）")
    measure = serializers.CharField(
        source="target.measure", help_text="certified（认定结果）、tasks（建设任务）、reported（填报）"
    )
    region = RegionOut(source="target.region", help_text="统计区域")
    year = serializers.IntegerField(source="target.year")
    due = serializers.DateField(source="target.due")
    value = _plan_decimal(source="target.value", allow_null=True, help_text="目标值；覆盖率为百分数")
    unit = serializers.CharField(source="target.unit")
    baseline = _plan_decimal(source="target.baseline")
    milestone = serializers.CharField(source="target.milestone", help_text="不以数值计的目标")
    goal = serializers.CharField(help_text="目标，如页面所示（目标值和单位，或里程碑）")
    lead = serializers.CharField(source="target.lead.name", allow_null=True, help_text="牵头处室")
    current = _plan_decimal(source="progress.current", allow_null=True, help_text="当前值；覆盖率为四舍五入的百分数")
    current_text = serializers.CharField(source="current", help_text="当前值，如页面所示")
    numerator = serializers.IntegerField(source="progress.numerator", allow_null=True, help_text="计入的学校数")
    denominator = serializers.IntegerField(source="progress.denominator", allow_null=True, help_text="学校总数（覆盖率）")
    reported_on = serializers.DateField(
        source="progress.reported_on", allow_null=True, help_text="当前值所依据的已采纳填报的截至日期"
    )
    status = serializers.CharField(
        source="progress.view.status", allow_null=True,
        help_text="done（已完成）、on_track（正常）、behind（滞后）、warning（预警）、overdue（逾期）；尚无进度为 null",
    )
    status_label = serializers.CharField()
    status_since = serializers.DateField(
        source="progress.since", allow_null=True, help_text="此状态自哪天起（每日任务记录；与当日计算的状态不同时为 null）"
    )
    reason = serializers.CharField(help_text="状态的理由")
    expected = _plan_decimal(source="progress.view.expected", allow_null=True, help_text="序时进度：今天应达到的值")
    projection = ProjectionOut(
        source="progress.view.projection", allow_null=True, help_text="按在途申报和上年通过率预测的到期值"
    )
    projected = _plan_decimal(source="progress.view.projected", allow_null=True, help_text="按目前增速到期约达到的值")
    growth_ratio = _plan_decimal(
        source="progress.view.growth_ratio", allow_null=True, help_text="已有增速 ÷ 所需增速（≥0.95 正常，<0.6 预警）"
    )
    gap = serializers.CharField(source="progress.gap", help_text="差距与办法，如“定远县还需 3 所学校在 8 月 31 日前被推荐并通过认定”")


class TargetProgressOut(TargetPartOut):
    co = serializers.SerializerMethodField(help_text="配合处室")
    all_districts = serializers.BooleanField(source="target.all_districts", help_text="各区市分别落实")
    parts = TargetPartOut(many=True, help_text="各县的分解目标及其进度")
    parts_problem = serializers.CharField(source="progress.parts_problem", help_text="各县目标合计与全市目标不符时的提示")

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_co(self, row: Any) -> list[str]:
        return [d.name for d in row.target.co.all()]


class PlanDetailOut(PlanOut):
    as_of = serializers.DateField(help_text="进度截至日期")
    targets = TargetProgressOut(many=True)


class PlanIn(serializers.Serializer):
    """A new plan (草稿): the bureau it is made in the name of, by its region code, the years and
    the source; a county plan may answer a published plan of its city, due by a date."""

    region = serializers.RegexField(r"^\d{6}$", help_text="制定单位（市或县）的行政区划代码，如 341100")
    title = serializers.CharField(max_length=200)
    start_year = serializers.IntegerField(min_value=2000, max_value=2100)
    end_year = serializers.IntegerField(min_value=2000, max_value=2100)
    source = serializers.CharField(required=False, allow_blank=True, default="", max_length=300, help_text="依据文件（名称和文号）")
    answers = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="响应的上级规划（已发布的市级规划的 id）")
    submit_by = serializers.DateField(required=False, allow_null=True, default=None, help_text="提交截止（响应上级规划时）")


class TargetIn(serializers.Serializer):
    """A target of a draft plan, in the fields of the page's 添加目标 form."""

    text = serializers.CharField(max_length=300, help_text="目标，如 智慧校园建成率达到 30%")
    project = serializers.CharField(required=False, allow_blank=True, default="", max_length=100, help_text="所属工程或类别")
    kind = serializers.ChoiceField(choices=Target.Kind.choices, help_text="coverage（覆盖率）、count（数量）、kpi（指标）")
    measure = serializers.ChoiceField(
        choices=Target.Measure.choices, help_text="certified（认定结果）、tasks（建设任务）、reported（填报）、facts（学校基础数据）"
    )
    year = serializers.IntegerField(min_value=2000, max_value=2100, help_text="目标年度")
    due = serializers.DateField(help_text="截止日期")
    cumulative = serializers.BooleanField(required=False, default=True, help_text="自规划起始累计（默认），false 为仅本年度")
    value = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True, default=None, help_text="目标值；里程碑可省略"
    )
    unit = serializers.CharField(required=False, allow_blank=True, default="所", max_length=20, help_text="单位；覆盖率和基础数据占比为 %")
    milestone = serializers.CharField(required=False, allow_blank=True, default="", max_length=300, help_text="里程碑，如 出台《数据安全管理规范》")
    tier = serializers.CharField(required=False, allow_blank=True, default="", max_length=50, help_text="等级（及以上）；空为任一等级")
    scope = serializers.ChoiceField(
        choices=Target.Scope.choices, required=False, default=Target.Scope.ALL,
        help_text="all（全部学校，含教学点）、schools（不含教学点）、teaching_points（教学点）",
    )
    category = serializers.CharField(required=False, allow_blank=True, default="", max_length=100, help_text="建设任务类别（以建设任务计时）")
    fact_expr = serializers.CharField(required=False, allow_blank=True, default="", max_length=200, help_text="基础数据条件（以学校基础数据计时）")
    fact_min = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, allow_null=True, default=None, help_text="条件下限")
    lead = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="牵头处室的 id（规划制定单位的处室）")
    co = serializers.ListField(child=serializers.IntegerField(), required=False, default=list, help_text="配合处室的 id")
    report_by = serializers.DateField(required=False, allow_null=True, default=None, help_text="填报截止（填报类目标）")


class TargetOut(serializers.Serializer):
    id = serializers.IntegerField()
    plan = serializers.IntegerField(source="plan_id")
    region = serializers.CharField(source="region.code")
    project = serializers.CharField()
    text = serializers.CharField()
    kind = serializers.CharField()
    measure = serializers.CharField()
    year = serializers.IntegerField()
    due = serializers.DateField()
    cumulative = serializers.BooleanField()
    value = _plan_decimal(allow_null=True)
    unit = serializers.CharField()
    milestone = serializers.CharField()
    tier = serializers.CharField()
    scope = serializers.CharField()
    category = serializers.CharField()
    fact_expr = serializers.CharField()
    fact_min = _plan_decimal(allow_null=True)
    lead = serializers.CharField(source="lead.name", allow_null=True)
    co = serializers.SerializerMethodField()
    report_by = serializers.DateField(allow_null=True)

    def get_co(self, target: Any) -> list[str]:
        return [d.name for d in target.co.all()]


class PlanReturnIn(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=2000, help_text="退回理由（必填）")


class ReportIn(serializers.Serializer):
    as_of = serializers.DateField(help_text="截至日期，如 2026-06-30")
    value = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True, default=None,
        help_text="进度值（目标的单位）；里程碑可省略",
    )
    achieved = serializers.BooleanField(required=False, default=False, help_text="里程碑已完成")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000, help_text="进展说明")
    evidence = serializers.CharField(required=False, allow_blank=True, default="", max_length=300, help_text="佐证（文件名或链接）")


class ReportDecideIn(serializers.Serializer):
    accept = serializers.BooleanField(help_text="true 采纳（成为该指标的当前值），false 退回")
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000, help_text="退回理由（退回时必填）")


class ReportOut(serializers.Serializer):
    id = serializers.IntegerField()
    target = serializers.IntegerField(source="target_id")
    plan = serializers.IntegerField(source="target.plan_id")
    as_of = serializers.DateField()
    value = _plan_decimal(allow_null=True)
    achieved = serializers.BooleanField()
    note = serializers.CharField()
    evidence = serializers.CharField()
    status = serializers.CharField(help_text="submitted（已提交）、accepted（已采纳）、returned（退回）")
    status_label = serializers.CharField(source="get_status_display")
    reason = serializers.CharField(help_text="退回理由")
    reported_by = serializers.CharField(source="reported_by.username")
    decided_by = serializers.CharField(source="decided_by.username", allow_null=True)
    created_at = serializers.DateTimeField()


class TaskUpdateIn(serializers.Serializer):
    """A construction task moved on; fields left out keep their value. Built or accepted needs
    the date it was built, accepted needs the date it was accepted (as on the page)."""

    STATUSES = ("planned", "building", "built", "accepted")

    status = serializers.CharField(
        required=False, help_text="planned（计划）、building（在建）、built（建成）、accepted（验收通过）"
    )
    started_on = serializers.DateField(required=False, allow_null=True)
    built_on = serializers.DateField(required=False, allow_null=True)
    accepted_on = serializers.DateField(required=False, allow_null=True)
    evidence = serializers.CharField(required=False, allow_blank=True, max_length=300)

    def validate_status(self, value: str) -> str:
        if value not in self.STATUSES:
            raise serializers.ValidationError(f"没有“{value}”这个状态，可选：{'、'.join(self.STATUSES)}")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        task = self.context["task"]
        merged = {name: attrs.get(name, getattr(task, name)) for name in ("status", "built_on", "accepted_on")}
        problems = ConstructionTask.date_problems(merged["status"], merged["built_on"], merged["accepted_on"])
        if problems:
            raise serializers.ValidationError({name: [message] for name, message in problems.items()})
        return attrs


class TaskOut(serializers.Serializer):
    id = serializers.IntegerField()
    plan = serializers.IntegerField(source="plan_id")
    category = serializers.CharField()
    school = SchoolRefOut()
    year = serializers.IntegerField()
    status = serializers.CharField(help_text="planned（计划）、building（在建）、built（建成）、accepted（验收通过）")
    status_label = serializers.CharField(source="get_status_display")
    started_on = serializers.DateField(allow_null=True)
    built_on = serializers.DateField(allow_null=True)
    accepted_on = serializers.DateField(allow_null=True)
    evidence = serializers.CharField()
