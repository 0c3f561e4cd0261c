"""Who may see and do what on the assessment pages: each role, and another unit's explanation is a 404."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from assessment.models import Objection, ScoreWeights
from assessment.periods import period_from_key
from assessment.services import objection_file
from core import clock

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2020, 9, 1, 10, 0)
BUREAU = ["admin", "supervisor", "leader"]
UNIT = ["unit_manager", "unit_staff"]


@pytest.fixture
def handed_out(world, bureau):
    """A plan handed to both schools in March 2020."""
    return world.plan(
        published=datetime.datetime(2020, 3, 1, 9, 0),
        tasks=[
            {"unit": bureau["school"], "deadline": datetime.date(2020, 12, 31)},
            {"unit": bureau["other_school"], "deadline": datetime.date(2020, 12, 31)},
        ],
    )


def get(client, user, name, *args, query=None):
    client.force_login(user)
    with clock.frozen_at(NOW):
        return client.get(reverse(name, args=args), query or {})


@pytest.mark.parametrize(("role", "status"), [*[(r, 200) for r in BUREAU], *[(r, 403) for r in UNIT]])
@pytest.mark.parametrize("name", ["assessment:ranking", "assessment:ranking_export"])
def test_the_ranking_and_its_export_are_for_bureau_roles(client, people, handed_out, name, role, status):
    assert get(client, people[role], name).status_code == status


@pytest.mark.parametrize("role", BUREAU + UNIT)
def test_everyone_may_read_the_schools_explanation_when_they_are_the_bureau_or_the_school(
    client, people, bureau, handed_out, role
):
    response = get(client, people[role], "assessment:unit_detail", bureau["school"].pk)

    assert response.status_code == 200
    assert response.context["unit"] == bureau["school"]


@pytest.mark.parametrize("role", [*UNIT, "other_staff"])
def test_another_units_explanation_is_not_found(client, people, bureau, handed_out, role):
    other = bureau["school"] if role == "other_staff" else bureau["other_school"]

    assert get(client, people[role], "assessment:unit_detail", other.pk).status_code == 404


@pytest.mark.parametrize(
    ("role", "target"),
    [("unit_staff", "school"), ("unit_manager", "school"), ("other_staff", "other_school"), ("supervisor", None)],
)
def test_my_assessment_leads_to_the_users_own_unit_or_the_ranking(client, people, bureau, role, target):
    response = get(client, people[role], "assessment:mine", query={"period": "2020-Q2"})

    expected = (
        reverse("assessment:unit_detail", args=[bureau[target].pk]) + "?period=2020-Q2"
        if target
        else reverse("assessment:ranking")
    )
    assert (response.status_code, response["Location"]) == (302, expected)


@pytest.mark.parametrize(
    ("role", "status"), [("admin", 200), ("supervisor", 403), ("leader", 403), *[(r, 403) for r in UNIT]]
)
def test_only_an_admin_opens_the_weights_page(client, people, role, status):
    assert get(client, people[role], "assessment:weights").status_code == status


@pytest.mark.parametrize("role", ["supervisor", "leader", *UNIT])
def test_a_weights_post_by_anyone_but_an_admin_is_refused_and_changes_nothing(client, people, role):
    client.force_login(people[role])

    response = client.post(reverse("assessment:weights"), {"reports_weight": "10"})

    assert response.status_code == 403
    assert ScoreWeights.objects.count() == 0


@pytest.mark.parametrize(
    ("role", "status"), [("admin", 200), ("supervisor", 200), ("leader", 403), *[(r, 403) for r in UNIT]]
)
def test_objections_are_listed_for_supervisors_and_admins(client, people, role, status):
    assert get(client, people[role], "assessment:objections").status_code == status


@pytest.mark.parametrize(
    ("role", "status"), [("supervisor", 403), ("leader", 403), ("admin", 403), ("other_staff", 404)]
)
def test_only_the_units_own_people_may_object_to_its_score(client, people, bureau, handed_out, role, status):
    client.force_login(people[role])

    with clock.frozen_at(NOW):
        response = client.post(
            reverse("assessment:objection_file", args=[bureau["school"].pk]) + "?period=2020-Q2", {"text": "有异议"}
        )

    assert response.status_code == status
    assert Objection.objects.count() == 0


@pytest.mark.parametrize("role", ["leader", *UNIT])
def test_only_supervisors_and_admins_may_answer_an_objection(client, people, bureau, handed_out, role):
    with clock.frozen_at(NOW):
        objection = objection_file(
            actor=people["unit_staff"], unit=bureau["school"], period=period_from_key("2020-Q2"), text="缺报有误"
        )
    client.force_login(people[role])

    response = client.post(reverse("assessment:objection_answer", args=[objection.pk]), {"answer": "维持"})

    assert response.status_code == 403
    objection.refresh_from_db()
    assert (objection.answer, objection.answered_by, objection.answered_at) == ("", None, None)


@pytest.mark.parametrize(
    "name",
    [
        "assessment:ranking",
        "assessment:ranking_export",
        "assessment:objections",
        "assessment:weights",
        "assessment:mine",
    ],
)
def test_signed_out_visitors_are_sent_to_sign_in(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
