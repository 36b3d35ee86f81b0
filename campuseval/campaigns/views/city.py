"""The campaign pages every user sees (list, detail) and the city administrator's settings and
reopenings. Expert assignment, decisions and publication are in ``city_review``; the public
results in ``public``.

Objects come through ``campaigns.access`` (404 outside scope); pages for an action a role may
never take are a 403 (the gate's message). Every write is one service call; its refusal is
shown as it is.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from campuseval.accounts.gates import gate_required, signed_in
from campuseval.accounts.models import Role
from campuseval.accounts.scope import has_role, is_admin
from campuseval.campaigns import access, services
from campuseval.campaigns.forms import CampaignForm, ReopenForm, campaign_initial
from campuseval.campaigns.models import Stage
from campuseval.campaigns.presenters.city import CampaignRow
from campuseval.campaigns.presenters.deadlines import stage_now, timeline
from campuseval.campaigns.selectors.city import has_applications, reopenings, status_counts
from campuseval.campaigns.selectors.county import quota_usage
from campuseval.campaigns.selectors.school import my_applications
from campuseval.campaigns.selectors.stages import endable_stage
from campuseval.regions.selectors import schools_for
from campuseval.rubrics.selectors import rubric_choices

city_admin_required = gate_required("city")


def _shows_counts(user: Any) -> bool:
    return is_admin(user) or has_role(user, Role.OBSERVER)


def _add_errors(form: CampaignForm, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        target = {"city_id": "city", "rubric_id": "rubric"}.get(name, name)
        form.add_error(target if target in form.fields else None, errors)


# --- every user: list and detail --------------------------------------------------------


@login_required
@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = list(access.campaigns_for(request.user))
    now = timezone.now()
    show_counts = _shows_counts(request.user)
    counts = status_counts(request.user, campaigns) if show_counts and campaigns else {}
    rows = [CampaignRow(c, stage_now(c, now), counts.get(c.pk, [])) for c in campaigns]
    return render(
        request,
        "campaigns/city/campaign_list.html",
        {"rows": rows, "show_counts": show_counts, "may_create": has_role(request.user, Role.CITY_ADMIN)},
    )


@login_required
@require_GET
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    campaign = access.campaign_for_viewer(user, pk)
    now = timezone.now()
    runs_it = access.runs(user, campaign)
    show_counts = _shows_counts(user)
    context: dict[str, Any] = {
        "campaign": campaign,
        "stage": stage_now(campaign, now),
        "timeline": timeline(campaign, now),
        "runs_it": runs_it,
        "counts": status_counts(user, [campaign]).get(campaign.pk, []) if show_counts else [],
        "show_counts": show_counts,
        "county_admin": has_role(user, Role.COUNTY_ADMIN),
        "school_user": has_role(user, Role.SCHOOL_USER),
        "my_applications": list(my_applications(user).filter(campaign=campaign)),
        "expert": has_role(user, Role.EXPERT),
        "my_reviews": access.assignments_for(user).filter(application__campaign=campaign).count(),
        # The same counties as the quota pages and the API show this user.
        "quotas": [(county, quota_usage(campaign, county)) for county in access.quota_counties(user, campaign)],
        "reopenings": reopenings(campaign, 5) if runs_it else [],
        "endable": endable_stage(campaign) if runs_it else None,
    }
    return render(request, "campaigns/city/campaign_detail.html", context)


# --- city administrators: settings ------------------------------------------------------


@city_admin_required
@require_http_methods(["GET", "POST"])
def campaign_create(request: HttpRequest) -> HttpResponse:
    cities = access.cities_run_by(request.user)
    year = timezone.localdate().year
    form = CampaignForm(
        request.POST or None,
        cities=cities,
        initial={"year": year, "name": f"{year}年智慧校园创建", "city": cities.first()},
    )
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        try:
            campaign = services.campaign_open(by=signed_in(request), **fields)
        except ValidationError as exc:
            _add_errors(form, exc)
        except services.WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已创建年度创建：{campaign.name}")
            return redirect("campaigns:campaign_detail", pk=campaign.pk)
    return render(request, "campaigns/city/campaign_form.html", {"form": form, "campaign": None})


@city_admin_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = access.campaign_run_by(request.user, pk)
    rubrics = rubric_choices(keep=campaign.rubric_id)
    form = CampaignForm(
        request.POST or None,
        cities=access.cities_run_by(request.user),
        rubrics=rubrics,
        rubric_locked=has_applications(campaign),
        city_locked=True,
        initial=campaign_initial(campaign),
    )
    ends: list[Any] = []
    if request.method == "POST" and form.is_valid():
        confirmed = request.POST.get("confirm_stage_end") == "1"
        try:
            services.campaign_update(
                by=signed_in(request), campaign=campaign, confirm_stage_end=confirmed, **form.service_fields()
            )
        except services.StageEndUnconfirmed as exc:
            campaign.refresh_from_db()
            ends = exc.ends
        except ValidationError as exc:
            campaign.refresh_from_db()
            _add_errors(form, exc)
        except services.WorkflowError as exc:
            campaign.refresh_from_db()
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已保存年度创建：{campaign.name}")
            return redirect("campaigns:campaign_detail", pk=campaign.pk)
    return render(
        request, "campaigns/city/campaign_form.html", {"form": form, "campaign": campaign, "ends": ends}
    )


@city_admin_required
@require_GET
def quota_fields(request: HttpRequest) -> HttpResponse:
    """The per-tier quota inputs for the rubric chosen in the campaign form (htmx)."""
    form = CampaignForm(
        None, cities=access.cities_run_by(request.user), initial={"rubric": request.GET.get("rubric")}
    )
    return render(request, "campaigns/city/_quota_fields.html", {"form": form})


@city_admin_required
@require_http_methods(["GET", "POST"])
def campaign_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = access.campaign_run_by(request.user, pk)
    schools = schools_for(request.user).filter(county__parent=campaign.city).order_by("county__code", "code")
    form = ReopenForm(request.POST or None, schools=schools)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.campaign_reopen(
                by=signed_in(request),
                campaign=campaign,
                school=data["school"],
                stage=data["stage"],
                until=data["until"],
                reason=data["reason"],
            )
        except (services.WorkflowError, ValidationError) as exc:
            form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, f"已为{data['school']}重新开放“{Stage(data['stage']).label}”")
            return redirect("campaigns:campaign_reopen", pk=campaign.pk)
    return render(
        request,
        "campaigns/city/campaign_reopen.html",
        {"campaign": campaign, "form": form, "reopenings": reopenings(campaign), "now": timezone.now()},
    )


