"""`campuseval demo [--seed N] [--year Y] [--password P] [--no-campaigns]`: a demo city."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count, Q, Sum
from django.urls import reverse

from campuseval.accounts.models import User
from campuseval.audit.models import AuditRecord
from campuseval.campaigns.models import Stage, Status
from campuseval.demodata.generate import (
    COUNTIES,
    DEFAULT_PASSWORD,
    DEFAULT_SEED,
    DEFAULT_YEAR,
    EXPERTS,
    DemoSpec,
    county_username,
    expert_username,
    generate_demo,
)
from campuseval.demodata.plans import DEPARTMENT_USER
from campuseval.demodata.province import (
    DEFAULT_CITIES,
    DEFAULT_SCHOOLS,
    MAX_CITIES,
    OBSERVER,
    PLATFORM_ADMIN,
    PROVINCE_CODE,
    PROVINCE_NAME,
    ProvinceRefused,
    province_create,
)
from campuseval.demodata.services import (
    START_OVER,
    DemoRefused,
    DemoResult,
    demo_create,
    demo_refusal,
)
from campuseval.regions.models import Region, School

TP = School.Stage.TEACHING_POINT


class Command(BaseCommand):
    help = (
        "在空数据库中生成演示数据：滁州市 8 个县（市、区）、494 所中小学校（175 所乡村学校）和 67 个"
        "教学点、学校基础数据、每个角色的演示账号，以及处在各个阶段的年度创建（申报与自评、县级初评、"
        "市级终评、认定与公布、已公布各一个）。同一 --seed 总是生成相同的数据。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help=f"随机种子（默认 {DEFAULT_SEED}）"
        )
        parser.add_argument(
            "--year",
            type=int,
            default=DEFAULT_YEAR,
            help=f"学校基础数据的年度（默认 {DEFAULT_YEAR}）",
        )
        parser.add_argument(
            "--password", default=DEFAULT_PASSWORD, help="所有演示账号的密码（须符合密码规则）"
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="数据库不空时不报错，只说明并跳过（make run 用）",
        )
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="摘要中显示的网址")
        parser.add_argument(
            "--no-campaigns",
            action="store_true",
            help="只生成城市、学校和账号，不生成年度创建（更快，供测试使用）",
        )
        parser.add_argument(
            "--province",
            action="store_true",
            help="改为生成省级规模的演示数据（示例省：各市、县，约 2 万所学校，三年的年度创建），"
            "直接批量写入，供看板和压力测试使用",
        )
        parser.add_argument(
            "--cities", type=int, default=DEFAULT_CITIES, help=f"--province：城市数（默认 {DEFAULT_CITIES}）"
        )
        parser.add_argument(
            "--schools", type=int, default=DEFAULT_SCHOOLS, help=f"--province：学校总数（默认 {DEFAULT_SCHOOLS}）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        if not 2000 <= options["year"] <= 2100:
            raise CommandError("--year 应在 2000 到 2100 之间")
        try:
            validate_password(options["password"])
        except ValidationError as exc:
            raise CommandError("演示密码不符合密码规则：" + "；".join(exc.messages)) from exc
        if options["province"]:
            self._province(options)
            return
        spec = generate_demo(seed=options["seed"], year=options["year"])
        refusal = demo_refusal(spec)
        if refusal and options["if_empty"]:
            self.stdout.write(f"未生成演示数据：{refusal}")
            if User.objects.filter(username="admin").exists():
                # `make run` again: the demo is already there; say again how to log in.
                self._accounts(
                    spec, options, heading=f"演示账号（密码为 {options['password']}，除非已修改）："
                )
            return
        records_before = AuditRecord.objects.count()
        try:
            result = demo_create(
                spec=spec, password=options["password"], campaigns=not options["no_campaigns"]
            )
        except DemoRefused as exc:
            raise CommandError(str(exc)) from exc
        records = AuditRecord.objects.count() - records_before
        self._summary(spec, result, records, options, time.monotonic() - started)

    def _province(self, options: Any) -> None:
        if not 1 <= options["cities"] <= MAX_CITIES:
            raise CommandError(f"--cities 应在 1 到 {MAX_CITIES} 之间")
        if not options["cities"] <= options["schools"] <= 999_999:
            raise CommandError("--schools 应不少于城市数，且不超过 999999")
        out = self.stdout.write
        out(f"生成省级演示数据：{options['cities']} 个城市、{options['schools']} 所学校（seed {options['seed']}）……")

        def progress(label: str, rows: int, seconds: float) -> None:
            out(f"  {label}{'　' * (6 - len(label))}{rows:>10,} 行  {seconds:6.1f} 秒")

        try:
            result = province_create(
                seed=options["seed"], cities=options["cities"], schools=options["schools"],
                password=options["password"], progress=progress,
            )
        except ProvinceRefused as exc:
            raise CommandError(str(exc)) from exc
        plan = result.plan
        stages = Counter(c.stage for c in plan.campaigns if c.year == plan.first_year + 2)
        experts = result.counts.get("专家分配", 0)
        statuses = Counter(a.status for a in plan.applications)
        out(
            f"完成，共用时 {result.seconds:.1f} 秒：{PROVINCE_NAME} {PROVINCE_CODE}，"
            f"{len(plan.city_codes())} 个城市、{sum(r.level == 'county' for r in plan.regions)} 个县（市、区）、"
            f"{len(plan.schools)} 所学校，{len(plan.campaigns)} 个年度创建、{len(plan.applications)} 份申报。"
        )
        out("今年的年度创建：" + "、".join(f"{s.label} {stages[s]}" for s in Stage if stages[s]))
        out(f"专家分配 {experts} 条；{plan.first_year}、{plan.first_year + 1} 年的年度创建已公布。")
        out("申报状态：" + "、".join(f"{Status(s).label} {n}" for s, n in statuses.most_common()))
        out(
            f"账号（密码均为 {options['password']}）：平台管理员 {PLATFORM_ADMIN}、观察员 {OBSERVER}（全省）、"
            f"市级管理员 p-city-<市代码前 4 位>、县级管理员 p-county-<县代码>、评估专家 p-expert-<市代码前 4 位>-<n>"
        )
        out(f"看板：{options['url'].rstrip('/')}/dashboards/{PROVINCE_CODE}/")

    def _summary(
        self, spec: DemoSpec, result: DemoResult, records: int, options: Any, seconds: float
    ) -> None:
        out = self.stdout.write
        out(
            f"演示数据已生成：滁州市 341100（seed {spec.seed}，{spec.year} 年学校基础数据，"
            f"用时 {seconds:.1f} 秒）"
        )
        out("")
        out("代码    县（市、区）  学校  乡村  教学点      学生    教师")
        school = ~Q(schools__stage=TP)
        counties = (
            Region.objects.filter(level=Region.Level.COUNTY)
            .annotate(
                n=Count("schools", filter=school),
                rural=Count("schools", filter=school & Q(schools__location=School.Location.RURAL)),
                points=Count("schools", filter=Q(schools__stage=TP)),
                students=Sum(
                    "schools__facts__students", filter=school & Q(schools__facts__year=spec.year)
                ),
                teachers=Sum(
                    "schools__facts__teachers", filter=school & Q(schools__facts__year=spec.year)
                ),
            )
            .order_by("code")
        )
        totals = [0, 0, 0, 0, 0]
        for c in counties:
            row = [c.n, c.rural, c.points, c.students or 0, c.teachers or 0]
            totals = [t + v for t, v in zip(totals, row, strict=True)]
            out(
                f"{c.code}  {c.name}        {row[0]:4d}  {row[1]:4d}  {row[2]:6d}  {row[3]:8d}  {row[4]:6d}"
            )
        out(
            f"合计                  {totals[0]:4d}  {totals[1]:4d}  {totals[2]:6d}  {totals[3]:8d}  {totals[4]:6d}"
        )
        out("（学校、乡村：中小学校，不含教学点；学生、教师：这些学校的合计）")
        city = 1 + result.regions + result.schools + result.facts + result.users + result.roles
        workflow = (
            f"；年度创建中每次评分、状态变化、分配和认定 {records - city} 条"
            if result.campaigns
            else ""
        )
        out(
            f"共写入 {result.regions} 个行政区域、{result.schools} 所学校（含教学点）、"
            f"{result.facts} 条学校基础数据、{result.users} 个账号；"
            f"审计记录 {records} 条（1 条导入记录，每个新建对象 1 条{workflow}）。"
        )
        if result.campaigns:
            out("")
            out(f"年度创建（{len(result.campaigns)} 个，各处在今天的一个阶段）：")
            for campaign in result.campaigns:
                out(f"  [{campaign.stage}] {campaign.name}（{campaign.rubric}）")
                out("      " + "；".join(f"{label} {when}" for label, when in campaign.dates))
                statuses = "、".join(f"{label} {n}" for label, n in campaign.statuses)
                out(f"      申报 {sum(n for _, n in campaign.statuses)} 份：{statuses}")
                for line in campaign.lines:
                    out(f"      {line}")
        if result.plans:
            out("")
            out(f"规划（{len(result.plans)} 个）：")
            for plan in result.plans:
                out(f"  {plan.title}：目标 {plan.targets} 项、建设任务 {plan.tasks} 项、进度填报 {plan.reports} 份")
        out("")
        self._accounts(spec, options, heading=f"演示账号（密码均为 {options['password']}，首次登录无需修改密码）：")
        out(START_OVER)

    def _accounts(self, spec: DemoSpec, options: Any, *, heading: str) -> None:
        """The demo accounts by role, and where to log in."""
        out = self.stdout.write
        out(heading)
        names = {c.code: c.name for c in COUNTIES}
        out("  平台管理员  admin")
        out("  市级管理员  city（滁州市）")
        out(
            "  县级管理员  " + "、".join(f"{county_username(c.code)}（{c.name}）" for c in COUNTIES)
        )
        example = next(s for s in spec.schools if s.stage != TP)
        out(
            f"  学校用户    school-<学校标识码>，每所学校和教学点一个，共 {len(spec.schools)} 个；"
            f"例如 school-{example.code}（{example.name}）"
        )
        experts = [a for a in spec.accounts if a.role == "expert"]
        out(
            f"  评估专家    {expert_username(1)}–{expert_username(EXPERTS)}，所在县："
            + "、".join(f"{a.username} {names[a.home_county_code or '']}" for a in experts)
        )
        out("  观察员      observer（滁州市，只读）")
        if not options.get("no_campaigns"):
            out(f"  处室用户    {DEPARTMENT_USER}（滁州市 · 装备信息中心，填报其牵头的行动计划指标）")
        out("")
        out(f"登录：{options['url'].rstrip('/')}{reverse('accounts:login')}")
