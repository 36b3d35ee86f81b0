"""Password rules (等保 2.0): at least 10 characters, 3 classes of character, not common."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password

from campuseval.accounts.passwords import generate_password
from tests.conftest import PASSWORD

from .conftest import log_in, logged_in


def change(client, new: str):
    return client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab1!short", "密码太短：至少须包含 10 个字符。"),
        ("abcdefghijkl1", "密码须包含大写字母、小写字母、数字、符号中的至少 3 类"),
        ("ABCDEFGHIJKL-", "密码须包含大写字母、小写字母、数字、符号中的至少 3 类"),
        ("Password123", "这个密码太常见了。"),
        ("1234567890123", "这个密码太常见了。"),
    ],
)
def test_it_refuses_a_weak_password_in_chinese(client, cast, password, message):
    client.force_login(cast.school_user_a)

    response = change(client, password)

    assert response.status_code == 200
    assert message in response.content.decode()
    cast.school_user_a.refresh_from_db()
    assert cast.school_user_a.check_password(PASSWORD)


def test_it_accepts_a_strong_password_and_logs_in_with_it(client, cast):
    client.force_login(cast.school_user_a)

    response = change(client, "Kx7!mQ2#pLz9")

    assert response.status_code == 302
    client.logout()
    assert log_in(client, "schoola", "Kx7!mQ2#pLz9").status_code == 302
    assert logged_in(client)


def test_it_refuses_the_wrong_current_password(client, cast):
    client.force_login(cast.school_user_a)

    response = client.post(
        "/accounts/password/",
        {"old_password": "nope", "new_password1": "Kx7!mQ2#pLz9", "new_password2": "Kx7!mQ2#pLz9"},
    )

    assert "当前密码不正确" in response.content.decode()


def test_it_generates_passwords_that_meet_the_rules(db):
    for _ in range(200):
        validate_password(generate_password())


CONTEXT_MESSAGE = "密码不能只由常见词（如 campus、智慧校园、所在城市或学校的名称）加数字、符号组成"


@pytest.mark.parametrize("password", ["Campus2026", "Zhihui#Xiaoyuan-2026", "智慧校园@2026Ab", "SmartCampus#2026"])
def test_it_refuses_a_password_of_the_platforms_own_words_and_digits(client, cast, password):
    client.force_login(cast.school_user_a)

    response = change(client, password)

    assert response.status_code == 200
    assert CONTEXT_MESSAGE in response.content.decode()
    cast.school_user_a.refresh_from_db()
    assert cast.school_user_a.check_password(PASSWORD)


def test_it_refuses_the_users_school_or_city_with_digits_but_not_a_word_among_others(cast):
    school, city = cast.school_a, cast.school_a.county.parent
    for weak in (f"{school.name}Ab1!", f"{city.name}Ab-2026#", f"X{city.name.removesuffix('市')}y@20260101"):
        with pytest.raises(Exception, match="常见词"):
            validate_password(weak, cast.school_user_a)
    validate_password("MyCampusRocks!7xQ", cast.school_user_a)
    validate_password(f"{city.name}Kx7!mQ2#pLz9", cast.school_user_a)
