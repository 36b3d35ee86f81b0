"""The whole campaign in a real browser, from a school's first log-in to the public results page.

One story on the demo city (滁州市), with a numbered screenshot of each step in
tests/screenshots/test_a_campaign_runs_from_first_log_in_to_public_results/:

1. the city administrator logs in and opens a campaign through the campaign form;
2. a school logs in for the first time and must change its password;
3. the school starts its application on a phone: 申报表, the last few indicators of the
   self-assessment (the rest were saved "in earlier sessions" through the service), one
   evidence file, the summary with the way to the next tier, and submits;
4. the county administrator recommends it from the county queue and review page;
5. the city ends each stage from the campaign page (结束“申报与自评”… and so on), confirming
   what will lock, instead of waiting for the deadlines; the county finds the notices;
6. the city assigns experts automatically; both experts score (most indicators saved earlier
   through the service, the last ones in the browser) and submit;
7. the city decides the engine's tier and publishes;
8. an anonymous visitor sees the school on the public results page, and the school finds the
   "published" notification in its inbox;
9. the school downloads its certificate, the visitor checks it by its code, and the city has
   every certificate zipped in the background (the progress bar, then the download).

No console error (CSP violation, script error, failed resource) and no server error on any page
of any person, with the background worker polling beside the server as under ``make run``.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import threading

import pytest
from django.db import connection
from django.utils import timezone
from playwright.sync_api import Dialog, Page, expect

from tests.browser import SCREENSHOTS
from tests.conftest import PASSWORD

NEW_PASSWORD = "Kx7!mQ2#pLz9-Lan"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
COUNTY = "341102"  # 琅琊区
# Left for the browser; every other indicator is saved through the services beforehand.
SCHOOL_IN_BROWSER = ["1.1.1", "1.1.5", "1.3.3"]
EXPERT_IN_BROWSER = ["1.1.5", "1.3.3"]
DATES = [
    "opens_at",
    "application_deadline",
    "county_review_deadline",
    "city_review_deadline",
    "publication_deadline",
]


@pytest.fixture
def demo_city(transactional_db, settings, tmp_path):
    """The demo city without its campaigns, and the shipped rubrics."""
    from campuseval.demodata.generate import generate_demo
    from campuseval.demodata.services import demo_create
    from campuseval.rubrics.services import rubrics_load_shipped

    settings.MEDIA_ROOT = tmp_path / "media"
    rubrics_load_shipped()
    demo_create(spec=generate_demo(), password=PASSWORD, campaigns=False)


@pytest.fixture
def steps(request):
    """Numbered screenshots in tests/screenshots/<test name>/, as ``shots`` (tests/browser.py)
    saves them, but of the screen when asked: ``steps(page, name, screen=True, at=selector)``.

    Two kinds of page are better seen as the screen. The school's application on a phone: its
    navigation bar is sticky and its summary bar and sheet are fixed to the screen, so a
    full-page screenshot of the 11,000-pixel page draws them in the middle of the tree (the
    sheet not at all). And the county review and expert pages, 17,000 to 22,000 pixels high:
    about three seconds each as a full page, while the step shows in the top screen.
    """
    folder = SCREENSHOTS / request.node.name
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    taken: list[str] = []

    def take(page: Page, name: str, *, screen: bool = False, at: str | None = None) -> None:
        taken.append(name)
        if at:
            page.locator(at).evaluate(
                "e => { e.scrollIntoView({block: 'start', behavior: 'instant'});"
                " window.scrollBy({top: -120, behavior: 'instant'}); }"
            )
        page.screenshot(path=str(folder / f"{len(taken):02d}-{name}.png"), full_page=not screen)

    return take


class People:
    """One browser context per person; every page's console errors and dialogs are recorded."""

    def __init__(self, browser, base_url: str) -> None:
        self.browser = browser
        self.base_url = base_url
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.server_errors: list[str] = []
        self.contexts: list = []

    def open(self, who: str, viewport: dict[str, int]) -> Page:
        # Reduced motion: Bootstrap then scrolls and opens panels at once, so a screenshot
        # never catches a page half-way through an animation.
        context = self.browser.new_context(
            viewport=viewport, base_url=self.base_url, locale="zh-CN", reduced_motion="reduce"
        )
        self.contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.on(
            "console",
            lambda m: self.errors.append(f"{who}: {m.text}") if m.type == "error" else None,
        )
        page.on("pageerror", lambda e: self.errors.append(f"{who}: {e}"))
        page.on(
            "response",
            lambda r: self.server_errors.append(f"{who}: {r.status} {r.url}") if r.status >= 500 else None,
        )
        page.on("dialog", self._accept)
        return page

    def _accept(self, dialog: Dialog) -> None:
        # The pages' own confirmations are window.confirm: the person answers 确定.
        self.dialogs.append(dialog.message)
        dialog.accept()

    def log_in(
        self, who: str, username: str, viewport: dict[str, int], password: str = PASSWORD
    ) -> Page:
        page = self.open(who, viewport)
        page.goto("/accounts/login/")
        expect(page.locator("h1")).to_have_text("登录")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        with page.expect_navigation():
            page.click("main button[type=submit]")
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()


def submit(page: Page, selector: str) -> None:
    """Click a button that posts a form and wait for the page it leads to."""
    with page.expect_navigation():
        page.click(selector)


def saved(page: Page, form: str, version: int) -> None:
    """Wait for an autosaved form to come back from the server with its new version, and for
    htmx to have settled it: the swapped-in form listens for changes only once htmx has
    processed it (``htmx-added`` is removed in the same step), so a change made before that,
    as a loaded machine allows, would never be saved."""
    page.wait_for_selector(f'{form}:not(.htmx-added) input[name=version][value="{version}"]', state="attached")


def end_stage(page: Page, campaign_id: int, stage: str, next_stage: str, steps=None) -> None:
    """The city ends the running stage from the campaign page: the confirmation page shows what
    will lock, and the city confirms (a real campaign would wait for the deadline instead)."""
    page.goto(f"/campaigns/{campaign_id}/")
    page.click(f"text=结束“{stage}”…")
    expect(page.locator("h1")).to_have_text(f"结束“{stage}”")
    if steps is not None:
        steps(page, "city-confirms-ending-the-stage")
    submit(page, f"button:has-text('确认结束“{stage}”，进入“{next_stage}”')")
    expect(page.locator("main")).to_contain_text(f"已结束“{stage}”，现为“{next_stage}”阶段")


@pytest.fixture
def worker(settings):
    """The background worker polls beside the live server, as under ``make run``; tasks go
    through the database queue it reads. Whatever it raises fails the test."""
    from campuseval.imports.worker import work

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    stop = threading.Event()
    failures: list[BaseException] = []

    def run() -> None:
        try:
            work(lambda: not stop.is_set(), interval=1)
        except BaseException as exc:  # reported to the test below
            failures.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run, name="worker", daemon=True)
    thread.start()
    yield failures
    stop.set()
    thread.join(timeout=10)
    assert not thread.is_alive() and failures == []


def local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def test_a_campaign_runs_from_first_log_in_to_public_results(
    browser, live_server, demo_city, worker, steps, tmp_path
):
    from campuseval.accounts.models import User
    from campuseval.audit.context import Actor, acting_as
    from campuseval.campaigns import services
    from campuseval.campaigns.models import Application, Campaign, ExpertAssignment, Status
    from campuseval.evidence.models import EvidenceLink
    from campuseval.notifications.models import Notification
    from campuseval.regions.models import School
    from campuseval.rubrics.models import Rubric

    school = School.objects.filter(county__code=COUNTY, stage="小学").order_by("code").first()
    school_username = f"school-{school.code}"
    # As an imported account would be: the first log-in must change the password.
    User.objects.filter(username=school_username).update(must_change_password=True)
    taizhou = Rubric.objects.filter(code="taizhou-2022").order_by("-version").first()
    people = People(browser, live_server.url)

    try:
        # 1. The city administrator opens a campaign through the campaign form.
        city_page = people.log_in("city", "city", DESKTOP)
        city_page.goto("/campaigns/")
        expect(city_page.locator("h1")).to_contain_text("年度创建")
        city_page.click("text=新建年度创建")
        expect(city_page.locator("h1")).to_have_text("新建年度创建")
        with city_page.expect_response(lambda r: "/campaigns/quota-fields/" in r.url):
            city_page.select_option("#id_rubric", str(taizhou.pk))
        expect(city_page.locator("#quota-fields")).to_contain_text("示范型")
        year = timezone.localdate().year
        name = f"{year}年滁州市智慧校园创建"
        city_page.fill("#id_name", name)
        now = timezone.now()
        for n, field in enumerate(DATES):
            # Opened an hour ago; each later stage ends a week after the one before.
            city_page.fill(
                f"#id_{field}", local(now + dt.timedelta(hours=-1) + dt.timedelta(days=7 * n))
            )
        steps(city_page, "city-campaign-form")
        submit(city_page, "main form button[type=submit]")
        expect(city_page.locator("main")).to_contain_text(f"已创建年度创建：{name}")
        expect(city_page.locator("main")).to_contain_text("申报与自评")
        campaign = Campaign.objects.get(name=name)
        assert campaign.rubric == taizhou and campaign.experts_per_application == 2
        steps(city_page, "city-campaign-opened")

        # 2. The school logs in for the first time (on a phone) and must change its password.
        school_page = people.log_in("school", school_username, PHONE)
        expect(school_page).to_have_url(re.compile(r"/accounts/password/$"))
        expect(school_page.locator("main")).to_contain_text("首次登录，请先修改密码")
        steps(school_page, "school-first-log-in-password-change")
        school_page.fill("#id_old_password", PASSWORD)
        school_page.fill("#id_new_password1", NEW_PASSWORD)
        school_page.fill("#id_new_password2", NEW_PASSWORD)
        submit(school_page, "main form button[type=submit]")
        expect(school_page.locator("main")).to_contain_text("密码已修改")
        school_user = User.objects.get(username=school_username)
        assert not school_user.must_change_password and school_user.check_password(NEW_PASSWORD)
        steps(school_page, "school-password-changed")

        # 3. The school starts its application, fills the 申报表 and the self-assessment.
        school_page.goto("/campaigns/applications/")
        expect(school_page.locator("h1")).to_have_text("我的申报")
        expect(school_page.locator(".ce-opening")).to_contain_text(name)
        steps(school_page, "school-my-applications")
        submit(school_page, ".ce-opening button[type=submit]")
        expect(school_page.locator("main")).to_contain_text("已开始申报")
        application = Application.objects.get(campaign=campaign, school=school)
        school_page.select_option("#id_applied_tier", "示范型")
        school_page.fill(
            "#id_highlights", "全校千兆到桌面，智慧课堂常态化应用；“三个课堂”与城区学校结对。"
        )
        steps(school_page, "school-application-form", screen=True, at="#form-title")
        submit(school_page, ".ce-application-form button[type=submit]")
        expect(school_page.locator("main")).to_contain_text("申报表已保存")

        # Saved in earlier sessions: every indicator but the last few, at full marks.
        rubric = taizhou.engine_rubric()
        with acting_as(Actor(school_user.pk, school_username, None)):
            services.self_scores_save(
                by=school_user,
                application=application,
                scores=[
                    services.ScoreInput(i.code, i.points, True if i.has_clause else None)
                    for i in rubric.indicators
                    if i.code not in SCHOOL_IN_BROWSER
                ],
            )
        school_page.reload()
        count = len(rubric.indicators)
        expect(school_page.locator("#summary-bar")).to_contain_text(f"已完成 {count - 3}/{count}")
        # On a phone only the first area with work left is open: the three are all in area 1.
        school_page.select_option("#score-1-1-1", "2")
        saved(school_page, "#form-1-1-1", 1)
        school_page.select_option("#score-1-1-5", "0")  # ▲ not met yet: the way to 示范型
        saved(school_page, "#form-1-1-5", 1)
        school_page.select_option("#score-1-3-3", "1")
        saved(school_page, "#form-1-3-3", 1)
        school_page.click('label[for="clause-yes-1-3-3"]')
        saved(school_page, "#form-1-3-3", 2)
        expect(school_page.locator("#form-1-3-3")).to_contain_text("已保存")
        expect(school_page.locator("#summary-bar")).to_contain_text(f"已完成 {count}/{count}")

        school_page.click("#evidence-1-1-1 >> text=上传文件")
        pdf = tmp_path / "网络拓扑图.pdf"
        pdf.write_bytes(PDF)
        school_page.set_input_files("#file-1-1-1", str(pdf))
        school_page.click("#evidence-1-1-1 .ce-upload-form button[type=submit]")
        expect(school_page.locator("#evidence-1-1-1")).to_contain_text("已上传 1 个文件")
        assert EvidenceLink.objects.filter(application=application, code="1.1.1").exists()
        steps(
            school_page,
            "school-self-assessment-scored-with-evidence",
            screen=True,
            at="#form-1-1-1",
        )

        school_page.click("#summary-bar button")
        panel = school_page.locator("#summary-panel")
        expect(panel).to_have_class(re.compile(r"\bshow\b"))
        expect(panel.locator(".ce-total")).to_have_text("109")
        expect(panel.locator(".ce-tier")).to_have_text("优秀型")
        expect(panel.locator(".ce-path")).to_contain_text("要达到示范型")
        expect(panel.locator(".ce-path")).to_contain_text("1.1.5")
        steps(school_page, "school-summary-way-to-next-tier", screen=True)
        panel.locator(".btn-close").click()
        expect(panel).not_to_have_class(re.compile(r"\bshow\b"))

        submit(school_page, "#submit button[type=submit].btn-primary")
        assert "提交后自评将锁定" in people.dialogs[-1]
        expect(school_page.locator("main")).to_contain_text("申报已提交，自评已锁定")
        expect(school_page.locator("header")).to_contain_text("已提交")
        steps(school_page, "school-submitted", screen=True)

        # 4. The city ends the application stage; the county hears of it and recommends.
        end_stage(city_page, campaign.pk, "申报与自评", "县级初评", steps)
        steps(city_page, "city-ended-application-stage")
        county_page = people.log_in("county", f"county-{COUNTY}", DESKTOP)
        county_page.goto("/inbox/")
        expect(county_page.locator("main")).to_contain_text("有学校提交了申报")
        expect(county_page.locator("main")).to_contain_text("“申报与自评”已由市级结束")
        county_page.goto("/campaigns/county/")
        expect(county_page.locator("h1")).to_have_text("县级初评")
        county_page.click(f"text={name}")
        expect(county_page.locator("h1")).to_contain_text("琅琊区 · 申报审核")
        row = county_page.locator(f'tr[data-application="{application.pk}"]')
        expect(row).to_contain_text("已提交")
        expect(row).to_contain_text("示范型")
        expect(row.locator("[data-total]")).to_have_text("109")
        steps(county_page, "county-queue")
        row.locator(f"a:has-text('{school.name}')").click()
        expect(county_page.locator("h1")).to_have_text(school.name)
        steps(county_page, "county-review", screen=True)
        submit(county_page, "form:has(input[name=decision][value=recommend]) button")
        assert "确认推荐" in people.dialogs[-1]
        expect(county_page.locator("main")).to_contain_text(f"已推荐{school.name}参加市级评审")
        application.refresh_from_db()
        assert application.status == Status.RECOMMENDED
        steps(county_page, "county-recommended", screen=True)

        # 5-6. The city ends the county stage; it assigns experts automatically.
        end_stage(city_page, campaign.pk, "县级初评", "市级终评")
        city_page.goto(f"/campaigns/{campaign.pk}/")
        city_page.click("text=专家分配")
        expect(city_page.locator("h1")).to_have_text("专家分配")
        submit(city_page, "button:has-text('自动分配')")
        expect(city_page.locator("main")).to_contain_text("自动分配完成：新增 2 项分配")
        assignments = list(
            ExpertAssignment.objects.filter(application=application)
            .select_related("expert")
            .order_by("expert__username")
        )
        assert len(assignments) == 2
        for a in assignments:
            assert a.expert.home_county.code != COUNTY  # never an expert of the school's own county
            expect(city_page.locator("main")).to_contain_text(str(a.expert))
        steps(city_page, "city-experts-assigned")

        for n, assignment in enumerate(assignments, start=1):
            expert = assignment.expert
            with acting_as(Actor(expert.pk, expert.username, None)):
                services.expert_scores_save(
                    by=expert,
                    assignment=assignment,
                    scores=[
                        services.ScoreInput(i.code, i.points, True if i.has_clause else None)
                        for i in rubric.indicators
                        if i.code not in EXPERT_IN_BROWSER
                    ],
                )
            page = people.log_in(f"expert{n}", expert.username, DESKTOP)
            page.goto("/campaigns/reviews/")
            expect(page.locator("h1")).to_have_text("我的评审")
            expect(page.locator("main")).to_contain_text(f"已评 {count - 2} / {count}")
            page.click(f"main a:has-text('{school.name}')")
            expect(page.locator("h1")).to_have_text(school.name)
            page.fill('[id="score-input-1.1.5"]', "1")
            page.press('[id="score-input-1.1.5"]', "Tab")
            saved(page, '[id="score-1.1.5"]', 1)
            page.fill('[id="score-input-1.3.3"]', "1")
            page.press('[id="score-input-1.3.3"]', "Tab")
            saved(page, '[id="score-1.3.3"]', 1)
            page.select_option('[id="clause-input-1.3.3"]', "1")
            saved(page, '[id="score-1.3.3"]', 2)
            expect(page.locator("#review-progress")).to_have_text(f"已评 {count} / {count}")
            steps(page, f"expert{n}-scored", screen=True, at="main")
            submit(page, "button:has-text('提交评分')")
            assert "提交后不能再修改评分" in people.dialogs[-1]
            expect(page.locator("main")).to_contain_text("评分已提交")
            expect(page.locator("main")).to_contain_text(f"{n}/2 位专家已提交")
            steps(page, f"expert{n}-submitted", screen=True)

        # 7. The city review ends; the city decides the engine's tier and publishes.
        end_stage(city_page, campaign.pk, "市级终评", "认定与公布")
        city_page.goto(f"/campaigns/{campaign.pk}/decisions/")
        expect(city_page.locator("h1")).to_have_text("认定与公布")
        tier = city_page.locator(f"#tier-{application.pk}")
        expect(tier.locator("option:checked")).to_have_text("示范型（评分得出）")
        steps(city_page, "city-decisions")
        submit(
            city_page, f"form.ce-decide[action$='/decisions/{application.pk}/'] button[type=submit]"
        )
        expect(city_page.locator("main")).to_contain_text(f"已认定{school.name}：示范型")
        steps(city_page, "city-decided")
        submit(city_page, "main form[action$='/publish/'] button[type=submit]")
        assert "公布后不能再修改认定结果" in people.dialogs[-1]
        expect(city_page.locator("main")).to_contain_text(f"已公布{name}的结果")
        application.refresh_from_db()
        assert (application.status, application.decided_tier) == (Status.PUBLISHED, "示范型")
        steps(city_page, "city-published")

        # 8. Anyone sees the results without logging in; the school finds the notification.
        visitor = people.open("visitor", PHONE)
        visitor.goto("/results/")
        visitor.click(f"text={name}")
        expect(visitor.locator("h1")).to_have_text(f"{name}：结果名单")
        section = visitor.locator("section", has=visitor.locator("h2", has_text="示范型"))
        expect(section).to_contain_text("琅琊区")
        expect(section).to_contain_text(school.name)
        for total in ("109", "110"):  # names only, no scores
            expect(visitor.locator("main")).not_to_contain_text(total)
        steps(visitor, "public-results")

        school_page.goto("/inbox/")
        expect(school_page.locator("h1")).to_contain_text("通知")
        published = school_page.locator("[data-notification]", has_text=f"{name}结果已公布")
        expect(published).to_have_count(1)
        assert Notification.objects.filter(user=school_user, kind="published").count() == 1
        steps(school_page, "school-inbox-published")
        submit(
            school_page, f"[data-notification]:has-text('{name}结果已公布') button:has-text('查看')"
        )
        expect(school_page.locator("h1")).to_have_text(f"{name}：结果名单")
        steps(school_page, "school-sees-results")

        # 9. The school downloads its certificate; a visitor checks it by its code; the city
        #    has every certificate zipped by the worker, watching the progress bar.
        from campuseval.certificates.models import Certificate

        certificate = Certificate.objects.get(application=application)
        school_page.goto(f"/campaigns/applications/{application.pk}/")
        school_page.click("button:has-text('打印表格')")
        with school_page.expect_download() as got:
            school_page.click("text=认定证书（PDF）")
        assert got.value.suggested_filename.endswith(f"{certificate.number}.pdf")
        visitor.goto("/results/")
        visitor.fill("#code", certificate.code_display.lower())
        submit(visitor, "form[action='/results/verify/'] button[type=submit]")
        expect(visitor.locator("#verdict")).to_contain_text("证书真实有效")
        expect(visitor.locator("#certificate")).to_contain_text(school.name)
        steps(visitor, "certificate-verified")
        city_page.goto(f"/campaigns/{campaign.pk}/decisions/")
        submit(city_page, "button:has-text('生成全部证书（zip）')")
        expect(city_page.locator("h1")).to_have_text("全部认定证书")
        expect(city_page.locator("#export-done")).to_contain_text("已生成", timeout=30_000)
        steps(city_page, "city-certificates-zipped")
        with city_page.expect_download() as got:
            city_page.click("#export-done a")
        assert got.value.suggested_filename.endswith(".zip")

        assert people.errors == []
        assert people.server_errors == []
    finally:
        people.close()
