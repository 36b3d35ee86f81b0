"""The campaign workflow: every write of the process, split along the workflow (the campaign,
the school's application, the county review, the city review) and re-exported here.

Pages, the API, commands, jobs and the demo call these functions; nothing repeats their steps.
Each asks the rulebook (``campaigns.rules.check``) before it writes, leaves an audit record with
its ``by`` as the actor and, where the glossary says so, a notification.
"""

from __future__ import annotations

from campuseval.campaigns.rules import (
    FMT,
    DeadlinePassed,
    EditConflict,
    WorkflowError,
    require_open,
    stage_open,
)
from campuseval.campaigns.selectors import latest_facts, submit_problems
from campuseval.campaigns.selectors.city import experts_of
from campuseval.campaigns.selectors.county import quota_usage

from .application import (
    APPLICATION_FIELDS,
    SCHOOL_EDITABLE,
    SELF_SCORE_FIELDS,
    application_create,
    application_submit,
    application_update,
    application_withdraw,
    school_may_edit,
    self_score_save,
    self_scores_save,
)
from .campaign import (
    CAMPAIGN_FIELDS,
    campaign_open,
    campaign_publish,
    campaign_reopen,
    campaign_update,
)
from .carry import CarryReport, application_create_from_last, application_start_from_last
from .city_review import (
    EXPERT_SCORE_FIELDS,
    AssignmentReport,
    application_decide,
    expert_assign,
    expert_score_save,
    expert_scores_save,
    expert_submit,
    expert_unassign,
    experts_assign_auto,
)
from .county_review import (
    COUNTY_SCORE_FIELDS,
    application_recommend,
    application_return,
    county_score_save,
    county_scores_save,
    recommendation_list_file,
)
from .notice import notice_open, objection_record, objection_resolve
from .scores import ScoreInput, parse_score
from .stages import StageEndUnconfirmed, campaign_end_stage

__all__ = [
    "notice_open", "objection_record", "objection_resolve",
    "APPLICATION_FIELDS", "CAMPAIGN_FIELDS", "COUNTY_SCORE_FIELDS", "EXPERT_SCORE_FIELDS", "FMT",
    "SCHOOL_EDITABLE", "SELF_SCORE_FIELDS", "AssignmentReport", "CarryReport", "DeadlinePassed", "EditConflict",
    "ScoreInput", "StageEndUnconfirmed", "WorkflowError", "application_create", "application_create_from_last", "application_decide",
    "application_recommend", "application_return", "application_start_from_last", "application_submit", "application_update",
    "application_withdraw", "campaign_end_stage", "campaign_open", "campaign_publish", "campaign_reopen",
    "campaign_update", "county_score_save", "county_scores_save", "expert_assign",
    "expert_score_save", "expert_scores_save", "expert_submit", "expert_unassign", "experts_of",
    "experts_assign_auto", "latest_facts", "parse_score", "quota_usage",
    "recommendation_list_file", "require_open", "school_may_edit", "self_score_save",
    "self_scores_save", "stage_open", "submit_problems",
]
