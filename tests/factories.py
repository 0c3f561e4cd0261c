"""factory_boy factories. Units and people go through the account services, as the app creates them."""

from __future__ import annotations

import datetime

import factory

from accounts.models import Role, Unit, UnitKind, User
from accounts.services import unit_create, user_create
from plans.models import Assignment, AssignmentRole, Plan, PlanStatus, ProgressReport, Section, Task

TEST_PASSWORD = "Tracker-test-2020"


class UnitFactory(factory.Factory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"测试单位{n:03d}")
    kind = UnitKind.DEPARTMENT
    short_name = ""
    stage = ""
    ownership = ""
    parent = None
    sort_order = factory.Sequence(int)

    @classmethod
    def _create(cls, model_class, **kwargs):
        return unit_create(actor=None, **kwargs)


class SchoolFactory(UnitFactory):
    name = factory.Sequence(lambda n: f"湖里区第{n + 1}测试小学")
    kind = UnitKind.SCHOOL
    stage = "primary"
    ownership = "public"


class UserFactory(factory.Factory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n:03d}")
    full_name = factory.Sequence(lambda n: f"测试人员{n}")
    role = Role.UNIT_STAFF
    unit = factory.SubFactory(UnitFactory)
    password = TEST_PASSWORD

    @classmethod
    def _create(cls, model_class, **kwargs):
        return user_create(actor=None, **kwargs)


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    title = factory.Sequence(lambda n: f"湖里区教育局2020年工作要点（{n}）")
    doc_number = factory.Sequence(lambda n: f"厦湖教〔2020〕{100 + n}号")
    issuer = "湖里区教育局"
    issued_on = datetime.date(2020, 7, 2)
    plan_year = 2020
    status = PlanStatus.PUBLISHED
    published_at = factory.LazyFunction(lambda: datetime.datetime(2020, 7, 3, tzinfo=datetime.UTC))


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: "一二三四五六七八九十"[n % 10])
    path = factory.LazyAttribute(lambda section: section.number)
    title = factory.Sequence(lambda n: f"第{n}部分")
    position = factory.Sequence(int)


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    plan = factory.SubFactory(PlanFactory)
    section = None
    number = factory.Sequence(lambda n: str(n + 1))
    path = factory.LazyAttribute(lambda task: task.number)
    headline = factory.Sequence(lambda n: f"测试任务{n}")
    text = "任务内容。"
    deadline = datetime.date(2020, 12, 31)
    deadline_text = "年内"
    position = factory.Sequence(int)


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    task = factory.SubFactory(TaskFactory)
    unit = factory.SubFactory(UnitFactory)
    role = AssignmentRole.LEAD


class ProgressReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressReport

    assignment = factory.SubFactory(AssignmentFactory)
    cycle = "monthly"
    period_key = "2020-09"
    period_start = datetime.date(2020, 9, 1)
    period_end = datetime.date(2020, 9, 30)
    text = "按计划推进。"
    percent = 50
    status = "in_progress"
    author = factory.SubFactory(UserFactory)
