"""The permission matrix: every URL and API route × every role × objects in and out of scope.

Each app's door decides what a user may see and change (``campaigns/access.py``,
``evidence/access.py``, ``regions/selectors.py``, ``audit/selectors.py``, on the roles and
places of ``accounts/scope.py`` and the gates of ``accounts/gates.py``); this file checks, from
the outside, that every route of the project obeys it. Each route is one test
case: it asks the route as each role, for each of its objects, and collects every answer that
differs from the matrix into one table. An answer that shows something must also not name the
other city or a school outside the role's scope (``UNSEEN``): a list page must not leak either.

The answers:

- ``A`` allow: any 2xx or 3xx but a redirect to the log-in page; for a write (POST, PUT, PATCH)
  also 400 or 409, the refusal of a form or a workflow rule to a role that may act;
- ``D`` deny: 403, a role that may never do this at all;
- ``H`` hide: 404, an object outside the user's scope (never 403: that would reveal it exists);
- ``L`` log in: a page redirects to the log-in page; the API answers 401.

The objects (see ``tests/permission_matrix_world.py``): ``in`` is school A's (county A of
滁州市), ``sib`` school B's (county B, same city), ``out`` 瑶海区's of 合肥市 (another city);
a few routes name their own places ("own" notification, "published" campaign, import kinds).
``-`` is a route without an object.

One moment for the whole matrix: the middle of the city review of 滁州市's campaign (and of
合肥市's, with the same dates). That is when an expert sees their assignment at all, so every
expert route is meaningful (``test_an_expert_sees_nothing_of_the_review_outside_the_city_review``
checks the other side); the school's, county's and city's writes are then refused by the
workflow (400, or a redirect with the message), which the matrix counts as "allow": the role
got past the scope and the role checks.

Every request runs in a savepoint that is rolled back, so the roles of one route never see each
other's writes; the world itself is built once per module inside a transaction rolled back at
the end. Log-in: one session per role, made once with ``force_login``; the API is asked with
that same session cookie (SessionAuthentication; the test client does not enforce CSRF), so
pages and API are asked as exactly the same users.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests import conftest as shared
from tests.campaigns.conftest import Clock
from tests.permission_matrix_world import CODE, ROLES, YEAR, World, build_world

# --- what is left out, and why ---------------------------------------------------------------

EXCLUDED = {
    # Django's language switch: no object, no user data, open to everyone by design.
    "set_language": "i18n, public by design",
    # Log-in, log-out, password and two-factor pages: each has its own tests (tests/accounts/),
    # and logging out or changing a password would end the session the matrix runs with.
    "accounts:login": "log-in page (tests/accounts)",
    "accounts:login_token": "log-in step two (tests/accounts)",
    "accounts:logout": "ends the session (tests/accounts)",
    "accounts:password_change": "password page (tests/accounts)",
    "accounts:two_factor_setup": "two-factor page (tests/accounts)",
    "accounts:two_factor_off": "two-factor page (tests/accounts)",
    "accounts:recovery_codes": "two-factor page, one's own codes (tests/accounts)",
    "api:token": "the API's log-in (tests/api/test_token.py)",
    # One's own API tokens: another account's is a 404 (tests/api/test_token_lifetime.py).
    "accounts:token_revoke": "own tokens only (tests/api/test_token_lifetime.py)",
    "api:token_detail": "own tokens only (tests/api/test_token_lifetime.py)",
    # The OpenAPI schema and its documentation pages: public by design (tests/api).
    "api:schema": "API schema, public by design",
    "api:docs": "API documentation, public by design",
    "api:redoc": "API documentation, public by design",
}
# Static files are served by WhiteNoise's middleware, not by a URL pattern: nothing to leave out.


# --- the routes of the project ---------------------------------------------------------------


def _params_of(pattern: Any) -> set[str]:
    """The names a pattern captures: its converters (path()) or its named groups (re_path())."""
    return set(getattr(pattern, "converters", {})) or set(pattern.regex.groupindex)


def _walk(
    patterns: list[Any],
    prefix: str = "",
    namespace: tuple[str, ...] = (),
    params: frozenset[str] = frozenset(),
) -> Iterator[tuple[str, str, set[str]]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = (*namespace, p.namespace) if p.namespace else namespace
            yield from _walk(
                p.url_patterns, prefix + str(p.pattern), inner, params | _params_of(p.pattern)
            )
        elif isinstance(p, URLPattern):
            name = ":".join((*namespace, p.name)) if p.name else prefix + str(p.pattern)
            yield name, prefix + str(p.pattern), set(params | _params_of(p.pattern))


def project_routes() -> dict[str, tuple[str, set[str]]]:
    """Every URL pattern: name (with namespace) → (route, parameter names)."""
    found: dict[str, tuple[str, set[str]]] = {}
    for name, route, params in _walk(get_resolver().url_patterns):
        assert name not in found, f"two routes named {name}"
        found[name] = (route, params)
    return found


# --- how to address each route's objects ---------------------------------------------------

# (world, place, role) → the route's URL kwargs, and its query string under "?".
Build = Callable[[World, str, str], dict[str, Any]]


def none(w: World, place: str, role: str) -> dict[str, Any]:
    return {}


def app(key: str = "pk") -> Build:
    return lambda w, place, role: {key: w.applications[place].pk}


def app_code(key: str = "pk") -> Build:
    return lambda w, place, role: {key: w.applications[place].pk, "code": CODE}


def campaign(key: str = "pk") -> Build:
    """in: 滁州市's campaign; out: 合肥市's."""
    return lambda w, place, role: {key: (w.campaign if place == "in" else w.other_campaign).pk}


def campaign_county(w: World, place: str, role: str) -> dict[str, Any]:
    """The county pages of a campaign; sib: 滁州市's campaign, county B chosen by ``?county=``."""
    if place == "sib":
        return {"campaign_id": w.campaign.pk, "?": {"county": w.cast.county_b.code}}
    return campaign("campaign_id")(w, place, role)


def campaign_app(w: World, place: str, role: str) -> dict[str, Any]:
    """An application of a campaign; cross: 滁州市's campaign with 合肥市's application."""
    application = w.applications["out" if place == "cross" else place]
    return {
        "pk": w.campaign.pk if place == "cross" else application.campaign_id,
        "application_id": application.pk,
    }


def campaign_assignment(w: World, place: str, role: str) -> dict[str, Any]:
    """An assignment of a campaign; cross: 滁州市's campaign with 合肥市's assignment."""
    assignment = w.assignments["out" if place == "cross" else place]
    campaign_id = w.campaign.pk if place == "cross" else assignment.application.campaign_id
    return {"pk": campaign_id, "assignment_id": assignment.pk}


def assignment(key: str = "pk") -> Build:
    return lambda w, place, role: {key: w.assignments[place].pk}


def evidence(w: World, place: str, role: str) -> dict[str, Any]:
    return {"pk": w.evidence[place].pk}


def evidence_link(w: World, place: str, role: str) -> dict[str, Any]:
    return {"pk": w.links[place].pk}


def evidence_form(w: World, place: str, role: str) -> dict[str, Any]:
    return {"application_pk": w.applications[place].pk, "code": CODE, "form": "upload"}


def school(w: World, place: str, role: str) -> dict[str, Any]:
    return {"code": w.schools[place].code}


def facts(w: World, place: str, role: str) -> dict[str, Any]:
    return {"code": w.schools[place].code, "year": YEAR}


def county(w: World, place: str, role: str) -> dict[str, Any]:
    return {"code": w.counties[place].code}


def audit_record(w: World, place: str, role: str) -> dict[str, Any]:
    return {"seq": w.audit_seqs[place]}


def account(w: World, place: str, role: str) -> dict[str, Any]:
    """in: school A's user; out: 合肥市's city administrator (no one of the matrix)."""
    return {"pk": w.users[place].pk}


def account_role(w: World, place: str, role: str) -> dict[str, Any]:
    """A role of an account; cross: school A's user with a role held by someone else."""
    owner, held = {"in": ("in", "in"), "cross": ("in", "out"), "out": ("out", "out")}[place]
    return {"pk": w.users[owner].pk, "role_pk": w.roles[held].pk}


def job(w: World, place: str, role: str) -> dict[str, Any]:
    return {"pk": w.jobs[place].pk}


def notification(w: World, place: str, role: str) -> dict[str, Any]:
    """own: the asking user's notification; out: someone else's."""
    if place == "out":
        return {"pk": w.notifications["out"].pk}
    return {"pk": w.notifications["school_user_a" if role == "anonymous" else role].pk}


def import_kind(w: World, place: str, role: str) -> dict[str, Any]:
    return {"kind": place}


def results(key: str) -> Build:
    """published: last year's published campaign; unpublished: this year's."""
    return lambda w, place, role: {key: (w.published if place == "published" else w.campaign).pk}


def plan(key: str = "pk", **extra: str) -> Build:
    return lambda w, place, role: {key: w.plans[place].pk, **extra}


def plan_target(w: World, place: str, role: str) -> dict[str, Any]:
    return {"pk": w.plan_targets[place].pk}


def plan_report(w: World, place: str, role: str) -> dict[str, Any]:
    return {"pk": w.plan_reports[place].pk}


def plan_task(w: World, place: str, role: str) -> dict[str, Any]:
    return {"pk": w.plan_tasks[place].pk}


def rubric(w: World, place: str, role: str) -> dict[str, Any]:
    return {"code": w.campaign.rubric.code}


def rubric_version(w: World, place: str, role: str) -> dict[str, Any]:
    return {"code": w.campaign.rubric.code, "version": w.campaign.rubric.version}


def audit_format(w: World, place: str, role: str) -> dict[str, Any]:
    return {"fmt": place}


def assignment_code(w: World, place: str, role: str) -> dict[str, Any]:
    return {"pk": w.assignments[place].pk, "code": CODE}


def campaign_objection(w: World, place: str, role: str) -> dict[str, Any]:
    """An objection of a campaign; cross: 滁州市's campaign with 合肥市's objection."""
    objection = w.objections["out" if place == "cross" else place]
    return {"pk": w.campaign.pk if place == "cross" else objection.campaign_id, "objection_id": objection.pk}


def certificate_app(w: World, place: str, role: str) -> dict[str, Any]:
    """The application of last year's certificate (in: school A's, sib: school B's)."""
    return {"pk": w.certificates[place].application_id}


def county_export(w: World, place: str, role: str) -> dict[str, Any]:
    """A county's 自评表 zip (sib: county B of 滁州市's campaign; out: 合肥市's campaign)."""
    return {**campaign_county(w, place, role), "kind": "self_assessments"}


def certificates_export(w: World, place: str, role: str) -> dict[str, Any]:
    """The certificates' zip of last year's published campaign, or of this year's (none yet)."""
    return {"pk": (w.published if place == "published" else w.campaign).pk, "kind": "certificates"}


def export_job(w: World, place: str, role: str) -> dict[str, Any]:
    return {"pk": w.export_jobs[place].pk}


def certificate_code(w: World, place: str, role: str) -> dict[str, Any]:
    return {"code": w.certificates["in"].code}


def form(build: Build, **extra: str) -> Build:
    """A form's file: the object's kwargs, the form's name and format."""
    return lambda w, place, role: {**build(w, place, role), **extra}


def city_assignment_sheet(w: World, place: str, role: str) -> dict[str, Any]:
    """An expert's sheet through the city's campaign; cross: 滁州市's campaign, 合肥市's assignment."""
    found = campaign_assignment(w, place, role)
    return {"campaign_id": found["pk"], "pk": found["assignment_id"], "fmt": "docx"}


# --- the matrix ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str
    build: Build
    # method → place → one letter per role, in the order of ROLES (spaces ignored):
    #   platform_admin, city_admin, county_admin_a, school_user_a, school_user_b, expert,
    #   observer, department_user, outsider, anonymous
    checks: dict[str, dict[str, str]]
    # Known wrong answers: (method, role, place) → what is wrong; each runs as its own strict xfail.
    bugs: dict[tuple[str, str, str], str] = field(default_factory=dict)

    @property
    def api(self) -> bool:
        return self.name.startswith("api:")


def R(
    name: str,
    methods: str,
    build: Build,
    bugs: dict[tuple[str, str, str], str] | None = None,
    **expect: str,
) -> Route:
    """A route whose methods share one expectation per place (``in_=``, ``out=``; ``_=`` for -)."""
    places = {
        ("-" if place == "_" else place.rstrip("_")): letters for place, letters in expect.items()
    }
    return Route(name, build, {method: places for method in methods.split()}, bugs or {})


# Recurring rows, one letter per role (P C K a b E O U X N: platform, city, county A, school A,
# school B, expert, observer, department user (处室用户), outsider, anonymous).
PUBLIC = "A A A A A A A A A A"
LOGGED_IN = "A A A A A A A A A L"
NOBODY = "H H H H H H H H H L"  # someone else's: even the platform administrator's 404
UPLOADER = "A H H H H H H H H L"  # the platform administrator's own import, nobody else's
PLATFORM = "A D D D D D D D D L"
ADMINS = "A A A D D D D D D L"  # platform, city and county administrators
CITY = "D A D D D D D D D L"  # the city administrator's own campaign
CITY_OUT = "D H D D D D D D D L"
CITY_OWN = "H A H H H H H H H L"  # the city administrator's own job: nobody else's, not even the platform's
SCHOOLS = "D D D A A D D D D L"  # the school users, each for their own school
SCHOOL_A = "D D D A H D D D D L"  # an object of school A, acted on as a school
SCHOOL_B = "D D D H A D D D D L"
SCHOOL_OUT = "D D D H H D D D D L"
COUNTY = "D D A D D D D D D L"  # acted on as the county administrator of A
COUNTY_OUT = "D D H D D D D D D L"
EXPERT = "D D D D D A D D D L"  # acted on as the assigned expert
EXPERT_OUT = "D D D D D H D D D L"
# Reads of an application and what hangs on it (its evidence, its school).
READ_A = "A A A A H A A H H L"  # the expert reviews school A's application now
READ_B = "A A H H A H A H H L"
READ_OUT = "A H H H H H H H H L"
# Evidence files: as READ_A/READ_B, but observers open none (docs/decisions.md)
EVIDENCE_A = "A A A A H A H H H L"
EVIDENCE_B = "A A H H A H H H H L"
CITY_WIDE = "A A A A A A A A H L"  # everyone who works in the city (a campaign of the city)
SCHOOL_READ_A = "A A A A H H A H H L"  # school A itself: the expert reviews its application only
# The county review, read by the administrators above the county.
REVIEW_B = "A A H D D D D D D L"
REVIEW_OUT = "A H H D D D D D D L"
CITY_READ = "A A D D D D D D D L"  # the counties side by side: the city and the platform
CITY_READ_OUT = "A H D D D D D D D L"
# Changing a school: its administrators, and its own user (the contact fields and facts).
EDIT_A = "A A A A H D D D D L"
EDIT_B = "A A H H A D D D D L"
EDIT_OUT = "A H H H H D D D D L"

DASH = "A A A D D D A D D L"  # the dashboards: the bureaus' administrators and observers
DASH_B = "A A H D D D A D D L"
DASH_OUT = "A H H D D D H D D L"
PLANS = "A A A D D D A A D L"  # the bureaus' administrators and observers
PLANS_OUT = "A H H D D D H H D L"
# Run (change) a plan of the city: its administrators; the county and the observer only read it.
PLAN_RUN = "A A H D D D H H D L"
PLAN_REPORT = "A A H D D D H A D L"  # the KPI's lead department reports it

# fmt: off
MATRIX: list[Route] = [
    # --- accounts (the log-in pages are EXCLUDED) -----------------------------------------
    R("accounts:me", "GET", none, _=LOGGED_IN),
    R("api:token_list", "GET", none, _=LOGGED_IN),
    R("accounts:user_list", "GET", none, _=PLATFORM),
    R("accounts:user_create", "GET POST", none, _=PLATFORM),
    R("accounts:user_detail", "GET", account, in_=PLATFORM, out=PLATFORM),
    R("accounts:user_edit", "GET POST", account, in_=PLATFORM, out=PLATFORM),
    R("accounts:role_grant", "POST", account, in_=PLATFORM, out=PLATFORM),
    # cross: school A's user with a role that is not theirs.
    R("accounts:role_revoke", "POST", account_role, in_=PLATFORM, cross="H D D D D D D D D L", out=PLATFORM),
    R("accounts:password_reset", "POST", account, in_=PLATFORM, out=PLATFORM),
    R("accounts:account_unlock", "POST", account, in_=PLATFORM, out=PLATFORM),
    R("accounts:two_factor_reset", "POST", account, in_=PLATFORM, out=PLATFORM),
    R("accounts:enrolment_code_issue", "POST", account, in_=PLATFORM, out=PLATFORM),
    # --- campaigns: every user's, and the city administrator's ----------------------------
    # (cross: 滁州市's campaign with an application or assignment of 合肥市's)
    R("campaigns:campaign_list", "GET", none, _=LOGGED_IN),
    R("campaigns:campaign_create", "GET POST", none, _=CITY),
    R("campaigns:quota_fields", "GET", none, _=CITY),
    R("campaigns:campaign_detail", "GET", campaign(), in_=CITY_WIDE, out=READ_OUT),
    R("campaigns:campaign_edit", "GET POST", campaign(), in_=CITY, out=CITY_OUT),
    R("campaigns:campaign_reopen", "GET POST", campaign(), in_=CITY, out=CITY_OUT),
    R("campaigns:end_stage", "GET POST", campaign(), in_=CITY, out=CITY_OUT),
    R("campaigns:assignments", "GET", campaign(), in_=CITY, out=CITY_OUT),
    R("campaigns:assign_auto", "POST", campaign(), in_=CITY, out=CITY_OUT),
    R("campaigns:assign", "GET POST", campaign_app, in_=CITY, sib=CITY, cross=CITY_OUT, out=CITY_OUT),
    R("campaigns:unassign", "POST", campaign_assignment, in_=CITY, sib=CITY, cross=CITY_OUT, out=CITY_OUT),
    R("campaigns:decisions", "GET", campaign(), in_=CITY, out=CITY_OUT),
    R("campaigns:decide", "POST", campaign_app, in_=CITY, sib=CITY, cross=CITY_OUT, out=CITY_OUT),
    R("campaigns:gaps", "GET", campaign(), in_=CITY, out=CITY_OUT),
    R("campaigns:publish", "POST", campaign(), in_=CITY, out=CITY_OUT),
    R("campaigns:notice_open", "POST", campaign(), in_=CITY, out=CITY_OUT),
    R("campaigns:objection_add", "POST", campaign(), in_=CITY, out=CITY_OUT),
    R("campaigns:objection_resolve", "POST", campaign_objection, in_=CITY, cross=CITY_OUT, out=CITY_OUT),
    # --- campaigns: the school's ------------------------------------------------------------
    R("campaigns:school_applications", "GET", none, _=SCHOOLS),
    R("campaigns:school_application_start", "POST", campaign("campaign_pk"), in_=SCHOOLS, out=SCHOOL_OUT),
    R("campaigns:school_application_start_carried", "POST", campaign("campaign_pk"), in_=SCHOOLS, out=SCHOOL_OUT),
    R("campaigns:school_application_start_from_last", "POST", app(), in_=SCHOOL_A, sib=SCHOOL_B, out=SCHOOL_OUT),
    R("campaigns:school_application", "GET", app(), in_=READ_A, sib=READ_B, out=READ_OUT),
    R("campaigns:school_application_form", "POST", app(), in_=SCHOOL_A, sib=SCHOOL_B, out=SCHOOL_OUT),
    R("campaigns:school_score_save", "POST", app_code(), in_=SCHOOL_A, sib=SCHOOL_B, out=SCHOOL_OUT),
    R("campaigns:school_application_submit", "POST", app(), in_=SCHOOL_A, sib=SCHOOL_B, out=SCHOOL_OUT),
    R("campaigns:school_application_withdraw", "POST", app(), in_=SCHOOL_A, sib=SCHOOL_B, out=SCHOOL_OUT),
    # --- campaigns: the county review (city administrators read it) ---------------------------
    R("campaigns:county_home", "GET", none, _=ADMINS),
    R("campaigns:county_queue", "GET", campaign_county, in_=ADMINS, sib=REVIEW_B, out=REVIEW_OUT),
    R("campaigns:county_quotas", "GET", campaign("campaign_id"), in_=CITY_READ, out=CITY_READ_OUT),
    R("campaigns:county_list", "GET", campaign_county, in_=ADMINS, sib=REVIEW_B, out=REVIEW_OUT),
    R("campaigns:county_list_xlsx", "GET", campaign_county, in_=ADMINS, sib=REVIEW_B, out=REVIEW_OUT),
    R("campaigns:county_list_docx", "GET", campaign_county, in_=ADMINS, sib=REVIEW_B, out=REVIEW_OUT),
    R("campaigns:county_review", "GET", app("application_id"), in_=ADMINS, sib=REVIEW_B, out=REVIEW_OUT),
    R("campaigns:county_score_save", "POST", app_code("application_id"), in_=COUNTY, sib=COUNTY_OUT, out=COUNTY_OUT),
    R("campaigns:county_return", "POST", app("application_id"), in_=COUNTY, sib=COUNTY_OUT, out=COUNTY_OUT),
    R("campaigns:county_recommend", "POST", app("application_id"), in_=COUNTY, sib=COUNTY_OUT, out=COUNTY_OUT),
    # --- campaigns: the expert's (sib: another expert's assignment in the same city) ----------
    R("campaigns:review_list", "GET", none, _=EXPERT),
    R("campaigns:review_detail", "GET", assignment("assignment_id"), in_=EXPERT, sib=EXPERT_OUT, out=EXPERT_OUT),
    R("campaigns:review_score", "POST", assignment("assignment_id"), in_=EXPERT, sib=EXPERT_OUT, out=EXPERT_OUT),
    R("campaigns:review_submit", "POST", assignment("assignment_id"), in_=EXPERT, sib=EXPERT_OUT, out=EXPERT_OUT),
    # --- public results -----------------------------------------------------------------------
    R("healthz", "GET", none, _=PUBLIC),
    R("ping", "GET", none, _=LOGGED_IN),
    R("results:index", "GET", none, _=PUBLIC),
    R("results:detail", "GET", results("campaign_id"), published=PUBLIC, unpublished="H H H H H H H H H H"),
    # --- the official forms: as open as what they hold ------------------------------------------
    R("filings:application", "GET", form(app(), form="self-assessment", fmt="xlsx"), in_=READ_A, sib=READ_B, out=READ_OUT),
    R("filings:self_assessment_upload", "POST", app(), in_=SCHOOL_A, sib=SCHOOL_B, out=SCHOOL_OUT),
    R("filings:rubric_sheet", "GET", form(rubric_version, fmt="docx"), _=PUBLIC),
    R("filings:expert_sheet", "GET", form(assignment(), fmt="xlsx"), in_=EXPERT, sib=EXPERT_OUT, out=EXPERT_OUT),
    R("filings:city_expert_sheet", "GET", city_assignment_sheet, in_=CITY, sib=CITY, cross=CITY_OUT, out=CITY_OUT),
    R("filings:results_list", "GET", form(results("campaign_id"), fmt="xlsx"), published=PUBLIC, unpublished="H H H H H H H H H H"),
    # --- certificates: as open as the application; all of a campaign's, its city's --------------
    R("certificates:application", "GET", certificate_app, in_=SCHOOL_READ_A, sib=READ_B),
    R("verify:lookup", "GET", none, _=PUBLIC),
    R("verify:code", "GET", certificate_code, _=PUBLIC),
    # --- bulk exports: started through the door of what they pack; then the starter's alone ---
    R("exportjobs:list", "GET", none, _=LOGGED_IN),
    R("exportjobs:start", "POST", county_export, in_=ADMINS, sib=REVIEW_B, out=REVIEW_OUT),
    R("exportjobs:job", "GET", export_job, in_=CITY_OWN, out=NOBODY),
    R("exportjobs:job_progress", "GET", export_job, in_=CITY_OWN, out=NOBODY),
    R("exportjobs:download", "GET", export_job, in_=CITY_OWN, out=NOBODY),
    # --- the API (anonymous: 401) ------------------------------------------------------------
    R("api:application_form", "GET", form(app(), form="application", fmt="docx"), in_=READ_A, sib=READ_B, out=READ_OUT),
    R("api:self_assessment_upload", "POST", app(), in_=SCHOOL_A, sib=SCHOOL_B, out=SCHOOL_OUT),
    R("api:expert_sheet", "GET", form(assignment(), fmt="docx"), in_=EXPERT, sib=EXPERT_OUT, out=EXPERT_OUT),
    R("api:city_expert_sheet", "GET", city_assignment_sheet, in_=CITY, sib=CITY, cross=CITY_OUT, out=CITY_OUT),
    R("api:results_list", "GET", form(results("pk"), fmt="docx"), published=LOGGED_IN, unpublished=NOBODY),
    R("api:certificate", "GET", certificate_app, in_=SCHOOL_READ_A, sib=READ_B),
    R("api:certificate_verify", "GET", certificate_code, _=LOGGED_IN),
    R("api:export_start", "POST", certificates_export, published=CITY, unpublished=CITY_OUT),
    R("api:export_job", "GET", export_job, in_=CITY_OWN, out=NOBODY),
    R("api:export_download", "GET", export_job, in_=CITY_OWN, out=NOBODY),
    R("api:rubric_sheet", "GET", form(rubric_version, fmt="xlsx"), _=LOGGED_IN),
    R("api:application_list", "GET", none, _=LOGGED_IN),
    Route(
        "api:application_detail",
        app(),
        {
            "GET": {"in": READ_A, "sib": READ_B, "out": READ_OUT},
            "PATCH": {"in": SCHOOL_A, "sib": SCHOOL_B, "out": SCHOOL_OUT},
        },
    ),
    R("api:application_scores", "GET", app(), in_=READ_A, sib=READ_B, out=READ_OUT),
    R("api:self_score", "PUT", app_code(), in_=SCHOOL_A, sib=SCHOOL_B, out=SCHOOL_OUT),
    R("api:application_submit", "POST", app(), in_=SCHOOL_A, sib=SCHOOL_B, out=SCHOOL_OUT),
    R("api:application_withdraw", "POST", app(), in_=SCHOOL_A, sib=SCHOOL_B, out=SCHOOL_OUT),
    R("api:application_start_from_last", "POST", app(), in_=SCHOOL_A, sib=SCHOOL_B, out=SCHOOL_OUT),
    R("api:county_score", "PUT", app_code(), in_=COUNTY, sib=COUNTY_OUT, out=COUNTY_OUT),
    R("api:application_return", "POST", app(), in_=COUNTY, sib=COUNTY_OUT, out=COUNTY_OUT),
    R("api:application_recommend", "POST", app(), in_=COUNTY, sib=COUNTY_OUT, out=COUNTY_OUT),
    R("api:expert_assign", "POST", app(), in_=CITY, sib=CITY, out=CITY_OUT),
    R("api:application_decide", "POST", app(), in_=CITY, sib=CITY, out=CITY_OUT),
    R("api:application_create", "POST", campaign(), in_=SCHOOLS, out=SCHOOL_OUT),
    R("api:experts_assign", "POST", campaign(), in_=CITY, out=CITY_OUT),
    R("api:campaign_publish", "POST", campaign(), in_=CITY, out=CITY_OUT),
    R("api:notice_open", "POST", campaign(), in_=CITY, out=CITY_OUT),
    R("api:objections", "GET POST", campaign(), in_=CITY, out=CITY_OUT),
    R("api:objection_resolve", "POST", campaign_objection, in_=CITY, cross=CITY_OUT, out=CITY_OUT),
    R("api:campaign_end_stage", "GET POST", campaign(), in_=CITY, out=CITY_OUT),
    R("api:campaign_open", "POST", none, _=CITY),
    R("api:campaign_update", "PATCH", campaign(), in_=CITY, out=CITY_OUT),
    R("api:expert_score", "PUT", assignment_code, in_=EXPERT, sib=EXPERT_OUT, out=EXPERT_OUT),
    R("api:expert_submit", "POST", assignment(), in_=EXPERT, sib=EXPERT_OUT, out=EXPERT_OUT),
    R("api:results", "GET", results("pk"), published=LOGGED_IN, unpublished=NOBODY),
    R("api:todo", "GET", none, _=LOGGED_IN),
    Route("api:plan_list", none, {"GET": {"-": PLANS}, "POST": {"-": ADMINS}}),  # POST makes a plan
    R("api:target_add", "POST", plan(), in_="A A H D D D D D D L", out="A H H D D D D D D L"),
    R("api:plan_detail", "GET", plan(), in_=PLANS, out=PLANS_OUT),
    R("api:plan_submit", "POST", plan(), in_=PLAN_RUN, out=PLANS_OUT),
    R("api:plan_return", "POST", plan(), in_=PLAN_RUN, out=PLANS_OUT),
    R("api:plan_publish", "POST", plan(), in_=PLAN_RUN, out=PLANS_OUT),
    R("api:report_submit", "POST", plan_target, in_=PLAN_REPORT, out=PLANS_OUT),
    R("api:report_decide", "POST", plan_report, in_=PLAN_RUN, out=PLANS_OUT),
    R("api:task_update", "PATCH", plan_task, in_=PLAN_RUN, out=PLANS_OUT),
    R("api:rubric-list", "GET", none, _=LOGGED_IN),
    R("api:rubric-detail", "GET", rubric, _=LOGGED_IN),
    R("api:school-list", "GET", none, _=LOGGED_IN),
    R("api:school-detail", "GET", school, in_=SCHOOL_READ_A, sib=READ_B, out=READ_OUT),
    R("api:campaign-list", "GET", none, _=LOGGED_IN),
    R("api:campaign-detail", "GET", campaign(), in_=CITY_WIDE, out=READ_OUT),
    R("api:assignment-list", "GET", none, _=LOGGED_IN),
    # A plain read of the router: scoped by queryset alone, so a role without assignments gets
    # 404 (like an object out of scope), not 403 as on the expert's pages.
    R("api:assignment-detail", "GET", assignment(), in_="H H H H H A H H H L", sib=NOBODY, out=NOBODY),
    # --- audit ----------------------------------------------------------------------------------
    R("audit:list", "GET", none, _=ADMINS),
    R("audit:detail", "GET", audit_record, in_=ADMINS, sib=REVIEW_B, out=REVIEW_OUT),
    R("audit:export", "GET", audit_format, csv=ADMINS, xlsx=ADMINS),
    # --- evidence (managed by the school; downloaded by whoever may read the application) ------
    R("evidence:download", "GET", evidence, in_=EVIDENCE_A, sib=EVIDENCE_B, out=READ_OUT),
    R("evidence:unlink", "POST", evidence_link, in_=SCHOOL_A, sib=SCHOOL_B, out=SCHOOL_OUT),
    R("evidence:carry", "POST", app("application_pk"), in_=SCHOOL_A, sib=SCHOOL_B, out=SCHOOL_OUT),
    R("evidence:upload", "POST", app_code("application_pk"), in_=SCHOOL_A, sib=SCHOOL_B, out=SCHOOL_OUT),
    R("evidence:link", "POST", app_code("application_pk"), in_=SCHOOL_A, sib=SCHOOL_B, out=SCHOOL_OUT),
    R("evidence:text", "POST", app_code("application_pk"), in_=SCHOOL_A, sib=SCHOOL_B, out=SCHOOL_OUT),
    R("evidence:attach", "POST", app_code("application_pk"), in_=SCHOOL_A, sib=SCHOOL_B, out=SCHOOL_OUT),
    R("evidence:form", "GET", evidence_form, in_=SCHOOL_A, sib=SCHOOL_B, out=SCHOOL_OUT),
    # --- imports (a job is seen only by whoever uploaded it; kinds by role) ---------------------
    R("imports:home", "GET", none, _=ADMINS),
    R("imports:job", "GET", job, in_=UPLOADER, out=NOBODY),
    R("imports:job_progress", "GET", job, in_=UPLOADER, out=NOBODY),
    R("imports:job_errors", "GET", job, in_=UPLOADER, out=NOBODY),
    R("imports:upload", "GET POST", import_kind, schools=ADMINS, accounts=PLATFORM, plan_tasks=ADMINS, plan_kpis=ADMINS),
    R("imports:template", "GET", import_kind, schools=ADMINS, accounts=PLATFORM, plan_schools=ADMINS),
    # --- notifications (one's own only) --------------------------------------------------------
    R("notifications:inbox", "GET", none, _=LOGGED_IN),
    R("notifications:mark_all_read", "POST", none, _=LOGGED_IN),
    R("notifications:mark_read", "POST", notification, own=LOGGED_IN, out=NOBODY),
    R("notifications:open", "POST", notification, own=LOGGED_IN, out=NOBODY),
    # --- the to-do page: everyone's own work (what is due comes through the doors) ----------
    R("todo:home", "GET", none, _=LOGGED_IN),
    # --- plans: the bureaus' administrators and observers; a county reads its city's published plan
    R("plans:list", "GET", none, _=PLANS),
    R("plans:my_kpis", "GET", none, _=PLANS),  # 我的指标: empty but for a department user
    R("plans:detail", "GET", plan(), in_=PLANS, out=PLANS_OUT),
    R("plans:task_table", "GET", plan(category="教学点智慧课堂"), in_=PLANS, out=PLANS_OUT),
    R("plans:task_table_file", "GET", plan(category="教学点智慧课堂"), in_=PLANS, out=PLANS_OUT),
    R("plans:task_book", "GET", plan(), in_=PLANS, out=PLANS_OUT),
    R("plans:task_book_xlsx", "GET", plan(), in_=PLANS, out=PLANS_OUT),
    R("plans:task_book_docx", "GET", plan(), in_=PLANS, out=PLANS_OUT),
    # The plan's workflow, reports and tasks: the plan's runners (a published plan: refused by
    # the rulebook, which counts as allow); a target, report or task through its plan's door.
    R("plans:plan_action", "POST", plan(action="publish"), in_=PLAN_RUN, out=PLANS_OUT),
    # Making plans and targets: the city and county administrators (observers only read).
    R("plans:plan_new", "GET POST", none, _=ADMINS),
    R("plans:target_new", "GET POST", plan(), in_="A A H D D D D D D L", out="A H H D D D D D D L"),
    R("plans:report_new", "GET POST", plan_target, in_=PLAN_REPORT, out=PLANS_OUT),
    R("plans:report_decide", "POST", plan_report, in_=PLAN_RUN, out=PLANS_OUT),
    R("plans:task_edit", "POST", plan_task, in_=PLAN_RUN, out=PLANS_OUT),
    # --- the dashboards: a region's and a school's, through the regions' door ---------------
    R("analytics:home", "GET", none, _=DASH),
    R("analytics:region", "GET", county, in_=DASH, sib=DASH_B, out=DASH_OUT),
    R("analytics:schools", "GET", county, in_=DASH, sib=DASH_B, out=DASH_OUT),
    R("analytics:chart_file", "GET", lambda w, place, role: {**county(w, place, role), "key": "tiers"},
      in_=DASH, sib=DASH_B, out=DASH_OUT),
    R("analytics:school", "GET", school, in_=DASH, sib=DASH_B, out=DASH_OUT),
    R("analytics:map_upload", "GET POST", county, in_=PLATFORM, out=PLATFORM),
    # --- the reports: a school's as open as its application, a region's as its dashboards ------
    R("reports:application", "GET", app(), in_=READ_A, sib=READ_B, out=READ_OUT),
    R("reports:region", "GET", county, in_=DASH, sib=DASH_B, out=DASH_OUT),
    R("api:application_report", "GET", app(), in_=READ_A, sib=READ_B, out=READ_OUT),
    R("api:region_report", "GET", county, in_=DASH, sib=DASH_B, out=DASH_OUT),
    # --- regions and schools ----------------------------------------------------------------
    R("regions:region_list", "GET", none, _=LOGGED_IN),
    R("regions:region_create", "GET POST", none, _=PLATFORM),
    R("regions:region_edit", "GET POST", county, in_=PLATFORM, out=PLATFORM),
    R("regions:school_list", "GET", none, _=LOGGED_IN),
    R("regions:school_export", "GET", none, _=LOGGED_IN),
    R("regions:school_create", "GET POST", none, _=ADMINS),
    # The expert reviews school A's application, not school A itself.
    R("regions:school_detail", "GET", school, in_=SCHOOL_READ_A, sib=READ_B, out=READ_OUT),
    # The own school: its contact fields and facts; observers and experts change no school.
    R("regions:school_edit", "GET POST", school, in_=EDIT_A, sib=EDIT_B, out=EDIT_OUT),
    R("regions:facts_create", "GET POST", school, in_=EDIT_A, sib=EDIT_B, out=EDIT_OUT),
    R("regions:facts_edit", "GET POST", facts, in_=EDIT_A, sib=EDIT_B, out=EDIT_OUT),
    # --- rubrics: published documents, no log-in ------------------------------------------------
    R("rubrics:home", "GET", none, _=PUBLIC),
    R("rubrics:list", "GET", none, _=PUBLIC),
    R("rubrics:detail", "GET", rubric, _=PUBLIC),
    R("rubrics:detail_version", "GET", rubric_version, _=PUBLIC),
    R("rubrics:export", "GET", rubric, _=PUBLIC),
    R("rubrics:export_version", "GET", rubric_version, _=PUBLIC),
]
# fmt: on


# --- asking -------------------------------------------------------------------------------------

LOGIN_URL = resolve_url(settings.LOGIN_URL)


def verdict(response: Any, method: str, api: bool) -> str:
    """The answer as a letter of the matrix, or the status code when it is none of them."""
    code = response.status_code
    if api and code == 401:
        return "L"
    if code in (301, 302) and response["Location"].startswith(LOGIN_URL):
        return "L"
    if code == 403:
        return "D"
    if code == 404:
        return "H"
    if 200 <= code < 400 or (method != "GET" and code in (400, 409)):
        return "A"
    return str(code)


def ask(client: Client, method: str, url: str, api: bool) -> Any:
    """The route, with no data (a write's form or rule refuses it), in a savepoint rolled back."""
    with transaction.atomic():
        if method == "GET":
            response = client.get(url)
        elif api:
            response = client.generic(method, url, data="{}", content_type="application/json")
        else:
            response = client.post(url, {})
        transaction.set_rollback(True)
    return response


def url_of(route: Route, world: World, place: str, role: str) -> str:
    kwargs = route.build(world, place, role)
    query = kwargs.pop("?", None)
    url = reverse(route.name, kwargs=kwargs)
    return f"{url}?{urlencode(query)}" if query else url


def expected(route: Route, method: str, place: str) -> dict[str, str]:
    letters = route.checks[method][place].replace(" ", "")
    assert len(letters) == len(ROLES), f"{route.name} {method} {place}: {len(letters)} letters"
    return dict(zip(ROLES, letters, strict=True))


Cell = tuple[str, str, str]  # method, role, place


def cells(route: Route) -> list[Cell]:
    return [
        (method, role, place)
        for method, places in route.checks.items()
        for place in places
        for role in ROLES
    ]


# --- the world, once per module --------------------------------------------------------------


@pytest.fixture(scope="module")
def world(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """The cast and the world in one transaction, rolled back after the module's last test.

    Each test runs inside it in its own savepoint (pytest-django's ``db``), and each request in
    another (``ask``); the clock stays in the middle of the city review throughout.
    """
    clock = Clock()
    media = tmp_path_factory.mktemp("media")
    with (
        override_settings(MEDIA_ROOT=media),
        clock._patch,
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        # The shared cast fixture's own function: its fixture is per test, the world per module.
        built = build_world(shared.cast.__wrapped__(None), clock)
        for role in ROLES[:-1]:
            login = Client()
            login.force_login(getattr(built.cast, role))
            built.sessions[role] = login.cookies[settings.SESSION_COOKIE_NAME].value
        yield built
        transaction.set_rollback(True)


def _params() -> Iterator[Any]:
    """One case per route; a known wrong answer is taken out of it into a strict xfail of its own."""
    for route in MATRIX:
        yield pytest.param(route, None, id=route.name)
        for (method, role, place), reason in route.bugs.items():
            yield pytest.param(
                route,
                [(method, role, place)],
                id=f"{route.name}-{method}-{role}-{place}",
                marks=pytest.mark.xfail(strict=True, reason=reason),
            )


# What a role must not read anywhere, not even in a list it may open: the other city, and
# the schools outside its scope (by name; rubrics and templates mention none of them).
OTHER_CITY = ("合肥市", "瑶海区")
SCHOOL_A, SCHOOL_B = "琅琊区示例第一小学", "南谯区示例第一小学"
UNSEEN = {
    "platform_admin": (),
    "city_admin": OTHER_CITY,
    "county_admin_a": (*OTHER_CITY, SCHOOL_B),
    "school_user_a": (*OTHER_CITY, SCHOOL_B),
    "school_user_b": (*OTHER_CITY, SCHOOL_A),
    "expert": (*OTHER_CITY, SCHOOL_B),
    "observer": OTHER_CITY,
    "department_user": (*OTHER_CITY, SCHOOL_A, SCHOOL_B),
    "outsider": (*OTHER_CITY, SCHOOL_A, SCHOOL_B),
    "anonymous": (*OTHER_CITY, SCHOOL_A, SCHOOL_B),
}
TEXT = ("text/html", "application/json", "text/csv")
# The published results and the check of a certificate name certified schools to everyone by
# design (names and tiers only: tests/campaigns/test_public_results.py); the other city still not.
PUBLISHED_NAMES = {"results:detail", "api:results", "verify:code", "api:certificate_verify"}


def leaks(response: Any, role: str, route: str = "") -> list[str]:
    """Names outside the role's scope in a text answer (files in other formats are not read)."""
    if response.streaming or not response.get("Content-Type", "").startswith(TEXT):
        return []
    body = response.content.decode()
    unseen = [n for n in UNSEEN[role] if route not in PUBLISHED_NAMES or n in OTHER_CITY]
    return [name for name in unseen if name in body]


@pytest.mark.parametrize(("route", "only"), list(_params()))
def test_the_route_answers_every_role_as_the_matrix_says(
    db: Any, world: World, route: Route, only: list[Cell] | None
) -> None:
    """Each answer as the matrix says; and an answer that shows a page shows nothing outside scope."""
    client = Client(raise_request_exception=False)
    wrong = []
    for method, role, place in only or [c for c in cells(route) if c not in route.bugs]:
        client.cookies = SimpleCookie()
        if role != "anonymous":
            client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
        url = url_of(route, world, place, role)
        response = ask(client, method, url, route.api)
        want, got = expected(route, method, place)[role], verdict(response, method, route.api)
        if got == want == "A" and (seen := leaks(response, role, route.name)):
            got = "leaks " + "、".join(seen)
        if got != want:
            wrong.append(
                f"{method:<6} {role:<15} {place:<11} {want:<8} {got} ({response.status_code}) {url}"
            )
    if wrong:
        head = f"{'method':<6} {'role':<15} {'place':<11} {'expected':<8} got"
        pytest.fail(
            f"{route.name}: {len(wrong)} answers differ from the matrix\n"
            + "\n".join([head, *wrong]),
            pytrace=False,
        )


# The expert's objects are the assignment and what hangs on it; a campaign is seen all year.
ALL_YEAR = {"campaigns:campaign_detail", "api:campaign-detail"}
# After the city review an expert keeps a read-only record of their own review (issue 8, 7).
# Its score sheet (评审打分表) is that record printed.
READ_AFTER = {("GET", "campaigns:review_detail"), ("GET", "filings:expert_sheet"), ("GET", "api:expert_sheet")}


@pytest.mark.parametrize("stage", ["county_review", "decision"])
def test_an_expert_sees_nothing_of_the_review_outside_the_city_review(
    db: Any, world: World, stage: str
) -> None:
    """Every object the matrix lets the expert open during the city review is a 404 before
    and after it (glossary: "only during city review"), but the expert's own review record,
    which stays readable after the review."""
    client = Client(raise_request_exception=False)
    during = world.clock.now
    world.clock.stage(world.campaign, stage)
    wrong = []
    try:
        # A session of that moment: the module's would have expired.
        client.force_login(world.cast.expert)
        for route in MATRIX:
            for method, places in route.checks.items():
                if (
                    route.name in ALL_YEAR
                    or "in" not in places
                    or expected(route, method, "in")["expert"] != "A"
                ):
                    continue
                url = url_of(route, world, "in", "expert")
                got = verdict(ask(client, method, url, route.api), method, route.api)
                want = "A" if stage == "decision" and (method, route.name) in READ_AFTER else "H"
                if got != want:
                    wrong.append(f"{method} {route.name} {url}: {got}")
    finally:
        world.clock.at(during)
    assert not wrong, f"at the {stage}, the expert still opens: " + "; ".join(wrong)


def test_every_route_is_in_the_matrix() -> None:
    """A new route cannot escape: it needs an entry (or a reason to be left out), and no entry
    names a route that no longer exists."""
    routes = project_routes()
    listed = [r.name for r in MATRIX]
    assert len(listed) == len(set(listed)), "a route is listed twice"
    missing = sorted(set(routes) - set(listed) - set(EXCLUDED))
    shown = [
        f"{n} ({routes[n][0]}; objects: {', '.join(sorted(routes[n][1])) or '-'})" for n in missing
    ]
    assert not missing, "routes without a matrix entry: " + "; ".join(shown)
    gone = sorted((set(listed) | set(EXCLUDED)) - set(routes))
    assert not gone, "the matrix names routes that no longer exist: " + ", ".join(gone)
    assert not set(listed) & set(EXCLUDED), "a route is both in the matrix and left out"


def test_every_entry_has_a_letter_for_every_role_and_its_known_bugs_are_cells_of_it() -> None:
    for route in MATRIX:
        assert route.checks, route.name
        for method, places in route.checks.items():
            assert method in {"GET", "POST", "PUT", "PATCH", "DELETE"}, (route.name, method)
            for place in places:
                assert set(expected(route, method, place).values()) <= set("ADHL"), (
                    route.name,
                    place,
                )
        assert set(route.bugs) <= set(cells(route)), route.name
