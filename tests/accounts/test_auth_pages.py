"""Chinese sign-in, sign-out and password change."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from tests.factories import TEST_PASSWORD, PlanFactory

pytestmark = pytest.mark.django_db


def test_login_page_is_in_chinese(client):
    page = client.get(reverse("accounts:login")).content.decode()

    assert '<html lang="zh-hans">' in page
    assert "用户名" in page and "密码" in page and ">登录<" in page


def test_login_with_the_right_password_goes_home_and_the_wrong_one_stays(client, people):
    wrong = client.post(reverse("accounts:login"), {"username": "t_staff", "password": "wrong-password"})
    assert wrong.status_code == 200
    assert "用户名或密码不正确。请注意密码区分大小写。" in wrong.content.decode()
    assert "_auth_user_id" not in client.session

    right = client.post(reverse("accounts:login"), {"username": "t_staff", "password": TEST_PASSWORD})
    assert right.status_code == 302 and right["Location"] == reverse("core:home")
    assert client.session["_auth_user_id"] == str(people["unit_staff"].pk)


def test_inactive_user_cannot_sign_in(client, people):
    staff = people["unit_staff"]
    staff.is_active = False
    staff.save()
    response = client.post(reverse("accounts:login"), {"username": "t_staff", "password": TEST_PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200


def test_logout_is_a_post_and_ends_the_session(client, people):
    client.force_login(people["unit_staff"])
    assert client.get(reverse("accounts:logout")).status_code == 405

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session


def test_password_change_applies_the_validators_in_chinese(client, people):
    client.force_login(people["unit_staff"])
    url = reverse("accounts:password_change")

    weak = client.post(url, {"old_password": TEST_PASSWORD, "new_password1": "12345678", "new_password2": "12345678"})
    page = weak.content.decode()
    assert weak.status_code == 200
    assert "这个密码太常见了" in page or "密码太常见" in page
    assert "全都是数字" in page

    good = client.post(
        url, {"old_password": TEST_PASSWORD, "new_password1": "Huli-new-2021!", "new_password2": "Huli-new-2021!"}
    )
    assert good.status_code == 302 and good["Location"] == reverse("accounts:password_change_done")
    people["unit_staff"].refresh_from_db()
    assert people["unit_staff"].check_password("Huli-new-2021!")


def test_dates_show_in_chinese_form(client, people):
    PlanFactory(issued_on=datetime.date(2020, 7, 2), title="湖里区教育局2020年工作要点")
    client.force_login(people["supervisor"])

    page = client.get(reverse("core:home")).content.decode()

    assert "2020年7月2日" in page


def test_english_is_available_through_the_language_switch(client, people):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("accounts:login")})
    assert response.status_code == 302
    page = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="en">' in page and "Log in" in page


def test_unknown_pages_answer_404_in_chinese(client, people):
    client.force_login(people["unit_staff"])
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and "页面不存在" in response.content.decode()
