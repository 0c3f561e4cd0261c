"""The ranking's Excel export: a title with the period, the weights used, a frozen header, one row per unit."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core import clock
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

D = datetime.datetime
HEADER = [
    "名次",
    "单位",
    "单位类型",
    "得分",
    "应报期数",
    "按时报送",
    "逾期报送",
    "缺报",
    "报送及时率",
    "按时办结",
    "逾期办结",
    "逾期未办结",
    "按时办结率",
    "逾期天数",
    "被督办次数",
    "平均反馈天数",
    "报送扣分",
    "办结扣分",
    "逾期扣分",
    "督办扣分",
    "反馈扣分",
]


@pytest.fixture
def second_quarter(world, bureau, people):
    """Q2 2020: the school reports April on time, May late, June never; the department's task is done on time
    and it was escalated once, answering after a day and a half."""
    school, department = world.plan(
        published=D(2020, 3, 1, 9, 0),
        tasks=[
            {"unit": bureau["school"], "deadline": datetime.date(2020, 12, 31)},
            {"unit": bureau["department"], "deadline": datetime.date(2020, 6, 30), "cycle": "quarterly"},
        ],
    )
    world.report(school, "2020-04", D(2020, 4, 20, 9, 0))
    world.report(school, "2020-05", D(2020, 5, 27, 9, 0))
    dept_staff = UserFactory(unit=bureau["department"], role="unit_staff")
    world.escalate(department, D(2020, 5, 4, 9, 0), D(2020, 5, 5, 21, 0), author=dept_staff)
    world.complete(department, D(2020, 6, 10, 9, 0), D(2020, 6, 12, 9, 0), author=dept_staff)


def export(client, user, query):
    client.force_login(user)
    with clock.frozen_at(D(2020, 9, 1, 10, 0)):
        return client.get(reverse("assessment:ranking_export"), query)


def test_the_workbook_has_the_period_the_weights_a_frozen_header_and_a_row_per_unit(client, people, second_quarter):
    response = export(client, people["leader"], {"period": "2020-Q2"})

    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote('单位考核排名-2020-Q2.xlsx')}"
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "单位考核排名（2020年第2季度）"
    assert sheet["A2"].value == (
        "权重：报送及时 30、按时办结 30、逾期天数 20、被督办 10、督办反馈 10；逾期报送按 0.5 期计；"
        "上限：逾期 60 天、督办 5 次、反馈 10 天。计算截至 2020-07-01 00:00"
    )
    assert [cell.value for cell in sheet[3]] == HEADER
    assert sheet.freeze_panes == "A4"
    assert (sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width) == (6, 34)
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=4)]
    # department: escalated once, 1.5 days → 10 × 1/5 + 10 × 0.15 = 3.50; completed on time
    # school: 1 − (1 + 0.5) / 3 = 0.5 → 30 × 0.5 = 15.00
    assert rows == [
        [1, "基础教育科", "机关科室", 96.5, 0, 0, 0, 0, None, 1, 0, 0, 1, 0, 1, 1.5, 0, 0, 0, 2, 1.5],
        [2, "厦门市湖里区实验小学", "学校", 85, 3, 1, 1, 1, 1 / 3, 0, 0, 0, None, 0, 0, None, 15, 0, 0, 0, 0],
    ]
    assert sheet["D4"].number_format == "0.00"
    assert sheet["I5"].number_format == "0.0%"


def test_the_export_follows_the_unit_kind_filter(client, people, second_quarter):
    response = export(client, people["supervisor"], {"period": "2020-Q2", "kind": "school"})

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "单位考核排名（2020年第2季度） · 学校"
    assert [row[1].value for row in sheet.iter_rows(min_row=4)] == ["厦门市湖里区实验小学"]


def test_an_empty_period_exports_the_title_and_header_only(client, people):
    response = export(client, people["admin"], {"period": "2020-01"})

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert (sheet.max_row, sheet["A1"].value, sheet["A3"].value) == (3, "单位考核排名（2020年1月）", "名次")
    assert Decimal(str(sheet.column_dimensions["P"].width)) == Decimal(12)
