from __future__ import annotations

from django.urls import path

from . import manage_views, two_factor_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/token/", two_factor_views.login_token_view, name="login_token"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change_view, name="password_change"),
    # My account, for everyone logged in.
    path("me/", views.me_view, name="me"),
    path("me/two-factor/", two_factor_views.two_factor_setup_view, name="two_factor_setup"),
    path("me/two-factor/off/", two_factor_views.two_factor_off_view, name="two_factor_off"),
    path("me/recovery-codes/", two_factor_views.recovery_codes_view, name="recovery_codes"),
    path("me/tokens/<int:pk>/revoke/", views.token_revoke_view, name="token_revoke"),
    # Account management, for platform administrators.
    path("users/", manage_views.user_list, name="user_list"),
    path("users/new/", manage_views.user_create, name="user_create"),
    path("users/<int:pk>/", manage_views.user_detail, name="user_detail"),
    path("users/<int:pk>/edit/", manage_views.user_edit, name="user_edit"),
    path("users/<int:pk>/roles/", manage_views.role_grant, name="role_grant"),
    path(
        "users/<int:pk>/roles/<int:role_pk>/revoke/",
        manage_views.role_revoke,
        name="role_revoke",
    ),
    path("users/<int:pk>/password/", manage_views.password_reset, name="password_reset"),
    path("users/<int:pk>/unlock/", manage_views.account_unlock, name="account_unlock"),
    path("users/<int:pk>/enrolment-code/", manage_views.enrolment_code_issue, name="enrolment_code_issue"),
    path(
        "users/<int:pk>/two-factor/reset/",
        manage_views.two_factor_reset,
        name="two_factor_reset",
    ),
]
