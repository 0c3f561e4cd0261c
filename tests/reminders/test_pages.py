"""The reminder pages: the bureau's log (催办记录) with its filters, details and retry; everyone's message settings;
a unit manager's group robots; and the admin of all this.

The log's world, built through the services on the dates a real September would have them:

  14 Sep 2020 10:00  the supervisor reminds by hand 2 书香校园 (school and other school, the latter as co-unit)
                     and escalates it by hand for the school
  21 Sep 2020 09:00  the deadline scan (a Monday): 3 课后服务 (school, due 24 Sep) gets a 临期提醒,
                     4 安全排查 (other school, due 15 Sep, 6 days late) an 逾期催办 and a 蓝色督办

The school has a WeCom robot and two members with e-mail; the other school a DingTalk robot and one member
with e-mail. The school's robot message about the manual reminder failed after two attempts; its e-mails arrived.
"""

from __future__ import annotations

import datetime
import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, Unit, User
from audit.models import AuditEvent
from core import clock
from notifications.models import Notification
from plans.models import Escalation, Reminder
from plans.services.supervision import escalation_raise, reminder_send
from reminders.models import (
    AttemptOutcome,
    Channel,
    ChannelPreference,
    Delivery,
    DeliveryAttempt,
    DeliveryState,
    ScanRun,
    UnitRobot,
)
from reminders.scans import scan_deadlines
from reminders.services import unit_robot_save
from tests.factories import AssignmentFactory, PlanFactory, TaskFactory, UserFactory

pytestmark = pytest.mark.django_db

MANUAL_AT = datetime.datetime(2020, 9, 14, 10, 0)
SCAN_AT = datetime.datetime(2020, 9, 21, 9, 0)
NOW = datetime.datetime(2020, 9, 21, 11, 0)
WECOM_URL = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=school-wecom-token-0001"
DINGTALK_URL = "https://oapi.dingtalk.com/robot/send?access_token=other-dingtalk-token-0002"
DINGTALK_SECRET = "SEC-other-school-signing-secret"


@dataclass
class LogWorld:
    school: Unit
    other_school: Unit
    manual_school: Reminder
    manual_other: Reminder
    manual_escalation: Escalation
    before_deadline: Reminder
    overdue: Reminder
    blue: Escalation
    failed_robot: Delivery
    school_robot: UnitRobot
    other_robot: UnitRobot


def _aware(moment: datetime.datetime) -> datetime.datetime:
    return timezone.make_aware(moment)


def _fail(delivery: Delivery, *, attempts: int, detail: str) -> None:
    """Record `attempts` failed tries of a delivery, as the sender would have."""
    for number in range(1, attempts + 1):
        DeliveryAttempt.objects.create(
            delivery=delivery,
            number=number,
            worker="worker-1:4242",
            started_at=_aware(MANUAL_AT) + datetime.timedelta(minutes=number),
            finished_at=_aware(MANUAL_AT) + datetime.timedelta(minutes=number, seconds=2),
            outcome=AttemptOutcome.FAILED,
            detail=detail,
        )
    Delivery.objects.filter(pk=delivery.pk).update(state=DeliveryState.FAILED, attempts=attempts, last_error=detail)


def _deliver(deliveries) -> None:
    for delivery in deliveries:
        DeliveryAttempt.objects.create(
            delivery=delivery,
            number=1,
            worker="worker-1:4242",
            started_at=delivery.created_at,
            finished_at=delivery.created_at,
            outcome=AttemptOutcome.OK,
            detail="250 OK",
        )
        Delivery.objects.filter(pk=delivery.pk).update(
            state=DeliveryState.SENT, attempts=1, sent_at=delivery.created_at
        )


@pytest.fixture
def world(people, bureau) -> LogWorld:
    school, other_school = bureau["school"], bureau["other_school"]
    supervisor, manager = people["supervisor"], people["unit_manager"]
    UserFactory(username="t_li", role=Role.UNIT_STAFF, unit=school, email="li@example.cn", phone="13812345678")
    UserFactory(username="t_wang", role=Role.UNIT_STAFF, unit=school, email="wang@example.cn")
    UserFactory(username="t_zhou", role=Role.UNIT_STAFF, unit=other_school, email="zhou@example.cn")
    admin = people["admin"]
    school_robot = unit_robot_save(
        actor=manager, unit=school, kind="wecom", webhook_url=WECOM_URL, secret=None, is_active=True
    )
    other_robot = unit_robot_save(
        actor=admin,
        unit=other_school,
        kind="dingtalk",
        webhook_url=DINGTALK_URL,
        secret=DINGTALK_SECRET,
        is_active=True,
    )
    plan = PlanFactory()
    reading = TaskFactory(plan=plan, path="2", headline="书香校园建设", deadline=datetime.date(2020, 12, 31))
    after_school = TaskFactory(plan=plan, path="3", headline="课后服务全覆盖", deadline=datetime.date(2020, 9, 24))
    safety = TaskFactory(plan=plan, path="4", headline="校园安全隐患排查", deadline=datetime.date(2020, 9, 15))
    reading_school = AssignmentFactory(task=reading, unit=school)
    reading_other = AssignmentFactory(task=reading, unit=other_school, role="co")
    AssignmentFactory(task=after_school, unit=school)
    AssignmentFactory(task=safety, unit=other_school)

    with clock.frozen_at(MANUAL_AT):
        manual_school, manual_other = reminder_send(
            actor=supervisor, assignments=[reading_school, reading_other], message="请本周内报送读书活动照片。"
        )
        manual_escalation = escalation_raise(actor=supervisor, assignment=reading_school, reason="连续两月未报送。")
    scan_deadlines(now=_aware(SCAN_AT))

    failed_robot = Delivery.objects.get(reminder=manual_school, channel=Channel.WECOM)
    _fail(failed_robot, attempts=2, detail="企业微信返回错误 93000：invalid webhook url")
    _deliver(Delivery.objects.filter(reminder=manual_school, channel=Channel.EMAIL))
    Notification.objects.filter(reminder=manual_school, recipient=manager).update(read_at=_aware(MANUAL_AT))
    failed_robot.refresh_from_db()
    return LogWorld(
        school=school,
        other_school=other_school,
        manual_school=manual_school,
        manual_other=manual_other,
        manual_escalation=manual_escalation,
        before_deadline=Reminder.objects.get(kind="before_deadline"),
        overdue=Reminder.objects.get(kind="overdue"),
        blue=Escalation.objects.get(level="blue"),
        failed_robot=failed_robot,
        school_robot=school_robot,
        other_robot=other_robot,
    )


def _rows(client, **query) -> list:
    with clock.frozen_at(NOW):
        response = client.get(reverse("reminders:log"), query)
    assert response.status_code == 200
    return list(response.context["rows"])


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _delivery_state() -> list[tuple]:
    return list(Delivery.objects.order_by("pk").values_list("pk", "state", "attempts", "not_before", "queued_at"))


# ---- who may open what ----------------------------------------------------------------------------------

LOG_ACCESS = {
    "admin": 200,
    "supervisor": 200,
    "leader": 200,
    "unit_manager": 403,
    "unit_staff": 403,
    "other_staff": 403,
}


@pytest.mark.parametrize(("role", "expected"), LOG_ACCESS.items())
def test_the_log_and_its_details_open_for_the_bureau_only(client, people, world, role, expected):
    client.force_login(people[role])
    urls = [
        reverse("reminders:log"),
        reverse("reminders:log") + "?tab=escalations",
        reverse("reminders:log_detail", args=["reminder", world.manual_school.pk]),
        reverse("reminders:log_detail", args=["escalation", world.blue.pk]),
    ]

    with clock.frozen_at(NOW):
        statuses = [client.get(url).status_code for url in urls]

    assert statuses == [expected] * len(urls)


def test_anonymous_visitors_are_sent_to_sign_in_from_every_reminder_page(client, world):
    urls = [
        reverse("reminders:log"),
        reverse("reminders:log_detail", args=["reminder", world.manual_school.pk]),
        reverse("reminders:settings"),
    ]
    for url in urls:
        response = client.get(url)
        assert (response.status_code, response.url) == (302, f"{reverse('accounts:login')}?next={url}")
    before = _delivery_state()
    response = client.post(reverse("reminders:delivery_retry", args=[world.failed_robot.pk]))
    assert response.status_code == 302
    assert _delivery_state() == before


@pytest.mark.parametrize("role", ["admin", "supervisor", "leader", "unit_manager", "unit_staff", "other_staff"])
def test_everyone_signed_in_may_open_their_message_settings(client, people, role):
    client.force_login(people[role])

    response = client.get(reverse("reminders:settings"))

    assert response.status_code == 200
    assert ("群机器人" in response.content.decode()) == (role == "unit_manager")


def test_a_detail_of_a_record_that_does_not_exist_is_not_found(client, people, world):
    client.force_login(people["supervisor"])
    missing = Reminder.objects.order_by("-pk").first().pk + 100

    assert client.get(reverse("reminders:log_detail", args=["reminder", missing])).status_code == 404
    assert client.get(reverse("reminders:log_detail", args=["something", world.blue.pk])).status_code == 404


# ---- the log --------------------------------------------------------------------------------------------


def test_the_log_lists_every_reminder_newest_first_with_each_channel_summed_up(client, people, world):
    client.force_login(people["supervisor"])

    with clock.frozen_at(NOW):
        response = client.get(reverse("reminders:log"))

    rows = list(response.context["rows"])
    assert [row.pk for row in rows] == [
        world.overdue.pk,
        world.before_deadline.pk,
        *sorted([world.manual_school.pk, world.manual_other.pk], reverse=True),
    ]
    manual = next(row for row in rows if row.pk == world.manual_school.pk)
    assert [channel.text for channel in manual.channels] == [
        "站内消息 4人（已读 1）",
        "邮件 2/2 已送达",
        "企业微信 发送失败",
    ]
    assert [channel.attempts_text for channel in manual.channels] == ["", "尝试2次", "尝试2次"]
    assert manual.has_failure
    content = response.content.decode()
    assert "2020年9月14日 10:00" in content
    assert "人工催办" in content and "临期提醒" in content and "逾期催办" in content
    assert content.count('class="has-failure"') == 1
    assert "系统" in content and str(people["supervisor"]) in content
    assert "school-wecom-token" not in content


def test_the_escalation_tab_lists_manual_and_automatic_escalations(client, people, world):
    client.force_login(people["leader"])

    rows = _rows(client, tab="escalations")

    assert [(row.pk, row.level) for row in rows] == [(world.blue.pk, "blue"), (world.manual_escalation.pk, "manual")]
    assert [channel.channel for channel in rows[0].channels] == ["inbox", "email", "dingtalk"]


def test_the_summary_strip_counts_todays_and_this_months_deliveries_and_names_the_latest_scans(client, people, world):
    client.force_login(people["supervisor"])

    with clock.frozen_at(NOW):
        response = client.get(reverse("reminders:log"))

    (today_label, today), (month_label, month) = response.context["counts"]
    assert (today_label, month_label) == ("今天", "本月")
    scan_day = Delivery.objects.filter(created_at__gte=_aware(datetime.datetime(2020, 9, 21)))
    assert (today.sent, today.waiting, today.failed) == (0, scan_day.count(), 0)
    assert (month.sent, month.waiting, month.failed) == (2, Delivery.objects.count() - 3, 1)
    scans = dict(response.context["scans"])
    run = ScanRun.objects.get()
    assert scans == {"完成时限扫描": run, "报送周期扫描": None}
    content = response.content.decode()
    assert "新增催办 2、督办 1" in content
    assert "尚未运行" in content


FILTERS = [
    ({"kind": "manual"}, {"manual_school", "manual_other"}),
    ({"kind": "before_deadline"}, {"before_deadline"}),
    ({"source": "system"}, {"before_deadline", "overdue"}),
    ({"source": "manual"}, {"manual_school", "manual_other"}),
    ({"unit": "school"}, {"manual_school", "before_deadline"}),
    ({"channel": "wecom"}, {"manual_school", "before_deadline"}),
    ({"channel": "dingtalk"}, {"manual_other", "overdue"}),
    ({"channel": "inbox"}, {"manual_school", "manual_other", "before_deadline", "overdue"}),
    ({"state": "failed"}, {"manual_school"}),
    ({"state": "pending"}, {"manual_other", "before_deadline", "overdue"}),
    ({"state": "sent"}, set()),
    ({"channel": "email", "state": "sent"}, {"manual_school"}),
    ({"channel": "inbox", "state": "failed"}, set()),
    ({"date_from": "2020-09-21"}, {"before_deadline", "overdue"}),
    ({"date_to": "2020-09-20"}, {"manual_school", "manual_other"}),
    ({"date_from": "2020-09-14", "date_to": "2020-09-14"}, {"manual_school", "manual_other"}),
    ({"unit": "school", "source": "system"}, {"before_deadline"}),
    ({"tab": "escalations", "kind": "blue"}, {"blue"}),
    ({"tab": "escalations", "source": "manual"}, {"manual_escalation"}),
    ({"tab": "escalations", "unit": "school"}, {"manual_escalation"}),
    ({"tab": "escalations", "channel": "wecom"}, {"manual_escalation"}),
]


@pytest.mark.parametrize(("query", "expected"), FILTERS)
def test_each_filter_narrows_the_log(client, people, world, query, expected):
    client.force_login(people["supervisor"])
    names = {
        getattr(world, name).pk: name
        for name in ("manual_school", "manual_other", "before_deadline", "overdue", "manual_escalation", "blue")
        if isinstance(getattr(world, name), Escalation) == (query.get("tab") == "escalations")
    }
    units = {"school": world.school.pk, "other_school": world.other_school.pk}
    query = {key: str(units.get(value, value)) if key == "unit" else value for key, value in query.items()}

    rows = _rows(client, **query)

    assert {names[row.pk] for row in rows} == expected


def test_nonsense_in_the_filters_is_ignored_and_said_so(client, people, world):
    client.force_login(people["supervisor"])

    with clock.frozen_at(NOW):
        response = client.get(
            reverse("reminders:log"),
            {"kind": "blue", "channel": "fax", "state": "lost", "unit": "x", "date_from": "2020-13-01", "source": "?"},
        )

    assert response.status_code == 200
    assert len(response.context["rows"]) == 4
    assert set(response.context["filters"].errors) == {"kind", "channel", "state", "unit", "date_from", "source"}
    assert "部分筛选条件无法识别，已忽略。" in response.content.decode()


def test_the_log_keeps_its_filters_on_the_other_tab_and_across_pages(client, people, world):
    client.force_login(people["supervisor"])

    with clock.frozen_at(NOW):
        response = client.get(reverse("reminders:log"), {"kind": "manual", "state": "failed", "unit": world.school.pk})

    content = response.content.decode()
    assert f'href="?tab=escalations&amp;state=failed&amp;unit={world.school.pk}"' in content
    assert response.context["query"] == f"tab=reminders&kind=manual&state=failed&unit={world.school.pk}"


def test_the_log_pages_by_fifty(client, people, world, bureau):
    client.force_login(people["supervisor"])
    plan = PlanFactory()
    assignments = [AssignmentFactory(task=TaskFactory(plan=plan), unit=bureau["department"]) for _ in range(50)]
    with clock.frozen_at(NOW):
        reminder_send(actor=people["supervisor"], assignments=assignments)

    first = _rows(client)
    second = _rows(client, page="2")

    assert (len(first), len(second)) == (50, 4)
    assert second[-1].pk == world.manual_school.pk


# ---- one record's deliveries ----------------------------------------------------------------------------


def test_a_records_detail_shows_each_delivery_with_its_attempts_and_hides_tokens_and_phone_digits(
    client, people, world
):
    client.force_login(people["supervisor"])
    li = User.objects.get(username="t_li")
    Delivery.objects.create(
        key=f"r{world.manual_school.pk}:sms:u{li.pk}",
        reminder=world.manual_school,
        channel=Channel.SMS,
        recipient=li,
        address=li.phone,
        subject="催办",
        text="请报送。",
        created_at=_aware(MANUAL_AT),
    )
    url = reverse("reminders:log_detail", args=["reminder", world.manual_school.pk])

    with clock.frozen_at(NOW):
        fragment = client.get(url, headers={"HX-Request": "true"})
        page = client.get(url)

    content = fragment.content.decode()
    assert "<html" not in content and "<html" in page.content.decode()
    assert "138****5678" in content and "13812345678" not in content
    assert "厦门市湖里区实验小学 企业微信群机器人" in content
    assert "school-wecom-token" not in content and "school-wecom-token" not in page.content.decode()
    assert "li@example.cn" in content and "wang@example.cn" in content
    assert "第1次" in content and "第2次" in content
    assert "worker-1:4242" in content
    assert content.count("企业微信返回错误 93000：invalid webhook url") == 3  # the row's error and both attempts
    assert content.count(">重发</button>") == 1
    assert "请本周内报送读书活动照片。" in content
    assert "已读" in content and "未读" in content


def test_a_supervisor_resends_a_failed_delivery_and_it_is_queued_and_audited(client, people, world):
    client.force_login(people["supervisor"])

    with clock.frozen_at(NOW):
        response = client.post(reverse("reminders:delivery_retry", args=[world.failed_robot.pk]))

    detail = reverse("reminders:log_detail", args=["reminder", world.manual_school.pk])
    assert (response.status_code, response.url) == (302, detail)
    assert _messages(response) == ["已重新排队发送，稍后刷新查看结果。"]
    world.failed_robot.refresh_from_db()
    assert world.failed_robot.state == DeliveryState.PENDING
    assert world.failed_robot.not_before == _aware(NOW)
    event = AuditEvent.objects.get(verb="delivery.retry")
    assert (event.actor, event.object_id) == (people["supervisor"], str(world.failed_robot.pk))


def test_resending_through_htmx_answers_with_the_refreshed_detail(client, people, world):
    client.force_login(people["leader"])

    with clock.frozen_at(NOW):
        response = client.post(
            reverse("reminders:delivery_retry", args=[world.failed_robot.pk]), headers={"HX-Request": "true"}
        )

    content = response.content.decode()
    assert response.status_code == 200
    assert "已重新排队发送，稍后刷新查看结果。" in content
    assert ">重发</button>" not in content
    assert "待发送" in content
    assert Delivery.objects.get(pk=world.failed_robot.pk).state == DeliveryState.PENDING


@pytest.mark.parametrize("role", ["unit_manager", "unit_staff", "other_staff"])
def test_a_unit_cannot_resend_and_nothing_changes(client, people, world, role):
    client.force_login(people[role])
    before = _delivery_state()
    audit = AuditEvent.objects.count()

    with clock.frozen_at(NOW):
        response = client.post(reverse("reminders:delivery_retry", args=[world.failed_robot.pk]))

    assert response.status_code == 403
    assert _delivery_state() == before
    assert AuditEvent.objects.count() == audit


def test_a_delivery_that_did_not_fail_is_not_resent(client, people, world):
    client.force_login(people["supervisor"])
    sent = Delivery.objects.filter(state=DeliveryState.SENT).first()
    before = _delivery_state()

    with clock.frozen_at(NOW):
        response = client.post(reverse("reminders:delivery_retry", args=[sent.pk]))

    assert response.status_code == 302
    assert _messages(response) == ["只有发送失败的消息可以重发。"]
    assert _delivery_state() == before
    assert not AuditEvent.objects.filter(verb="delivery.retry").exists()


def test_the_resend_button_is_only_on_failed_deliveries(client, people, world):
    client.force_login(people["admin"])

    with clock.frozen_at(NOW):
        content = client.get(
            reverse("reminders:log_detail", args=["reminder", world.manual_other.pk]), headers={"HX-Request": "true"}
        ).content.decode()

    assert ">重发</button>" not in content
    assert "待发送" in content


# ---- query counts ---------------------------------------------------------------------------------------


def _grow(people, unit: Unit, *, reminders: int, members: int) -> None:
    """Remind `reminders` tasks of a unit with `members` e-mail users and a robot; fail and deliver some."""
    for number in range(members):
        UserFactory(role=Role.UNIT_STAFF, unit=unit, email=f"m{unit.pk}-{number}@example.cn")
    unit_robot_save(
        actor=people["admin"],
        unit=unit,
        kind="wecom",
        webhook_url=f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=grow-{unit.pk}",
        secret=None,
        is_active=True,
    )
    plan = PlanFactory()
    assignments = [AssignmentFactory(task=TaskFactory(plan=plan), unit=unit) for _ in range(reminders)]
    with clock.frozen_at(MANUAL_AT):
        created = reminder_send(actor=people["supervisor"], assignments=assignments, message="请报送。")
        escalation_raise(actor=people["supervisor"], assignment=assignments[0], reason="未报送。")
    for index, reminder in enumerate(created):
        robot = Delivery.objects.get(reminder=reminder, channel=Channel.WECOM)
        if index % 2:
            _fail(robot, attempts=3, detail="连接超时（8秒）")
        else:
            _deliver([robot])
        _deliver(Delivery.objects.filter(reminder=reminder, channel=Channel.EMAIL)[:1])
    Notification.objects.filter(reminder__in=created[::3]).update(read_at=_aware(MANUAL_AT))


def _count_queries(client, url: str, **query) -> tuple[int, int]:
    with clock.frozen_at(NOW), CaptureQueriesContext(connection) as queries:
        response = client.get(url, query)
    assert response.status_code == 200
    rows = response.context.get("rows")
    return len(queries), len(rows) if rows is not None else len(response.context["deliveries"])


# session, user, the header's unit and unread badge; count, rows, their deliveries and inbox copies; the unit
# filter, today's and this month's counts, the latest scans
LOG_QUERIES = 11


def test_the_log_page_costs_the_same_queries_for_4_rows_and_for_50(client, people, world, bureau):
    client.force_login(people["supervisor"])
    url = reverse("reminders:log")

    small = _count_queries(client, url)
    _grow(people, bureau["department"], reminders=60, members=3)
    large = _count_queries(client, url)
    filtered = _count_queries(client, url, state="failed", channel="wecom", unit=bureau["department"].pk)

    assert (small, large) == ((LOG_QUERIES, 4), (LOG_QUERIES, 50))
    assert filtered == (LOG_QUERIES, 30)
    assert Delivery.objects.filter(reminder__assignment__unit=bureau["department"]).count() == 60 * 4


def test_the_detail_costs_the_same_queries_for_few_and_many_deliveries(client, people, world, bureau):
    client.force_login(people["supervisor"])
    _grow(people, bureau["department"], reminders=2, members=12)
    few = reverse("reminders:log_detail", args=["reminder", world.manual_other.pk])
    many_reminder = Reminder.objects.filter(assignment__unit=bureau["department"]).order_by("pk")[1]
    many = reverse("reminders:log_detail", args=["reminder", many_reminder.pk])

    with clock.frozen_at(NOW):
        counts = [_count_queries(client, url) for url in (few, many)]

    assert counts == [(8, 2), (8, 13)]  # session, user, header (unit, unread); record, deliveries, tries, inbox


# ---- message settings -----------------------------------------------------------------------------------


def _settings_post(client, **data):
    with clock.frozen_at(NOW):
        return client.post(reverse("reminders:settings"), data)


def test_without_a_choice_the_settings_show_the_defaults_the_engine_applies(client, settings, db):
    settings.DEFAULT_QUIET_HOURS = "21:30-07:30"
    settings.SMS_BACKEND = ""
    user = UserFactory(username="t_mail", role=Role.UNIT_STAFF, email="mail@example.cn", phone="13900001111")
    client.force_login(user)

    response = client.get(reverse("reminders:settings"))

    form = response.context["form"]
    assert form["email"].value() is True
    assert form["sms"].value() is False
    assert (form["quiet_start"].value(), form["quiet_end"].value()) == (datetime.time(21, 30), datetime.time(7, 30))
    assert form.fields["sms"].disabled and not form.fields["email"].disabled
    content = response.content.decode()
    assert "发到 mail@example.cn" in content
    assert "本系统暂未开通短信发送" in content
    assert "现在使用系统默认的 21:30-07:30" in content
    assert "站内消息" in content and "始终开启" in content


def test_a_person_without_an_email_address_is_told_so_and_cannot_choose_email(client, people):
    client.force_login(people["unit_staff"])

    response = client.get(reverse("reminders:settings"))

    assert response.context["form"].fields["email"].disabled
    assert "您的账号没有登记邮箱" in response.content.decode()


def test_saving_the_settings_creates_then_updates_the_preference_audited(client, settings, db):
    settings.SMS_BACKEND = "reminders.channels.sms.AliyunSmsBackend"
    user = UserFactory(username="t_phone", role=Role.UNIT_STAFF, email="p@example.cn", phone="13900001111")
    client.force_login(user)

    first = _settings_post(client, email="on", sms="on", quiet_start="22:00", quiet_end="07:00")
    second = _settings_post(client, sms="on", quiet_start="", quiet_end="")

    assert (first.status_code, first.url) == (302, reverse("reminders:settings"))
    assert _messages(first) == ["消息设置已保存。"]
    assert second.status_code == 302
    preference = ChannelPreference.objects.get(user=user)
    assert (preference.email, preference.sms, preference.quiet_start, preference.quiet_end) == (
        False,
        True,
        None,
        None,
    )
    events = list(AuditEvent.objects.filter(verb__startswith="channel_preference").order_by("pk"))
    assert [event.verb for event in events] == ["channel_preference.create", "channel_preference.update"]
    assert events[1].changes == {
        "email": [True, False],
        "quiet_start": ["22:00:00", None],
        "quiet_end": ["07:00:00", None],
    }


def test_sms_cannot_be_chosen_while_the_site_has_no_sms_gateway(client, settings, db):
    settings.SMS_BACKEND = ""
    user = UserFactory(username="t_nosms", role=Role.UNIT_STAFF, email="n@example.cn", phone="13900002222")
    client.force_login(user)

    _settings_post(client, email="on", sms="on", quiet_start="21:00", quiet_end="08:00")

    assert ChannelPreference.objects.get(user=user).sms is False


@pytest.mark.parametrize(
    ("data", "field", "error"),
    [
        ({"quiet_start": "21:00", "quiet_end": ""}, "quiet_end", "请填写免打扰结束时间，或把开始时间也清空。"),
        ({"quiet_start": "", "quiet_end": "08:00"}, "quiet_start", "请填写免打扰开始时间，或把结束时间也清空。"),
        (
            {"quiet_start": "21:00", "quiet_end": "21:00"},
            "quiet_end",
            "结束时间不能与开始时间相同；不需要免打扰请两项都留空。",
        ),
        ({"quiet_start": "25:00", "quiet_end": "08:00"}, "quiet_start", "请按“时:分”填写，如 21:00。"),
    ],
)
def test_half_or_wrong_quiet_hours_are_refused_next_to_the_field_and_nothing_is_saved(
    client, people, data, field, error
):
    client.force_login(people["unit_staff"])

    response = _settings_post(client, **data)

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [error]
    assert error in response.content.decode()
    assert not ChannelPreference.objects.exists()
    assert not AuditEvent.objects.filter(verb__startswith="channel_preference").exists()
    assert f'value="{data["quiet_start"]}"' in response.content.decode()  # what was typed is kept


# ---- a unit's group robots -------------------------------------------------------------------------------


def _robot_post(client, url: str, kind: str, **data):
    with clock.frozen_at(NOW):
        return client.post(url, {f"robot-{kind}-{name}": value for name, value in data.items()})


def test_a_unit_manager_adds_a_robot_and_its_token_never_reaches_the_page_or_the_audit(client, people):
    client.force_login(people["unit_manager"])
    url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abcd-very-secret-token"

    response = _robot_post(
        client, reverse("reminders:robot_add", args=["wecom"]), "wecom", webhook_url=url, is_active="on"
    )

    assert (response.status_code, response.url) == (302, reverse("reminders:settings") + "#robots")
    robot = UnitRobot.objects.get()
    assert (robot.unit, robot.kind, robot.webhook_url, robot.is_active, robot.updated_by) == (
        people["unit_manager"].unit,
        "wecom",
        url,
        True,
        people["unit_manager"],
    )
    page = client.get(reverse("reminders:settings")).content.decode()
    assert "abcd…" in page and "very-secret-token" not in page
    event = AuditEvent.objects.get(verb="unit_robot.create")
    assert "very-secret-token" not in json.dumps(event.changes, ensure_ascii=False)


def test_a_robot_is_edited_keeping_what_was_left_blank_and_its_secret_is_never_shown(client, people, world):
    manager = UserFactory(username="t_other_manager", role=Role.UNIT_MANAGER, unit=world.other_school)
    client.force_login(manager)
    edit = reverse("reminders:robot_edit", args=[world.other_robot.pk])

    page = client.get(reverse("reminders:settings")).content.decode()
    _robot_post(client, edit, "dingtalk", webhook_url="", secret="", is_active="")

    robot = UnitRobot.objects.get(pk=world.other_robot.pk)
    assert (robot.webhook_url, robot.secret, robot.is_active) == (DINGTALK_URL, DINGTALK_SECRET, False)
    assert DINGTALK_SECRET not in page and "other-dingtalk-token" not in page
    assert "已设置" in page
    _robot_post(client, edit, "dingtalk", webhook_url="", clear_secret="on", is_active="on")
    robot.refresh_from_db()
    assert (robot.webhook_url, robot.secret, robot.is_active) == (DINGTALK_URL, "", True)
    changes = [event.changes for event in AuditEvent.objects.filter(verb="unit_robot.update").order_by("pk")]
    assert changes == [{"is_active": [True, False]}, {"secret": ["已设置", ""], "is_active": [False, True]}]


@pytest.mark.parametrize(
    ("kind", "url", "error"),
    [
        ("wecom", "https://evil.example.com/cgi-bin/webhook/send?key=x", "域名须为以下之一"),
        ("wecom", "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x", "须以 https:// 开头"),
        (
            "wecom",
            "https://oapi.dingtalk.com/robot/send?access_token=x",
            "这是钉钉群机器人的地址，请填在钉钉群机器人一栏。",
        ),
        ("dingtalk", "", "请填写机器人的 Webhook 地址，在群机器人设置中复制。"),
    ],
)
def test_a_robot_address_that_is_not_allowed_is_refused_and_nothing_changes(client, people, kind, url, error):
    client.force_login(people["unit_manager"])

    response = _robot_post(client, reverse("reminders:robot_add", args=[kind]), kind, webhook_url=url, is_active="on")

    assert response.status_code == 200
    assert error in " ".join(response.context["robot_forms"][0 if kind == "wecom" else 1].errors["webhook_url"])
    assert not UnitRobot.objects.exists()
    assert not AuditEvent.objects.filter(verb__startswith="unit_robot").exists()
    content = response.content.decode()
    if url:
        assert f'value="{url}"' in content
    assert f'action="{reverse("reminders:settings")}"' in content  # the channel form still posts to its own page


def test_a_unit_manager_cannot_touch_another_units_robot(client, people, world):
    client.force_login(people["unit_manager"])  # the school's manager; the DingTalk robot is the other school's
    before = list(UnitRobot.objects.order_by("pk").values())

    edit = _robot_post(
        client,
        reverse("reminders:robot_edit", args=[world.other_robot.pk]),
        "dingtalk",
        webhook_url="https://oapi.dingtalk.com/robot/send?access_token=hijacked",
        is_active="on",
    )
    test = client.post(reverse("reminders:robot_test", args=[world.other_robot.pk]))

    assert (edit.status_code, test.status_code) == (404, 404)
    assert list(UnitRobot.objects.order_by("pk").values()) == before


@pytest.mark.parametrize("role", ["unit_staff", "supervisor", "admin"])
def test_only_unit_managers_set_up_robots_on_the_page(client, people, world, role):
    client.force_login(people[role])
    before = list(UnitRobot.objects.order_by("pk").values())

    add = _robot_post(
        client,
        reverse("reminders:robot_add", args=["dingtalk"]),
        "dingtalk",
        webhook_url="https://oapi.dingtalk.com/robot/send?access_token=t",
        is_active="on",
    )
    edit = client.post(reverse("reminders:robot_edit", args=[world.school_robot.pk]))
    test = client.post(reverse("reminders:robot_test", args=[world.school_robot.pk]))

    assert (add.status_code, edit.status_code, test.status_code) == (403, 403, 403)
    assert list(UnitRobot.objects.order_by("pk").values()) == before


class _RobotServer:
    """A WeCom robot on 127.0.0.1 that answers with the errcode it is given and keeps what it received."""

    def __init__(self, errcode: int) -> None:
        server = self
        self.received: list[dict] = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                server.received.append({"key": self.headers["X-Tracker-Delivery-Key"], "body": json.loads(body)})
                reply = json.dumps({"errcode": errcode, "errmsg": "ok" if errcode == 0 else "invalid webhook url"})
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(reply.encode())

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/cgi-bin/webhook/send?key=local-test"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.mark.parametrize(
    ("errcode", "level", "message"),
    [
        (0, "success", "测试消息已发出（企业微信机器人已接收），请到群里查看。"),
        (93000, "error", "测试消息发送失败：企业微信"),
    ],
)
def test_the_test_button_sends_a_message_now_and_says_whether_it_arrived(
    client, people, settings, errcode, level, message
):
    settings.ROBOT_WEBHOOK_ALLOWED_HOSTS = ["qyapi.weixin.qq.com", "127.0.0.1"]
    server = _RobotServer(errcode)
    try:
        robot = unit_robot_save(
            actor=people["unit_manager"],
            unit=people["unit_manager"].unit,
            kind="wecom",
            webhook_url=server.url,
            secret=None,
            is_active=True,
        )
        client.force_login(people["unit_manager"])
        with clock.frozen_at(NOW):
            response = client.post(reverse("reminders:robot_test", args=[robot.pk]))
    finally:
        server.close()

    assert (response.status_code, response.url) == (302, reverse("reminders:settings") + "#robots")
    [shown] = list(get_messages(response.wsgi_request))
    assert shown.level_tag == level
    assert str(shown).startswith(message)
    [received] = server.received
    assert received["key"].startswith(f"test:{robot.pk}:")
    assert "测试消息" in received["body"]["markdown"]["content"]
    assert not Delivery.objects.exists()


# ---- the admin ------------------------------------------------------------------------------------------


@pytest.fixture
def admin_client_user(client, people):
    admin = people["admin"]
    User.objects.filter(pk=admin.pk).update(is_staff=True, is_superuser=True)
    client.force_login(User.objects.get(pk=admin.pk))
    return client


def test_the_admin_lists_robots_masked_and_the_logs_read_only(admin_client_user, world):
    client = admin_client_user

    robots = client.get(reverse("admin:reminders_unitrobot_changelist")).content.decode()
    change = client.get(reverse("admin:reminders_unitrobot_change", args=[world.other_robot.pk])).content.decode()
    deliveries = client.get(reverse("admin:reminders_delivery_changelist"), {"state__exact": "failed"})
    delivery = client.get(reverse("admin:reminders_delivery_change", args=[world.failed_robot.pk]))
    scans = client.get(reverse("admin:reminders_scanrun_changelist"))

    assert "scho…" in robots and "school-wecom-token" not in robots
    assert "other-dingtalk-token" not in change.replace("othe…", "") and DINGTALK_SECRET not in change
    assert deliveries.status_code == 200 and deliveries.context["cl"].result_count == 1
    assert delivery.status_code == 200 and "企业微信返回错误 93000" in delivery.content.decode()
    assert scans.status_code == 200
    assert client.get(reverse("admin:reminders_delivery_add")).status_code == 403
    assert client.get(reverse("admin:reminders_scanrun_add")).status_code == 403


def test_an_admin_changes_a_robot_through_the_service_keeping_the_blank_address(admin_client_user, world):
    client = admin_client_user

    response = client.post(
        reverse("admin:reminders_unitrobot_change", args=[world.other_robot.pk]),
        {"webhook_url": "", "secret": "", "is_active": ""},
    )

    assert response.status_code == 302
    robot = UnitRobot.objects.get(pk=world.other_robot.pk)
    assert (robot.webhook_url, robot.secret, robot.is_active) == (DINGTALK_URL, DINGTALK_SECRET, False)
    assert AuditEvent.objects.filter(verb="unit_robot.update").get().changes == {"is_active": [True, False]}


def test_the_periodic_tasks_of_celery_beat_are_in_the_admin(admin_client_user):
    index = admin_client_user.get(reverse("admin:index")).content.decode()

    assert reverse("admin:django_celery_beat_periodictask_changelist") in index
    assert admin_client_user.get(reverse("admin:django_celery_beat_periodictask_changelist")).status_code == 200


def test_the_nav_links_the_log_for_the_bureau_and_the_settings_for_everyone(client, people):
    for role in ("supervisor", "unit_staff"):
        client.force_login(people[role])
        content = client.get(reverse("reminders:settings")).content.decode()
        assert (f'href="{reverse("reminders:log")}"' in content) == (role == "supervisor")
        assert f'href="{reverse("reminders:settings")}"' in content
