"""Objections (异议): a unit objects to its score, a supervisor answers, the unit is told; all of it on record."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from assessment.models import Objection
from audit.models import AuditEvent
from core import clock
from notifications.models import Notification

pytestmark = pytest.mark.django_db

D = datetime.datetime
FILED = D(2020, 9, 1, 10, 0)
ANSWERED = D(2020, 9, 3, 16, 30)


@pytest.fixture
def school_missed_may(world, bureau):
    """The school reports April on time and misses May and June (Q2: 1 of 3 → 100 − 30 × 2/3 = 80.00)."""
    (assignment,) = world.plan(
        published=D(2020, 3, 1, 9, 0), tasks=[{"unit": bureau["school"], "deadline": datetime.date(2020, 12, 31)}]
    )
    world.report(assignment, "2020-04", D(2020, 4, 20, 9, 0))
    return assignment


def last_message(response) -> str:
    return [str(message) for message in get_messages(response.wsgi_request)][-1]


def file(client, user, unit, text, period="2020-Q2"):
    client.force_login(user)
    with clock.frozen_at(FILED):
        return client.post(reverse("assessment:objection_file", args=[unit.pk]) + f"?period={period}", {"text": text})


def test_the_school_files_an_objection_and_the_supervisors_are_told(client, people, bureau, school_missed_may):
    response = file(client, people["unit_staff"], bureau["school"], "5月已通过纸质报送，请核实。")

    assert response.status_code == 302
    assert (
        response["Location"]
        == reverse("assessment:unit_detail", args=[bureau["school"].pk]) + "?period=2020-Q2#objections"
    )
    objection = Objection.objects.get()
    assert (
        objection.unit,
        objection.period_key,
        objection.period_start,
        objection.period_end,
        objection.score,
        objection.text,
        objection.filed_by,
        objection.is_open,
    ) == (
        bureau["school"],
        "2020-Q2",
        datetime.date(2020, 4, 1),
        datetime.date(2020, 6, 30),
        Decimal("80.00"),
        "5月已通过纸质报送，请核实。",
        people["unit_staff"],
        True,
    )
    assert list(Notification.objects.filter(kind="objection").values_list("recipient", "title", "url")) == [
        (people["supervisor"].pk, "考核异议：厦门市湖里区实验小学（2020年第2季度）", reverse("assessment:objections"))
    ]
    assert (
        AuditEvent.objects.filter(
            verb="objection.file", object_id=str(objection.pk), actor=people["unit_staff"]
        ).count()
        == 1
    )


def test_a_second_objection_for_the_same_period_waits_for_the_first_answer(client, people, bureau, school_missed_may):
    file(client, people["unit_staff"], bureau["school"], "第一次异议")

    response = file(client, people["unit_manager"], bureau["school"], "第二次异议")

    assert last_message(response) == "本单位对这一期间的异议尚未答复，请等待答复后再提出。"
    assert list(Objection.objects.values_list("text", flat=True)) == ["第一次异议"]


def test_an_empty_objection_is_refused(client, people, bureau, school_missed_may):
    response = file(client, people["unit_staff"], bureau["school"], "   ")

    assert response.status_code == 302
    assert Objection.objects.count() == 0


def test_the_supervisor_answers_and_the_schools_people_are_told(client, people, bureau, school_missed_may):
    file(client, people["unit_staff"], bureau["school"], "5月已通过纸质报送，请核实。")
    objection = Objection.objects.get()
    client.force_login(people["supervisor"])

    with clock.frozen_at(ANSWERED):
        waiting = client.get(reverse("assessment:objections"))
        response = client.post(
            reverse("assessment:objection_answer", args=[objection.pk]),
            {"answer": "经核实，5月未在系统报送，维持原分。"},
        )

    assert [o.pk for o in waiting.context["waiting"]] == [objection.pk]
    assert response.status_code == 302
    objection.refresh_from_db()
    assert (objection.answer, objection.answered_by, objection.answered_at, objection.is_open) == (
        "经核实，5月未在系统报送，维持原分。",
        people["supervisor"],
        timezone.make_aware(ANSWERED),
        False,
    )
    told = Notification.objects.filter(kind="objection").exclude(recipient=people["supervisor"])
    assert sorted(told.values_list("recipient", "title", "body", "url")) == sorted(
        (
            person.pk,
            "考核异议已答复：2020年第2季度",
            "经核实，5月未在系统报送，维持原分。",
            reverse("assessment:unit_detail", args=[bureau["school"].pk]) + "?period=2020-Q2",
        )
        for person in (people["unit_manager"], people["unit_staff"])
    )
    event = AuditEvent.objects.get(verb="objection.answer")
    assert (event.actor, event.changes["answer"]) == (people["supervisor"], ["", "经核实，5月未在系统报送，维持原分。"])
    listed = client.get(reverse("assessment:objections"))
    assert (listed.context["waiting"], [o.pk for o in listed.context["answered"]]) == ([], [objection.pk])


def test_an_answered_objection_cannot_be_answered_again(client, people, bureau, school_missed_may):
    file(client, people["unit_staff"], bureau["school"], "有异议")
    objection = Objection.objects.get()
    client.force_login(people["supervisor"])
    with clock.frozen_at(ANSWERED):
        client.post(reverse("assessment:objection_answer", args=[objection.pk]), {"answer": "第一次答复"})

    response = client.post(reverse("assessment:objection_answer", args=[objection.pk]), {"answer": "第二次答复"})

    assert last_message(response) == "这条异议已经答复过了。"
    objection.refresh_from_db()
    assert objection.answer == "第一次答复"
    assert AuditEvent.objects.filter(verb="objection.answer").count() == 1


def test_the_school_sees_its_objection_and_the_answer_on_its_page(client, people, bureau, school_missed_may):
    file(client, people["unit_staff"], bureau["school"], "有异议")
    objection = Objection.objects.get()
    client.force_login(people["supervisor"])
    with clock.frozen_at(ANSWERED):
        client.post(reverse("assessment:objection_answer", args=[objection.pk]), {"answer": "维持原分"})
    client.force_login(people["unit_manager"])

    with clock.frozen_at(ANSWERED):
        page = client.get(reverse("assessment:unit_detail", args=[bureau["school"].pk]), {"period": "2020-Q2"})

    assert [(o.text, o.answer) for o in page.context["found"].objections] == [("有异议", "维持原分")]
    assert page.context["can_object"] is True  # answered: the school may object again


def test_an_objection_to_this_year_so_far_keeps_the_days_it_was_about(client, people, bureau, school_missed_may):
    client.force_login(people["unit_staff"])
    with clock.frozen_at(FILED):
        client.post(reverse("assessment:objection_file", args=[bureau["school"].pk]), {"text": "有异议"})

    objection = Objection.objects.get()
    assert (objection.period_key, objection.period_start, objection.period_end) == (
        "2020-01-01~2020-09-01",
        datetime.date(2020, 1, 1),
        datetime.date(2020, 9, 1),
    )
