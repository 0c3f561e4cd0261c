"""The ranking page: the period selector, the unit-kind filter, sorting, and links to each explanation."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from core import clock

pytestmark = pytest.mark.django_db

D = datetime.datetime
NOW = D(2020, 9, 1, 10, 0)


@pytest.fixture
def three_units(world, bureau, people):
    """Q2 2020 (plan published 1 March, monthly reports due on the 25th):

    - the department misses all three monthly reports: 100 − 30 = 70.00;
    - the school files its quarterly report on time, but its task, due 31 May, is still open at the end of
      June: completion 30, and 30 overdue days (1–30 June) → 20 × 30/60 = 10: 60.00;
    - the other school reports every month on time: 100.00.
    """
    _department, school, other = world.plan(
        published=D(2020, 3, 1, 9, 0),
        tasks=[
            {"unit": bureau["department"], "deadline": datetime.date(2020, 12, 31)},
            {"unit": bureau["school"], "deadline": datetime.date(2020, 5, 31), "cycle": "quarterly"},
            {"unit": bureau["other_school"], "deadline": datetime.date(2020, 12, 31)},
        ],
    )
    world.report(school, "2020-Q2", D(2020, 6, 20, 9, 0))
    for month in (4, 5, 6):
        world.report(other, f"2020-{month:02d}", D(2020, month, 20, 9, 0), author=people["other_staff"])


def page(client, user, query):
    client.force_login(user)
    with clock.frozen_at(NOW):
        return client.get(reverse("assessment:ranking"), query)


def names(response) -> list[tuple[str, int, str]]:
    return [(row.unit.name, row.rank, str(row.score.total)) for row in response.context["rows"]]


def test_units_are_ranked_by_score(client, people, three_units):
    response = page(client, people["leader"], {"period": "2020-Q2"})

    assert names(response) == [
        ("厦门市湖里区金山小学", 1, "100.00"),
        ("基础教育科", 2, "70.00"),
        ("厦门市湖里区实验小学", 3, "60.00"),
    ]
    assert response.context["period"].label == "2020年第2季度"


def test_the_kind_filter_ranks_the_schools_among_themselves(client, people, three_units):
    response = page(client, people["leader"], {"period": "2020-Q2", "kind": "school"})

    assert names(response) == [("厦门市湖里区金山小学", 1, "100.00"), ("厦门市湖里区实验小学", 2, "60.00")]


def test_sorting_by_overdue_days_keeps_ranks_and_orders_ties_by_rank(client, people, three_units):
    response = page(client, people["leader"], {"period": "2020-Q2", "sort": "-overdue"})

    assert names(response) == [
        ("厦门市湖里区实验小学", 3, "60.00"),
        ("厦门市湖里区金山小学", 1, "100.00"),
        ("基础教育科", 2, "70.00"),
    ]
    assert response.context["sort_links"]["overdue"] == {
        "url": "?period=2020-Q2&sort=overdue",
        "aria": "descending",
    }


def test_each_unit_links_to_its_explanation_for_the_same_period(client, people, bureau, three_units):
    response = page(client, people["supervisor"], {"period": "2020-Q2"})

    link = reverse("assessment:unit_detail", args=[bureau["school"].pk]) + "?period=2020-Q2"
    assert f'href="{link}"' in response.content.decode()


def test_a_custom_range_is_read_from_its_dates(client, people, three_units):
    response = page(client, people["leader"], {"from": "2020-04-01", "to": "2020-04-30"})

    assert response.context["period"].label == "2020年4月1日至2020年4月30日"
    # in April only the department owed a report (the school's quarterly one is due in June)
    assert names(response) == [
        ("厦门市湖里区实验小学", 1, "100.00"),
        ("厦门市湖里区金山小学", 1, "100.00"),
        ("基础教育科", 3, "70.00"),
    ]


def test_an_incomplete_custom_range_falls_back_to_this_year_and_says_why(client, people, three_units):
    response = page(client, people["leader"], {"period": "custom", "from": "2020-04-01"})

    assert response.context["period"].label == "2020年（1月1日至9月1日）"
    assert response.context["form"].non_field_errors() == ["自定义期间请同时填写开始日期和结束日期。"]


def test_the_default_is_this_year_so_far(client, people, three_units):
    response = page(client, people["leader"], {})

    assert (response.context["period"].start, response.context["period"].end) == (
        datetime.date(2020, 1, 1),
        datetime.date(2020, 9, 1),
    )
