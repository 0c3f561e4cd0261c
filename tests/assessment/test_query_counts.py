"""The assessment pages run a fixed number of queries, however many units, assignments and reports there are.

Each test measures a page on a small world, grows units, assignments, reports, escalations,
completions and objections tenfold through the services, and measures it again.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role, User
from assessment.periods import period_from_key
from assessment.services import objection_answer, objection_file
from core import clock
from tests.assessment.world import grow

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2020, 9, 1, 10, 0)
SMALL = {"units": 1, "tasks": 1}
LARGE = {"units": 10, "tasks": 10}
QUERY = {"period": "2020-Q2"}


def _objections(people) -> None:
    """Let every school's staff object to its Q2 score; answer every other one."""
    period = period_from_key("2020-Q2")
    with clock.frozen_at(NOW):
        for number, person in enumerate(User.objects.filter(role=Role.UNIT_STAFF).select_related("unit")):
            if person.unit.score_objections.filter(answered_at__isnull=True).exists():
                continue
            objection = objection_file(actor=person, unit=person.unit, period=period, text=f"异议{number}")
            if number % 2:
                objection_answer(actor=people["supervisor"], objection=objection, answer="维持原分")


def _count(client, user, url, query=None) -> int:
    client.force_login(user)
    with clock.frozen_at(NOW), CaptureQueriesContext(connection) as queries:
        response = client.get(url, query or {})
    assert response.status_code == 200
    return len(queries)


@pytest.fixture
def measure(client, world, people, bureau):
    """Return a function that counts a page's queries on a small world and again after tenfold growth."""

    def run(user_role: str, url: str, query=None) -> tuple[int, int]:
        grow(world, explained_unit=bureau["school"], explained_author=people["unit_staff"], label="小", **SMALL)
        _objections(people)
        small = _count(client, people[user_role], url, query)
        grow(world, explained_unit=bureau["school"], explained_author=people["unit_staff"], label="大", **LARGE)
        _objections(people)
        large = _count(client, people[user_role], url, query)
        return small, large

    return run


def test_the_ranking_runs_twelve_queries_at_any_size(measure):
    assert measure("supervisor", reverse("assessment:ranking"), QUERY) == (12, 12)


def test_the_ranking_of_this_year_so_far_filtered_and_sorted_runs_ten_queries_for_a_leader(measure):
    # a leader does not answer objections: no count of open ones
    assert measure("leader", reverse("assessment:ranking"), {"kind": "school", "sort": "-overdue"}) == (10, 10)


def test_the_export_runs_a_fixed_number_of_queries(measure):
    assert measure("supervisor", reverse("assessment:ranking_export"), QUERY) == (9, 9)


def test_the_explanation_runs_a_fixed_number_of_queries_for_the_school(measure, bureau):
    url = reverse("assessment:unit_detail", args=[bureau["school"].pk])

    assert measure("unit_staff", url, QUERY) == (17, 17)


def test_the_explanation_runs_a_fixed_number_of_queries_for_a_supervisor(measure, bureau):
    url = reverse("assessment:unit_detail", args=[bureau["school"].pk])

    assert measure("supervisor", url, QUERY) == (17, 17)


def test_the_objections_list_runs_a_fixed_number_of_queries(measure):
    assert measure("supervisor", reverse("assessment:objections")) == (6, 6)
