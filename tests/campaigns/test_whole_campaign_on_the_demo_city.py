"""One whole campaign on the demo city, for Taizhou 2022 (points) and Weifang 2022 (criteria).

The same story is told twice: once through the pages only (Django's test client, logged in as
the demo accounts, posting each form with the fields the page renders), once through the REST
API only (a token from POST /api/token/ for each account).

The story: the city administrator opens the campaign; a primary school of 琅琊区 (A) and one of
南谯区 (B) apply. A first leaves a ★ indicator (Weifang: a C criterion) unmet and submits; 琅琊区
returns it with a comment on that indicator; A fixes it and resubmits. Both counties recommend.
In the city review the experts are assigned automatically (two per school, never from the
school's county), score on their own and submit; one of B's experts fails a ★ of B. The city
decides A at the engine's tier and overrides B's 未达标 with a reason, then publishes: the public
results list both schools with their tiers, and the schools are told.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import lxml.html
import pytest
from django.test import Client, override_settings
from rest_framework.test import APIClient

from campuseval.accounts.models import User
from campuseval.audit.context import Actor, acting_as
from campuseval.campaigns.models import Application, Campaign
from campuseval.campaigns.services import campaign_open
from campuseval.demodata.generate import (
    DEFAULT_PASSWORD,
    EXPERTS,
    county_username,
    expert_username,
    generate_demo,
    school_username,
)
from campuseval.demodata.services import demo_create
from campuseval.notifications.models import Notification
from campuseval.regions.models import School
from campuseval.rubrics.selectors import rubric_get

# --- the story for each rubric ---------------------------------------------------------------


@dataclass(frozen=True)
class Story:
    rubric: str
    tier_a: str  # A applies for it and, once fixed, its scores give it
    tier_b: str  # B applies for it; the experts' scores give 未达标, the city awards it anyway
    uncapped_b: str  # what B's full self-assessment would give without the applied-tier cap


STORIES = [
    Story("taizhou-2022", "示范型", "优秀型", "示范型"),
    Story("weifang-2022", "智慧校园示范校", "智慧校园", "智慧校园示范校"),
]
NO_TIER = "未达标"
TZ = dt.timezone(dt.timedelta(hours=8))  # the settings' Asia/Shanghai, as the form's inputs are
DATES = {
    "opens_at": dt.datetime(2022, 6, 1, 8, 0, tzinfo=TZ),
    "application_deadline": dt.datetime(2022, 7, 31, 18, 0, tzinfo=TZ),
    "county_review_deadline": dt.datetime(2022, 8, 31, 18, 0, tzinfo=TZ),
    "city_review_deadline": dt.datetime(2022, 9, 30, 18, 0, tzinfo=TZ),
    "publication_deadline": dt.datetime(2022, 10, 31, 18, 0, tzinfo=TZ),
}
RETURN_NOTE = "请按指标意见修改后重新提交。"
OVERRIDE_REASON = "分差讨论：两位专家复核佐证材料后确认该项已达到，按申报类型认定。"


@dataclass
class DemoCity:
    school_a: School  # 琅琊区
    school_b: School  # 南谯区
    rubric: Any  # the rubric row of the story
    codes: list[str]  # every indicator, in rubric order
    basic_a: str  # the ★ that A first leaves unmet
    basic_b: str  # the ★ one expert fails at B


def _primary_school(spec: Any, county: str) -> str:
    """A primary school of the county whose facts pass every check (no fact warnings)."""
    return next(
        s.code
        for s in spec.schools
        if s.county_code == county and s.stage == "小学" and not s.lagging
    )


@pytest.fixture
def demo(db, clock, rubrics, story) -> DemoCity:
    """The demo city (no campaigns) built at the clock's time, and the story's rubric."""
    spec = generate_demo()
    demo_create(spec=spec, password=DEFAULT_PASSWORD, campaigns=False)
    rubric = rubrics[story.rubric]
    engine = rubric.engine_rubric()
    basics = [i.code for i in engine.indicators if i.requirement == "basic"]
    return DemoCity(
        school_a=School.objects.select_related("county").get(code=_primary_school(spec, "341102")),
        school_b=School.objects.select_related("county").get(code=_primary_school(spec, "341103")),
        rubric=rubric,
        codes=[i.code for i in engine.indicators],
        basic_a=basics[0],
        basic_b=basics[1],
    )


def _user(username: str) -> User:
    return User.objects.get(username=username)


def campaign_name(story: Story) -> str:
    return f"2022年滁州市智慧校园认定（{story.rubric}）"


# --- pages: reading them and posting their forms as a browser does ----------------------------


def browser(username: str | None = None) -> Client:
    """A test client logged in as the demo account (None: anonymous)."""
    client = Client()
    if username is not None:
        client.force_login(_user(username))
    return client


def page(client: Client, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return lxml.html.document_fromstring(response.content.decode())


def parsed(response: Any) -> Any:
    assert response.status_code == 200, response.status_code
    return lxml.html.document_fromstring(response.content.decode())


def text(element: Any) -> str:
    """The element's visible text with whitespace collapsed to single spaces."""
    return " ".join(element.text_content().split())


def one(doc: Any, xpath: str, **variables: str) -> Any:
    found = doc.xpath(xpath, **variables)
    assert len(found) == 1, (xpath, variables, len(found))
    return found[0]


_OUTSIDE: dict[int, tuple[Any, dict[str, list[Any]]]] = {}


def _outside_controls(doc: Any) -> dict[str, list[Any]]:
    """The controls of the page placed outside the form they belong to (form="<id>"), by form id;
    read once per page, not once per form (a self-assessment page has 82 forms)."""
    cached = _OUTSIDE.get(id(doc))
    if cached is None or cached[0] is not doc:
        found: dict[str, list[Any]] = {}
        for el in doc.xpath("//*[@form]"):
            found.setdefault(el.get("form"), []).append(el)
        _OUTSIDE.clear()
        cached = _OUTSIDE[id(doc)] = (doc, found)
    return cached[1]


def form_fields(doc: Any, form: Any) -> dict[str, str]:
    """What a browser sends for the form as rendered: its controls and those naming it (form=)."""
    controls = form.xpath(".//input|.//select|.//textarea")
    if form.get("id"):
        controls += _outside_controls(doc).get(form.get("id"), [])
    data: dict[str, str] = {}
    for el in controls:
        name = el.get("name")
        if not name or el.get("disabled") is not None:
            continue
        if el.tag == "input":
            kind = (el.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                continue
            if kind in ("checkbox", "radio"):
                if el.get("checked") is not None:
                    data[name] = el.get("value", "on")
                continue
            data[name] = el.get("value", "")
        elif el.tag == "select":
            options = el.xpath(".//option")
            chosen = [o for o in options if o.get("selected") is not None] or options[:1]
            data[name] = chosen[0].get("value", text(chosen[0])) if chosen else ""
        else:
            data[name] = el.text_content()
    return data


def post_form(client: Client, doc: Any, form: Any, changes: dict[str, str] | None = None, **kw: Any) -> Any:
    """Post the form with the fields the page rendered, changed as a user would change them."""
    data = {**form_fields(doc, form), **(changes or {})}
    return client.post(form.get("action"), data, **kw)


def form_to(doc: Any, action: str) -> Any:
    return one(doc, "//form[@action=$action]", action=action)


def terms(element: Any) -> dict[str, str]:
    """A definition list (<dt>/<dd>) inside the element, as {term: definition}."""
    return {text(dt_): text(dt_.xpath("following-sibling::dd[1]")[0]) for dt_ in element.xpath(".//dt")}


def status_badge(doc: Any) -> str:
    return text(one(doc, "(//*[contains(@class, 'ce-status')])[1]"))


def local(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M")


# --- pages: one step of the story each ---------------------------------------------------------


def open_campaign_on_the_page(story: Story, demo: DemoCity) -> int:
    """The city administrator fills in 新建年度创建 and saves it; answer the campaign's id."""
    city = browser("city")
    doc = page(city, "/campaigns/new/")
    form = one(doc, "//form[.//select[@name='rubric']]")
    # The city administrator picks the rubric by its title and version, as the form shows it.
    shown = str(rubric_get(code=story.rubric))
    rubric = one(doc, "//select[@name='rubric']/option[. = $label]/@value", label=shown)
    # Choosing the rubric swaps in its per-tier quota inputs (htmx); they are left empty.
    quotas = lxml.html.fragment_fromstring(
        city.get("/campaigns/quota-fields/", {"rubric": rubric}).content.decode(), create_parent="div"
    )
    data = {k: v for k, v in form_fields(doc, form).items() if not k.startswith("quota_tier_")}
    data.update(form_fields(quotas, quotas))
    data.update({"name": campaign_name(story), "rubric": rubric, **{k: local(v) for k, v in DATES.items()}})
    # The settings keep the form's defaults: capped at the applied tier, 2 experts, the mean.
    assert (data["year"], data["cap_at_applied_tier"], data["experts_per_application"]) == ("2022", "on", "2")
    assert data["combine"] == "mean" and data["gap_share"] == "0.50"
    response = city.post("/campaigns/new/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    pk = int(re.fullmatch(r"/campaigns/(\d+)/", response["Location"]).group(1))
    detail = text(page(city, f"/campaigns/{pk}/"))
    assert f"已创建年度创建：{campaign_name(story)}" in detail
    assert "申报与自评" in detail and demo.rubric.name in detail
    return pk


def start_application(school: Client, campaign_pk: int, story: Story) -> str:
    """我的申报 offers the campaign; 开始申报, then the 申报表. Answer the application's URL."""
    doc = page(school, "/campaigns/applications/")
    assert campaign_name(story) in text(one(doc, "//section[@aria-labelledby='open-title']"))
    start = form_to(doc, f"/campaigns/applications/start/{campaign_pk}/")
    response = post_form(school, doc, start)
    assert response.status_code == 302
    return response["Location"]


def fill_in_the_form(school: Client, url: str, tier: str) -> Any:
    """Choose the applied tier and write the highlights; answer the page shown after saving."""
    doc = page(school, url)
    form = one(doc, "//form[contains(@class, 'ce-application-form')]")
    prefilled = form_fields(doc, form)
    assert prefilled["classes"] and prefilled["students"] and prefilled["teachers"]  # the school's facts
    changes = {"applied_tier": tier, "highlights": "三个课堂常态化应用；智慧课堂覆盖全部班级"}
    doc = parsed(post_form(school, doc, form, changes, follow=True))
    assert "申报表已保存" in text(doc)
    assert form_fields(doc, one(doc, "//form[contains(@class, 'ce-application-form')]"))["applied_tier"] == tier
    return doc


def self_assess(school: Client, url: str, doc: Any, low: tuple[str, ...] = ()) -> Any:
    """Every indicator of the page at full marks (the ★/▲ clauses met), those in ``low`` at 0,
    one save each as the school's phone posts them; answer the page reloaded."""
    for form in doc.xpath("//form[contains(@class, 'ce-score-form')]"):
        code = form.get("action").rsplit("/", 2)[-2]
        scores = [o.get("value") for o in form.xpath(".//select[@name='score']/option") if o.get("value")]
        changes = {"score": scores[-1] if code in low else scores[0]}  # highest first, 0 last
        if form.xpath(".//input[@name='clause_met']"):
            changes["clause_met"] = "yes"
        response = post_form(school, doc, form, changes)
        assert response.status_code == 302 and response["Location"].endswith(f"#ind-{code}")
    return page(school, url)


def summary(doc: Any) -> str:
    return text(one(doc, "//*[@id='summary']"))


def missed_basic(doc: Any) -> list[str]:
    return [text(a) for a in doc.xpath("//*[@id='summary']//*[contains(@class, 'ce-missed-basic')]//a")]


def submit_application(school: Client, url: str, doc: Any) -> Any:
    """提交申报 on the page as shown; answer the page after it."""
    doc = parsed(post_form(school, doc, form_to(doc, f"{url}submit/"), follow=True))
    assert "申报已提交，自评已锁定" in text(doc)
    assert status_badge(doc) == "已提交"
    assert not doc.xpath("//form[contains(@class, 'ce-score-form')]")  # locked
    return doc


def county_review_page(county: Client, campaign_pk: int, school: School, status: str) -> tuple[Any, Any]:
    """The county's queue lists the school with its status; its link opens the review page."""
    queue = page(county, f"/campaigns/county/{campaign_pk}/")
    link = one(queue, "//a[@class='fw-semibold' and normalize-space(.)=$name]", name=school.name)
    assert status in text(link.xpath("ancestor::tr[1]")[0])
    return queue, page(county, link.get("href"))


def inbox(client: Client) -> str:
    return text(page(client, "/inbox/"))


def score_as_expert(expert: Client, url: str, low: tuple[str, ...] = ()) -> Any:
    """The expert's own scores, one save per indicator: full marks, those in ``low`` at 0.
    Answer the page as the expert found it, before scoring."""
    doc = page(expert, url)
    for form in doc.xpath("//form[contains(@class, 'ce-score-form')]"):
        data = form_fields(doc, form)
        field = one(form, ".//*[@name='score']")
        full = "1" if field.tag == "select" else field.get("max")  # criteria: 达到; points: the max
        changes = {"score": "0" if data["code"] in low else full}
        if form.xpath(".//select[@name='clause']"):
            changes["clause"] = "1"
        response = post_form(expert, doc, form, changes)
        assert response.status_code == 302 and response["Location"].endswith(f"#ind-{data['code']}")
    return doc


def submit_review(expert: Client, url: str, count: int) -> Any:
    """Every indicator is scored: 提交评分. Answer the page after it."""
    doc = page(expert, url)
    assert f"已评 {count} / {count}" in text(one(doc, "//*[@id='review-progress']"))
    doc = parsed(post_form(expert, doc, form_to(doc, f"{url}submit/"), follow=True))
    assert "评分已提交" in text(doc)
    return doc


def decision_card(doc: Any, application: Application) -> Any:
    return one(doc, "//article[@id=$id]", id=f"app-{application.pk}")


def published_tiers(doc: Any) -> dict[str, dict[str, list[str]]]:
    """The public results page as {tier: {county: [school, ...]}}."""
    found: dict[str, dict[str, list[str]]] = {}
    for section in doc.xpath("//section[h2[starts-with(@id, 'tier-')]]"):
        tier = section.xpath("h2/text()")[0].strip()
        for heading in section.xpath("h3"):
            county = heading.xpath("text()")[0].strip()
            schools = heading.xpath("following-sibling::ul[1]/li")
            found.setdefault(tier, {})[county] = [text(li) for li in schools]
    return found


# --- 1. through the pages ------------------------------------------------------------------


@pytest.mark.parametrize("story", STORIES, ids=[s.rubric for s in STORIES])
def test_a_whole_campaign_runs_through_the_pages(story, demo, clock):
    a, b = demo.school_a, demo.school_b
    n = len(demo.codes)
    # Sessions end after 30 idle minutes and the clock jumps weeks between stages: each
    # person logs in afresh for each stage of the story.
    school_a, school_b = browser(school_username(a.code)), browser(school_username(b.code))

    # The city administrator opens the campaign on the form page.
    campaign_pk = open_campaign_on_the_page(story, demo)
    campaign = Campaign.objects.get(pk=campaign_pk)
    assert campaign.rubric == demo.rubric and campaign.created_by.username == "city"

    # Application and self-assessment: A leaves a ★ unmet, B applies below what it scores.
    url_a = start_application(school_a, campaign_pk, story)
    url_b = start_application(school_b, campaign_pk, story)
    doc = fill_in_the_form(school_a, url_a, story.tier_a)
    assert len(doc.xpath("//form[contains(@class, 'ce-score-form')]")) == n
    doc = self_assess(school_a, url_a, doc, low=(demo.basic_a,))
    assert f"已完成 {n}/{n}" in summary(doc)
    assert f"按自评可评为 {NO_TIER}" in summary(doc)
    assert missed_basic(doc) == [demo.basic_a]
    row = text(one(doc, "//li[@id=$id]", id=f"item-{demo.basic_a.replace('.', '-')}"))
    assert "★ 未达到基本要求" in row
    submit_application(school_a, url_a, doc)
    doc = self_assess(school_b, url_b, fill_in_the_form(school_b, url_b, story.tier_b))
    assert f"按自评可评为 {story.tier_b}" in summary(doc)
    assert f"评分可达 {story.uncapped_b}，但申报类型为 {story.tier_b}" in summary(doc)
    assert missed_basic(doc) == [] and not doc.xpath("//*[contains(@class, 'ce-fact-warning')]")
    submit_application(school_b, url_b, doc)

    # County review: 琅琊区 returns A with a comment on the unmet ★.
    clock.stage(campaign, "county_review")
    county_a, county_b = browser(county_username(a.county.code)), browser(county_username(b.county.code))
    school_a, school_b = browser(school_username(a.code)), browser(school_username(b.code))
    queue, doc = county_review_page(county_a, campaign_pk, a, "已提交")
    assert b.name not in text(queue)  # its own county's applications only
    comment = f"{demo.basic_a} 为基本要求，须达到：请补充佐证材料并按实际情况重新自评。"
    doc = parsed(
        post_form(
            county_a, doc, one(doc, "//form[@id='return-form']"),
            {f"comment-{demo.basic_a}": comment, "note": RETURN_NOTE}, follow=True,
        )
    )
    assert f"已退回{a.name}修改（1 条指标意见）" in text(doc)
    assert text(one(doc, "//h1/following-sibling::*[1]")) == "退回修改"

    # The school sees the return, its inbox says so; it fixes the indicator and resubmits.
    assert "县级退回了您的申报，请按意见修改后重新提交" in inbox(school_a)
    doc = page(school_a, url_a)
    assert status_badge(doc) == "退回修改"
    returned = text(one(doc, "//section[contains(@class, 'ce-returned')]"))
    assert RETURN_NOTE in returned and f"县级对 1 个指标提出了意见： {demo.basic_a}" in returned
    assert comment in text(one(doc, "//*[contains(@class, 'ce-county-comment')]"))
    fix = form_to(doc, f"{url_a}scores/{demo.basic_a}/")
    best = [o.get("value") for o in fix.xpath(".//select[@name='score']/option") if o.get("value")][0]
    assert post_form(school_a, doc, fix, {"score": best}).status_code == 302
    doc = page(school_a, url_a)
    assert "退回后已修改 1 个指标" in text(one(doc, "//section[contains(@class, 'ce-returned')]"))
    assert f"按自评可评为 {story.tier_a}" in summary(doc) and missed_basic(doc) == []
    assert text(one(doc, "//form[@action=$a]//button", a=f"{url_a}submit/")) == "重新提交"
    submit_application(school_a, url_a, doc)

    # Both counties recommend their school.
    for county, school in ((county_a, a), (county_b, b)):
        _queue, doc = county_review_page(county, campaign_pk, school, "已提交")
        recommend = one(doc, "//form[.//input[@name='decision' and @value='recommend']]")
        doc = parsed(post_form(county, doc, recommend, follow=True))
        assert f"已推荐{school.name}参加市级评审" in text(doc)
        assert text(one(doc, "//h1/following-sibling::*[1]")) == "已推荐"
    assert "县级已推荐您的学校参加市级评审" in inbox(school_b)

    # City review: 自动分配 gives each school two experts, none from the school's county.
    clock.stage(campaign, "city_review")
    city = browser("city")
    doc = page(city, f"/campaigns/{campaign_pk}/assignments/")
    doc = parsed(post_form(city, doc, form_to(doc, f"/campaigns/{campaign_pk}/assignments/auto/"), follow=True))
    assert "自动分配完成：新增 4 项分配" in text(doc)
    applications = {s: Application.objects.get(campaign=campaign, school=s) for s in (a, b)}
    for school, application in applications.items():
        item = one(doc, "//li[@id=$id]", id=f"app-{application.pk}")
        assert "市级评审中" in text(item)
        experts = [text(li) for li in item.xpath("./ul/li")]
        assert len(experts) == 2 and all("自动" in e for e in experts)
        homes = [re.search(r"（(\S+?)）", e).group(1) for e in experts]
        assert school.county.name not in homes

    # Each expert finds the tasks in 我的评审: four tasks, spread over four experts.
    tasks: dict[str, list[tuple[Client, str]]] = {a.name: [], b.name: []}
    for number in range(1, EXPERTS + 1):
        expert = browser(expert_username(number))
        doc = page(expert, "/campaigns/reviews/")
        links = [x for x in doc.xpath("//a[@href]") if re.fullmatch(r"/campaigns/reviews/\d+/", x.get("href"))]
        assert len(links) <= 1  # balanced: 4 tasks over 12 experts
        for link in links:
            tasks[text(link)].append((expert, link.get("href")))
        if not links:
            assert "目前没有分配给您的评审" in text(doc)
    assert [len(t) for t in tasks.values()] == [2, 2]

    # A's experts give full marks. Of B's, the first fails a ★; the second, scoring blind,
    # sees nothing of the first until submitting, then sees the gap.
    for expert, url in tasks[a.name]:
        score_as_expert(expert, url)
        submit_review(expert, url, n)
    (first, first_url), (second, second_url) = tasks[b.name]
    score_as_expert(first, first_url, low=(demo.basic_b,))
    submit_review(first, first_url, n)
    assert "其他专家 1" not in text(score_as_expert(second, second_url))  # the first has submitted
    shown = text(submit_review(second, second_url, n))
    assert "2/2 位专家已提交" in shown and "其他专家 1" in shown
    assert f"评分得出的等级 {NO_TIER}" in shown and "1 个指标分差较大" in shown

    # The gap is listed for discussion.
    gaps = page(city, f"/campaigns/{campaign_pk}/gaps/")
    assert not gaps.xpath("//section[@id=$id]", id=f"gaps-{applications[a].pk}")
    flagged = one(gaps, "//section[@id=$id]", id=f"gaps-{applications[b].pk}")
    assert [text(c) for c in flagged.xpath(".//tbody/tr/td[1]/span[1]")] == [demo.basic_b]

    # Decision: A at the engine's tier (the default), B overridden, with a reason.
    clock.stage(campaign, "decision")
    city, school_a, school_b = browser("city"), browser(school_username(a.code)), browser(school_username(b.code))
    decisions = f"/campaigns/{campaign_pk}/decisions/"
    doc = page(city, decisions)
    card_a, card_b = decision_card(doc, applications[a]), decision_card(doc, applications[b])
    assert terms(card_a)["评分得出的等级"] == story.tier_a and terms(card_a)["分差提示"] == "无"
    assert terms(card_b)["评分得出的等级"] == NO_TIER and terms(card_b)["未达到的 ★/▲"] == demo.basic_b
    assert terms(card_b)["分差提示"] == "1 个指标"
    decide_a = one(card_a, ".//form[contains(@class, 'ce-decide')]")
    default = form_fields(doc, decide_a)
    assert (default["tier"], default["reason"]) == (story.tier_a, "")
    doc = parsed(post_form(city, doc, decide_a, follow=True))
    assert f"已认定{a.name}：{story.tier_a}" in text(doc)

    decide_b = one(decision_card(doc, applications[b]), ".//form[contains(@class, 'ce-decide')]")
    refused = parsed(post_form(city, doc, decide_b, {"tier": story.tier_b}))
    assert f"认定等级与评分得出的等级（{NO_TIER}）不同，须填写理由" in text(decision_card(refused, applications[b]))
    doc = parsed(post_form(city, doc, decide_b, {"tier": story.tier_b, "reason": OVERRIDE_REASON}, follow=True))
    assert f"已认定{b.name}：{story.tier_b}" in text(doc)
    card_b = terms(decision_card(doc, applications[b]))
    assert (card_b["认定等级"], card_b["改判理由"]) == (f"{story.tier_b} 改判", OVERRIDE_REASON)
    assert terms(decision_card(doc, applications[a]))["认定等级"] == story.tier_a
    assert "已认定 2 份" in text(doc)
    assert "市级评审已完成认定，结果将统一公布" in inbox(school_a)

    # Publication: the public page (no log-in) lists both schools with their tiers.
    doc = parsed(post_form(city, doc, form_to(doc, f"/campaigns/{campaign_pk}/publish/"), follow=True))
    assert f"已公布{campaign_name(story)}的结果，并通知了本市所有学校" in text(doc)
    public = page(browser(), f"/results/{campaign_pk}/")
    assert "共认定 2 所学校" in text(public)
    assert published_tiers(public) == {
        story.tier_a: {a.county.name: [a.name]},
        story.tier_b: {b.county.name: [b.name]},
    }
    assert campaign_name(story) in text(page(browser(), "/results/"))

    # Every school of the city is told, in its inbox; the applications read 已公布.
    for school, url in ((school_a, url_a), (school_b, url_b)):
        assert f"{campaign_name(story)}结果已公布" in inbox(school)
        assert status_badge(page(school, url)) == "已公布"
    other = School.objects.exclude(pk__in=[a.pk, b.pk]).first()
    assert f"{campaign_name(story)}结果已公布" in inbox(browser(school_username(other.code)))


# --- 2. through the API ---------------------------------------------------------------------


def api_login(username: str) -> APIClient:
    """POST /api/token/ with the demo password; the client then sends ``Authorization: Token``."""
    client = APIClient()
    client.default_format = "json"
    response = client.post("/api/token/", {"username": username, "password": DEFAULT_PASSWORD})
    assert response.status_code == 200, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content.decode()
    return response.json()


def api_self_assess(school: APIClient, app_id: int, low: tuple[str, ...] = ()) -> None:
    """PUT every indicator, one request each: full marks, those in ``low`` at 0."""
    for row in ok(school.get(f"/api/applications/{app_id}/scores/")):
        score = 0 if row["code"] in low else row["points"]
        clause = True if row["clause_requirement"] else None
        body = {"version": row["version"], "score": score, "clause_met": clause}
        ok(school.put(f"/api/applications/{app_id}/scores/{row['code']}/", body))


def api_expert_review(expert: APIClient, low: tuple[str, ...] = ()) -> int:
    """The expert's one task: every indicator scored, then submitted. Answer the application."""
    (task,) = ok(expert.get("/api/assignments/"))["results"]
    base = f"/api/assignments/{task['id']}/"
    for row in ok(expert.get(base))["scores"]:
        score = 0 if row["code"] in low else row["points"]
        clause = True if row["clause_requirement"] else None
        ok(expert.put(f"{base}scores/{row['code']}/", {"version": row["version"], "score": score, "clause_met": clause}))
    assert ok(expert.post(f"{base}submit/"))["submitted_at"]
    return task["application"]


@pytest.mark.parametrize("story", STORIES, ids=[s.rubric for s in STORIES])
@override_settings(API_TOKEN_IDLE_HOURS=24 * 365 * 10, API_TOKEN_MAX_DAYS=365 * 10)  # the clock jumps months
def test_a_whole_campaign_runs_through_the_api(story, demo, clock):
    a, b = demo.school_a, demo.school_b
    school_a, school_b = api_login(school_username(a.code)), api_login(school_username(b.code))
    county_a, county_b = api_login(county_username(a.county.code)), api_login(county_username(b.county.code))
    city = api_login("city")
    n = len(demo.codes)

    # The API has no campaign-creating endpoint (campaigns are read-only there): the city
    # administrator opens it through the same service the form page calls.
    assert city.post("/api/campaigns/", {"name": campaign_name(story)}).status_code == 405
    with acting_as(Actor(_user("city").pk, "city", None)):
        campaign = campaign_open(
            by=_user("city"), city=a.county.parent, year=2022, name=campaign_name(story),
            rubric=demo.rubric, **DATES,
        )
    seen = ok(city.get(f"/api/campaigns/{campaign.pk}/"))
    assert (seen["stage"], seen["tier_names"][0]) == ("application", story.tier_a)
    assert campaign.pk in [c["id"] for c in ok(school_a.get("/api/campaigns/"))["results"]]

    # Application and self-assessment.
    apps = {}
    for client, tier, low in ((school_a, story.tier_a, (demo.basic_a,)), (school_b, story.tier_b, ())):
        app = ok(client.post(f"/api/campaigns/{campaign.pk}/applications/"), 201)
        assert app["status"] == "draft" and app["students"]  # prefilled from the school's facts
        body = {"version": app["version"], "applied_tier": tier, "highlights": "三个课堂常态化应用"}
        ok(client.patch(f"/api/applications/{app['id']}/", body))
        api_self_assess(client, app["id"], low)
        apps[client] = app["id"]
    id_a, id_b = apps[school_a], apps[school_b]
    detail = ok(school_a.get(f"/api/applications/{id_a}/"))
    assert detail["progress"] == {"scored": n, "total": n}
    assert (detail["self_result"]["tier"], detail["self_result"]["tier_name"]) == (None, NO_TIER)
    assert detail["self_result"]["basic_missed"] == [demo.basic_a]
    result_b = ok(school_b.get(f"/api/applications/{id_b}/"))["self_result"]
    assert (result_b["tier"], result_b["uncapped_tier"]) == (story.tier_b, story.uncapped_b)
    for client, app_id in apps.items():
        assert ok(client.post(f"/api/applications/{app_id}/submit/"))["status"] == "submitted"

    # County review: 琅琊区 sees only its school, and returns it with a comment.
    clock.stage(campaign, "county_review")
    queue = ok(county_a.get("/api/applications/", {"campaign": campaign.pk, "status": "submitted"}))
    assert [r["id"] for r in queue["results"]] == [id_a]
    comment = f"{demo.basic_a} 为基本要求，须达到"
    returned = ok(county_a.post(f"/api/applications/{id_a}/return/", {"comments": {demo.basic_a: comment}, "note": RETURN_NOTE}))
    assert (returned["status"], returned["county_note"]) == ("returned", RETURN_NOTE)

    # The school reads the comment, fixes the indicator and resubmits.
    (row,) = [r for r in ok(school_a.get(f"/api/applications/{id_a}/scores/")) if r["county_comment"]]
    assert (row["code"], row["county_comment"]) == (demo.basic_a, comment)
    fixed = ok(school_a.put(f"/api/applications/{id_a}/scores/{row['code']}/", {"version": row["version"], "score": row["points"]}))
    assert fixed["changed_after_return"] is True
    assert ok(school_a.get(f"/api/applications/{id_a}/"))["self_result"]["tier"] == story.tier_a
    assert ok(school_a.post(f"/api/applications/{id_a}/submit/"))["status"] == "submitted"

    # Both counties recommend.
    for county, app_id in ((county_a, id_a), (county_b, id_b)):
        assert ok(county.post(f"/api/applications/{app_id}/recommend/", {"recommend": True}))["status"] == "recommended"
    quota = ok(city.get(f"/api/campaigns/{campaign.pk}/"))["quota"]
    assert {q["county"]["code"]: q["used"] for q in quota if q["used"]} == {a.county.code: 1, b.county.code: 1}

    # City review: automatic assignment, two experts each, none from the school's county.
    clock.stage(campaign, "city_review")
    assert ok(city.post(f"/api/campaigns/{campaign.pk}/assign-experts/")) == {"created": 4, "understaffed": []}
    experts: dict[int, list[str]] = {}
    for app_id, school in ((id_a, a), (id_b, b)):
        review = ok(city.get(f"/api/applications/{app_id}/"))
        assert review["status"] == "under_review"
        experts[app_id] = sorted(x["expert"] for x in review["city_review"]["assignments"])
        assert len(experts[app_id]) == 2
        assert all(_user(e).home_county_id != school.county_id for e in experts[app_id])
    assert len(set(experts[id_a]) | set(experts[id_b])) == 4  # balanced: one task each

    for username in experts[id_a]:
        assert api_expert_review(api_login(username)) == id_a
    first, second = experts[id_b]
    assert api_expert_review(api_login(first), low=(demo.basic_b,)) == id_b
    assert api_expert_review(api_login(second)) == id_b

    combined_a = ok(city.get(f"/api/applications/{id_a}/"))["city_review"]["combined"]
    assert (combined_a["experts"], combined_a["result"]["tier"], combined_a["flagged"]) == (2, story.tier_a, [])
    combined_b = ok(city.get(f"/api/applications/{id_b}/"))["city_review"]["combined"]
    assert (combined_b["result"]["tier"], combined_b["result"]["basic_missed"]) == (None, [demo.basic_b])
    assert [f["code"] for f in combined_b["flagged"]] == [demo.basic_b]

    # Decision: A at the engine's tier; B overridden, refused without a reason.
    clock.stage(campaign, "decision")
    decided = ok(city.post(f"/api/applications/{id_a}/decide/", {"reason": ""}))["decision"]
    assert (decided["tier"], decided["scored_tier"], decided["override_reason"]) == (story.tier_a, story.tier_a, "")
    refused = city.post(f"/api/applications/{id_b}/decide/", {"tier": story.tier_b})
    assert refused.status_code == 400
    assert refused.json()["detail"] == f"认定等级与评分得出的等级（{NO_TIER}）不同，须填写理由"
    decided = ok(city.post(f"/api/applications/{id_b}/decide/", {"tier": story.tier_b, "reason": OVERRIDE_REASON}))["decision"]
    assert (decided["tier"], decided["scored_tier"], decided["override_reason"]) == (story.tier_b, None, OVERRIDE_REASON)
    assert ok(school_b.get(f"/api/applications/{id_b}/"))["decision"] is None  # not before publication

    # Publication and the results.
    assert ok(city.post(f"/api/campaigns/{campaign.pk}/publish/"))["published_at"]
    results = ok(school_a.get(f"/api/results/{campaign.pk}/"))["results"]
    assert [(r["school"]["code"], r["tier"]) for r in results] == [(a.code, story.tier_a), (b.code, story.tier_b)]
    mine = ok(school_b.get(f"/api/applications/{id_b}/"))
    assert mine["status"] == "published"
    assert (mine["decision"]["tier"], mine["decision"]["override_reason"]) == (story.tier_b, "")  # the reason is the city's
    told = Notification.objects.filter(kind="published", message=f"{campaign_name(story)}结果已公布")
    assert told.filter(user__username__in=[school_username(a.code), school_username(b.code)]).count() == 2
