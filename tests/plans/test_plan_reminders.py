"""催办 (issue 9): a county with a plan due, a department with a KPI report due, gets a 临近提醒
three days before, a 催办 the day after the deadline, and a 通报 five working days later (the
weekend skipped), in the inbox and by e-mail, once each, every step in the audit trail."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from campuseval.audit.models import AuditRecord
from campuseval.notifications.models import Notification
from campuseval.plans import services as ps
from campuseval.plans.reminders import add_working_days, notice_on, remind_plans
from tests.campaigns.conftest import clock as clock  # the fixture
from tests.plans.plan_deadlines import DEADLINE, local  # the fixture
from tests.plans.plan_deadlines import deadlines as deadlines

DAY = dt.timedelta(days=1)
KINDS = ("plan_deadline", "plan_urge", "plan_notice")


@pytest.fixture
def remind(clock, django_capture_on_commit_callbacks):
    """Run the reminders on a day, as the daily job does (mail goes after the commit)."""

    def on(day: dt.date, days: int = 3) -> int:
        clock.at(local(day))
        with django_capture_on_commit_callbacks(execute=True):
            return remind_plans(day, days=days)

    return on


def notes(user, kind=None):
    qs = Notification.objects.filter(user=user, kind__in=[kind] if kind else KINDS)
    return list(qs.order_by("id"))


def steps(obj):
    records = AuditRecord.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk), action="update", after__has_key="reminder"
    ).order_by("seq")
    return [(r.after["reminder"], r.after["due"]) for r in records]


def test_five_working_days_skip_the_weekend():
    assert DEADLINE.weekday() == 4  # Friday
    assert add_working_days(dt.date(2026, 5, 16), 5) == dt.date(2026, 5, 22)
    assert notice_on(DEADLINE) == dt.date(2026, 5, 22)  # 催办 on Saturday, 通报 the next Friday
    assert notice_on(dt.date(2026, 5, 11)) == dt.date(2026, 5, 19)  # Monday's: 催办 Tuesday, 通报 Tuesday next


def test_a_county_is_reminded_three_days_before_its_plan_is_due(cast, deadlines, clock, remind):
    mail.outbox.clear()
    assert remind(DEADLINE - 4 * DAY) == 0

    assert remind(DEADLINE - 3 * DAY) > 0

    [note] = notes(cast.county_admin_a)
    assert note.kind == "plan_deadline"
    assert note.message.startswith("临近提醒：琅琊区的琅琊区智慧校园建设行动计划须于 2026-05-15 前提交")
    assert note.url == f"/plans/{deadlines.county_plan.pk}/"
    sent = [m for m in mail.outbox if m.to == ["countya@example.cn"]]
    assert len(sent) == 1 and "临近提醒" in sent[0].subject and sent[0].body.endswith(f"/plans/{deadlines.county_plan.pk}/")
    assert steps(deadlines.county_plan) == [("临近提醒", "2026-05-15")]
    record = AuditRecord.objects.get(object_type="plans.plan", object_id=str(deadlines.county_plan.pk), after__has_key="reminder")
    assert record.region_code == cast.county_a.code and record.actor_id is None


def test_the_day_after_the_deadline_a_county_still_late_gets_a_cuiban_then_a_tongbao(cast, deadlines, clock, remind):
    remind(DEADLINE - 2 * DAY)
    assert remind(DEADLINE) == 0  # the 临近提醒 is sent once, on the deadline day too

    remind(DEADLINE + DAY)
    assert [n.kind for n in notes(cast.county_admin_a)] == ["plan_deadline", "plan_urge"]
    urge = notes(cast.county_admin_a, "plan_urge")[0]
    assert urge.message.startswith("催办通知：琅琊区的琅琊区智慧校园建设行动计划已于 2026-05-15 截止，尚未提交")
    assert not [n for n in notes(cast.city_admin, "plan_urge") if "琅琊区" in n.message]

    # Monday to Thursday: still the 催办's week, nothing new.
    for day in (dt.date(2026, 5, 18), dt.date(2026, 5, 21)):
        assert remind(day) == 0
    mail.outbox.clear()
    remind(dt.date(2026, 5, 22))

    # The 通报 goes to the county and to the city that supervises it.
    [county] = notes(cast.county_admin_a, "plan_notice")
    [city] = [n for n in notes(cast.city_admin, "plan_notice") if "琅琊区" in n.message]
    assert county.message == city.message
    assert county.message.startswith("通报：琅琊区的琅琊区智慧校园建设行动计划截止 2026-05-15，催办后五个工作日仍未提交")
    assert sorted(m.to[0] for m in mail.outbox if "通报" in m.subject and "琅琊区" in m.subject) == [
        "cityadmin@example.cn", "countya@example.cn",
    ]
    assert steps(deadlines.county_plan) == [("临近提醒", "2026-05-15"), ("催办", "2026-05-15"), ("通报", "2026-05-15")]


def test_running_twice_sends_nothing_new(cast, deadlines, clock, remind):
    remind(DEADLINE + DAY)
    mail.outbox.clear()
    records = AuditRecord.objects.count()

    assert remind(DEADLINE + DAY) == 0

    assert mail.outbox == []
    assert AuditRecord.objects.count() == records
    assert len(notes(cast.county_admin_a, "plan_urge")) == 1


def test_a_submitted_plan_is_not_chased(cast, deadlines, clock, remind):
    ps.plan_submit(by=cast.county_admin_a, plan=deadlines.county_plan)

    for day in (DEADLINE - 3 * DAY, DEADLINE + DAY, dt.date(2026, 5, 22)):
        remind(day)

    assert notes(cast.county_admin_a) == []
    assert steps(deadlines.county_plan) == []


def test_a_returned_plan_is_due_again(cast, deadlines, clock, remind):
    ps.plan_submit(by=cast.county_admin_a, plan=deadlines.county_plan)
    ps.plan_return(by=cast.city_admin, plan=deadlines.county_plan, reason="请补充分年度目标")

    remind(DEADLINE + DAY)

    assert [n.kind for n in notes(cast.county_admin_a)] == ["plan_urge"]


def test_a_deadline_found_long_past_gets_only_its_latest_step(cast, deadlines, clock, remind):
    remind(dt.date(2026, 6, 1))

    assert [n.kind for n in notes(cast.county_admin_a)] == ["plan_notice"]


def test_a_department_is_reminded_of_its_kpi_report_and_chased_when_late(cast, deadlines, clock, remind):
    user = deadlines.department_user
    mail.outbox.clear()
    remind(DEADLINE - 3 * DAY)

    [near] = notes(user)
    assert near.kind == "plan_deadline" and near.url == f"/plans/targets/{deadlines.kpi.pk}/report/"
    assert "滁州市智慧校园建设行动计划指标“教师信息素养培训覆盖率”须于 2026-05-15 前填报进度" in near.message
    assert [m.to for m in mail.outbox if "教师信息素养" in m.body] == [["chushi@example.cn"]]

    remind(DEADLINE + DAY)
    remind(dt.date(2026, 5, 22))

    assert [n.kind for n in notes(user)] == list(KINDS)
    # The plan's administrators are told of the 通报 only.
    assert [n.kind for n in notes(cast.city_admin) if "教师信息素养" in n.message] == ["plan_notice"]
    assert steps(deadlines.kpi) == [("临近提醒", "2026-05-15"), ("催办", "2026-05-15"), ("通报", "2026-05-15")]
    record = AuditRecord.objects.filter(object_type="plans.target", object_id=str(deadlines.kpi.pk)).latest("seq")
    assert record.region_code == cast.city.code


def test_a_kpi_reported_in_time_is_not_chased(cast, deadlines, clock, remind):
    clock.at(local(DEADLINE - 10 * DAY))
    ps.report_submit(by=deadlines.department_user, target=deadlines.kpi, as_of=DEADLINE - 10 * DAY, value=Decimal(80))

    for day in (DEADLINE - 3 * DAY, DEADLINE + DAY, dt.date(2026, 5, 22)):
        remind(day)

    assert notes(deadlines.department_user) == []
    assert steps(deadlines.kpi) == []


def test_an_old_or_returned_report_does_not_answer_the_deadline(cast, deadlines, clock, remind):
    clock.at(local(DEADLINE - 100 * DAY))  # a report of the previous quarter
    ps.report_submit(by=deadlines.department_user, target=deadlines.kpi, as_of=DEADLINE - 100 * DAY, value=Decimal(50))
    clock.at(local(DEADLINE - 5 * DAY))
    late = ps.report_submit(by=deadlines.department_user, target=deadlines.kpi, as_of=DEADLINE - 5 * DAY, value=Decimal(60))
    ps.report_decide(by=cast.city_admin, report=late, accept=False, reason="数据口径不对")

    remind(DEADLINE + DAY)

    assert [n.kind for n in notes(deadlines.department_user)] == ["plan_urge"]


def test_a_kpi_whose_department_has_no_user_is_reported_by_the_plans_administrators(cast, deadlines, clock, remind):
    remind(DEADLINE + DAY)

    [urge] = [n for n in notes(cast.city_admin) if "名师网络课堂" in n.message]
    assert urge.kind == "plan_urge" and urge.url == f"/plans/targets/{deadlines.unstaffed_kpi.pk}/report/"
    assert not [n for n in notes(deadlines.department_user) if "名师网络课堂" in n.message]


def test_the_daily_command_sends_the_plans_reminders_after_the_campaigns(cast, deadlines, clock):
    clock.at(local(DEADLINE + DAY))
    out = StringIO()

    call_command("remind_deadlines", days=3, stdout=out)
    again = StringIO()
    call_command("remind_deadlines", days=3, stdout=again)

    lines = out.getvalue().splitlines()
    assert lines[-2] == "共发送 0 条截止提醒"
    # 催办: the county's plan (1), the department's KPI (1), the unstaffed KPI to the city (1).
    assert lines[-1] == "共发送 3 条规划提醒、催办和通报；0 项建设任务因学校已获认定而验收通过；0 个目标的状态有变化"
    assert again.getvalue().splitlines()[-1] == "共发送 0 条规划提醒、催办和通报；0 项建设任务因学校已获认定而验收通过；0 个目标的状态有变化"
